"""Text extraction: PDF (pdfplumber), DOCX (python-docx) and TXT, page by page.

Each page comes back as normalized lines with the running headers, page numbers and
footnotes of the Công báo layout removed.

About 400 lines: the page loop, its time budget and the Công báo cleaning share one page's
state; OCR (ocr.py), tables (tables.py) and the time limit (timelimit.py) are already apart.
"""

from __future__ import annotations

import os
import re
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .tables import is_layout_table, table_rows_as_lines
from .timelimit import PageTimeout, interrupted_after
from .textnorm import normalize

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt")
EXTRACT_VERSION = "5"  # part of the extraction cache key: bump when extraction output changes


class ExtractionError(Exception):
    """The file cannot be read; the message says why in words a user understands."""


@dataclass
class ExtractedPage:
    lines: list[str]
    ocr: bool = False
    empty: bool = False  # no usable text on the page


@dataclass
class ExtractedFile:
    pages: list[ExtractedPage]
    warnings: list[str] = field(default_factory=list)
    # False when a page could not be read for a reason that may go away (OCR not installed):
    # such a result must not be cached, so the next run tries again.
    cacheable: bool = True


# Bounds for one file, so a hostile or absurd PDF cannot hold up the batch.
MAX_PDF_PAGES = int(os.environ.get("INGEST_MAX_PAGES", "5000"))
DEFAULT_FILE_TIME_BUDGET_S = 900
# A page with fewer letters than this in its text layer is read from its image (scans often
# carry a stamped page number or a few characters of a scanner's own label).
MIN_TEXT_LETTERS = 20


RUNNING_HEADER_RE = re.compile(r"^\s*(\d+\s+)?CÔNG BÁO\s*/\s*Số\b.*$", re.IGNORECASE)
CONTINUATION_RE = re.compile(r"^\((Xem tiếp|Tiếp theo) Công báo", re.IGNORECASE)
PAGE_NUMBER_RE = re.compile(r"^\s*(?:-\s*)?(?:Trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?\s*$", re.I)
STRUCTURE_LINE_RE = re.compile(r"^\s*(Điều|Chương|Mục|Phần)\s+\S+", re.I)
_DIGITS_RE = re.compile(r"\d+")


def extract(path: Path) -> ExtractedFile:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        extracted = extract_pdf(path)
    elif suffix == ".docx":
        extracted = extract_docx(path)
    elif suffix == ".txt":
        extracted = extract_txt(path)
    else:
        raise ExtractionError(f"unsupported file type {suffix!r}")
    remove_repeated_lines(extracted.pages)
    return extracted


def extract_pdf(path: Path) -> ExtractedFile:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    started = time.monotonic()
    with path.open("rb") as fh:
        head = fh.read(1024)
    if not head.strip():
        raise ExtractionError("empty file")
    if not head.lstrip().startswith(b"%PDF"):
        raise ExtractionError("not a PDF file (no %PDF header)")
    pdf_page_count(path)
    try:
        pdf = pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ExtractionError("encrypted PDF: it cannot be opened without its password") from exc
    except PDFSyntaxError as exc:
        raise ExtractionError(f"corrupt PDF: {exc}") from exc
    except Exception as exc:  # pdfminer raises many types for broken files
        if "EOF" in str(exc):
            raise ExtractionError(f"truncated PDF: the file ends before the PDF does ({exc})") from exc
        raise ExtractionError(f"corrupt PDF, cannot be read: {type(exc).__name__}: {exc}") from exc
    pages: list[ExtractedPage] = []
    to_ocr: list[tuple[int, str]] = []  # (page index, why)
    with pdf:
        try:
            plumber_pages = pdf.pages
        except Exception as exc:
            raise ExtractionError(f"corrupt PDF page tree: {exc}") from exc
        if not plumber_pages:
            raise ExtractionError("PDF has no pages")
        if len(plumber_pages) > MAX_PDF_PAGES:
            raise ExtractionError(_too_many_pages(len(plumber_pages)))
        for page in plumber_pages:
            _check_budget(started, page.page_number, len(plumber_pages))
            left = file_time_budget() - (time.monotonic() - started)
            try:
                with interrupted_after(left):
                    extracted, why = _pdf_page(page)
            except PageTimeout:
                raise ExtractionError(_page_too_long(page.page_number, len(plumber_pages), left)) from None
            except Exception as exc:
                raise ExtractionError(
                    f"cannot read page {page.page_number}: {type(exc).__name__}: {exc}"
                ) from exc
            if why:
                to_ocr.append((page.page_number - 1, why))
            pages.append(extracted)
            page.close()
    result = ExtractedFile(pages)
    if to_ocr:
        _ocr_pages(path, result, to_ocr, started)
    return result


def _too_many_pages(count: int) -> str:
    return (f"PDF has {count} pages, more than the limit of {MAX_PDF_PAGES} pages per file "
            "(set INGEST_MAX_PAGES to raise it)")


def pdf_page_count(path: Path) -> int | None:
    """Page count from pdfium (fast, no page objects built), checked against MAX_PDF_PAGES
    before pdfplumber builds a Python object per page. None if pdfium cannot tell."""
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw
    except ImportError:
        return None
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            raise ExtractionError("encrypted PDF: it cannot be opened without its password") from exc
        if code == raw.FPDF_ERR_SECURITY:
            raise ExtractionError("encrypted PDF: unsupported security handler") from exc
        return None  # let pdfminer, which tolerates more damage, decide
    try:
        count = len(pdf)
    finally:
        pdf.close()
    if count > MAX_PDF_PAGES:
        raise ExtractionError(_too_many_pages(count))
    return count


def file_time_budget() -> float:
    """Seconds one file may take to extract (INGEST_FILE_TIME_BUDGET, read on every file)."""
    return float(os.environ.get("INGEST_FILE_TIME_BUDGET", DEFAULT_FILE_TIME_BUDGET_S))


def _check_budget(started: float, page_number: int, page_count: int) -> None:
    elapsed = time.monotonic() - started
    budget = file_time_budget()
    if elapsed > budget:
        raise ExtractionError(
            f"gave up after {elapsed:.0f}s at page {page_number} of {page_count}: over the time "
            f"budget of {budget:g}s per file (set INGEST_FILE_TIME_BUDGET to raise it)"
        )


def _page_too_long(page_number: int, page_count: int, seconds: float) -> str:
    return (f"page {page_number} of {page_count} took longer than {seconds:.1f}s, what was left of "
            f"the time budget of {file_time_budget():g}s per file (set INGEST_FILE_TIME_BUDGET to raise it)")


def _ocr_pages(path: Path, result: ExtractedFile, to_ocr: list[tuple[int, str]], started: float) -> None:
    """Read the listed pages from their images. Without tesseract the pages stay empty, with a
    warning, and the result is not cached."""
    from . import ocr

    reason = ocr.unavailable_reason()
    if reason:
        result.cacheable = False
        numbers = ", ".join(str(i + 1) for i, _ in to_ocr)
        result.warnings.append(f"page(s) {numbers} need OCR: {reason}")
        if all(p.empty for p in result.pages):
            kind = "legacy-font" if all("legacy" in why for _, why in to_ocr) else "image-only"
            raise ExtractionError(f"no usable text layer on any page ({kind} PDF): {reason}")
        return
    for index, why in to_ocr:
        _check_budget(started, index + 1, len(result.pages))
        left = file_time_budget() - (time.monotonic() - started)
        try:
            lines = ocr.ocr_pdf_page(path, index, native_dpi=_dpi_of(why), time_limit=left)
        except ocr.OcrTimeout as exc:
            if exc.seconds >= left:  # the file's budget ran out, not the page's OCR timeout
                raise ExtractionError(_page_too_long(index + 1, len(result.pages), left)) from exc
            result.warnings.append(str(exc))
            result.cacheable = False  # not for good: parsed again, the page is tried again
            continue
        except ocr.OcrFailed as exc:
            result.warnings.append(str(exc))
            continue
        except ocr.OcrUnavailable as exc:
            raise ExtractionError(str(exc)) from exc
        result.pages[index] = ExtractedPage(lines, ocr=True, empty=not lines)


def _dpi_of(why: str) -> float | None:
    m = re.search(r"image (\d+) dpi", why)
    return float(m.group(1)) if m else None


def _pdf_page(page) -> tuple[ExtractedPage, str]:
    """The page's text lines, and why it must be read by OCR instead ("" if it need not)."""
    from .ocr import legacy_font_garbage

    chars = page.chars
    raw_text = "".join(c["text"] for c in chars)
    letters = sum(ch.isalpha() for ch in raw_text)
    if legacy_font_garbage(raw_text):
        return ExtractedPage([], empty=True), f"legacy-font text layer{_image_dpi(page)}"
    if letters < MIN_TEXT_LETTERS and page.images:
        return ExtractedPage([], empty=True), f"no text layer{_image_dpi(page)}"
    if not chars:
        return ExtractedPage([], empty=True), ""  # a blank page
    sizes = Counter(round(c["size"], 1) for c in chars)
    body_size = sizes.most_common(1)[0][0]

    def keep(obj) -> bool:
        # Superscript footnote markers ("pháp luật¹") would glue digits onto words.
        return not (
            obj.get("object_type") == "char"
            and obj["size"] < 0.75 * body_size
            and obj["text"].isdigit()
        )

    kept = page.filter(keep)
    raw_lines = kept.extract_text_lines(return_chars=True, strip=True)
    tables = _ruled_tables(kept)
    lines: list[tuple[str, float]] = []
    for line in raw_lines:
        if CONTINUATION_RE.match(line["text"]) and len(lines) > 5:
            continue
        table = next((t for t in tables if _inside(line, t[0])), None)
        if table is not None:
            # the table's rows replace its lines, where its first line stood
            lines.extend((row, body_size) for row in table[1])
            table[1].clear()
            continue
        line_sizes = Counter(round(c["size"], 1) for c in line["chars"])
        lines.append((normalize(line["text"]), line_sizes.most_common(1)[0][0]))
    # Footnotes: the trailing run of lines set smaller than the body text.
    while lines and lines[-1][1] < 0.9 * body_size:
        lines.pop()
    texts = [text for text, _ in lines if text.strip()]
    return ExtractedPage(texts, empty=not texts), ""


TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def _ruled_tables(page) -> list[tuple[tuple, list[str]]]:
    """(bbox, lines) of each simple table drawn with rules: every row with the same cells, a
    header naming each column. Its rows as lines keep cells of a row together."""
    if len(page.rects) + len(page.lines) < 4:
        return []
    found = []
    for table in page.find_tables(TABLE_SETTINGS):
        rows = table.extract()
        widths = {len(row) for row in rows}
        if len(rows) >= 2 and len(widths) == 1 and widths.pop() >= 2 and all(rows[0]):
            found.append((table.bbox, [normalize(line) for line in table_rows_as_lines(rows)]))
    return found


def _inside(line: dict, bbox: tuple) -> bool:
    x0, top, x1, bottom = bbox
    middle = (line["top"] + line["bottom"]) / 2
    return top <= middle <= bottom and line["x0"] < x1 and line["x1"] > x0


def _image_dpi(page) -> str:
    """", image 150 dpi" from the largest image on the page, so OCR renders near its native
    resolution."""
    best = None
    for image in page.images:
        width_pt = float(image["x1"]) - float(image["x0"])
        src = image.get("srcsize") or (0, 0)
        if width_pt > 0 and src[0]:
            dpi = src[0] * 72 / width_pt
            if best is None or width_pt > best[0]:
                best = (width_pt, dpi)
    return f", image {round(best[1])} dpi" if best else ""


def extract_docx(path: Path) -> ExtractedFile:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if path.stat().st_size == 0:
        raise ExtractionError("empty file")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise ExtractionError("not a valid DOCX file: not a ZIP archive") from exc
    if "word/document.xml" not in names:
        listed = ", ".join(sorted(names)[:3]) + (", …" if len(names) > 3 else "")
        raise ExtractionError(
            f"not a valid DOCX file: a ZIP archive without a Word document inside (it holds {listed or 'nothing'})"
        )
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractionError(f"not a valid DOCX file: {exc}") from exc
    lines = [line.strip() for line in docx_lines(document) if line.strip()]
    return ExtractedFile([ExtractedPage(lines, empty=not lines)])


def docx_lines(document) -> list[str]:
    """Paragraphs and tables in document order, so a header block laid out in a borderless
    table comes first. Layout tables (header, signature block) give their cells' paragraphs as
    lines; data tables give one line per row (`table_rows_as_lines`)."""
    from docx.table import Table

    lines: list[str] = []
    for block in document.iter_inner_content():
        if not isinstance(block, Table):
            lines.extend(normalize(block.text).splitlines())
            continue
        rows = _docx_rows(block)
        if is_layout_table([[cell.text for cell in row] for row in rows]):
            seen = set()  # a cell merged over several rows comes back in each
            for cell in (cell for row in rows for cell in row if cell._tc not in seen):
                seen.add(cell._tc)
                # a line break inside a paragraph (Shift+Enter) ends a line as well
                lines.extend(line for p in cell.paragraphs for line in normalize(p.text).splitlines())
        else:
            lines.extend(table_rows_as_lines([[" ".join(normalize(cell.text).split()) for cell in row]
                                              for row in rows]))
    return lines


def _docx_rows(table) -> list[list]:
    """The cells of each row, a cell spanning several columns once."""
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if not (cells and cells[-1]._tc is cell._tc):
                cells.append(cell)
        rows.append(cells)
    return rows


def extract_txt(path: Path) -> ExtractedFile:
    data = path.read_bytes()
    if not data.strip():
        raise ExtractionError("empty file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractionError(f"text file is not UTF-8 (byte {exc.start})") from exc
    if "\x00" in text:
        raise ExtractionError("text file contains NUL bytes (binary file?)")
    pages = []
    for chunk in normalize(text).split("\f"):  # form feed separates pages
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        pages.append(ExtractedPage(lines, empty=not lines))
    return ExtractedFile(pages)


def remove_repeated_lines(pages: list[ExtractedPage]) -> None:
    """Drop running headers/footers and page numbers from the top and bottom of pages."""
    edge = 3
    for page in pages:
        page.lines = [line for line in page.lines if not RUNNING_HEADER_RE.match(line)]
    with_text = [p for p in pages if p.lines]
    counts: Counter[str] = Counter()
    for page in with_text:
        edges = set(page.lines[:edge] + page.lines[-edge:])
        counts.update(_DIGITS_RE.sub("#", line) for line in edges)
    repeated = {
        shape
        for shape, n in counts.items()
        if len(with_text) >= 2 and n >= max(2, 0.6 * len(with_text))
        and not STRUCTURE_LINE_RE.match(shape)
    }
    for page in with_text:
        lines = page.lines
        top = [l for l in lines[:edge] if _DIGITS_RE.sub("#", l) not in repeated]
        bottom = [l for l in lines[edge:][-edge:] if _DIGITS_RE.sub("#", l) not in repeated]
        middle = lines[edge:-edge] if len(lines) > 2 * edge else []
        if len(lines) <= 2 * edge:
            bottom = [l for l in lines[edge:] if _DIGITS_RE.sub("#", l) not in repeated]
        page.lines = top + middle + bottom
        while page.lines and PAGE_NUMBER_RE.match(page.lines[0]):
            page.lines.pop(0)
        while page.lines and PAGE_NUMBER_RE.match(page.lines[-1]):
            page.lines.pop()
        page.empty = page.empty or not page.lines
