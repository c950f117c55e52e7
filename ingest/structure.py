"""Split a document's text into citable units (Phần, Chương, Mục, Điều, Khoản, Điểm, a plan's
I./1./1.1./a) sections, and the attachments issued with the document).

Numbering is read in sequence: a line that starts like a heading ("Điều 107 …") is only a
heading when its number is the next one expected and the line before it ends a sentence,
so wrapped in-text references are not taken for headings.

Numbering as written, and how it is cited (label, innermost first) and outlined (path):
* "Điều 5." → Điều 5; "1." under it → Khoản 1 Điều 5; "a)" or "a." → Điểm a Khoản 1 Điều 5.
* A plan's "II." → Mục II; "1." → Khoản 1 Mục II; "1.1." → Khoản 1.1 Mục II (the number
  already names its parent, so the label does not repeat "Khoản 1"; the path does:
  "Mục II › Khoản 1 › Khoản 1.1"); "1.1.1." → Khoản 1.1.1 Mục II; "a)" under it → Điểm a
  Khoản 1.1.1 Mục II. Anchors: "muc-ii.khoan-1.khoan-1-1.diem-a".
* "- ", "+ ", "* ", "• " bullets and "*" sub-headings are never headings: they stay in the
  text of the unit above them.
* Text under a Phần/Chương/Mục heading before its first numbered child (a plan's
  "I. MỤC ĐÍCH, YÊU CẦU" followed by "- " bullets) is a unit of kind "intro" with its parent's
  label and path and the anchor "<parent>.mo-dau": containers are outline only, not indexed.
* An attachment (ingest/attachments.py) is a unit of kind "part" (a container) whose units
  restart their numbering; their paths start with it ("Quy định › Chương II › Điều 3"), their
  anchors too ("quy-dinh.dieu-3.khoan-1.diem-dd"), their labels do not ("Điểm đ Khoản 1
  Điều 3"): `Unit.attachment` holds the phrase that cites the part ("Quy định ban hành kèm
  theo"), put before the document's name. Its text before its first heading (title,
  "(Ban hành kèm theo …)") is its intro, anchor "quy-dinh.mo-dau", label "". Each row of its
  tables ("STT: 3; Ngành, nghề: …", headers kept by extraction) is a unit "Dòng 3".

A little over 400 lines, a third of them this description and the heading patterns: one
method per heading kind over one stack of open units; where attachments begin and end is
attachments.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from .attachments import SIGNATURE_START_RE as BODY_END_RE  # noqa: F401 (bench/ reads it here)
from .attachments import Segment, is_title_line, split_segments
from .model import Unit

PHAN_ORDINALS = {
    "nhất": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
    "tám": 8, "chín": 9, "mười": 10,
}
DIEM_LETTERS = "a b c d đ e g h i k l m n o p q r s t u v x y".split()

PHAN_RE = re.compile(r"^(?:Phần|PHẦN)\s+(?:(?:thứ|THỨ)\s+(?P<ord>\w+)|(?P<num>[IVXLC]+|\d+))\s*[.:]?\s*(?P<rest>.*)$")
CHUONG_RE = re.compile(r"^(?:Chương|CHƯƠNG)\s+(?P<num>[IVXLC]+|\d+)(?![^\W\d_])\s*[.:]?\s*(?P<rest>.*)$")
MUC_RE = re.compile(r"^(?:Mục|MỤC)\s+(?P<num>[IVXLC]+|\d+)(?![^\W\d_])\s*[.:]?\s*(?P<rest>.*)$")
DIEU_RE = re.compile(r"^(?:Điều|ĐIỀU)\s+(?P<num>\d+)(?P<suffix>[a-zđ]?)(?:\s*[.:]\s*(?P<rest>.*)|\s*$)")
ROMAN_RE = re.compile(r"^(?P<num>[IVXLC]+)\s*[.:]\s*(?P<rest>\S.*)$")
KHOAN_RE = re.compile(r"^(?P<num>\d{1,3})\.\s+(?P<rest>\S.*)$")
DECIMAL_RE = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3}){1,3})\.?\s+(?P<rest>\S.*)$")
DIEM_RE = re.compile(r"^(?P<num>[a-zđ])(?:\)\s*|\.\s+)(?P<rest>\S.*)$")
# A row of an attachment's table, as extraction writes it with its column headers
# (ingest/tables.py): "STT: 3; Ngành, nghề: Chế biến gạo đặc sản; Mức ưu tiên: Ưu tiên 1".
ROW_RE = re.compile(r"^(?:STT|TT|Số TT|Số thứ tự)\s*:\s*(?P<num>\d{1,4})\s*;\s*(?P<rest>\S.*)$")
BULLET_RE = re.compile(r"^[-+*•–]")
# A line ending like this goes on with a number on the next line: "… tại khoản" / "2 Điều 5".
DANGLING_RE = re.compile(r"\b(khoản|điểm|điều|mục|chương|phần|số|tại|theo|và|của|,)\s*$", re.IGNORECASE)
FORM_TITLE_RE = re.compile(r"^(MẪU|Mẫu)\b")
SENTENCE_END_RE = re.compile(r"[.;:!?…\"”’)\]]\s*$")

KIND_RANK = {"phan": 0, "chuong": 1, "muc": 2, "dieu": 3, "roman": 4, "khoan": 5, "decimal": 5, "dong": 5, "diem": 6}
KIND_NAME = {
    "phan": "Phần", "chuong": "Chương", "muc": "Mục", "dieu": "Điều",
    "roman": "Mục", "khoan": "Khoản", "decimal": "Khoản", "dong": "Dòng", "diem": "Điểm",
}
UNIT_KIND = {"roman": "muc", "decimal": "khoan"}  # as stored: a plan's II. is a Mục, 1.1. a Khoản
CONTAINERS = ("phan", "chuong", "muc")
WITH_INTRO = ("part", "phan", "chuong", "muc", "roman")  # units whose own text is an intro unit


@dataclass
class Line:
    text: str
    start: int  # offset of the line in the document text
    page: int


@dataclass
class Structure:
    units: list[Unit]  # in document order, containers included
    segments: list[Segment]  # the main text first, then each attachment


def roman_to_int(roman: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, ch in enumerate(roman):
        v = values[ch]
        total += -v if i + 1 < len(roman) and values[roman[i + 1]] > v else v
    return total


@dataclass
class _Open:
    kind: str
    number: str
    seq: int  # the number as an integer, for sequence checks
    anchor: str
    label: str
    path: str
    heading: str
    start: int
    page: int
    depth: int
    last_child: dict  # kind -> seq of the last child of that kind
    rank: float = 0.0  # closes when a unit of the same or a higher rank opens
    intro_start: int | None = None  # where its own text begins, until its first child opens
    has_child: bool = False


def parse_units(lines: list[Line], text_length: int) -> list[Unit]:
    """Units in document order. Containers (Phần, Chương, Mục, attachments) are included for
    the outline."""
    return parse_structure(lines, text_length).units


def parse_structure(lines: list[Line], text_length: int) -> Structure:
    segments = split_segments(lines, text_length)
    units: list[Unit] = []
    for segment in segments:
        units.extend(UnitParser(segment).parse())
    units.sort(key=lambda u: (u.start, u.depth))
    return Structure(units, segments)


class UnitParser:
    """One pass over the lines of the main text or of one attachment. Each heading kind has its
    own method, tried in the order of RULES; a method opens its unit and returns True when the
    line is a heading of that kind here (next number in sequence, after the end of a
    sentence)."""

    def __init__(self, segment: Segment):
        self.segment = segment
        self.body_lines = segment.lines
        self.body_end = segment.end
        self.has_articles = any(
            (m := DIEU_RE.match(l.text)) and m.group("num") == "1" for l in self.body_lines
        )
        self.typical_length = median([len(l.text) for l in self.body_lines] or [0])
        # A form to fill in ("PHỤ LỤC II / MẪU ĐƠN ĐỀ NGHỊ …", "BIỂU MẪU"): its numbered blanks
        # are not clauses; the whole form is one unit.
        self.is_form = segment.name.startswith("Biểu mẫu") or FORM_TITLE_RE.match(segment.heading) is not None
        if segment.name:
            first_page = self.body_lines[0].page if self.body_lines else 0
            self.root = _Open("part", "", 0, segment.anchor, "", segment.name, segment.heading,
                              segment.start, first_page, 0, {}, rank=-1)
            self.depth_base = 1
        else:
            self.root = _Open("root", "", 0, "", "", "", "", 0, 1, -1, {}, rank=-1)
            self.depth_base = 0
        self.stack: list[_Open] = [self.root]
        self.units: list[Unit] = []
        self.last_dieu = 0
        self.prev: Line | None = None
        self.prev_was_heading = True
        self.pending_title: _Open | None = None  # a container whose title is on the next lines
        self.heading_open: _Open | None = None  # an article whose title may wrap to the next line

    def parse(self) -> list[Unit]:
        for index, line in enumerate(self.body_lines):
            if index < self.segment.title_lines:
                # An attachment's title and "(Ban hành kèm theo …)": its intro, read as a heading.
                self._note_own_text(line)
                self.prev, self.prev_was_heading = line, True
                continue
            self._read(line)
        self._close_until(0, self.body_end)
        if self.root.kind == "part":
            self._close(self.root, self.body_end)
        return self.units

    def _read(self, line: Line) -> None:
        text = line.text.strip()
        if self.is_form:
            self._note_own_text(line)
            return
        if self.heading_open is not None:
            # A long article title wraps, over several lines and without a final period:
            # "Điều 1. Sửa đổi … kèm theo Quyết định số" / "9218/2026/QĐ-UBND ngày …" / "dân tỉnh Mẫu Sơn"
            opened, self.heading_open = self.heading_open, None
            starts_numbered = DIEM_RE.match(text) or KHOAN_RE.match(text) or DECIMAL_RE.match(text)
            if (text[:1].islower() or text[:1].isdigit()) and not starts_numbered:
                opened.heading += " " + text
                self.prev = line
                if not SENTENCE_END_RE.search(text):
                    self.heading_open = opened
                return
        if self.pending_title is not None:
            if is_title_line(text) and not DIEU_RE.match(text) and not CHUONG_RE.match(text):
                self.pending_title.heading = (self.pending_title.heading + " " + text).strip()
                self.prev, self.prev_was_heading = line, True
                return
            self.pending_title = None
        repeated = _repeated_container(text, self.stack)
        if repeated is not None:
            # Công báo repeats the open Phần/Chương/Mục at the top of a continuation issue:
            # it ends the previous article but opens and closes no container.
            self._close_until(KIND_RANK["dieu"], line.start)
            self.pending_title = _Open(repeated.kind, "", 0, "", "", "", "", 0, 0, 0, {})
            self.prev, self.prev_was_heading = line, True
            return
        accepted = False
        for regex, rule in self.RULES:
            m = regex.match(text)
            if m and rule(self, m, text, line):
                accepted = True
                break
        if not accepted:
            self._note_own_text(line)
        self.prev, self.prev_was_heading = line, accepted

    # -- one method per heading kind ------------------------------------------------------

    def _phan(self, m: re.Match, text: str, line: Line) -> bool:
        ordinal = (m.group("ord") or "").lower()
        if ordinal not in PHAN_ORDINALS | {"": 0}:
            return False
        num = m.group("num")
        seq = PHAN_ORDINALS.get(ordinal) or (
            roman_to_int(num) if num and not num.isdigit() else int(num or 0)
        )
        if not (seq and seq == self.root.last_child.get("phan", 0) + 1 and self._sentence_ended()):
            return False
        self._open_container("phan", str(seq), seq, m.group("rest").strip(), line)
        return True

    def _chuong(self, m: re.Match, text: str, line: Line) -> bool:
        num = m.group("num")
        seq = int(num) if num.isdigit() else roman_to_int(num)
        last = max([n.last_child.get("chuong", 0) for n in self.stack] + [0])
        if not (seq == last + 1 and self._sentence_ended()):
            return False
        self._open_container("chuong", num, seq, m.group("rest").strip(), line)
        for n in self.stack[:-1]:
            n.last_child["chuong"] = seq
        return True

    def _muc(self, m: re.Match, text: str, line: Line) -> bool:
        if not self.has_articles:
            return False
        num = m.group("num")
        seq = int(num) if num.isdigit() else roman_to_int(num)  # Bộ luật tố tụng hình sự: "Mục I"
        parent = self._parent_for("muc")
        if not (parent.kind == "chuong" and seq == parent.last_child.get("muc", 0) + 1 and self._sentence_ended()):
            return False
        self._open_container("muc", m.group("num"), seq, m.group("rest").strip(), line)
        return True

    def _dieu(self, m: re.Match, text: str, line: Line) -> bool:
        seq = int(m.group("num"))
        suffix = m.group("suffix")
        rest = (m.group("rest") or "").strip()
        last = self.last_dieu
        strong = rest == "" or rest[:1].isupper() or rest[:1] in "(“\""
        if suffix:
            ok = seq == last and strong and self._sentence_ended()
        elif seq == last + 1:
            ok = strong and (self._sentence_ended() or rest[:1].isupper())
        else:
            ok = last < seq <= last + 5 and strong and self._sentence_ended() and last > 0
            ok = ok or (last == 0 and strong and self._sentence_ended())
        if not ok:
            return False
        self._open("dieu", f"{seq}{suffix}", seq, rest, line)
        self.last_dieu = seq
        if rest and len(text) >= 0.8 * self.typical_length and not SENTENCE_END_RE.search(rest):
            self.heading_open = self.stack[-1]
        return True

    def _roman(self, m: re.Match, text: str, line: Line) -> bool:
        seq = roman_to_int(m.group("num"))
        parent = self._parent_for("roman")
        if self.has_articles:
            inside_ok = parent.kind == "dieu"
        else:
            inside_ok = parent is self.root or parent.kind in ("phan", "chuong", "muc")
        # "I. MỤC ĐÍCH, YÊU CẦU" in capitals is a heading even right under a plan's title.
        ended = self._sentence_ended() or is_title_line(m.group("rest"))
        if not (inside_ok and seq == parent.last_child.get("roman", 0) + 1 and ended):
            return False
        self._open("roman", m.group("num"), seq, m.group("rest").strip(), line)
        return True

    def _khoan(self, m: re.Match, text: str, line: Line) -> bool:
        seq = int(m.group("num"))
        parent = self._parent_for("khoan")
        inside_ok = parent.kind in ("dieu", "roman") if self.has_articles else parent.kind != "khoan"
        if not (inside_ok and seq == parent.last_child.get("khoan", 0) + 1 and self._sentence_ended()):
            return False
        self._open("khoan", m.group("num"), seq, _short_heading(m.group("rest"), self.typical_length), line)
        return True

    def _decimal(self, m: re.Match, text: str, line: Line) -> bool:
        """ "1.2." is the next child of the open "1." (or "1.1.1." of "1.1."), nested by its dots."""
        number = m.group("num")
        prefix, _, last = number.rpartition(".")
        seq = int(last)
        parent = next((n for n in reversed(self.stack) if n.kind in ("khoan", "decimal") and n.number == prefix), None)
        if parent is None:
            return False
        if not (seq == parent.last_child.get("decimal", 0) + 1 and self._sentence_ended()):
            return False
        rank = KIND_RANK["decimal"] + number.count(".") / 10
        self._open("decimal", number, seq, _short_heading(m.group("rest"), self.typical_length), line, rank)
        return True

    def _row(self, m: re.Match, text: str, line: Line) -> bool:
        """A table row of an attachment is a unit ("Dòng 3 Phụ lục I kèm theo …"); a table in the
        main text stays inside its clause."""
        seq = int(m.group("num"))
        if self.root.kind != "part" or seq != self.root.last_child.get("dong", 0) + 1:
            return False
        self._open("dong", m.group("num"), seq, "", line)
        return True

    def _diem(self, m: re.Match, text: str, line: Line) -> bool:
        letter = m.group("num")
        seq = DIEM_LETTERS.index(letter) + 1 if letter in DIEM_LETTERS else 0
        parent = self._parent_for("diem")
        inside_ok = parent is not self.root or not self.has_articles
        if not (seq and inside_ok and seq == parent.last_child.get("diem", 0) + 1 and self._sentence_ended()):
            return False
        self._open("diem", letter, seq, _short_heading(m.group("rest"), self.typical_length), line)
        return True

    RULES = (
        (PHAN_RE, _phan), (CHUONG_RE, _chuong), (MUC_RE, _muc), (DIEU_RE, _dieu),
        (ROMAN_RE, _roman), (ROW_RE, _row), (KHOAN_RE, _khoan), (DECIMAL_RE, _decimal), (DIEM_RE, _diem),
    )

    # -- the stack of open units ----------------------------------------------------------

    def _sentence_ended(self) -> bool:
        prev = self.prev
        if prev is None or self.prev_was_heading:
            return True
        text = prev.text.strip()
        if SENTENCE_END_RE.search(text) or is_title_line(text):
            return True
        # A plan's bullets often end without punctuation: "- Tổ chức hội nghị" / "2. Yêu cầu".
        return bool(BULLET_RE.match(text)) and not DANGLING_RE.search(text)

    def _parent_for(self, kind: str) -> _Open:
        rank = KIND_RANK[kind]
        for node in reversed(self.stack):
            if node is self.root or node.rank < rank:
                return node
        return self.root

    def _note_own_text(self, line: Line) -> None:
        node = self.stack[-1]
        if node.kind in WITH_INTRO and not node.has_child and node.intro_start is None and line.text.strip():
            node.intro_start = line.start

    def _open_container(self, kind: str, number: str, seq: int, heading: str, line: Line) -> None:
        """A Phần/Chương/Mục whose title, when not on its own line, is on the lines after it."""
        self._open(kind, number, seq, heading, line)
        self.pending_title = self.stack[-1] if not heading else None

    def _open(self, kind: str, number: str, seq: int, heading: str, line: Line, rank: float | None = None) -> None:
        rank = KIND_RANK[kind] if rank is None else rank
        self._close_until(rank, line.start)
        stack = self.stack
        parent = stack[-1]
        parent.last_child[kind] = seq
        self._end_intro(parent, line.start)
        parent.has_child = True
        slug = number.lower().replace("đ", "dd").replace(".", "-")
        own = f"{UNIT_KIND.get(kind, kind)}-{slug}"
        chain = stack[1:] if kind in CONTAINERS else [n for n in stack[1:] if n.kind not in CONTAINERS]
        part = [self.root.anchor] if self.root.anchor else []  # "quy-dinh", or none in the main text
        anchor = ".".join(part + [n.anchor.rsplit(".", 1)[-1] for n in chain] + [own])
        names = [(n.kind, n.number) for n in chain] + [(kind, number)]
        # "1.1" names its parent "1": the label says "Khoản 1.1 Mục II", not "Khoản 1.1 Khoản 1 Mục II".
        cited = [names[i] for i in range(len(names)) if not (i + 1 < len(names) and names[i + 1][0] == "decimal")]
        label = " ".join(f"{KIND_NAME[k]} {n}" for k, n in reversed(cited))
        outline = ([self.root.path] if self.root.path else []) + [f"{KIND_NAME[n.kind]} {n.number}" for n in stack[1:]]
        path = " › ".join(outline + [f"{KIND_NAME[kind]} {number}"])
        depth = len(stack) - 1 + self.depth_base
        stack.append(_Open(kind, number, seq, anchor, label, path, heading, line.start, line.page, depth, {}, rank))

    def _close_until(self, rank: float, end: int) -> None:
        while len(self.stack) > 1 and self.stack[-1].rank >= rank:
            self._close(self.stack.pop(), end)

    def _close(self, node: _Open, end: int) -> None:
        self._end_intro(node, end)
        self.units.append(self._unit(node, UNIT_KIND.get(node.kind, node.kind), node.anchor, node.start, end, node.depth))

    def _end_intro(self, node: _Open, end: int) -> None:
        if node.intro_start is not None:
            anchor = f"{node.anchor}.mo-dau" if node.anchor else "mo-dau"
            self.units.append(self._unit(node, "intro", anchor, node.intro_start, end, node.depth + 1))
            node.intro_start = None

    def _unit(self, node: _Open, kind: str, anchor: str, start: int, end: int, depth: int) -> Unit:
        return Unit(
            anchor=anchor, kind=kind, number=node.number, label=node.label, path=node.path,
            heading=node.heading, start=start, end=end, page=node.page, page_end=0, depth=depth,
            attachment=self.segment.attachment,
        )


def _repeated_container(text: str, stack: list[_Open]) -> _Open | None:
    for kind, regex in (("phan", PHAN_RE), ("chuong", CHUONG_RE), ("muc", MUC_RE)):
        m = regex.match(text)
        if not m:
            continue
        if kind == "phan":
            ordinal = (m.group("ord") or "").lower()
            number = str(PHAN_ORDINALS.get(ordinal, "")) if ordinal else (m.group("num") or "")
        else:
            number = m.group("num")
        open_nodes = [n for n in stack if n.kind == kind]
        if open_nodes and open_nodes[-1].number == number:
            return open_nodes[-1]
    return None


def _short_heading(rest: str, typical_length: float) -> str:
    rest = rest.strip()
    if len(rest) <= 60 and len(rest) < 0.7 * typical_length and not SENTENCE_END_RE.search(rest) and not rest.endswith(","):
        return rest
    return ""
