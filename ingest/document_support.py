"""The support measures of a parsed document: each unit with what surrounds it, through ingest.support.

Around every unit the document supplies: its enclosing units' own lead texts ("2. Hỗ trợ doanh
nghiệp nhỏ và vừa:"), found by offsets; the "Đối tượng áp dụng" text; the "Điều kiện …" clauses
with their citations; the clauses on the application (hồ sơ, trình tự, thủ tục, nộp hồ sơ) where
the deadline and the agency usually are; the title (its "giai đoạn 2021 - 2030"); the province
of the issuer ("Ủy ban nhân dân tỉnh Kiên Giang" → "Kiên Giang", "" for a national body); and
the date it takes effect. Units under a "Kinh phí thực hiện" heading are budgets and are skipped.
A unit is read by its own text only — up to its first sub-unit — so a
measure of "Điểm a" is not found again in "Khoản 2" around it.
"""

from __future__ import annotations

import re

from .citation import citation
from .model import Document, Unit
from .support import UnitContext, extract_document
from .textnorm import fold, normalize

_LEAD_CHARS = 400  # of an enclosing unit: its heading and the sentence introducing its points
_SCOPE_FIRST_RE = re.compile(r"^doi tuong (?:ap dung|duoc ho tro|ho tro|thu huong)")
_SCOPE_HEADING_RE = re.compile(r"doi tuong (?:ap dung|duoc ho tro|ho tro|thu huong)")
_SCOPE_LEAD_RE = re.compile(
    r"^\s*Đối tượng\s+(?:áp dụng|được hỗ trợ|hỗ trợ|thụ hưởng)(?:\s+(?:của|chính sách)[^:\n]*?)?"
    r"(?:\s+(?:là|gồm|bao gồm))?\s*:?\s*", re.I)
_CONDITION_RE = re.compile(r"^dieu kien\b")
_PROCEDURE_RE = re.compile(r"^(?:ho so|thanh phan ho so|trinh tu|thu tuc|cach thuc|thoi gian va dia diem"
                           r"|dia diem|noi nop|nop ho so|tiep nhan ho so)")
_BUDGET_RE = re.compile(r"^(?:(?:tong|nguon)\s+)?kinh phi(?!\s+ho tro)\b|^du toan\b")
_APPLY_RE = re.compile(r"\bnộp\b[^.;]{0,30}\bhồ sơ|\bhồ sơ\b[^.;]{0,60}\b(?:nộp|gửi)\b|tiếp nhận hồ sơ", re.I)
_MARKER_RE = re.compile(r"^\s*(?:(?:Điều|Mục|Chương|Phần)\s+[\dIVXLC]+[a-zđ]?\s*[.:]?|[\dIVXLC]+\.|[a-zđ]\)|-|\+)\s*",
                        re.I)
_PROVINCE_RE = re.compile(r"\b(?:tỉnh|thành phố|TP\.?)\s+(?P<name>[^\W\d_][\w\s\-–]*?)\s*$", re.I)
_EFFECTIVE_RE = re.compile(
    r"có hiệu lực(?: thi hành)?(?: kể)? từ ngày\s+(?:(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4})|(?P<signed>ký))", re.I)


def province_of(issuer: str) -> str:
    """"Ủy ban nhân dân tỉnh Kiên Giang" → "Kiên Giang"; "Thủ tướng Chính phủ" → ""."""
    issuer = normalize(issuer).strip()
    m = _PROVINCE_RE.search(issuer)
    if not m:
        return ""
    name = re.sub(r"\s+", " ", m.group("name")).strip(" -–")
    return name.title() if name.isupper() else name


def effective_date(text: str, issued: str) -> str:
    """ISO date of "có hiệu lực (thi hành) kể từ ngày 25 tháng 11 năm 2024"; the date of issue for
    "kể từ ngày ký" or when the text says nothing."""
    m = _EFFECTIVE_RE.search(normalize(text))
    if not m or m.group("signed"):
        return issued
    day, month, year = (m.group("d"), m.group("m"), m.group("y")) if m.group("y") else \
        (m.group("d2"), m.group("m2"), m.group("y2"))
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _first_line(text: str) -> str:
    """The unit's first line without its marker, accent-folded and lowercased."""
    line = text.lstrip().split("\n", 1)[0]
    return fold(normalize(_MARKER_RE.sub("", line, count=1))).lower().strip()


class _Outline:
    """The units of a document with their parents and their own texts."""

    def __init__(self, document: Document):
        self.document = document
        self.units = [u for u in document.units if u.kind != "preamble"]
        self.parents: dict[int, list[Unit]] = {}
        self.first_child: dict[int, int] = {}
        self._first_lines: dict[int, str] = {}
        stack: list[Unit] = []
        for unit in sorted(self.units, key=lambda u: (u.start, -u.end, u.depth)):
            while stack and not (stack[-1].start <= unit.start and unit.end <= stack[-1].end):
                stack.pop()
            self.parents[id(unit)] = list(reversed(stack))
            if stack:
                self.first_child.setdefault(id(stack[-1]), unit.start)
            stack.append(unit)

    def own_text(self, unit: Unit) -> str:
        end = self.first_child.get(id(unit), unit.end)
        return self.document.text[unit.start:end]

    def first_line(self, unit: Unit) -> str:
        """Its first line without its marker, accent-folded and lowercased."""
        if id(unit) not in self._first_lines:
            self._first_lines[id(unit)] = _first_line(self.own_text(unit))
        return self._first_lines[id(unit)]

    def full_text(self, unit: Unit) -> str:
        return self.document.unit_text(unit)

    def has_children(self, unit: Unit) -> bool:
        return id(unit) in self.first_child

    def in_budget(self, unit: Unit) -> bool:
        """Under a "Kinh phí thực hiện" heading: its amounts are budgets, not support granted."""
        return any(_BUDGET_RE.match(self.first_line(u)) or _BUDGET_RE.match(fold(u.heading).lower())
                   for u in [unit, *self.parents[id(unit)]])


def _scope(outline: _Outline) -> str:
    """The "Đối tượng áp dụng" text, its heading and markers removed ("" when there is none)."""
    best: tuple[int, int, Unit] | None = None
    for unit in outline.units:
        first = outline.first_line(unit)
        rank = 2 if _SCOPE_FIRST_RE.match(first) else 1 if _SCOPE_HEADING_RE.search(fold(unit.heading).lower()) else 0
        if rank and (best is None or (rank, unit.depth) > best[:2]):
            best = (rank, unit.depth, unit)
    if best is None:
        return ""
    lines = outline.full_text(best[2]).strip().split("\n")
    if _SCOPE_HEADING_RE.search(fold(normalize(_MARKER_RE.sub("", lines[0], count=1))).lower()) \
            and not _SCOPE_FIRST_RE.match(_first_line(lines[0])):
        lines = lines[1:]  # "1. Phạm vi và đối tượng áp dụng": a heading, not the scope
    text = " ".join(_MARKER_RE.sub("", line, count=1) for line in lines)
    return normalize(_SCOPE_LEAD_RE.sub("", text, count=1)).strip()


def _outermost(units: list[Unit], outline: _Outline) -> list[Unit]:
    chosen = {id(u) for u in units}
    return [u for u in units if not any(id(p) in chosen for p in outline.parents[id(u)])]


def _conditions(outline: _Outline, document: Document) -> list[tuple[str, str]]:
    # a Chương "ĐIỀU KIỆN, NỘI DUNG, MỨC HỖ TRỢ" is not itself a condition: its Điều are
    found = [u for u in outline.units if not u.is_container and (
             _CONDITION_RE.match(outline.first_line(u)) or _CONDITION_RE.match(fold(normalize(u.heading)).lower()))]
    return [(citation(u.label, document.meta, u.page, u.attachment), normalize(outline.full_text(u)))
            for u in _outermost(found, outline)]


def _procedures(outline: _Outline) -> list[str]:
    headed = [u for u in outline.units if _PROCEDURE_RE.match(outline.first_line(u))
              or _PROCEDURE_RE.match(fold(normalize(u.heading)).lower())]
    texts = [outline.full_text(u) for u in _outermost(headed, outline)]
    texts += [outline.own_text(u) for u in outline.units
              if not outline.has_children(u) and _APPLY_RE.search(normalize(outline.own_text(u)))]
    return list(dict.fromkeys(texts))


def support_measures(document: Document) -> list[dict]:
    """The support measures of the document's units (`ingest.support.Measure` dicts, each with the
    document's number as `doc_number`), in the order of the text."""
    outline = _Outline(document)
    meta = document.meta
    common = dict(
        doc_id=document.doc_id, effective=effective_date(document.text, meta.issued),
        province=province_of(meta.issuer), title=meta.title, scope=_scope(outline),
        conditions=_conditions(outline, document), procedures=_procedures(outline))
    # An attachment numbers its own Điều and Khoản: "khoản 1 Điều này" resolves within it.
    by_part: dict[str, list[tuple[str, UnitContext]]] = {}
    for unit in outline.units:
        if unit.is_container or outline.in_budget(unit):
            continue
        parents = [outline.own_text(p)[:_LEAD_CHARS] for p in outline.parents[id(unit)]]
        by_part.setdefault(unit.attachment, []).append((outline.own_text(unit), UnitContext(
            label=unit.label, citation=citation(unit.label, meta, unit.page, unit.attachment), path=unit.path,
            anchor=unit.anchor, url=f"/documents/{document.doc_id}#{unit.anchor}", parents=parents,
            **common)))
    return [dict(m.to_dict(), doc_number=meta.number)
            for units in by_part.values() for m in extract_document(units)]
