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
    body_end = text_length
    body_lines = lines
    for i, line in enumerate(lines):
        if i > 0 and BODY_END_RE.match(line.text):
            body_end = line.start
            body_lines = lines[:i]
            break
    has_articles = any(
        (m := DIEU_RE.match(l.text)) and m.group("num") == "1" for l in body_lines
    )
    line_lengths = [len(l.text) for l in body_lines] or [0]
    typical_length = median(line_lengths)

    root = _Open("root", "", 0, "", "", "", "", 0, 1, -1, {})
    stack: list[_Open] = [root]
    units: list[Unit] = []
    last_dieu = 0
    prev: Line | None = None
    prev_was_heading = True
    pending_title: _Open | None = None
    heading_open: _Open | None = None

    def close_until(rank: int, end: int) -> None:
        while len(stack) > 1 and KIND_RANK[stack[-1].kind] >= rank:
            _close(stack.pop(), end)

    def _close(node: _Open, end: int) -> None:
        units.append(
            Unit(
                anchor=node.anchor, kind=node.kind if node.kind != "roman" else "muc",
                number=node.number, label=node.label, path=node.path, heading=node.heading,
                start=node.start, end=end, page=node.page, page_end=0, depth=node.depth,
            )
        )

    def parent_for(kind: str) -> _Open:
        rank = KIND_RANK[kind]
        for node in reversed(stack):
            if node.kind == "root" or KIND_RANK[node.kind] < rank:
                return node
        return root

    def open_unit(kind: str, number: str, seq: int, heading: str, line: Line) -> None:
        close_until(KIND_RANK[kind], line.start)
        parent = stack[-1]
        parent.last_child[kind] = seq
        slug = number.lower().replace("đ", "dd")
        own = f"{kind if kind != 'roman' else 'muc'}-{slug}"
        in_article_chain = [n for n in stack[1:] if n.kind not in CONTAINERS]
        if kind in CONTAINERS:
            anchor = ".".join([n.anchor.rsplit(".", 1)[-1] for n in stack[1:]] + [own])
        else:
            anchor = ".".join([n.anchor.rsplit(".", 1)[-1] for n in in_article_chain] + [own])
        name = f"{KIND_NAME[kind]} {number}"
        if kind in CONTAINERS:
            label = " ".join([name] + [f"{KIND_NAME[n.kind]} {n.number}" for n in reversed(stack[1:])])
        else:
            label = " ".join([name] + [f"{KIND_NAME[n.kind]} {n.number}" for n in reversed(in_article_chain)])
        path = " › ".join([f"{KIND_NAME[n.kind]} {n.number}" for n in stack[1:]] + [name])
        stack.append(
            _Open(kind, number, seq, anchor, label, path, heading, line.start, line.page, len(stack) - 1, {})
        )

    def sentence_ended() -> bool:
        return prev is None or prev_was_heading or bool(SENTENCE_END_RE.search(prev.text)) or _is_title_line(prev.text)

    for line in body_lines:
        text = line.text.strip()
        accepted = False

        if heading_open is not None:
            # A long article title wraps: "Điều 1. Quy định mức hỗ trợ … năng suất và" / "chất lượng …"
            if text[:1].islower() and not DIEM_RE.match(text):
                heading_open.heading += " " + text
                prev = line
                heading_open = None
                continue
            heading_open = None

        if pending_title is not None:
            if _is_title_line(text) and not DIEU_RE.match(text) and not CHUONG_RE.match(text):
                pending_title.heading = (pending_title.heading + " " + text).strip()
                prev, prev_was_heading = line, True
                continue
            pending_title = None

        repeated = _repeated_container(text, stack)
        if repeated is not None:
            # Công báo repeats the open Phần/Chương/Mục at the top of a continuation issue:
            # it ends the previous clause but opens nothing.
            close_until(KIND_RANK[repeated.kind] + 1, line.start)
            pending_title = _Open(repeated.kind, "", 0, "", "", "", "", 0, 0, 0, {})
            prev, prev_was_heading = line, True
            continue

        m = PHAN_RE.match(text)
        if m and (m.group("ord") or "").lower() in PHAN_ORDINALS | {"": 0}:
            seq = PHAN_ORDINALS.get((m.group("ord") or "").lower()) or (
                roman_to_int(m.group("num")) if m.group("num") and not m.group("num").isdigit() else int(m.group("num") or 0)
            )
            if seq and seq == root.last_child.get("phan", 0) + 1 and sentence_ended():
                open_unit("phan", str(seq), seq, m.group("rest").strip(), line)
                pending_title = stack[-1] if not m.group("rest").strip() else None
                accepted = True
        if not accepted and (m := CHUONG_RE.match(text)):
            num = m.group("num")
            seq = int(num) if num.isdigit() else roman_to_int(num)
            last = max([n.last_child.get("chuong", 0) for n in stack] + [0])
            if seq == last + 1 and sentence_ended():
                open_unit("chuong", num, seq, m.group("rest").strip(), line)
                for n in stack[:-1]:
                    n.last_child["chuong"] = seq
                pending_title = stack[-1] if not m.group("rest").strip() else None
                accepted = True
        if not accepted and has_articles and (m := MUC_RE.match(text)):
            seq = int(m.group("num"))
            parent = parent_for("muc")
            if parent.kind == "chuong" and seq == parent.last_child.get("muc", 0) + 1 and sentence_ended():
                open_unit("muc", m.group("num"), seq, m.group("rest").strip(), line)
                pending_title = stack[-1] if not m.group("rest").strip() else None
                accepted = True
        if not accepted and (m := DIEU_RE.match(text)):
            seq = int(m.group("num"))
            suffix = m.group("suffix")
            rest = (m.group("rest") or "").strip()
            strong = rest == "" or rest[:1].isupper() or rest[:1] in "(“\""
            if suffix:
                ok = seq == last_dieu and strong and sentence_ended()
            elif seq == last_dieu + 1:
                ok = strong and (sentence_ended() or rest[:1].isupper())
            else:
                ok = last_dieu < seq <= last_dieu + 5 and strong and sentence_ended() and last_dieu > 0
                ok = ok or (last_dieu == 0 and strong and sentence_ended())
            if ok:
                open_unit("dieu", f"{seq}{suffix}", seq, rest, line)
                last_dieu = seq
                accepted = True
                if rest and len(text) >= 0.8 * typical_length and not SENTENCE_END_RE.search(rest):
                    heading_open = stack[-1]
        if not accepted and (m := ROMAN_RE.match(text)):
            seq = roman_to_int(m.group("num"))
            parent = parent_for("roman")
            inside_ok = (parent.kind == "dieu") if has_articles else parent.kind in ("root", "phan", "chuong", "muc")
            if inside_ok and seq == parent.last_child.get("roman", 0) + 1 and sentence_ended():
                open_unit("roman", m.group("num"), seq, m.group("rest").strip(), line)
                accepted = True
        if not accepted and (m := KHOAN_RE.match(text)):
            seq = int(m.group("num"))
            parent = parent_for("khoan")
            inside_ok = parent.kind in ("dieu", "roman") if has_articles else parent.kind != "khoan"
            if inside_ok and seq == parent.last_child.get("khoan", 0) + 1 and sentence_ended():
                open_unit("khoan", m.group("num"), seq, _short_heading(m.group("rest"), typical_length), line)
                accepted = True
        if not accepted and (m := DIEM_RE.match(text)):
            letter = m.group("num")
            seq = DIEM_LETTERS.index(letter) + 1 if letter in DIEM_LETTERS else 0
            parent = parent_for("diem")
            inside_ok = parent.kind != "root" or not has_articles
            if seq and inside_ok and seq == parent.last_child.get("diem", 0) + 1 and sentence_ended():
                open_unit("diem", letter, seq, _short_heading(m.group("rest"), typical_length), line)
                accepted = True

        prev, prev_was_heading = line, accepted

    close_until(0, body_end)
    units.sort(key=lambda u: (u.start, u.depth))
    return units


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
