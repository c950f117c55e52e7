"""The batch job on the sample corpus: metadata, structure, incremental re-runs, exit status."""

import json
import os
import time
import tomllib
from dataclasses import asdict
from pathlib import Path

import pytest

from ingest.index import current_generation, read_json
from ingest.locking import IndexLocked, index_lock
from ingest.model import Document
from ingest.pipeline import run_ingest

from .conftest import SAMPLE_COUNT, SAMPLES, copy_corpus, run_cli

SAMPLE_SOURCES = sorted(SAMPLES.glob("*.toml"))


def load_document(index_dir: Path, doc_id: str) -> Document:
    return Document.from_dict(read_json(current_generation(index_dir) / "docs" / f"{doc_id}.json"))


def doc_id_of(index_dir: Path, filename: str) -> str:
    catalog = read_json(current_generation(index_dir) / "catalog.json")
    return next(doc_id for doc_id, entry in catalog.items() if entry["sources"] == [filename])


@pytest.mark.parametrize("source", SAMPLE_SOURCES, ids=lambda p: p.stem)
def test_sample_metadata_matches_its_source(sample_index, source):
    expected = tomllib.loads(source.read_text(encoding="utf-8"))
    document = load_document(sample_index, doc_id_of(sample_index, expected["file"]))
    assert asdict(document.meta) == expected["meta"]


@pytest.mark.parametrize("source", SAMPLE_SOURCES, ids=lambda p: p.stem)
def test_sample_outline_matches_its_source(sample_index, source):
    """The units a reader would list (an attachment's own Chương and Điều under it, a plan's
    1.1 under 1), in order; the preamble and the text under a heading before its first numbered
    child are units too, but not outline entries."""
    expected = tomllib.loads(source.read_text(encoding="utf-8"))
    document = load_document(sample_index, doc_id_of(sample_index, expected["file"]))
    assert [u.path for u in document.units if u.kind not in ("preamble", "body", "intro")] == expected["outline"]


def test_attachment_units_are_cited_through_their_attachment(sample_index):
    doc = load_document(sample_index, doc_id_of(sample_index, "qd-9218-2026-ubnd-mau-son-ho-tro-tu-van.pdf"))
    own: dict = {}
    for unit in doc.units:
        own.setdefault(unit.path, unit)  # a part before the intro unit that shares its path
    assert own["Điều 1"].attachment == "" and own["Quy định"].kind == "part"
    clause = own["Quy định › Chương II › Điều 4 › Khoản 1"]
    assert (clause.label, clause.attachment) == ("Khoản 1 Điều 4", "Quy định ban hành kèm theo")
    assert clause.anchor.startswith("quy-dinh.") and clause.anchor != own["Điều 1"].anchor
    assert own["Phụ lục I"].attachment == "Phụ lục I kèm theo"
    # the signature block of the decision belongs to no unit, and closes its metadata
    assert all("Nơi nhận" not in doc.unit_text(u) for u in doc.units if not u.is_container)
    assert doc.meta.signer == "Trần Thị B"


def test_decision_units_pages_and_references(sample_index):
    doc = load_document(sample_index, doc_id_of(sample_index, "qd-9322-ttg-chuong-trinh-nang-suat.pdf"))
    by_label = {u.label: u for u in doc.units}
    point = by_label["Điểm a Khoản 2 Điều 1"]
    assert "ISO 9001" in doc.unit_text(point)
    assert point.page == 2
    # The running header and page footer of every page are not part of any clause.
    for unit in doc.units:
        assert "KHÔNG CÓ GIÁ TRỊ PHÁP LÝ" not in doc.unit_text(unit)
        assert "Trang " not in doc.unit_text(unit).splitlines()[-1]
    # "… quy định tại\nĐiều 8 của Luật …" is a reference, not Điều 8 of the decision.
    assert [u.number for u in doc.units if u.kind == "dieu"] == ["1", "2", "3"]


def test_plan_cites_the_decision(sample_index):
    doc = load_document(sample_index, doc_id_of(sample_index, "kh-9071-ubnd-mau-son-2025-2030.pdf"))
    keys = {r.key for r in doc.references}
    assert "9322/QD-TTG" in keys
    first = next(r for r in doc.references if r.key == "9322/QD-TTG")
    assert first.doc_type == "Quyết định"
    assert doc.text[first.start : first.end].replace("\n", " ") == first.text


def test_every_unit_points_back_into_the_text(sample_index):
    for path in (current_generation(sample_index) / "docs").glob("*.json"):
        doc = load_document(sample_index, path.stem)
        for unit in doc.units:
            text = doc.unit_text(unit)
            assert text.strip(), unit
            if unit.kind == "dieu":
                assert text.startswith(f"Điều {unit.number}")
            if unit.kind == "diem":
                assert text.startswith(f"{unit.number})")


def test_second_run_parses_nothing_and_changes_are_incremental(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    first = run_ingest(corpus, index_dir, progress=False)
    assert first.counts == {"indexed": SAMPLE_COUNT, "unchanged": 0, "removed": 0, "failed": 0}
    # every line of every sample, attachments included, is in exactly one indexed unit
    assert {f.path: f.coverage for f in first.files} == {f.path: 1.0 for f in first.files}
    generation = first.generation

    second = run_ingest(corpus, index_dir, progress=False)
    assert second.counts == {"indexed": 0, "unchanged": SAMPLE_COUNT, "removed": 0, "failed": 0}
    assert second.generation == generation  # nothing to publish

    # touch: a new mtime but the same content is still unchanged (content hash decides)
    letter = corpus / "cv-9455-skhcn-mau-son.txt"
    os.utime(letter, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert run_ingest(corpus, index_dir, progress=False).counts["unchanged"] == SAMPLE_COUNT

    # an edit re-parses exactly that file
    letter.write_text(letter.read_text(encoding="utf-8") + "\nGhi chú bổ sung về thử nghiệm tăng ca.\n",
                      encoding="utf-8")
    third = run_ingest(corpus, index_dir, progress=False)
    assert [(f.path, f.outcome) for f in third.files if f.outcome != "unchanged"] == [
        ("cv-9455-skhcn-mau-son.txt", "indexed")
    ]
    assert third.generation != generation
    assert "thử nghiệm tăng ca" in load_document(index_dir, "cv-9455-skhcn-mau-son").text

    # a deleted file leaves the index
    (corpus / "nq-9012-hdnd-mau-son.pdf").unlink()
    fourth = run_ingest(corpus, index_dir, progress=False)
    assert [(f.path, f.outcome) for f in fourth.files if f.outcome != "unchanged"] == [
        ("nq-9012-hdnd-mau-son.pdf", "removed")
    ]
    gen = current_generation(index_dir)
    assert "nq-9012-hdnd-mau-son" not in read_json(gen / "catalog.json")
    assert not (gen / "docs" / "nq-9012-hdnd-mau-son.json").exists()
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(gen)).searcher() as searcher:
        assert searcher.document(doc_id="nq-9012-hdnd-mau-son") is None
        assert searcher.document(doc_id="cv-9455-skhcn-mau-son") is not None


def test_sidecar_overrides_metadata(sample_copy):
    corpus, index_dir = sample_copy
    (corpus / "cv-9455-skhcn-mau-son.txt.meta.toml").write_text(
        'issuer = "Sở Khoa học và Công nghệ"\nsigner = "Lê Văn Sửa"\n', encoding="utf-8"
    )
    report = run_ingest(corpus, index_dir, progress=False)
    assert [(f.path, f.outcome) for f in report.files if f.outcome != "unchanged"] == [
        ("cv-9455-skhcn-mau-son.txt", "indexed")
    ]  # a new or edited sidecar parses its document again
    meta = load_document(index_dir, "cv-9455-skhcn-mau-son").meta
    assert (meta.issuer, meta.signer, meta.number) == ("Sở Khoa học và Công nghệ", "Lê Văn Sửa", "9455/SKHCN-TĐC")


def test_cli_report_and_exit_status(sample_copy, tmp_path):
    corpus, index_dir = sample_copy
    (corpus / "hong.pdf").write_bytes(b"this is not a pdf")
    report_file = tmp_path / "report.json"
    proc = run_cli("--corpus", corpus, "--index", index_dir, "--report", report_file)
    assert proc.returncode == 1, proc.stderr
    assert "hong.pdf" in proc.stderr and "not a PDF" in proc.stderr
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["counts"] == {"indexed": 0, "unchanged": SAMPLE_COUNT, "removed": 0, "failed": 1}
    failed = [f for f in report["files"] if f["outcome"] == "failed"]
    assert failed == [{"path": "hong.pdf", "outcome": "failed", "doc_id": "hong", "reason": failed[0]["reason"]}]

    (corpus / "hong.pdf").unlink()
    proc = run_cli("--corpus", corpus, "--index", index_dir)
    assert proc.returncode == 0, proc.stderr


def test_cli_bad_arguments_exit_2(tmp_path):
    assert run_cli("--corpus", tmp_path / "missing", "--index", tmp_path / "index").returncode == 2
    assert run_cli("--index", tmp_path / "index").returncode == 2


def test_second_job_while_one_runs_exits_2_naming_it(tmp_path):
    corpus = copy_corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    with index_lock(index_dir):
        with pytest.raises(IndexLocked):
            run_ingest(corpus, index_dir, progress=False)
        proc = run_cli("--corpus", corpus, "--index", index_dir)
    assert proc.returncode == 2
    assert f"locked by another ingest job (pid {os.getpid()}, started" in proc.stderr
