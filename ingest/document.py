"""Turn the files of one document (one file, or the parts of a multi-part vbpl document) into
a Document: text with pages, metadata, units and references."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import analysis
from .attachments import split_segments
from .extract import CONTINUATION_RE, ExtractedFile
from .metadata import read_metadata
from .model import Document, DocMeta, Page, Unit
from .references import find_references, number_key
from .structure import Line, parse_structure

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
    structure = parse_structure(lines, len(text))
    # The signature closes the main text, not the last attachment after it.
    main_end = structure.segments[1].start if len(structure.segments) > 1 else len(text)
    meta = read_metadata([l.text for l in lines if l.start < main_end])
    if overrides:
        meta = replace(meta, **overrides)
    document = Document(
        doc_id=doc_id, sources=[p for p, _ in parts], content_hash=content_hash, meta=meta,
        text=text, pages=pages, units=[], references=[], warnings=warnings,
    )
    document.units = _with_preamble(document, structure.units, structure.segments[0].end)
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


def _with_preamble(document: Document, units: list[Unit], body_end: int) -> list[Unit]:
    """The text of the main body (up to its signature block) before its first unit is the
    preamble; a main body without any unit is one unit, "Toàn văn"."""
    text = document.text
    main = [u for u in units if not u.attachment]
    first = main[0].start if main else body_end
    if not text[:first].strip():
        return units
    if main:
        opening = Unit(anchor="mo-dau", kind="preamble", number="", label="Phần mở đầu",
                       path="Phần mở đầu", heading="", start=0, end=first, page=1, page_end=1, depth=0)
    else:
        opening = Unit(anchor="toan-van", kind="body", number="", label="", path="Toàn văn",
                       heading="", start=0, end=body_end, page=1, page_end=1, depth=0)
    return [opening] + units


def coverage(document: Document) -> float:
    """Nothing lost, nothing held twice: the share of the characters of the non-blank lines of
    the main text (first line to its signature block) and of every attachment (its heading to
    its signature block) whose line belongs to exactly one indexed unit, that is, whose
    innermost unit is a single non-container unit. A container's own heading lines ("Chương
    I" / "CHẾ ĐỘ CHÍNH TRỊ", "QUY ĐỊNH") count as held: they reach the index as the title of
    every unit under them. 1.0 when there is nothing to measure."""
    held = total = 0
    for line, ok in _measured_lines(document):
        size = len(line.strip())
        total += size
        held += size if ok else 0
    return held / total if total else 1.0


def uncovered_lines(document: Document) -> list[str]:
    """The measured lines that no single indexed unit holds (what `coverage` misses)."""
    return [line for line, ok in _measured_lines(document) if not ok]


def _measured_lines(document: Document):
    """(line, held by exactly one indexed unit) for every measured non-blank line."""
    text = document.text
    lines, offset = [], 0
    for raw in text.split("\n"):
        lines.append(Line(raw, offset, 0))
        offset += len(raw) + 1
    segments = split_segments(lines, len(text))
    spans = [(0, segments[0].end)] + [(s.start, s.end) for s in segments[1:]]
    units = sorted(document.units, key=lambda u: (u.start, -u.end))
    active: list[Unit] = []
    next_unit = 0
    for line in lines:
        if not line.text.strip() or not any(s <= line.start < e for s, e in spans):
            continue
        while next_unit < len(units) and units[next_unit].start <= line.start:
            active.append(units[next_unit])
            next_unit += 1
        line_end = line.start + len(line.text)
        active = [u for u in active if u.end > line.start]  # the units holding this line
        innermost = [u for u in active
                     if not any(v is not u and u.start <= v.start and v.end <= u.end for v in active)]
        if len(innermost) != 1:
            yield line.text, False
            continue
        unit = innermost[0]
        if unit.end < line_end:  # a unit that ends inside a line leaves the rest of it to none
            yield line.text, False
        elif unit.is_container:  # its heading lines, or those of a container around it repeated
            yield line.text, any(_is_heading_line(text, line, c) for c in active if c.is_container)
        else:
            yield line.text, True


def _is_heading_line(text: str, line: Line, container: Unit) -> bool:
    """The container's first line, a repeat of it (Công báo repeats the open Chương at the top
    of a continuation issue), or a line of its title."""
    end = text.find("\n", container.start)
    first_line = text[container.start : end if end >= 0 else len(text)].strip()
    own = line.text.strip()
    return line.start == container.start or own == first_line or own in container.heading


def _attach_references(document: Document) -> None:
    """Each reference belongs to the innermost unit that contains it (the deepest; of equal
    depth, the last). Compared with numpy: a code has thousands of units and references."""
    units = document.units
    if not units:
        return
    starts = np.array([u.start for u in units])
    ends = np.array([u.end for u in units])
    # deeper first, then later: the first containing unit in this order is the owner
    order = np.lexsort((-np.arange(len(units)), -np.array([u.depth for u in units])))
    starts, ends = starts[order], ends[order]
    for ref in document.references:
        containing = np.flatnonzero((starts <= ref.start) & (ref.start < ends))
        if len(containing):
            units[order[containing[0]]].references.append(ref)


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
