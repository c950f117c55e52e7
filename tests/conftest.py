import os
import shutil
import sys
from pathlib import Path

import pytest

from ingest import run_ingest
from search_app import create_app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "corpus"
SAMPLES = ROOT / "samples"
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


sys.path.insert(0, str(ROOT))
