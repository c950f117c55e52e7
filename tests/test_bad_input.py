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

from .conftest import ROOT, SAMPLES, copy_corpus, need, run_cli
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


# --- names that differ only by Unicode normalization ---------------------------------------

LOOKALIKE_NFC = unicodedata.normalize("NFC", "Quyết định 9801 Mẫu Sơn.txt")
LOOKALIKE_NFD = unicodedata.normalize("NFD", LOOKALIKE_NFC)
LOOKALIKE_TEXT = {
    LOOKALIKE_NFC: "QUYẾT ĐỊNH\nVĂN BẢN MẪU\nĐiều 1. Trồng hoa đào phai trên đỉnh Mẫu Sơn.\n",
    LOOKALIKE_NFD: "QUYẾT ĐỊNH\nVĂN BẢN MẪU\nĐiều 1. Nuôi ong lấy mật rừng ở chân núi Mẫu Sơn.\n",
}


def documents_by_source(index_dir: Path) -> dict[str, str]:
    catalog = read_json(current_generation(index_dir) / "catalog.json")
    return {source: doc_id for doc_id, entry in catalog.items() for source in entry["sources"]}


@pytest.mark.parametrize("first", [LOOKALIKE_NFC, LOOKALIKE_NFD], ids=["nfc-first", "nfd-first"])
def test_names_differing_only_by_normalization_are_two_documents(tmp_path, first):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    second = LOOKALIKE_NFD if first == LOOKALIKE_NFC else LOOKALIKE_NFC
    (corpus / first).write_text(LOOKALIKE_TEXT[first], encoding="utf-8")
    assert run_ingest(corpus, index_dir, progress=False).exit_status == 0
    (corpus / second).write_text(LOOKALIKE_TEXT[second], encoding="utf-8")
    assert sorted(p.name for p in corpus.iterdir()) == sorted([first, second])  # two files on disk

    report = run_ingest(corpus, index_dir, progress=False)
    assert report.exit_status == 0, report.to_dict()
    by_source = documents_by_source(index_dir)
    assert set(by_source) == {LOOKALIKE_NFC, LOOKALIKE_NFD}
    assert by_source[LOOKALIKE_NFC] != by_source[LOOKALIKE_NFD]
    assert by_source[LOOKALIKE_NFC] == "quyet-dinh-9801-mau-son"  # the NFC name keeps the plain id
    handle = IndexHandle(index_dir)
    for name, words in ((LOOKALIKE_NFC, '"hoa đào phai"'), (LOOKALIKE_NFD, '"ong lấy mật"')):
        assert [h.doc_id for h in search(handle, words).hits] == [by_source[name]]
    outcome = next(f for f in report.files if f.path == LOOKALIKE_NFD)
    assert outcome.outcome == "indexed"
    assert any("only by Unicode normalization" in w and LOOKALIKE_NFC in w for w in outcome.warnings)


def test_same_name_and_content_in_two_normalizations_is_reported(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (LOOKALIKE_NFD, LOOKALIKE_NFC):
        (corpus / name).write_text(LOOKALIKE_TEXT[LOOKALIKE_NFC], encoding="utf-8")
    report = run_ingest(corpus, tmp_path / "index", progress=False)
    outcomes = {f.path: f for f in report.files}
    assert outcomes[LOOKALIKE_NFC].outcome == "indexed"
    copy = outcomes[LOOKALIKE_NFD]
    assert copy.outcome == "failed"
    assert f"duplicate of {LOOKALIKE_NFC}" in copy.reason and "another Unicode normalization" in copy.reason


# --- a file edited into a copy of another ---------------------------------------------------

def test_file_edited_into_a_duplicate_stops_serving_its_old_text(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    a, b = corpus / "qd-9811-mau-son.txt", corpus / "qd-9812-mau-son.txt"
    a.write_text("QUYẾT ĐỊNH\nVĂN BẢN MẪU\nĐiều 1. Xây dựng chợ phiên vùng cao Mẫu Sơn.\n", encoding="utf-8")
    b.write_text("QUYẾT ĐỊNH\nVĂN BẢN MẪU\nĐiều 1. Nâng cấp trạm bơm thủy lợi Mẫu Sơn.\n", encoding="utf-8")
    assert run_ingest(corpus, index_dir, progress=False).exit_status == 0
    assert search(IndexHandle(index_dir), '"trạm bơm thủy lợi"').hits

    b.write_bytes(a.read_bytes())
    report = run_ingest(corpus, index_dir, progress=False)
    entry = next(f for f in report.files if f.path == b.name)
    assert entry.outcome == "failed"
    assert f"duplicate of {a.name}" in entry.reason and "left the index" in entry.reason
    handle = IndexHandle(index_dir)
    assert not search(handle, '"trạm bơm thủy lợi"').hits
    assert [h.doc_id for h in search(handle, '"chợ phiên vùng cao"').hits] == ["qd-9811-mau-son"]
    assert set(documents_by_source(index_dir)) == {a.name}
    assert not (current_generation(index_dir) / "docs" / "qd-9812-mau-son.json").exists()


# --- a page that never finishes -------------------------------------------------------------

def _raw_pdf(contents: list[bytes]) -> bytes:
    """A PDF with one page per content stream, Helvetica as F1."""
    import zlib

    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                   b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(len(contents))), len(contents)),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, content in enumerate(contents):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i))
        data = zlib.compress(content)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def hung_page_pdf(path: Path, characters: int = 200_000) -> None:
    """Page 1 ordinary; page 2 a text layer of `characters` one-point glyphs, each placed on its
    own: pdfminer spends about 50 µs on each, so the page takes 10 s or more."""
    normal = b"BT /F1 12 Tf 72 770 Td (VAN BAN MAU - Dieu 1. Noi dung trang thu nhat) Tj ET"
    glyphs = b"\n".join(b"1 0 0 1 %d %d Tm (x) Tj" % (i % 580, (i // 580) % 830) for i in range(characters))
    path.write_bytes(_raw_pdf([normal, b"BT /F1 1 Tf\n" + glyphs + b"\nET"]))


def test_time_limit_interrupts_python_code_that_swallows_exceptions():
    from ingest.timelimit import PageTimeout, interrupted_after

    started = time.monotonic()
    with pytest.raises(PageTimeout):
        with interrupted_after(0.2):
            while True:
                try:
                    sum(range(1000))
                except Exception:  # as pdfminer does around its parsing
                    pass
    assert time.monotonic() - started < 2
    with interrupted_after(0.2):  # code that finishes in time is not disturbed, nor after
        sum(range(1000))
    time.sleep(0.3)


def test_a_page_that_never_finishes_is_stopped_by_the_file_budget(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    good = {"qd-9821-mau-son.txt": "Điều 1. Mở lớp dạy nghề dệt thổ cẩm.",
            "qd-9822-mau-son.pdf": "Dieu 1. Xay dung nha van hoa thon."}
    (corpus / "qd-9821-mau-son.txt").write_text(
        "QUYẾT ĐỊNH\nVĂN BẢN MẪU\n" + good["qd-9821-mau-son.txt"] + "\n", encoding="utf-8")
    text_pdf(["QUYET DINH", "VAN BAN MAU", good["qd-9822-mau-son.pdf"]], corpus / "qd-9822-mau-son.pdf")
    hung_page_pdf(corpus / "trang-treo.pdf")
    report_file = tmp_path / "report.json"
    env = {**os.environ, "INGEST_FILE_TIME_BUDGET": "2"}
    started = time.monotonic()
    proc = run_cli("--corpus", corpus, "--index", tmp_path / "index", "--report", report_file,
                   "--quiet", env=env)
    seconds = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    report = json.loads(report_file.read_text(encoding="utf-8"))
    outcomes = {f["path"]: f for f in report["files"]}
    hung = outcomes["trang-treo.pdf"]
    assert hung["outcome"] == "failed"
    assert "page 2 of 2 took longer than" in hung["reason"] and "INGEST_FILE_TIME_BUDGET" in hung["reason"]
    assert seconds < 30  # the page alone takes 10 s or more
    handle = IndexHandle(tmp_path / "index")
    for name, article in good.items():  # the rest is indexed
        assert outcomes[name]["outcome"] == "indexed", outcomes[name]
        assert search(handle, f'"{article.split(". ")[1]}"').hits, name


def text_and_scan_pdf(path: Path) -> None:
    """Page 1 with a text layer, page 2 a scan (an image only)."""
    from fpdf import FPDF

    from .pdf_factory import FONT, text_image

    pdf = FPDF()
    pdf.add_font("dv", fname=str(FONT))
    pdf.set_font("dv", size=12)
    pdf.add_page()
    for line in ("QUYẾT ĐỊNH", "VĂN BẢN MẪU", "Điều 1. Sửa đường lên cửa khẩu Mẫu Sơn."):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    image = text_image(["Điều 2. Trồng chè shan tuyết trên sườn núi."] * 20)
    pdf.image(image, x=0, y=0, w=210, h=297)
    path.write_bytes(bytes(pdf.output()))


def test_ocr_of_a_page_is_killed_at_its_timeout(tmp_path, monkeypatch):
    from ingest import ocr

    need(ocr.unavailable_reason() is None, f"OCR unavailable: {ocr.unavailable_reason()}")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text_and_scan_pdf(corpus / "qd-9831-mau-son.pdf")

    started = time.monotonic()
    with pytest.raises(ocr.OcrTimeout, match="OCR of page 2 took longer than 0.2s"):
        ocr.ocr_pdf_page(corpus / "qd-9831-mau-son.pdf", 1, time_limit=0.2)  # the file's budget
    assert time.monotonic() - started < 5

    monkeypatch.setenv("INGEST_OCR_TIMEOUT", "0.2")
    report = run_ingest(corpus, tmp_path / "index", workers=1, progress=False)
    entry = next(f for f in report.files if f.path == "qd-9831-mau-son.pdf")
    assert entry.outcome == "indexed"  # page 1 is searchable, page 2 is reported unread
    assert entry.pages_without_text == [2]
    assert any("OCR of page 2 took longer than 0.2s" in w for w in entry.warnings), entry
    assert search(IndexHandle(tmp_path / "index"), '"cửa khẩu Mẫu Sơn"').hits
