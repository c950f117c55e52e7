"""Crash-safe re-index: `kill -9` of `python -m ingest` at many moments of a run never damages
the published generation, and the next run completes without manual clean-up."""

import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from ingest.index import current_generation, read_json
from search_app.generations import IndexHandle
from search_app.search import search

from .conftest import SHARED_DATA, copy_corpus, run_cli, start_cli, wait_until

KILLS = 18  # spread over the run by time
WRITE_PHASE_KILLS = [0.0, 0.02, 0.05, 0.1]  # after the new generation's directory appears
REAL_PDFS = ["(TAND083636)-27.2019.AL.pdf"]


def start_ingest(corpus: Path, index_dir: Path) -> subprocess.Popen:
    return start_cli("--corpus", corpus, "--index", index_dir, "--quiet")


def run_ingest_cli(corpus: Path, index_dir: Path) -> subprocess.CompletedProcess:
    return run_cli("--corpus", corpus, "--index", index_dir, "--quiet")


def change_corpus(corpus: Path, extra: list[Path], round_: int) -> None:
    """Work for the next run: an edited text, edited PDFs (new hashes: extraction is not
    cached), and a real PDF added or removed."""
    letter = corpus / "cv-9455-skhcn-mau-son.txt"
    letter.write_text(letter.read_text(encoding="utf-8") + f"\nGhi chú lần sửa thứ {round_}.\n", encoding="utf-8")
    for name in ("kh-9071-ubnd-mau-son-2025-2030.pdf", "qd-9322-ttg-chuong-trinh-nang-suat.pdf"):
        with open(corpus / name, "ab") as fh:  # bytes after %%EOF: same document, new hash
            fh.write(b"%% round %d\n" % round_)
    for i, pdf in enumerate(extra):
        target = corpus / pdf.name
        if (round_ + i) % 3 == 0 and target.exists():
            target.unlink()
        else:
            target.write_bytes(pdf.read_bytes() + b"%% round %d\n" % round_)


def answers(index_dir: Path) -> str:
    """The published generation opens and answers a search; returns its name."""
    handle = IndexHandle(index_dir)
    gen = handle.generation()
    assert gen is not None
    result = search(handle, "năng suất chất lượng")
    assert result.total > 0 and result.generation == gen.name
    assert search(handle, "9322/QĐ-TTg").hits[0].doc_id == "qd-9322-ttg-chuong-trinh-nang-suat"
    for doc_id in gen.catalog:  # every record of the catalog is readable
        assert read_json(gen.path / "docs" / f"{doc_id}.json")["doc_id"] == doc_id
    return gen.name


@pytest.fixture
def crash_setup(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    extra = [SHARED_DATA / "pdf" / "text" / name for name in REAL_PDFS]
    extra = [p for p in extra if p.exists()]  # without shared data: the sample corpus only
    for pdf in extra:
        shutil.copy(pdf, corpus / pdf.name)
    index_dir = tmp_path / "index"
    proc = run_ingest_cli(corpus, index_dir)
    assert proc.returncode == 0, proc.stderr
    return corpus, index_dir, extra


@pytest.mark.slow
def test_kill_9_at_many_moments(crash_setup):
    corpus, index_dir, extra = crash_setup
    answers(index_dir)
    # Time one run with the same kind of changes, and spread the kills over it, from
    # interpreter start-up to publishing, plus a few beyond it (a run that just finished).
    change_corpus(corpus, extra, 0)
    t = time.monotonic()
    assert run_ingest_cli(corpus, index_dir).returncode == 0
    span = max((time.monotonic() - t) * 1.1, 1.0)
    offsets: list[tuple[str, float]] = [("time", span * (i + 0.5) / KILLS) for i in range(KILLS)]
    offsets += [("write", delay) for delay in WRITE_PHASE_KILLS]
    moments = {"before publish": 0, "after publish": 0, "left temporaries": 0}
    started = time.monotonic()
    for round_, (kind, offset) in enumerate(offsets, start=1):
        before = current_generation(index_dir).name
        change_corpus(corpus, extra, round_)
        proc = start_ingest(corpus, index_dir)
        if kind == "time":
            time.sleep(offset)
        else:  # while the next generation is being written
            def writing() -> bool:
                assert proc.poll() is None, "the job ended before a write phase was seen"
                return any(p.name.startswith("gen-") and ".tmp-" in p.name for p in index_dir.iterdir())

            wait_until(writing, "the write phase", interval=0.005)
            time.sleep(offset)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

        served = answers(index_dir)  # the published generation: the previous one, or the new
        assert served in (before, f"gen-{int(before[4:]) + 1:06d}"), (before, served)
        moments["before publish" if served == before else "after publish"] += 1
        if any(".tmp-" in p.name for p in index_dir.iterdir()):
            moments["left temporaries"] += 1

        done = run_ingest_cli(corpus, index_dir)  # no clean-up in between
        assert done.returncode == 0, (offset, done.stderr)
        assert not [p.name for p in index_dir.iterdir() if ".tmp-" in p.name]
        after = answers(index_dir)
        gen = current_generation(index_dir)
        catalog = read_json(gen / "catalog.json")
        manifest = read_json(gen / "manifest.json")
        on_disk = {p.name for p in corpus.iterdir() if p.suffix in (".pdf", ".txt", ".docx")}
        assert set(manifest["files"]) == on_disk, (round_, offset)
        assert {s for entry in catalog.values() for s in entry["sources"]} == on_disk
        assert f"lần sửa thứ {round_}." in read_json(gen / "docs" / "cv-9455-skhcn-mau-son.json")["text"]
        assert int(after[4:]) >= int(served[4:])
    print(f"\n{len(offsets)} kills over {span:.1f}s runs in {time.monotonic() - started:.0f}s: {moments}")
    assert moments["before publish"] >= KILLS // 2  # most kills landed inside the run
    assert moments["left temporaries"] >= 1  # some landed while a generation was being written


def test_cache_files_left_half_written_by_a_killed_parser_are_removed(sample_copy):
    # A parser process stopped while it writes a cache file (the run failed, or was killed)
    # leaves "<file>.tmp-PID" under cache/; the next run removes it with the other left-overs.
    from ingest.pipeline import run_ingest

    corpus, index_dir = sample_copy
    stale = [index_dir / "cache" / "compounds-9.5.0-v1" / "qd-9902.pickle.tmp-10563",
             index_dir / "cache" / "extract" / "ab" / "cd.json.tmp-7"]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    report = run_ingest(corpus, index_dir, progress=False)
    assert report.exit_status == 0, report.to_dict()
    assert not any(path.exists() for path in stale)
    assert {str(p.relative_to(index_dir)) for p in stale} <= set(report.removed_temporaries)
