"""Read from a document's own words when it takes effect, when it ends, and what it does to
other documents: replaces, repeals, amends, guides, implements, is based on, consolidates.

A little over 400 lines: the sentence forms of dates and of the seven relations read one
unit at a time, with the lead-in ("Bãi bỏ các văn bản sau:") carried to the units under it;
the stored facts are validity_model.py, lists of units ("khoản 3 và khoản 4 Điều 27")
unit_lists.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from .model import Document, DocMeta, Reference, Unit
from .references import DOC_TYPES, find_references, number_key
from .textnorm import normalize
from .unit_lists import split_leading, split_trailing
from .validity_model import DateFact, ProofUnit, Relation, UnitText, ValidityFacts, name_key

PLAN_TYPES = ("Kế hoạch", "Chương trình", "Đề án")
TITLE_LABEL = "Trích yếu"

_I = re.IGNORECASE
_TYPES = "|".join(sorted({*DOC_TYPES, "Văn bản", "Quy chế", "Điều lệ"}, key=len, reverse=True))
SELF = rf"\b(?:{_TYPES})\s+này\b"
SELF_RE = re.compile(SELF, _I)
TYPE_WORD_RE = re.compile(rf"\b(?:{'|'.join(sorted(DOC_TYPES, key=len, reverse=True))})\b")
BARE_TYPE_RE = re.compile(rf"^(?:{_TYPES})\s*$", _I)
TYPE_START_RE = re.compile(rf"^(?:{_TYPES})\b", _I)
DATE_RE = re.compile(
    r"ngày\s+(?P<d>\d{1,2})\s*(?:tháng\s*(?P<m>\d{1,2})\s*năm\s*(?P<y>\d{4})"
    r"|[/.-]\s*(?P<m2>\d{1,2})\s*[/.-]\s*(?P<y2>\d{4}))", _I)
_SIGNING = r"(?:kể\s+)?từ\s+ngày\s+(?:được\s+)?(?:[^\d,;.]{0,70}?\s)?(?:ký|ban\s+hành|thông\s+qua)\b"

IN_FORCE_RE = re.compile(r"\bcó\s+hiệu\s+lực(?:\s+thi\s+hành)?", _I)
FROM_SIGNING_RE = re.compile(rf"\s*,?\s*{_SIGNING}", _I)
FROM_DAY_RE = re.compile(r"\b(?:kể\s+)?từ\s+(?=ngày\s+\d)", _I)
FROM_DATE_RE = re.compile(r"\s*,?\s*(?:kể\s+)?từ\s+(?=ngày\s+\d)", _I)
AFTER_DAYS_RE = re.compile(rf"\s*,?\s*sau\s+(?P<n>\d{{1,3}})\s+ngày\s*,?\s*{_SIGNING}", _I)
UNTIL_RE = re.compile(r"\bđến\s+(?:hết\s+)?(?=ngày\s+\d)", _I)
OTHERS_START_RE = re.compile(rf"từ\s+ngày\s+(?:{_TYPES})\s+này\s*$", _I)
ENDS_RE = re.compile(r"\bhết\s+hiệu\s+lực(?:\s+thi\s+hành)?", _I)
ENDS_WHEN_RE = re.compile(
    rf"\s*,?\s*(?:kể\s+)?từ\s+(?:(?P<self>ngày\s+(?:{_TYPES})\s+này\s+có\s+hiệu\s+lực)|(?=ngày\s+\d))", _I)
TERM_RE = re.compile(
    r"\bthời\s+(?:hạn|gian)\s+(?:thực\s+hiện|áp\s+dụng)\b[^;:]{0,60}?(?::\s*)?"
    r"(?:từ\s+(?:ngày\s+[\d/]+|năm\s+\d{4})\s+)?(?:đến|tới)\s+(?:hết\s+)?(?:(?=ngày\s+\d)|năm\s+(?P<year>\d{4}))", _I)
PERIOD_RE = re.compile(r"\bgiai\s+đoạn\s+(?:từ\s+)?(?:năm\s+)?\d{4}\s*(?:-|–|—|đến)\s*(?:năm\s+)?(?P<end>\d{4})", _I)
YEAR_RE = re.compile(r"(?<!đến )(?<!tới )\bnăm\s+(?P<year>\d{4})\b", _I)
PLAN_TITLE_RE = re.compile(r"^(?:phê\s+duyệt|ban\s+hành)\s+(?:kế\s+hoạch|chương\s+trình|đề\s+án)\b", _I)

REPLACE_RE = re.compile(r"\bthay\s+thế(?:\s+cho)?\b", _I)
REPEAL_RE = re.compile(r"\bbãi\s+bỏ\b", _I)
AMEND_RE = re.compile(
    r"\bsửa\s+đổi(?:\s*,\s*bổ\s+sung)?(?:\s*,?\s*(?:và\s+)?bãi\s+bỏ)?"
    r"|\bbổ\s+sung(?=\s+(?:các\s+)?(?:điểm|khoản|điều|phụ\s+lục|cụm\s+từ)\b)", _I)
PHRASE_RE = re.compile(r"\s*(?:cụm\s+từ|từ|phụ\s+lục|mẫu|biểu\s+mẫu|điểm|khoản|điều)\b", _I)
_ATTACHED = r"(?:(?:Quy định|Quy chế|Điều lệ|Danh mục|Bảng giá|Chương trình|Kế hoạch)\b[^;]{0,160}?\bban\s+hành\s+kèm\s+theo\s+)?"
REPLACE_GAP_RE = re.compile(rf"^\s*(?:toàn\s+bộ\s+)?{_ATTACHED}$", _I)
CHANGE_GAP_RE = re.compile(
    rf"^\s*(?:toàn\s+bộ\s+)?(?:(?:một\s+số\s+(?:điều|nội\s+dung|quy\s+định)|nội\s+dung)\s+)?(?:(?:của|tại)\s+)?{_ATTACHED}$", _I)
GUIDE_RE = re.compile(
    r"\b(?:quy\s+định\s+chi\s+tiết|hướng\s+dẫn)(?:\s*(?:,|và)\s*(?:quy\s+định\s+chi\s+tiết|hướng\s+dẫn))*"
    r"(?:\s+(?:việc\s+)?(?:thi\s+hành|thực\s+hiện))?", _I)
IMPLEMENT_RE = re.compile(r"\b(?:(?:triển\s+khai\s+)?thực\s+hiện|triển\s+khai)\b", _I)
IMPLEMENT_BEFORE_RE = re.compile(r"(?:^|\bđể|\bkế\s+hoạch|\bchương\s+trình|\bđề\s+án)\s*$", _I)
TARGET_GAP_RE = re.compile(
    r"^\s*(?:(?:một\s+số\s+(?:điều|nội\s+dung)(?:\s+và\s+biện\s+pháp(?:\s+[^\s,;]+){1,8}?)?"
    r"|(?:có\s+hiệu\s+quả\s+)?(?:các\s+)?(?:nội\s+dung|nhiệm\s+vụ))\s+)?(?:(?:của|tại)\s+)?$", _I)
BASED_ON_RE = re.compile(r"^căn\s+cứ\s+(?:vào\s+)?", _I)
NAMED_DOC_RE = re.compile(r"\b(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Thông tư|Quyết định)\b")
NAME_STOP_RE = re.compile(r"\s(?:ngày|số)\s+\d|\s(?:đã|được)\s|\snăm\s+\d{4}|[;(:]|[.,]?\s*$")
NEXT_DOC_RE = re.compile(rf"\s*(?:\bvà|,)\s*(?=(?:{_TYPES})\b)")
LEADING_NUMBER_RE = re.compile(r"^\s*(?:Điều\s+\d+[a-zđ]?\s*[.:]|[IVXLC]+\s*[.:]|\d{1,3}\s*\.|[a-zđ]\))\s*")
LISTED_TYPE_RE = re.compile(rf"(?:,|;|\bvà|\bhoặc)\s*(?:các\s+)?(?:{_TYPES})\b(?!.*(?:,|;|\bvà|\bhoặc)\s*(?:các\s+)?(?:{_TYPES})\b)", _I)
PASSIVE_BEFORE_RE = re.compile(r"\b(?:được|bị|đã)\s*$", _I)
CONSOLIDATED_LIST_RE = re.compile(r"\bđược\s+sửa\s+đổi,?\s*bổ\s+sung\s+bởi\s*:?\s*$", _I)
CONNECTOR_BEFORE_RE = re.compile(r"(?:,|;|\bvà|\bcác|\bhoặc)\s*$", _I)
AS_FOLLOWS_RE = re.compile(r"\bnhư\s+sau\s*:", _I)
# A preamble line opens a new segment even when the header line before it has no punctuation.
SEGMENT_END_RE = re.compile(r"[.;:]\s+|\n(?=(?:Căn cứ|Thực hiện|Triển khai|Xét|Theo đề nghị)\b)")
QUOTED_RE = re.compile(r"“[^“”]{0,400}”|\"[^\"]{0,400}\"")


@dataclass
class _Target:
    key: str
    number: str
    name: str
    when: str
    start: int
    end: int
    doc_type: str  # "Quyết định" when written with its type, so it can be one of a list


def parse_date(text: str) -> date | None:
    """The first "ngày 01 tháng 5 năm 2026" or "ngày 01/5/2026" in `text`."""
    m = DATE_RE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group("y") or m.group("y2")), int(m.group("m") or m.group("m2")), int(m.group("d")))
    except ValueError:
        return None


def units_from_document(document: Document, citation_of: Callable[[Unit], str] | None = None) -> list[UnitText]:
    """Each unit with its own words only: its text up to its first sub-unit."""
    units, meta = document.units, document.meta
    out = []
    for i, unit in enumerate(units):
        end = unit.end
        if i + 1 < len(units) and unit.start < units[i + 1].start < end:
            end = units[i + 1].start
        citation = citation_of(unit) if citation_of else f"{unit.label} — {meta.doc_type} {meta.number}".strip()
        out.append(UnitText(unit.anchor, unit.label, document.text[unit.start:end], citation, unit.kind))
    return out


def extract_validity(units: list[UnitText], meta: DocMeta, doc_citation: str = "") -> ValidityFacts:
    """The validity facts of one document from its units, in document order, and its metadata.
    `doc_citation` names the document in the title's proof ("Kế hoạch 9116/KH-UBND ngày …")."""
    facts = ValidityFacts(key=number_key(meta.number) if meta.number else "", number=meta.number,
                          doc_type=meta.doc_type, title=meta.title, issued=meta.issued)
    doc_citation = doc_citation or facts.name
    reader = _Reader(facts, _iso_date(meta.issued), meta)
    if meta.title:
        reader.read(UnitText("", TITLE_LABEL, meta.title, f"{TITLE_LABEL} — {doc_citation}", "title"))
    for unit in units:
        reader.read(unit)
    if facts.expires is None:
        ends = [d for d in (*reader.terms, _plan_period_end(meta, doc_citation)) if d]
        facts.expires = max(ends, key=lambda d: d.date) if ends else None
    effective = facts.effective.date if facts.effective else None
    for relation in facts.relations:
        if relation.since is None and relation.type in ("replaces", "repeals", "amends"):
            relation.since = effective
    return facts


class _Reader:
    """Reads units in order, carrying what a lead-in such as "Bãi bỏ các văn bản sau:" or
    "Sửa đổi, bổ sung một số điều của Quyết định số … như sau:" says to its sub-units."""

    def __init__(self, facts: ValidityFacts, issued: date | None, meta: DocMeta):
        self.facts, self.issued = facts, issued
        self.consolidating = meta.doc_type == "Văn bản hợp nhất" or "/VBHN-" in meta.number.upper()
        self.context: dict[str, tuple[str, _Target | None]] = {}  # anchor → (type, target)
        self.quoted: set[str] = set()  # units whose sub-units are quoted new wording
        self.seen: set[tuple] = set()
        self.terms: list[DateFact] = []

    def read(self, unit: UnitText) -> None:
        parent = unit.anchor.rsplit(".", 1)[0] if "." in unit.anchor else ""
        if parent in self.quoted:
            self.quoted.add(unit.anchor)
            return
        text = QUOTED_RE.sub(lambda m: " " * len(m.group()), normalize(unit.text))
        follows = AS_FOLLOWS_RE.search(text)
        if follows:
            text = text[: follows.end()]
        proof = ProofUnit(unit.anchor, unit.label, unit.citation)
        inherited = self._inherited(unit.anchor)
        preamble = unit.kind in ("preamble", "body", "")
        based_on = False
        segments = _segments(text)
        for i, seg in enumerate(segments):
            if preamble and BASED_ON_RE.match(seg):
                based_on = True
                self.consolidating = False  # the list of consolidated documents ends here
            elif not (based_on and TYPE_START_RE.match(seg)):
                based_on = False
            targets = [_target_of(seg, r) for r in find_references(seg, self.facts.key)]
            if based_on:
                self._read_based_on(seg, targets, proof)
                continue
            if preamble and CONSOLIDATED_LIST_RE.search(seg):
                self.consolidating = True  # "Luật … số …, được sửa đổi, bổ sung bởi:"
            if self.consolidating and preamble:
                for target in targets:
                    self._add("consolidates", target, [], proof)
            self._read_dates(seg, targets, proof)
            # An article whose words are only a heading without a final period ("Điều 1. Sửa
            # đổi, bổ sung một số điều của Quy định … kèm theo Quyết định số …") leads in as ":" does.
            heading = not preamble and i == len(segments) - 1 and not follows and not seg.rstrip().endswith(
                (".", ";", ":", "/."))
            lead, quoting = self._read_changes(seg, targets, proof, inherited, heading)
            if lead:
                self.context[unit.anchor] = lead
            if quoting and follows:
                self.quoted.add(unit.anchor)
            self._read_guides(seg, targets, proof)

    def _read_dates(self, seg: str, targets: list[_Target], proof: ProofUnit) -> None:
        facts = self.facts
        for m in IN_FORCE_RE.finditer(seg):
            before = seg[: m.start()]
            if OTHERS_START_RE.search(before):
                continue  # "… hết hiệu lực kể từ ngày Quyết định này có hiệu lực"
            if not (SELF_RE.search(before) or BARE_TYPE_RE.match(before)):  # "Quyết định có hiệu lực …"
                continue
            when = self._when(seg, m.end())
            if when and facts.effective is None:
                facts.effective = DateFact(when.isoformat(), proof)
            until = UNTIL_RE.search(seg, m.end())
            end = parse_date(seg[until.end():]) if until else None
            if end and facts.expires is None:
                facts.expires = DateFact(end.isoformat(), proof, through=True)
        for m in ENDS_RE.finditer(seg):
            if any(t.start < m.start() for t in targets) or not SELF_RE.search(seg[: m.start()]):
                continue
            when = ENDS_WHEN_RE.match(seg, m.end())
            end = parse_date(seg[when.end():]) if when and not when.group("self") else None
            if end and facts.expires is None:
                facts.expires = DateFact(end.isoformat(), proof)
        for m in TERM_RE.finditer(seg):
            end = date(int(m.group("year")), 12, 31) if m.group("year") else parse_date(seg[m.end():])
            if end:
                self.terms.append(DateFact(end.isoformat(), proof, through=True))

    def _when(self, seg: str, pos: int) -> date | None:
        if m := AFTER_DAYS_RE.match(seg, pos):
            return self.issued + timedelta(days=int(m.group("n"))) if self.issued else None
        if FROM_DATE_RE.match(seg, pos):
            return parse_date(seg[pos:])
        if FROM_SIGNING_RE.match(seg, pos):
            return self.issued
        return None

    def _read_changes(self, seg, targets, proof, inherited, heading=False) -> tuple[tuple | None, bool]:
        """Records what `seg` replaces, repeals or amends. Returns the lead-in it gives its
        sub-units, and whether it introduces new wording for named units ("như sau:")."""
        lead, quoting, since = None, False, None
        lead_in = heading or seg.rstrip().endswith(":")
        for m in ENDS_RE.finditer(seg):
            subjects = [t for t in targets if t.start < m.start()]
            when = ENDS_WHEN_RE.match(seg, m.end())
            if when and not when.group("self"):
                since = _iso(parse_date(seg[when.end():]))
            if subjects and not SELF_RE.search(seg[subjects[-1].start:m.start()]):
                units, _ = split_trailing(seg[: subjects[0].start])
                for target in _listed(seg, subjects):
                    self._add("repeals" if units else "replaces", target, units, proof, since)
                    units = []
            elif not subjects and lead_in and not SELF_RE.search(seg[: m.start()]):
                lead = ("replaces", None)
        if inherited and inherited[1] is None and targets and not _has_change(seg):
            for target in _listed(seg, targets):
                self._add(inherited[0], target, [], proof, since)
        for rx, rel_type in ((REPLACE_RE, "replaces"), (REPEAL_RE, "repeals"), (AMEND_RE, "amends")):
            m = next((m for m in rx.finditer(seg) if not _inside_amend(seg, rx, m)), None)
            if m is None:
                continue
            earlier = [t for t in targets if t.start < m.start()]
            if earlier and not SELF_RE.search(seg[earlier[-1].start:m.start()]):
                continue  # it describes a cited document: "Nghị định số … sửa đổi, bổ sung …"
            if PASSIVE_BEFORE_RE.search(seg[: m.start()]):
                continue  # "Khoản này được sửa đổi, bổ sung theo … Luật số …": a consolidation note
            if rx is REPLACE_RE and PHRASE_RE.match(seg, m.end()):
                rel_type = "amends"
            after = [t for t in targets if t.start >= m.end()]
            if from_day := FROM_DAY_RE.search(seg, m.end()):  # "Thay thế … kể từ ngày 01/01/2027"
                since = since or _iso(parse_date(seg[from_day.end():]))
            if after:
                units, gap_ok = _units_in_gap(seg[m.end():after[0].start], rel_type)
                if not gap_ok:
                    continue
                if rel_type == "replaces" and units:
                    rel_type = "amends"
                for target in (after[:1] if units else _listed(seg, after)):
                    self._add(rel_type, target, units, proof, since)
                if lead_in and not units:
                    lead = (rel_type, after[0])
                quoting = quoting or bool(units)
            elif inherited and inherited[1] is not None:
                units, _ = split_leading(seg[m.end():])
                self._add(rel_type, inherited[1], units, proof, since)
                quoting = quoting or bool(units)
            elif lead_in:
                lead = (rel_type, None)
        return lead, quoting

    def _read_guides(self, seg: str, targets: list[_Target], proof: ProofUnit) -> None:
        for m in GUIDE_RE.finditer(seg):
            before = seg[: m.start()]
            if before.strip() and not re.search(rf"{SELF}\s*$", before, _I):
                continue
            units, target = _target_after(seg, m.end(), targets, allow_names=True)
            if target:
                self._add("guides", target, units, proof)
                return
        for m in IMPLEMENT_RE.finditer(seg):
            if not IMPLEMENT_BEFORE_RE.search(seg[: m.start()]):
                continue
            units, target = _target_after(seg, m.end(), targets, allow_names=False)
            if target:
                for listed in _listed(seg, [t for t in targets if t.start >= target.start]):
                    self._add("implements", listed, units if listed is target else [], proof)
                return

    def _read_based_on(self, seg: str, targets: list[_Target], proof: ProofUnit) -> None:
        if targets:
            for target in _listed(seg, targets):
                self._add("based_on", target, [], proof)
            return
        start = BASED_ON_RE.match(seg).end() if BASED_ON_RE.match(seg) else 0
        named = _named_doc(seg, start, cut_comma=False)
        if named and named.start == start:
            self._add("based_on", named, [], proof)

    def _add(self, rel_type: str, target: _Target, units: list[str], proof: ProofUnit, since=None) -> None:
        seen = (rel_type, target.key or name_key(target.name), tuple(units))
        if seen not in self.seen:
            self.seen.add(seen)
            self.facts.relations.append(Relation(
                rel_type, target.key, target.number, list(units), proof, since, target.name, target.when,
                target.doc_type))

    def _inherited(self, anchor: str) -> tuple[str, _Target | None] | None:
        while "." in anchor:
            anchor = anchor.rsplit(".", 1)[0]
            if anchor in self.context:
                return self.context[anchor]
        return None


def _target_of(seg: str, ref: Reference) -> _Target:
    """A cited number as a target. The citation starts at the type nearest the number:
    references.py takes the first type word, "Quy định chi tiết … Nghị định số …"."""
    start = ref.start
    if ref.doc_type:
        types = list(TYPE_WORD_RE.finditer(seg, ref.start, ref.end - len(ref.number)))
        start = types[-1].start() if types else ref.start
    return _Target(ref.key, ref.number, "", "", start, ref.end, ref.doc_type)


def _units_in_gap(gap: str, rel_type: str) -> tuple[list[str], bool]:
    """The units named between a change verb and the document, and whether the words between
    are only those ("khoản 2 Điều 3 Quy định … ban hành kèm theo")."""
    units, rest = split_leading(gap)
    if units:
        return units, bool(CHANGE_GAP_RE.match(rest))
    units, before = split_trailing(gap)
    if units:
        return units, len(before) < 200
    return [], bool((REPLACE_GAP_RE if rel_type == "replaces" else CHANGE_GAP_RE).match(gap))


def _target_after(seg, pos, targets, allow_names) -> tuple[list[str], _Target | None]:
    """The document named right after a guide/implement verb, with any units in between."""
    after = [t for t in targets if t.start >= pos]
    candidates = [after[0]] if after else []
    if allow_names and (named := _named_doc(seg, pos, cut_comma=True)):
        candidates.append(named)
    for target in sorted(candidates, key=lambda t: t.start):
        units, rest = split_leading(seg[pos:target.start])
        if TARGET_GAP_RE.match(rest):
            return units, target
    return [], None


def _named_doc(seg: str, pos: int, cut_comma: bool) -> _Target | None:
    """A document cited by type and name only: "Luật Tổ chức chính quyền địa phương ngày …"."""
    m = NAMED_DOC_RE.search(seg, pos)
    if not m:
        return None
    rest = seg[m.end():]
    cut = NAME_STOP_RE.search(rest).start()
    listed = NEXT_DOC_RE.search(rest[:cut])
    if listed and "sửa đổi" not in rest[: listed.start()]:
        cut = listed.start()  # "Luật A và Luật B", but "Luật sửa đổi … của Luật A và Luật B" is one
    if cut_comma and "," in rest[:cut]:
        cut = rest.index(",")
    name = " ".join((m.group() + rest[:cut]).split())[:160]
    if len(name.split()) <= len(m.group().split()) or re.match(r"^\S+(?:\s+\S+)?\s+(?:này|số|của|đó|trên)\b", name):
        return None
    tail = rest[cut:cut + 40]
    when = parse_date(tail) if re.match(r"\s*ngày\s+\d", tail) else None
    year = re.match(r"\s*năm\s+(\d{4})", tail)
    return _Target("", "", name, when.isoformat() if when else (year.group(1) if year else ""), m.start(), m.end() + cut, m.group())


def _listed(seg: str, targets: list[_Target]) -> list[_Target]:
    """The first target and those listed with it: "… số A và Quyết định số B", "… số A và Luật
    ban hành … của Hội đồng nhân dân, Ủy ban nhân dân số B"."""
    out = targets[:1]
    for previous, target in zip(targets, targets[1:]):
        between = seg[previous.end:target.start]
        if target.doc_type and CONNECTOR_BEFORE_RE.search(between):
            out.append(target)
        elif (m := LISTED_TYPE_RE.search(between)) and len(between) - m.start() <= 120:
            out.append(target)
    return out


def _inside_amend(seg: str, rx: re.Pattern, m: re.Match) -> bool:
    """ "bãi bỏ" that is part of "sửa đổi, bổ sung, bãi bỏ"."""
    return rx is REPEAL_RE and any(a.start() < m.start() < a.end() for a in AMEND_RE.finditer(seg))


def _has_change(seg: str) -> bool:
    return any(rx.search(seg) for rx in (REPLACE_RE, REPEAL_RE, AMEND_RE, ENDS_RE))


def _segments(text: str) -> list[str]:
    """Sentences and list items: cut after ";" and ":", and after "." before a capital or digit."""
    out, start = [], 0
    for m in SEGMENT_END_RE.finditer(text):
        nxt = text[m.end(): m.end() + 1]
        if text[m.start()] == "." and not (nxt.isupper() or nxt.isdigit()):
            continue
        out.append(text[start:m.start() + 1])
        start = m.end()
    out.append(text[start:])
    return [LEADING_NUMBER_RE.sub("", " ".join(s.split()), count=1) for s in out if s.strip()]


def _plan_period_end(meta: DocMeta, doc_citation: str) -> DateFact | None:
    """A plan's period from its title: "giai đoạn 2021 - 2025" or "năm 2025" → 31/12 of that year."""
    title = meta.title
    if not title or not (meta.doc_type in PLAN_TYPES or PLAN_TITLE_RE.match(title)):
        return None
    m = PERIOD_RE.search(title)
    years = [m.group("end")] if m else [y.group("year") for y in YEAR_RE.finditer(DATE_RE.sub(" ", title))]
    if not years:
        return None
    proof = ProofUnit("", TITLE_LABEL, f"{TITLE_LABEL} — {doc_citation}")
    return DateFact(date(int(years[-1]), 12, 31).isoformat(), proof, through=True)


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
