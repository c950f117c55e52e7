"""Where a document's main text and each of its attachments (a Quy định, Quy chế, Phụ lục …
"kèm theo" the document) begin and end, with the signature blocks left out.

A Quyết định that issues a Quy định is signed ("Nơi nhận:" … "TM. ỦY BAN NHÂN DÂN" … the
signer's name), and the Quy định follows with its own heading, title and "(Ban hành kèm theo
Quyết định số …)". Each attachment has its own numbering (its Chương and Điều restart at 1),
so the structure parser reads each segment on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from .textnorm import fold

SIGNATURE_START_RE = re.compile(
    r"^(Nơi nhận\s*:|NƠI NHẬN|(VĂN PHÒNG QUỐC HỘI\s+)?XÁC THỰC VĂN BẢN HỢP NHẤT"
    r"|(Luật|Bộ luật|Hiến pháp|Pháp lệnh|Nghị quyết) này (đã )?được Quốc hội)"
)
# "TM. ỦY BAN NHÂN DÂN", "KT. BỘ TRƯỞNG", "T/M HỘI ĐỒNG NHÂN DÂN": the signer's capacity.
SIGNER_CAPACITY_RE = re.compile(r"^(TM|T/M|KT|TL|TUQ|Q|PP)[.\s]\s*\S")
ATTACHMENT_HEAD_RE = re.compile(
    r"^(?P<kind>QUY ĐỊNH|QUY CHẾ|ĐIỀU LỆ|HƯỚNG DẪN|CHƯƠNG TRÌNH|KẾ HOẠCH|ĐỀ ÁN|PHỤ LỤC|DANH MỤC|BIỂU MẪU)"
    r"(?:\s+(?P<num>(?:SỐ\s+)?(?:[IVXLC]+|\d{1,3}[A-Z]?))(?![^\W\d_]))?\s*[.:\-–]?\s*(?P<rest>.*)$"
)
# Kinds that head an attachment on their own; the others need a "(kèm theo …)" line below.
STANDALONE_KINDS = ("PHỤ LỤC", "BIỂU MẪU")
ISSUED_WITH_RE = re.compile(r"^[(\[]?\s*(?:được\s+)?(?P<issued>ban hành\s+)?kèm theo\b", re.IGNORECASE)
CONTAINER_HEADING_RE = re.compile(r"^(Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+\S+\s*$")
YEAR_LINE_RE = re.compile(r"^(?:năm\s+)?\d{4}\.?$", re.IGNORECASE)
ARTICLE_LINE_RE = re.compile(r"^Điều\s+(\d{1,4})\s*[.:]")
RESUME_LOOKAHEAD = 200  # lines of a signature block ("Nơi nhận" list, a quoted annex) before the articles go on
TITLE_LOOKAHEAD = 6  # lines between an attachment's heading and its "(kèm theo …)" line


class TextLine(Protocol):
    text: str
    start: int


@dataclass
class Segment:
    """The main text (name "") or one attachment. `lines` excludes an attachment's heading
    line and its signature block; its first `title_lines` lines are the attachment's title."""

    lines: list = field(default_factory=list)
    start: int = 0  # offset of the first line (an attachment's heading line)
    end: int = 0  # offset where its text ends: its signature block, the next attachment, the end
    name: str = ""  # "Quy định", "Phụ lục I"
    anchor: str = ""  # "quy-dinh", "phu-luc-i"
    heading: str = ""  # the attachment's title
    attachment: str = ""  # the phrase citing it: "Quy định ban hành kèm theo", "Phụ lục I kèm theo"
    title_lines: int = 0


def is_title_line(text: str) -> bool:
    """A line in capitals ("CHẾ ĐỘ CHÍNH TRỊ"), or a year under a title ("HIẾN PHÁP" / "2013")."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return bool(YEAR_LINE_RE.match(text.strip()))
    return all(c.isupper() for c in letters)


def is_signature_start(text: str) -> bool:
    text = text.strip()
    return bool(SIGNATURE_START_RE.match(text)) or (
        bool(SIGNER_CAPACITY_RE.match(text)) and is_title_line(text)
    )


def split_segments(lines: list[TextLine], text_length: int) -> list[Segment]:
    """The main text first, then the attachments in order."""
    signature = _main_text_end(lines)
    if signature is None:
        return [Segment(lines, 0, text_length)]
    segments = [Segment(lines[:signature], 0, lines[signature].start)]
    heads: list[tuple[int, Segment]] = []
    i = signature + 1
    while i < len(lines):
        found = _attachment_at(lines, i)
        if found is None:
            i += 1
            continue
        heads.append((i, found))
        i += 1 + found.title_lines
    taken: dict[str, int] = {}
    for n, (i, part) in enumerate(heads):
        stop = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        body = lines[i + 1 : stop]
        end = next((k for k in range(part.title_lines, len(body)) if is_signature_start(body[k].text)), None)
        part.lines = body[:end] if end is not None else body
        part.end = body[end].start if end is not None else (lines[stop].start if stop < len(lines) else text_length)
        taken[part.anchor] = taken.get(part.anchor, 0) + 1
        if taken[part.anchor] > 1:  # two attachments both named "Phụ lục"
            part.anchor = f"{part.anchor}-{taken[part.anchor]}"
        segments.append(part)
    return segments


def _main_text_end(lines: list[TextLine]) -> int | None:
    """The line where the main text's signature block starts. A signature after which the
    articles go on in sequence ("Điều 683." … "TM. CHÍNH PHỦ" … "PHỤ LỤC" … "Điều 684.") is
    quoted text: consolidated texts quote whole decrees, signature and annexes included."""
    last_article = 0
    for i, line in enumerate(lines):
        article = ARTICLE_LINE_RE.match(line.text)
        if article:
            last_article = int(article.group(1))
        elif i > 0 and is_signature_start(line.text) and not _articles_go_on(lines, i + 1, last_article + 1):
            return i
    return None


def _articles_go_on(lines: list[TextLine], start: int, next_article: int) -> bool:
    """Whether the first article heading after `start` is `next_article` (an attachment's
    articles start again at 1)."""
    for i in range(start, min(start + RESUME_LOOKAHEAD, len(lines))):
        article = ARTICLE_LINE_RE.match(lines[i].text)
        if article:
            return int(article.group(1)) == next_article
    return False


def _attachment_at(lines: list[TextLine], i: int) -> Segment | None:
    text = lines[i].text.strip()
    m = ATTACHMENT_HEAD_RE.match(text)
    if not m or not is_title_line(text):
        return None
    window = [l.text.strip() for l in lines[i + 1 : i + 1 + TITLE_LOOKAHEAD]]
    issued_at = next((k for k, t in enumerate(window) if ISSUED_WITH_RE.match(t)), None)
    if issued_at is None:
        after_container = i > 0 and CONTAINER_HEADING_RE.match(lines[i - 1].text.strip())
        if m.group("kind") not in STANDALONE_KINDS or after_container:
            return None
        title_lines = 0
        while title_lines < len(window) and is_title_line(window[title_lines]):
            title_lines += 1
        title = window[:title_lines]
        issued_words = ""
    else:
        title = window[:issued_at]
        title_lines = issued_at + 1
        if window[issued_at][:1] in "([":
            # "(Ban hành kèm theo Quyết định số 9xxx/QĐ-UBND" / "ngày … của Ủy ban nhân dân tỉnh)"
            closing = (k for k in range(issued_at, min(issued_at + 3, len(window))) if ")" in window[k] or "]" in window[k])
            title_lines = next(closing, issued_at) + 1
        issued_words = "ban hành kèm theo" if ISSUED_WITH_RE.match(window[issued_at]).group("issued") else "kèm theo"
    name = m.group("kind").capitalize()
    if m.group("num"):
        name += " " + m.group("num").replace("SỐ", "số")
    heading = " ".join([m.group("rest").strip(), *title]).strip()
    anchor = re.sub(r"[^a-z0-9]+", "-", fold(name).lower()).strip("-")
    return Segment(
        start=lines[i].start, name=name, anchor=anchor, heading=heading,
        attachment=f"{name} {issued_words or 'kèm theo'}", title_lines=title_lines,
    )
