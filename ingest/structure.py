"""Split a document's text into citable units (Phần, Chương, Mục, Điều, Khoản, Điểm, or a
plan's I./1./a) sections).

Numbering is read in sequence: a line that starts like a heading ("Điều 107 …") is only a
heading when its number is the next one expected and the line before it ends a sentence,
so wrapped in-text references are not taken for headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from .model import Unit

PHAN_ORDINALS = {
    "nhất": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
    "tám": 8, "chín": 9, "mười": 10,
}
DIEM_LETTERS = "a b c d đ e g h i k l m n o p q r s t u v x y".split()

PHAN_RE = re.compile(r"^(?:Phần|PHẦN)\s+(?:(?:thứ|THỨ)\s+(?P<ord>\w+)|(?P<num>[IVXLC]+|\d+))\s*[.:]?\s*(?P<rest>.*)$")
CHUONG_RE = re.compile(r"^(?:Chương|CHƯƠNG)\s+(?P<num>[IVXLC]+|\d+)(?![^\W\d_])\s*[.:]?\s*(?P<rest>.*)$")
MUC_RE = re.compile(r"^(?:Mục|MỤC)\s+(?P<num>\d+)(?![^\W\d_])\s*[.:]?\s*(?P<rest>.*)$")
DIEU_RE = re.compile(r"^(?:Điều|ĐIỀU)\s+(?P<num>\d+)(?P<suffix>[a-zđ]?)(?:\s*[.:]\s*(?P<rest>.*)|\s*$)")
ROMAN_RE = re.compile(r"^(?P<num>[IVXLC]+)\s*[.:]\s*(?P<rest>\S.*)$")
KHOAN_RE = re.compile(r"^(?P<num>\d{1,3})\.\s+(?P<rest>\S.*)$")
DIEM_RE = re.compile(r"^(?P<num>[a-zđ])\)\s*(?P<rest>\S.*)$")
BODY_END_RE = re.compile(
    r"^(Nơi nhận\s*:|NƠI NHẬN|XÁC THỰC VĂN BẢN HỢP NHẤT"
    r"|(Luật|Bộ luật|Hiến pháp|Pháp lệnh|Nghị quyết) này (đã )?được Quốc hội)"
)
SENTENCE_END_RE = re.compile(r"[.;:!?…\"”’)\]]\s*$")

KIND_RANK = {"phan": 0, "chuong": 1, "muc": 2, "dieu": 3, "roman": 4, "khoan": 5, "diem": 6}
KIND_NAME = {
    "phan": "Phần", "chuong": "Chương", "muc": "Mục", "dieu": "Điều",
    "roman": "Mục", "khoan": "Khoản", "diem": "Điểm",
}
CONTAINERS = ("phan", "chuong", "muc")


@dataclass
class Line:
    text: str
    start: int  # offset of the line in the document text
    page: int


def roman_to_int(roman: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, ch in enumerate(roman):
        v = values[ch]
        total += -v if i + 1 < len(roman) and values[roman[i + 1]] > v else v
    return total


def _is_title_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


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


def parse_units(lines: list[Line], text_length: int) -> list[Unit]:
    """Units in document order. Containers (Phần, Chương, Mục) are included for the outline."""
    return UnitParser(lines, text_length).parse()


class UnitParser:
    """One pass over the lines of a document. Each heading kind has its own method, tried in
    the order of RULES; a method opens its unit and returns True when the line is a heading
    of that kind here (next number in sequence, after the end of a sentence)."""

    def __init__(self, lines: list[Line], text_length: int):
        self.body_end = text_length
        self.body_lines = lines
        for i, line in enumerate(lines):
            if i > 0 and BODY_END_RE.match(line.text):
                self.body_end = line.start
                self.body_lines = lines[:i]
                break
        self.has_articles = any(
            (m := DIEU_RE.match(l.text)) and m.group("num") == "1" for l in self.body_lines
        )
        self.typical_length = median([len(l.text) for l in self.body_lines] or [0])
        self.root = _Open("root", "", 0, "", "", "", "", 0, 1, -1, {})
        self.stack: list[_Open] = [self.root]
        self.units: list[Unit] = []
        self.last_dieu = 0
        self.prev: Line | None = None
        self.prev_was_heading = True
        self.pending_title: _Open | None = None  # a container whose title is on the next lines
        self.heading_open: _Open | None = None  # an article whose title may wrap to the next line

    def parse(self) -> list[Unit]:
        for line in self.body_lines:
            self._read(line)
        self._close_until(0, self.body_end)
        self.units.sort(key=lambda u: (u.start, u.depth))
        return self.units

    def _read(self, line: Line) -> None:
        text = line.text.strip()
        if self.heading_open is not None:
            # A long article title wraps: "Điều 1. Quy định mức hỗ trợ … năng suất và" / "chất lượng …"
            opened, self.heading_open = self.heading_open, None
            if text[:1].islower() and not DIEM_RE.match(text):
                opened.heading += " " + text
                self.prev = line
                return
        if self.pending_title is not None:
            if _is_title_line(text) and not DIEU_RE.match(text) and not CHUONG_RE.match(text):
                self.pending_title.heading = (self.pending_title.heading + " " + text).strip()
                self.prev, self.prev_was_heading = line, True
                return
            self.pending_title = None
        repeated = _repeated_container(text, self.stack)
        if repeated is not None:
            # Công báo repeats the open Phần/Chương/Mục at the top of a continuation issue:
            # it ends the previous clause but opens nothing.
            self._close_until(KIND_RANK[repeated.kind] + 1, line.start)
            self.pending_title = _Open(repeated.kind, "", 0, "", "", "", "", 0, 0, 0, {})
            self.prev, self.prev_was_heading = line, True
            return
        accepted = False
        for regex, rule in self.RULES:
            m = regex.match(text)
            if m and rule(self, m, text, line):
                accepted = True
                break
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
        seq = int(m.group("num"))
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
        inside_ok = (parent.kind == "dieu") if self.has_articles else parent.kind in ("root", "phan", "chuong", "muc")
        if not (inside_ok and seq == parent.last_child.get("roman", 0) + 1 and self._sentence_ended()):
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

    def _diem(self, m: re.Match, text: str, line: Line) -> bool:
        letter = m.group("num")
        seq = DIEM_LETTERS.index(letter) + 1 if letter in DIEM_LETTERS else 0
        parent = self._parent_for("diem")
        inside_ok = parent.kind != "root" or not self.has_articles
        if not (seq and inside_ok and seq == parent.last_child.get("diem", 0) + 1 and self._sentence_ended()):
            return False
        self._open("diem", letter, seq, _short_heading(m.group("rest"), self.typical_length), line)
        return True

    RULES = (
        (PHAN_RE, _phan), (CHUONG_RE, _chuong), (MUC_RE, _muc), (DIEU_RE, _dieu),
        (ROMAN_RE, _roman), (KHOAN_RE, _khoan), (DIEM_RE, _diem),
    )

    # -- the stack of open units ----------------------------------------------------------

    def _sentence_ended(self) -> bool:
        prev = self.prev
        return prev is None or self.prev_was_heading or bool(SENTENCE_END_RE.search(prev.text)) or _is_title_line(prev.text)

    def _parent_for(self, kind: str) -> _Open:
        rank = KIND_RANK[kind]
        for node in reversed(self.stack):
            if node.kind == "root" or KIND_RANK[node.kind] < rank:
                return node
        return self.root

    def _open_container(self, kind: str, number: str, seq: int, heading: str, line: Line) -> None:
        """A Phần/Chương/Mục whose title, when not on its own line, is on the lines after it."""
        self._open(kind, number, seq, heading, line)
        self.pending_title = self.stack[-1] if not heading else None

    def _open(self, kind: str, number: str, seq: int, heading: str, line: Line) -> None:
        self._close_until(KIND_RANK[kind], line.start)
        stack = self.stack
        stack[-1].last_child[kind] = seq
        slug = number.lower().replace("đ", "dd")
        own = f"{kind if kind != 'roman' else 'muc'}-{slug}"
        in_article_chain = [n for n in stack[1:] if n.kind not in CONTAINERS]
        chain = stack[1:] if kind in CONTAINERS else in_article_chain
        anchor = ".".join([n.anchor.rsplit(".", 1)[-1] for n in chain] + [own])
        name = f"{KIND_NAME[kind]} {number}"
        label = " ".join([name] + [f"{KIND_NAME[n.kind]} {n.number}" for n in reversed(chain)])
        path = " › ".join([f"{KIND_NAME[n.kind]} {n.number}" for n in stack[1:]] + [name])
        stack.append(
            _Open(kind, number, seq, anchor, label, path, heading, line.start, line.page, len(stack) - 1, {})
        )

    def _close_until(self, rank: int, end: int) -> None:
        while len(self.stack) > 1 and KIND_RANK[self.stack[-1].kind] >= rank:
            node = self.stack.pop()
            self.units.append(
                Unit(
                    anchor=node.anchor, kind=node.kind if node.kind != "roman" else "muc",
                    number=node.number, label=node.label, path=node.path, heading=node.heading,
                    start=node.start, end=end, page=node.page, page_end=0, depth=node.depth,
                )
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
