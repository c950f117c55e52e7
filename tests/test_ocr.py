"""OCR of pages without a usable text layer: the legacy-font detector, OCR clean-up, the
extraction cache, and the ten scanned PDFs of the shared data."""

import shutil
import time
from dataclasses import asdict

import pytest

from ingest import ocr
from ingest.caches import extract_cached
from ingest.extract import extract
from ingest.index import current_generation, read_json
from ingest.ocr import clean_line, garbage_score, legacy_font_garbage
from ingest.pipeline import run_ingest
from ingest.scan import SourceFile, sha256
from search_app.generations import IndexHandle
from search_app.search import search

from .conftest import need, shared
from .pdf_factory import FONT, image_pdf, text_pdf

LEGACY_CASES = [
    # (name, text layer, garbage?)
    ("unicode motto", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", False),
    ("unicode body", "Điều 1. Phê duyệt Kế hoạch phát triển khoa học và công nghệ giai đoạn 2025-2030.", False),
    ("tcvn3 motto", "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc", True),
    ("tcvn3 body", "§iÒu 1. Phª duyÖt KÕ ho¹ch ph¸t triÓn khoa häc vµ c«ng nghÖ giai ®o¹n 2025-2030.", True),
    ("tcvn3 capitals", "quyÕt ®Þnh cña thñ t­íng chÝnh phñ vÒ viÖc ban hµnh quy chÕ", True),
    ("vni body", "Ñieàu 1. Pheâ duyeät Keá hoaïch phaùt trieån khoa hoïc vaø coâng ngheä", True),
    ("vni motto", "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam - Ñoäc laäp - Töï do - Haïnh phuùc", True),
    ("unmapped glyphs", "(cid:12)(cid:45)(cid:77) (cid:3)(cid:18)(cid:90) (cid:44)(cid:5)", True),
    ("private use area", "\ue012\ue045\ue077 \ue003\ue018 \ue090\ue044\ue005", True),
    ("english", "The Prime Minister decides to approve the plan for 2025-2030.", False),
    ("empty", "", False),
    ("section sign in good text", "§ 3. Quy định chung về việc áp dụng © 2025 Bộ Tư pháp, theo Điều 5 và Điều 6 của Luật.", False),
    ("few symbols in a long page", ("Điều khoản thi hành của quyết định này. " * 40) + "§ ® ° ±", False),
    ("numbers only", "1 2 3 4 5 6 7 8 9 10 11 12", False),
]


@pytest.mark.parametrize("name,text,expected", LEGACY_CASES, ids=[c[0] for c in LEGACY_CASES])
def test_legacy_font_detector(name, text, expected):
    assert legacy_font_garbage(text) is expected, garbage_score(text)


CLEAN_CASES = [
    ("Số: 2605 /QĐ-BGDĐT Hà Nội. ngàyl6 tháng 9 năm 2025", "Số: 2605/QĐ-BGDĐT Hà Nội, ngày 16 tháng 9 năm 2025"),
    ("Hà Nội, ngày1l6 tháng O9 năm 2025", "Hà Nội, ngày 16 tháng 09 năm 2025"),
    ("Căn cứ Quyết định số 973⁄/QĐ-BGDĐT ngày 14", "Căn cứ Quyết định số 973/QĐ-BGDĐT ngày 14"),
    ("Theo ngày làm việc", "Theo ngày làm việc"),  # no digits: unchanged
    ("năm 2025  của   Chính phủ", "năm 2025 của Chính phủ"),
    ("Ðiều 1", "Điều 1"),
    ("Số:2750/QĐ-BGDĐT Hà Nội, ngày 03 tháng I0năm 2025", "Số: 2750/QĐ-BGDĐT Hà Nội, ngày 03 tháng 10 năm 2025"),
    ("Số2624/QĐ-BGDĐT Hà Nội, ngày 22 tháng 9 nắm 2025", "Số: 2624/QĐ-BGDĐT Hà Nội, ngày 22 tháng 9 năm 2025"),
    ("BỘ GIÁO DỤC VÀ ĐÀO TẠO _ CỘNG HÒA XÃ HỘI", "BỘ GIÁO DỤC VÀ ĐÀO TẠO CỘNG HÒA XÃ HỘI"),
    ("Số lượng 5 người", "Số lượng 5 người"),
    ("Số 12 đường Lê Lợi", "Số 12 đường Lê Lợi"),
    ("năm 2025 tháng 3", "năm 2025 tháng 3"),
]


@pytest.mark.parametrize("raw,expected", CLEAN_CASES)
def test_ocr_line_cleanup(raw, expected):
    assert clean_line(raw) == expected


def test_render_dpi_follows_the_scan_within_bounds(monkeypatch):
    monkeypatch.delenv("INGEST_OCR_DPI", raising=False)
    assert [ocr.render_dpi(d) for d in (None, 72, 150, 250, 600)] == [300, 200, 200, 250, 300]
    monkeypatch.setenv("INGEST_OCR_DPI", "400")
    assert ocr.render_dpi(150) == 400


def test_ink_only_drops_red_seals():
    from PIL import Image

    image = Image.new("RGB", (3, 1))
    image.putpixel((0, 0), (200, 30, 30))  # seal red
    image.putpixel((1, 0), (20, 20, 20))  # black print
    image.putpixel((2, 0), (30, 40, 160))  # blue ink
    out = ocr.ink_only(image)
    assert out.mode == "L"
    assert out.getpixel((0, 0)) > 190 and out.getpixel((1, 0)) < 40 and out.getpixel((2, 0)) < 40


def need_ocr():
    need(ocr.unavailable_reason() is None, f"OCR unavailable: {ocr.unavailable_reason()}")
    need(FONT.exists(), f"font {FONT} needed to draw test pages")


def test_image_page_and_legacy_font_page_are_read_by_ocr(tmp_path):
    need_ocr()
    lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Điều 1. Phê duyệt kế hoạch phát triển nông thôn mới"]
    image_pdf(lines, tmp_path / "scan.pdf")
    image_pdf(lines, tmp_path / "tcvn3.pdf",
              hidden_text="Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§iÒu 1. Phª duyÖt kÕ ho¹ch ph¸t triÓn n«ng th«n míi")
    text_pdf(lines, tmp_path / "text.pdf")
    for name in ("scan.pdf", "tcvn3.pdf"):
        page = extract(tmp_path / name).pages[0]
        assert page.ocr and not page.empty
        assert "phát triển nông thôn mới" in " ".join(page.lines)
    page = extract(tmp_path / "text.pdf").pages[0]
    assert not page.ocr and page.lines == lines


def test_ocr_results_are_cached_by_file_hash(tmp_path, monkeypatch):
    need_ocr()
    pdf = tmp_path / "scan.pdf"
    image_pdf(["Điều 1. Phê duyệt kế hoạch phát triển nông thôn mới"], pdf)
    calls = []
    real = ocr.ocr_pdf_page
    monkeypatch.setattr(ocr, "ocr_pdf_page", lambda *a, **k: calls.append(a) or real(*a, **k))
    source = SourceFile("scan.pdf", pdf, sha256=sha256(pdf))
    first = extract_cached(source, tmp_path / "cache")
    assert len(calls) == 1 and first.pages[0].ocr
    # the same content under another name: served from the cache, no second OCR
    copy = tmp_path / "copy.pdf"
    shutil.copy(pdf, copy)
    again = extract_cached(SourceFile("copy.pdf", copy, sha256=source.sha256), tmp_path / "cache")
    assert len(calls) == 1
    assert [asdict(p) for p in again.pages] == [asdict(p) for p in first.pages]


def test_without_tesseract_the_reason_says_what_to_install(tmp_path, monkeypatch):
    pdf = tmp_path / "scan.pdf"
    image_pdf(["Điều 1. Phê duyệt kế hoạch"], pdf)
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # tesseract not on PATH
    reason = ocr.unavailable_reason()
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in reason and "pytesseract" in reason
    source = SourceFile("scan.pdf", pdf, sha256=sha256(pdf))
    with pytest.raises(Exception) as info:
        extract_cached(source, tmp_path / "cache")
    assert "image-only PDF" in str(info.value) and "tesseract-ocr-vie" in str(info.value)
    assert not list((tmp_path / "cache").rglob("*.json"))  # nothing cached: retried once installed


@pytest.fixture(scope="module")
def scanned_index(tmp_path_factory):
    source = shared("pdf", "scanned")
    need(ocr.unavailable_reason() is None, f"OCR unavailable: {ocr.unavailable_reason()}")
    corpus = tmp_path_factory.mktemp("scanned-corpus")
    for pdf in sorted(source.glob("*.pdf")):
        shutil.copy(pdf, corpus / pdf.name)
    index_dir = tmp_path_factory.mktemp("scanned-index")
    started = time.monotonic()
    report = run_ingest(corpus, index_dir, progress=False)
    seconds = time.monotonic() - started
    pages = sum(f.pages for f in report.files)
    print(f"\nOCR ingest of {len(report.files)} scanned files, {pages} pages: {seconds:.1f}s "
          f"wall, {sum(f.seconds for f in report.files) / pages:.2f}s per page per worker")
    return corpus, index_dir, report


@pytest.mark.slow
def test_all_scanned_files_are_indexed_as_ocr(scanned_index):
    corpus, index_dir, report = scanned_index
    assert report.exit_status == 0, report.to_dict()
    assert report.counts["indexed"] == 10
    catalog = read_json(current_generation(index_dir) / "catalog.json")
    assert all(entry["ocr_pages"] == entry["pages"] for entry in catalog.values())


@pytest.mark.slow
def test_decision_2605_metadata_from_ocr(scanned_index):
    _, index_dir, _ = scanned_index
    doc = read_json(current_generation(index_dir) / "docs" / "test-9.json")
    meta = doc["meta"]
    assert (meta["doc_type"], meta["number"], meta["issued"]) == ("Quyết định", "2605/QĐ-BGDĐT", "2025-09-16")
    assert meta["place"] == "Hà Nội"
    # printed under the red seal: read because OCR works on the red channel
    assert meta["signer"] == "Lê Tấn Dũng"
    assert all(p["ocr"] for p in doc["pages"])


@pytest.mark.slow
def test_every_scanned_file_is_found_by_a_phrase_of_its_body(scanned_index):
    _, index_dir, _ = scanned_index
    handle = IndexHandle(index_dir)
    result = search(handle, '"Bộ phận Tiếp nhận và Trả kết quả"')
    assert result.hits and result.hits[0].doc_id == "test-9"
    assert result.hits[0].ocr is True
    assert search(handle, "2605/QĐ-BGDĐT").hits[0].doc_id == "test-9"
    for doc_path in sorted((current_generation(index_dir) / "docs").glob("*.json")):
        doc = read_json(doc_path)
        lines = [l.split() for l in doc["text"].splitlines()]
        lines = [l for l in lines if len(l) >= 5 and all(w.isalpha() for w in l[:4])]
        assert lines, doc_path.stem
        phrase = " ".join(lines[len(lines) // 2][:4])  # four words of a line from the middle
        hits = search(handle, f'"{phrase}"').hits
        assert doc_path.stem in {h.doc_id for h in hits}, (doc_path.stem, phrase)
