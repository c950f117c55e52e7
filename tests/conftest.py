import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import run_ingest
from search_app import create_app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "corpus"
SAMPLES = ROOT / "samples"
SAMPLE_COUNT = len(list(SAMPLES.glob("*.toml")))  # one expected-metadata file per corpus document
SHARED_DATA = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))
REQUIRE_ALL = os.environ.get("REQUIRE_ALL_TESTS") == "1"


def need(condition: bool, reason: str) -> None:
    """Skip when an optional tool or data set is missing; under REQUIRE_ALL_TESTS=1 (.ci/run)
    that is a failure instead."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def shared(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    need(path.exists(), f"shared data not found at {path} (set SHARED_DATA_DIR)")
    return path


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("sample-index")
    report = run_ingest(SAMPLE_CORPUS, index_dir, progress=False)
    assert report.exit_status == 0, report.to_dict()
    return index_dir


@pytest.fixture
def sample_copy(sample_index, tmp_path):
    """(corpus, index) of the test's own to change or damage: copies of the sample corpus and
    of sample_index, with file times kept, so a run on them finds every document unchanged."""
    corpus = copy_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    shutil.copytree(sample_index, index_dir)
    return corpus, index_dir


@pytest.fixture
def sample_app(sample_index):
    app = create_app(index_dir=sample_index, corpus_dir=SAMPLE_CORPUS, TESTING=True)
    return app


@pytest.fixture
def client(sample_app):
    return sample_app.test_client()


@pytest.fixture(scope="session")
def real_corpus(tmp_path_factory):
    """A copy of the text-layer PDFs of the shared data (symlinks out of a corpus are refused)."""
    source = shared("pdf", "text")
    corpus = tmp_path_factory.mktemp("real-corpus")
    for pdf in sorted(source.glob("*.pdf")):
        shutil.copy(pdf, corpus / pdf.name)
    return corpus


@pytest.fixture(scope="session")
def real_index(real_corpus, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("real-index")
    report = run_ingest(real_corpus, index_dir, progress=False)
    assert report.exit_status == 0, report.to_dict()
    return index_dir, report


@pytest.fixture
def real_client(real_index, real_corpus):
    app = create_app(index_dir=real_index[0], corpus_dir=real_corpus, TESTING=True)
    return app.test_client()


def copy_corpus(dest: Path) -> Path:
    shutil.copytree(SAMPLE_CORPUS, dest)
    return dest


def ingest_command(*args) -> list[str]:
    """`python -m ingest ARGS`, as an operator types it (run from the repository root)."""
    return [sys.executable, "-m", "ingest", *map(str, args)]


def run_cli(*args, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Runs the batch job in a child process to its end; output captured as text."""
    return subprocess.run(ingest_command(*args), cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def start_cli(*args) -> subprocess.Popen:
    """Starts the batch job in a child process and returns at once (to kill it, or to run a
    second job beside it)."""
    return subprocess.Popen(ingest_command(*args), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_until(predicate, what: str, timeout: float = 60, interval: float = 0.02) -> None:
    """Returns as soon as `predicate()` is true; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        time.sleep(interval)


sys.path.insert(0, str(ROOT))
