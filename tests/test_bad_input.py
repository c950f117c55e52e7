"""Bad input never stops the batch or loses data: a folder of broken, odd and hostile files is
built from code; each gets its own outcome and reason, the job exits 1, and every good file
is indexed and searchable."""

import json
import os
import shutil
import sys
import time
import tomllib
import unicodedata
import zipfile
from pathlib import Path

import pytest

from ingest.index import current_generation, read_json
from ingest.pipeline import run_ingest
from search_app.generations import IndexHandle
from search_app.search import search

from .conftest import ROOT, SAMPLES, copy_corpus, run_cli
from .pdf_factory import encrypted_pdf, image_pdf, many_pages_pdf, text_pdf

IS_ROOT = os.geteuid() == 0
NFD_NAME = unicodedata.normalize("NFD", "Quyết định thử nghiệm tăng ca.txt")
NON_ASCII_NAME = "Kế hoạch số 77 Đà Lạt.pdf"


def build_bad_folder(corpus: Path) -> dict[str, tuple[str, str]]:
    """The sample corpus plus one file per kind of trouble. Returns {relpath: (outcome, reason
    substring)} for the added files."""
    copy_corpus(corpus)
    expect: dict[str, tuple[str, str]] = {}
    good = text_pdf(["Quyết định số 1", "Điều 1. Nội dung thử nghiệm về tăng năng suất lao động."])

    (corpus / "hong.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    expect["hong.pdf"] = ("failed", "PDF")
    (corpus / "cut-ngang.pdf").write_bytes(good[: len(good) // 2])
    expect["cut-ngang.pdf"] = ("failed", "truncated PDF")
    encrypted_pdf(["Mat khau"], corpus / "ma-hoa.pdf")
    expect["ma-hoa.pdf"] = ("failed", "encrypted PDF")
    (corpus / "rong.pdf").write_bytes(b"")
    expect["rong.pdf"] = ("failed", "empty file")
    (corpus / "khong-trang.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    expect["khong-trang.pdf"] = ("failed", "PDF has no pages")
    (corpus / "trang-web.pdf").write_text("<html><body>Không phải PDF</body></html>", encoding="utf-8")
    expect["trang-web.pdf"] = ("failed", "not a PDF file")
    many_pages_pdf(corpus / "qua-lon.pdf", 100_000)
    expect["qua-lon.pdf"] = ("failed", "100000 pages, more than the limit")
    with zipfile.ZipFile(corpus / "gia-docx.docx", "w") as archive:
        archive.writestr("anh/anh-1.jpg", b"\xff\xd8\xff\xe0" + b"0" * 64)
    expect["gia-docx.docx"] = ("failed", "without a Word document inside")
    image_pdf(["Điều 1. Văn bản chỉ có ảnh quét"], corpus / "chi-co-anh.pdf")
    expect["chi-co-anh.pdf"] = ("failed", "apt-get install tesseract-ocr tesseract-ocr-vie")

    # Unreadable entries. As root, permissions do not stop a read, so besides chmod 000 the
    # folder holds entries whose read fails for root too.
    locked = corpus / "khong-quyen.txt"
    locked.write_text("Văn bản bị khóa quyền đọc.", encoding="utf-8")
    locked.chmod(0)
    expect["khong-quyen.txt"] = ("indexed", "") if IS_ROOT else ("failed", "Permission denied")
    os.symlink("da-xoa.pdf", corpus / "lien-ket-hong.pdf")  # target missing
    expect["lien-ket-hong.pdf"] = ("failed", "cannot read file: No such file or directory")
    os.mkfifo(corpus / "ong-dan.pdf")  # a read would block forever
    expect["ong-dan.pdf"] = ("failed", "not a regular file")
    os.symlink(Path(sys.executable).resolve(), corpus / "ra-ngoai.pdf")
    expect["ra-ngoai.pdf"] = ("failed", "symbolic link pointing outside the corpus")

    # Names: NFD (as macOS writes them) and non-ASCII NFC; both must be indexed.
    (corpus / NFD_NAME).write_text(
        "QUYẾT ĐỊNH\nĐiều 1. Thí điểm chế độ tăng ca linh hoạt cho phòng thí nghiệm Hồ Tây.\n",
        encoding="utf-8")
    expect[NFD_NAME] = ("indexed", "")
    text_pdf(["KẾ HOẠCH", "Điều 1. Trồng rừng phòng hộ đầu nguồn ở cao nguyên Lâm Viên."],
             corpus / NON_ASCII_NAME)
    expect[NON_ASCII_NAME] = ("indexed", "")

    # Names that make the same document id ("rung phong ho", "rung-phong-ho"): both kept.
    for name, place in (("rung phong ho.txt", "Bạch Mã"), ("rung-phong-ho.txt", "Cúc Phương")):
        (corpus / name).write_text(f"QUYẾT ĐỊNH\nĐiều 1. Bảo vệ rừng phòng hộ vườn quốc gia {place}.\n",
                                   encoding="utf-8")
        expect[name] = ("indexed", "")

    # The same content twice: indexed once, the copy (later in name order) reported.
    (corpus / "sao-luu").mkdir()
    shutil.copy(corpus / "kh-9116-ubnd-mau-son-2025.pdf", corpus / "sao-luu" / "kh-9116-ban-sao.pdf")
    expect["sao-luu/kh-9116-ban-sao.pdf"] = ("failed", "duplicate of kh-9116-ubnd-mau-son-2025.pdf")
    return expect


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad-input")
    corpus = tmp / "corpus"
    expect = build_bad_folder(corpus)
    report_file = tmp / "report.json"
    no_tools = tmp / "no-tools"  # PATH without tesseract: OCR is "not installed"
    no_tools.mkdir()
    env = {**os.environ, "PATH": str(no_tools)}
    started = time.monotonic()
    proc = run_cli("--corpus", corpus, "--index", tmp / "index", "--report", report_file, "--quiet", env=env)
    seconds = time.monotonic() - started
    report = json.loads(report_file.read_text(encoding="utf-8"))
    return corpus, tmp / "index", expect, proc, report, seconds


def test_exit_status_1_and_every_file_has_its_outcome(bad_run):
    corpus, _, expect, proc, report, seconds = bad_run
    assert proc.returncode == 1, proc.stderr
    assert seconds < 120  # the 100,000-page PDF is refused, not read
    outcomes = {f["path"]: f for f in report["files"]}
    for relpath, (outcome, reason) in expect.items():
        entry = outcomes.get(relpath)
        assert entry is not None, (relpath, sorted(outcomes))
        assert entry["outcome"] == outcome, entry
        assert reason in entry.get("reason", ""), entry
        if outcome == "failed":
            assert f"failed: {relpath}: " in proc.stderr  # also said on the console
    sources = [tomllib.loads(p.read_text(encoding="utf-8")) for p in SAMPLES.glob("*.toml")]
    samples = [s["file"] for s in sources if "scan_dpi" not in s]
    for name in samples:
        assert outcomes[name]["outcome"] == "indexed", outcomes[name]
    for scanned in (s["file"] for s in sources if "scan_dpi" in s):  # OCR is "not installed" here
        assert outcomes[scanned]["outcome"] == "failed", outcomes[scanned]
        assert "apt-get install tesseract-ocr tesseract-ocr-vie" in outcomes[scanned]["reason"]
    assert report["counts"]["indexed"] == len(samples) + sum(o == "indexed" for o, _ in expect.values())


def test_the_large_pdf_is_refused_quickly(bad_run):
    _, _, _, _, report, _ = bad_run
    entry = next(f for f in report["files"] if f["path"] == "qua-lon.pdf")
    assert entry.get("seconds", 0) < 10
    assert "INGEST_MAX_PAGES" in entry["reason"]


def test_index_answers_for_every_good_file(bad_run):
    corpus, index_dir, expect, _, report, _ = bad_run
    handle = IndexHandle(index_dir)
    catalog = read_json(current_generation(index_dir) / "catalog.json")
    for source in SAMPLES.glob("*.toml"):
        sample = tomllib.loads(source.read_text(encoding="utf-8"))
        if "scan_dpi" in sample:
            continue  # OCR is "not installed" in this run
        result = search(handle, sample["meta"]["number"])
        assert result.hits, sample["file"]
        assert catalog[result.hits[0].doc_id]["sources"] == [sample["file"]]
    nfd = search(handle, "tăng ca linh hoạt Hồ Tây").hits
    assert nfd and catalog[nfd[0].doc_id]["sources"] == [NFD_NAME]
    lam_vien = search(handle, '"cao nguyên Lâm Viên"').hits
    assert lam_vien and catalog[lam_vien[0].doc_id]["sources"] == [NON_ASCII_NAME]
    for name, place in (("rung phong ho.txt", "Bạch Mã"), ("rung-phong-ho.txt", "Cúc Phương")):
        hits = search(handle, f'"vườn quốc gia {place}"').hits
        assert hits and catalog[hits[0].doc_id]["sources"] == [name]
    # the duplicate is listed once
    hits = search(handle, "9116/KH-UBND", per_page=50).hits
    assert {catalog[h.doc_id]["sources"][0] for h in hits} == {"kh-9116-ubnd-mau-son-2025.pdf"}
    # no failed file left a record
    failed = {p for p, (o, _) in expect.items() if o == "failed"}
    assert not any(set(entry["sources"]) & failed for entry in catalog.values())


def test_files_with_non_ascii_names_are_downloadable(bad_run):
    corpus, index_dir, _, _, _, _ = bad_run
    from search_app import create_app

    client = create_app(index_dir=index_dir, corpus_dir=corpus, TESTING=True).test_client()
    catalog = read_json(current_generation(index_dir) / "catalog.json")
    for name in (NFD_NAME, NON_ASCII_NAME):
        doc_id = next(d for d, e in catalog.items() if e["sources"] == [name])
        response = client.get(f"/documents/{doc_id}/files/1")
        assert response.status_code == 200
        assert response.data == (corpus / name).read_bytes()


def test_broken_replacement_keeps_the_last_good_version(sample_copy):
    corpus, index_dir = sample_copy
    target = corpus / "qd-9322-ttg-chuong-trinh-nang-suat.pdf"
    before = search(IndexHandle(index_dir), "ISO 9001").hits
    assert any(h.doc_id == "qd-9322-ttg-chuong-trinh-nang-suat" for h in before)

    target.write_bytes(target.read_bytes()[:2000])  # a failed copy: truncated
    report = run_ingest(corpus, index_dir, progress=False)
    assert report.exit_status == 1
    entry = next(f for f in report.files if f.path == target.name)
    assert entry.outcome == "failed"
    assert "truncated PDF" in entry.reason
    assert "previously indexed version stays searchable" in entry.reason
    after = search(IndexHandle(index_dir), "ISO 9001").hits
    assert any(h.doc_id == "qd-9322-ttg-chuong-trinh-nang-suat" for h in after)
    doc = read_json(current_generation(index_dir) / "docs" / "qd-9322-ttg-chuong-trinh-nang-suat.json")
    assert "ISO 9001" in doc["text"]

    # once the file is good again it is re-indexed
    shutil.copy(ROOT / "corpus" / target.name, target)
    again = run_ingest(corpus, index_dir, progress=False)
    assert again.exit_status == 0
    assert next(f for f in again.files if f.path == target.name).outcome in ("indexed", "unchanged")
