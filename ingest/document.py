"""Turn the files of one document (one file, or the parts of a multi-part vbpl document) into
a Document: text with pages, metadata, units and references."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from . import analysis
from .extract import CONTINUATION_RE, ExtractedFile
from .metadata import read_metadata
from .model import Document, DocMeta, Page, Unit
from .references import find_references, number_key
from .structure import Line, parse_units

PART_RE = re.compile(r"^(?P<base>.+?)\.P(?P<n>\d+)$", re.IGNORECASE)
VBPL_ID_RE = re.compile(r"^\((?P<id>[A-Z]*\d+)\)-")


def group_key(relpath: str) -> str:
    """Files with the same key are parts of one document.

    vbpl names parts `….P1.pdf`, `….P2.pdf`, and prefixes every file with its document id
    "(96122)-", which also joins parts named otherwise (the two Công báo issues of a VBHN).
    """
    path = Path(relpath)
    name = unicodedata.normalize("NFC", path.name)
    m = VBPL_ID_RE.match(name)
    if m:
        return str(path.parent / f"({m.group('id')})")
    stem = name.rsplit(".", 1)[0]
    m = PART_RE.match(stem)
    return str(path.parent / (m.group("base") if m else stem))


def part_order(relpath: str) -> tuple[int, str]:
    stem = Path(relpath).name.rsplit(".", 1)[0]
    m = PART_RE.match(stem)
    return (int(m.group("n")) if m else 0, relpath)


def doc_id_for(key: str) -> str:
    from .textnorm import fold

    slug = re.sub(r"[^a-z0-9]+", "-", fold(unicodedata.normalize("NFC", key)).lower()).strip("-")
    return slug or "document"


def build_document(
    doc_id: str,
    parts: list[tuple[str, ExtractedFile]],
    content_hash: str,
    overrides: dict[str, str] | None = None,
) -> Document:
    text_parts: list[str] = []
    lines: list[Line] = []
    pages: list[Page] = []
    offset = 0
    warnings: list[str] = []
    for part_index, (relpath, extracted) in enumerate(parts):
        warnings.extend(f"{relpath}: {w}" for w in extracted.warnings)
        for page_index, page in enumerate(extracted.pages):
            page_lines = page.lines
            if part_index > 0 and page_index == 0:
                page_lines = _without_gazette_header(page_lines)
            pages.append(
                Page(number=len(pages) + 1, source=relpath, source_page=page_index + 1,
                     start=offset, ocr=page.ocr, empty=page.empty)
            )
            for line in page_lines:
                lines.append(Line(line, offset, len(pages)))
                text_parts.append(line)
                offset += len(line) + 1
    text = "\n".join(text_parts)
    meta = read_metadata([l.text for l in lines])
    if overrides:
        meta = replace(meta, **overrides)
    units = parse_units(lines, len(text))
    document = Document(
        doc_id=doc_id, sources=[p for p, _ in parts], content_hash=content_hash, meta=meta,
        text=text, pages=pages, units=[], references=[], warnings=warnings,
    )
    document.units = _with_preamble(document, units)
    for unit in document.units:
        unit.page = document.page_at(unit.start).number
        unit.page_end = document.page_at(max(unit.start, unit.end - 1)).number
    document.references = find_references(text, number_key(meta.number) if meta.number else "")
    _attach_references(document)
    document.compound_spans = _compound_spans(document)
    return document


GAZETTE_SECTION_RE = re.compile(r"^PHẦN VĂN BẢN")
ISSUE_NUMBER_LINE_RE = re.compile(r"^(Luật|Bộ luật|Nghị định|Nghị quyết|Thông tư|Quyết định|Pháp lệnh)?\s*số\s+\d", re.I)


def _without_gazette_header(lines: list[str]) -> list[str]:
    """A later Công báo issue carrying the next part of a document starts with a section header
    ("PHẦN VĂN BẢN QUY PHẠM PHÁP LUẬT", the issuers, "Luật số 100/2015/QH13 ngày …", the short
    title, "(Tiếp theo Công báo số …)"), which is not part of the document's text."""
    for i, line in enumerate(lines[:10]):
        if CONTINUATION_RE.match(line):
            return lines[i + 1 :]
    if not lines or not GAZETTE_SECTION_RE.match(lines[0]):
        return lines
    i = 1
    while i < len(lines) and lines[i].isupper() and not re.match(r"^(PHẦN|CHƯƠNG|MỤC|ĐIỀU)\b", lines[i]):
        i += 1
    if i < len(lines) and ISSUE_NUMBER_LINE_RE.match(lines[i]):
        i += 1
        if i < len(lines) and len(lines[i]) < 80 and not re.match(r"^(Phần|Chương|Mục|Điều)\b", lines[i]):
            i += 1  # the short title, "Bộ luật hình sự"
    return lines[i:]


def _with_preamble(document: Document, units: list[Unit]) -> list[Unit]:
    text = document.text
    if not units:
        if not text.strip():
            return []
        return [Unit(anchor="toan-van", kind="body", number="", label="", path="Toàn văn",
                     heading="", start=0, end=len(text), page=1, page_end=1, depth=0)]
    first = units[0].start
    if text[:first].strip():
        preamble = Unit(anchor="mo-dau", kind="preamble", number="", label="Phần mở đầu",
                        path="Phần mở đầu", heading="", start=0, end=first, page=1,
                        page_end=1, depth=0)
        return [preamble] + units
    return units


def _attach_references(document: Document) -> None:
    """Each reference belongs to the innermost unit that contains it."""
    for ref in document.references:
        owner = None
        for unit in document.units:
            if unit.start <= ref.start < unit.end and (owner is None or unit.depth >= owner.depth):
                owner = unit
        if owner is not None:
            owner.references.append(ref)


def _compound_spans(document: Document) -> list[tuple[int, int]]:
    text = document.text
    cuts = sorted({0, len(text), *(u.start for u in document.units)})
    spans: list[tuple[int, int]] = []
    for start, end in zip(cuts, cuts[1:]):
        for s, e in analysis.compound_spans(text[start:end]):
            spans.append((start + s, start + e))
    return spans


def unit_segmented_text(document: Document, unit: Unit) -> analysis.SegmentedText:
    import bisect

    # The start offsets are listed once per document, not once per unit (quadratic on laws).
    cached = document.__dict__.get("_span_starts")
    if cached is None or cached[0] is not document.compound_spans:
        cached = (document.compound_spans, [s for s, _ in document.compound_spans])
        document.__dict__["_span_starts"] = cached
    starts = cached[1]
    lo = bisect.bisect_left(starts, unit.start)
    hi = bisect.bisect_left(starts, unit.end)
    spans = [(s - unit.start, e - unit.start) for s, e in document.compound_spans[lo:hi] if e <= unit.end]
    return analysis.SegmentedText(document.unit_text(unit), spans)


def meta_display_name(meta: DocMeta) -> str:
    """ "Quyết định 1322/QĐ-TTg", or the type and title when there is no number."""
    if meta.number:
        return f"{meta.doc_type} {meta.number}".strip()
    if meta.doc_type == "Hiến pháp" and meta.year:
        return f"Hiến pháp năm {meta.year}"  # constitutions are cited by year
    if meta.title:
        title = meta.title[:1].upper() + meta.title[1:]
        return f"{meta.doc_type} {title}".strip()
    return meta.doc_type
