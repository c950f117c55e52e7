"""Text extraction: PDF (pdfplumber), DOCX (python-docx) and TXT, page by page.

Each page comes back as normalized lines with the running headers, page numbers and
footnotes of the Công báo layout removed.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .textnorm import normalize

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt")


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
    from pdfminer.pdfparser import PDFSyntaxError

    with path.open("rb") as fh:
        if not fh.read(1024).lstrip().startswith(b"%PDF"):
            raise ExtractionError("not a PDF file (no %PDF header)")
    try:
        pdf = pdfplumber.open(path)
    except PDFSyntaxError as exc:
        raise ExtractionError(f"corrupt PDF: {exc}") from exc
    except Exception as exc:  # pdfminer raises many types for broken files
        raise ExtractionError(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    pages: list[ExtractedPage] = []
    with pdf:
        try:
            page_count = len(pdf.pages)
        except Exception as exc:
            raise ExtractionError(f"corrupt PDF page tree: {exc}") from exc
        if page_count == 0:
            raise ExtractionError("PDF has no pages")
        for page in pdf.pages:
            try:
                pages.append(_pdf_page(page))
            except Exception as exc:
                raise ExtractionError(
                    f"cannot read page {page.page_number}: {type(exc).__name__}: {exc}"
                ) from exc
            page.close()
    return ExtractedFile(pages)


def _pdf_page(page) -> ExtractedPage:
    chars = page.chars
    if not chars:
        return ExtractedPage([], empty=True)
    sizes = Counter(round(c["size"], 1) for c in chars)
    body_size = sizes.most_common(1)[0][0]

    def keep(obj) -> bool:
        # Superscript footnote markers ("pháp luật¹") would glue digits onto words.
        return not (
            obj.get("object_type") == "char"
            and obj["size"] < 0.75 * body_size
            and obj["text"].isdigit()
        )

    raw_lines = page.filter(keep).extract_text_lines(return_chars=True, strip=True)
    lines: list[tuple[str, float]] = []
    for line in raw_lines:
        if CONTINUATION_RE.match(line["text"]) and len(lines) > 5:
            continue
        line_sizes = Counter(round(c["size"], 1) for c in line["chars"])
        lines.append((normalize(line["text"]), line_sizes.most_common(1)[0][0]))
    # Footnotes: the trailing run of lines set smaller than the body text.
    while lines and lines[-1][1] < 0.9 * body_size:
        lines.pop()
    texts = [text for text, _ in lines if text.strip()]
    return ExtractedPage(texts, empty=not texts)


def extract_docx(path: Path) -> ExtractedFile:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractionError(f"not a valid DOCX file: {exc}") from exc
    lines: list[str] = []
    for paragraph in document.paragraphs:
        lines.extend(normalize(paragraph.text).splitlines())
    for table in document.tables:
        for row in table.rows:
            cells = [normalize(cell.text).strip() for cell in row.cells]
            lines.append("  ".join(c for c in dict.fromkeys(cells) if c))
    lines = [line.strip() for line in lines if line.strip()]
    return ExtractedFile([ExtractedPage(lines, empty=not lines)])


def extract_txt(path: Path) -> ExtractedFile:
    data = path.read_bytes()
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
