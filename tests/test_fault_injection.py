"""I/O errors at every write step of a run (the INGEST_FAIL_AT hook of ingest/faults.py) and a
full disk: the run exits 2 with a message naming the step and the path, the published
generation keeps answering the same, and the next clean run succeeds and leaves no
temporaries."""

import ast
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ingest import faults
from ingest.index import current_generation
from ingest.pipeline import run_ingest
from search_app.generations import IndexHandle
from search_app.search import search

from .conftest import ROOT, need, run_cli

QUERIES = ("năng suất chất lượng", "9455/SKHCN-TĐC", "cây lộc vừng", "cá tầm nước lạnh")
REMOVED = "cv-9455-skhcn-mau-son.txt"
REMOVED_ID = "cv-9455-skhcn-mau-son"
NEW_DOCS = {
    "qd-9901-mau-son-loc-vung.txt": "Điều 1. Trồng cây lộc vừng ven hồ Mẫu Sơn.",
    "qd-9902-mau-son-ca-tam.txt": "Điều 1. Nuôi cá tầm nước lạnh ở thượng nguồn Mẫu Sơn.",
}
FAST_STEPS = ("write-doc", "rename-generation", "switch-current")


def change_corpus(corpus: Path) -> None:
    """Work that reaches every write step: two new documents (two parser processes), one
    removed, and a temporary left by a killed run."""
    for name, article in NEW_DOCS.items():
        number = name.split("-")[1]
        (corpus / name).write_text(
            f"VĂN BẢN MẪU\nỦY BAN NHÂN DÂN TỈNH MẪU SƠN\nSố: {number}/QĐ-UBND\nQUYẾT ĐỊNH\n{article}\n",
            encoding="utf-8")
    (corpus / REMOVED).unlink()


def answers(index_dir: Path) -> dict[str, list[tuple[str, str]]]:
    handle = IndexHandle(index_dir)
    return {q: [(h.doc_id, h.anchor) for h in search(handle, q).hits] for q in QUERIES}


def temporaries(index_dir: Path) -> list[str]:
    return [str(p.relative_to(index_dir)) for p in index_dir.rglob("*")
            if ".tmp" in p.name or p.name.startswith(".part-")]


def ingest_cli(corpus: Path, index_dir: Path, **env: str) -> subprocess.CompletedProcess:
    return run_cli("--corpus", corpus, "--index", index_dir, "--report", index_dir / "report.json",
                   "--workers", "2", "--quiet", env={**os.environ, **env})


def check_fault_at(step: str, corpus: Path, index_dir: Path) -> None:
    before_gen = current_generation(index_dir).name
    before = answers(index_dir)
    assert REMOVED_ID in {d for d, _ in before["9455/SKHCN-TĐC"]} and not before["cây lộc vừng"]
    change_corpus(corpus)
    (index_dir / "gen-000099.tmp-1").mkdir()

    proc = ingest_cli(corpus, index_dir, INGEST_FAIL_AT=step)

    if step in faults.SURVIVABLE:  # a cache: a warning, and the run goes on
        assert proc.returncode == 0, proc.stderr
        assert "cannot write the" in proc.stderr and "injected by INGEST_FAIL_AT" in proc.stderr
    else:
        assert proc.returncode == 2, proc.stderr
        message = next(line for line in proc.stderr.splitlines() if line.startswith("ingest: error:"))
        assert f"I/O error at step {step} on {index_dir}" in message, message
        assert "injected by INGEST_FAIL_AT" in message
        if step not in ("write-report", "rename-report"):
            error = json.loads((index_dir / "report.json").read_text(encoding="utf-8"))["error"]
            assert error["step"] == step and error["path"].startswith(str(index_dir)), error
    served = current_generation(index_dir).name
    if step in faults.AFTER_PUBLISH or step in faults.SURVIVABLE:
        assert served != before_gen and answers(index_dir)["cây lộc vừng"]
    else:
        assert served == before_gen
        assert answers(index_dir) == before  # the published generation answers the same

    done = ingest_cli(corpus, index_dir)
    assert done.returncode == 0, done.stderr
    assert not temporaries(index_dir)
    after = answers(index_dir)
    assert after["cây lộc vừng"] and after["cá tầm nước lạnh"]
    assert REMOVED_ID not in {d for d, _ in after["9455/SKHCN-TĐC"]}
    assert after["năng suất chất lượng"] == before["năng suất chất lượng"]


@pytest.mark.parametrize("step", FAST_STEPS)
def test_io_error_at_a_write_step(step, sample_copy):
    check_fault_at(step, *sample_copy)


@pytest.mark.slow
@pytest.mark.parametrize("step", [s for s in faults.STEPS if s not in FAST_STEPS])
def test_io_error_at_every_write_step(step, sample_copy):
    check_fault_at(step, *sample_copy)


def _step_names_in_code() -> set[str]:
    """Step names at every call of the hook: checkpoint/write_step("name", …), and the
    helpers that pass a name on (_write_json's "what", _write_aside's step, _fsync's step)."""
    names: set[str] = set()
    for source in (ROOT / "ingest").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = getattr(node.func, "id", getattr(node.func, "attr", ""))
            arg = {"checkpoint": 0, "write_step": 0, "_fsync": 1, "_write_aside": 2, "_write_json": 2}.get(func)
            if arg is None or len(node.args) <= arg:
                continue
            value = node.args[arg]
            if isinstance(value, ast.Constant):
                names |= {f"write-{value.value}", f"rename-{value.value}"} if func == "_write_json" else {value.value}
            else:  # a name passed on: only inside the helpers listed above
                assert func in ("checkpoint", "write_step"), (source.name, ast.dump(node))
    return names


def test_every_write_step_of_the_code_is_listed():
    in_code = _step_names_in_code()
    assert in_code == set(faults.STEPS), (in_code ^ set(faults.STEPS))
    assert faults.SURVIVABLE <= set(faults.STEPS) and faults.AFTER_PUBLISH <= set(faults.STEPS)


def test_disk_full_by_the_hook(sample_copy, monkeypatch):
    corpus, index_dir = sample_copy
    before = answers(index_dir)
    change_corpus(corpus)
    monkeypatch.setenv("INGEST_FAIL_AT", "write-catalog")
    monkeypatch.setenv("INGEST_FAIL_ERRNO", "ENOSPC")
    report = run_ingest(corpus, index_dir, workers=1, progress=False)
    assert report.exit_status == 2
    assert report.error.step == "write-catalog"
    assert "No space left on device" in str(report.error)
    assert report.error.path.endswith("catalog.json") and ".tmp-" in report.error.path
    assert answers(index_dir) == before
    monkeypatch.delenv("INGEST_FAIL_AT")
    assert run_ingest(corpus, index_dir, workers=1, progress=False).exit_status == 0
    assert not temporaries(index_dir)
    assert answers(index_dir)["cây lộc vừng"]


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MB tmpfs (needs root, as in CI)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    need(proc.returncode == 0, f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_on_a_small_file_system(sample_copy, small_disk):
    corpus, sample_index = sample_copy
    index_dir = small_disk / "index"
    shutil.copytree(sample_index, index_dir)
    before = answers(index_dir)
    change_corpus(corpus)
    # A document larger than what is left on the disk.
    lines = [f"Điều {i}. Doanh nghiệp mẫu số {i} tại Mẫu Sơn được hỗ trợ chuyển đổi số." for i in range(1, 1500)]
    (corpus / "qd-9903-mau-son-lon.txt").write_text(
        "VĂN BẢN MẪU\nSố: 9903/QĐ-UBND\nQUYẾT ĐỊNH\n" + "\n".join(lines) + "\n", encoding="utf-8")
    stats = os.statvfs(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (stats.f_bavail * stats.f_frsize - 64 * 1024))

    proc = ingest_cli(corpus, index_dir)
    assert proc.returncode == 2, proc.stderr
    assert "I/O error at step " in proc.stderr and "No space left on device" in proc.stderr, proc.stderr
    assert answers(index_dir) == before

    filler.unlink()
    done = ingest_cli(corpus, index_dir)
    assert done.returncode == 0, done.stderr
    assert not temporaries(index_dir)
    assert answers(index_dir)["cây lộc vừng"]
    assert search(IndexHandle(index_dir), "Doanh nghiệp mẫu số 1499").hits
