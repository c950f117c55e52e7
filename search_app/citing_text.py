"""What a citing text says about the document it cites: the sentence around a citation, and
the date, issuer and trích yếu it states ("… số 1322/QĐ-TTg ngày 31/8/2020 của Thủ tướng
Chính phủ phê duyệt Chương trình …"). Pure functions over text."""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass

from ingest.references import DOC_TYPES, find_references

STATED_CHARS = 200  # the statement shown is trimmed to about this many characters

# Where a sentence of a clause ends: ";" or ":" (then a space or the end), ". " before a
# capital or a digit, or a line that starts a bullet or a numbered item. Lines of a PDF are
# wrapped mid-sentence, so a line break alone does not end a sentence.
_SENTENCE_END_RE = re.compile(
    r"[;:](?=\s|$)|\.(?=\s+[\dA-ZĐÀ-Ỹ])|\n(?=\s*(?:[-+*•]\s|[a-zđ]\)|\d+(?:\.\d+)*\.\s))"
)
_DATE_RE = re.compile(
    r"^ngày\s+(?P<d>\d{1,2})\s*(?:[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*|\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+)(?P<y>\d{4})"
)
# A trích yếu after the issuer starts with its verb or "về": "… của Thủ tướng Chính phủ phê
# duyệt …". Lowercase only: issuers are capitalized ("Bộ Giao thông vận tải").
_SUBJECT_START = (
    "về việc", "về", "v/v", "phê duyệt", "ban hành", "quy định", "hướng dẫn", "sửa đổi", "bổ sung",
    "thực hiện", "triển khai", "hỗ trợ", "thành lập", "giao", "phân bổ", "công bố", "phê chuẩn",
    "tổ chức", "ủy quyền", "điều chỉnh", "kiện toàn", "thông qua", "chấp thuận", "quyết định",
    "xác định", "định hướng", "tiếp tục", "đẩy mạnh", "tăng cường", "nâng cao", "phát triển",
)
_SUBJECT_RE = re.compile(r"(?<!\S)(?:" + "|".join(re.escape(w) for w in _SUBJECT_START) + r")(?=\s|$)")
_ISSUER_RE = re.compile(r"^(?:của|do)\s+(?P<issuer>[^;,(]+?)\s*(?=[;,(]|$)")
_ASIDE_RE = re.compile(r"\s*\((?:sau đây|gọi tắt|dưới đây)[^)]*\)")
_TYPE_RE = re.compile(r"(?<!\w)(?:" + "|".join(sorted(DOC_TYPES, key=len, reverse=True)) + r")(?!\w)")
_NAME_RE = re.compile(r"(?:\s+[^\s\d,;.:()]+){1,14}\s+số\s*:?\s*")
# "Thực hiện Quyết định số … phê duyệt …, Ủy ban nhân dân tỉnh yêu cầu:": the main clause that
# follows a comma and an authority says what the citing document does, not what it cites.
_MAIN_CLAUSE_RE = re.compile(
    r",\s+(?:Ủy ban|UBND|Sở|Bộ|Hội đồng|HĐND|Ban|Thủ tướng|Chính phủ|Văn phòng|Cục|Chi cục|Tổng cục|"
    r"Phòng|Trung tâm|Tỉnh ủy|Thành ủy|Huyện ủy|Đảng ủy|Quốc hội|Chủ tịch)(?!\w)"
)
_TRAILING_LINK_RE = re.compile(r"[\s,;]*(?:\b(?:và|cùng|hoặc|theo|tại|của)\s*)*$")


@dataclass(frozen=True)
class CitedStatement:
    """What the citing text states about a cited document; "" where it says nothing."""

    text: str  # the text following the number, up to the sentence end, trimmed
    date: str  # ISO "2020-08-31"
    issuer: str  # "Thủ tướng Chính phủ"
    title: str  # trích yếu as stated: "Phê duyệt Chương trình …", or the name: "Luật Hỗ trợ …"

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def richness(self) -> int:
        """How much it says: the number of fields it fills."""
        return sum(bool(v) for v in (self.date, self.issuer, self.title))


def citing_sentence(text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> str:
    """The sentence of `text[lo:hi]` holding the citation at `start:end`, on one line."""
    hi = len(text) if hi is None else hi
    begin = lo
    for m in _SENTENCE_END_RE.finditer(text, lo, start):
        begin = m.end()
    stop = _SENTENCE_END_RE.search(text, end, hi)
    sentence = text[begin : stop.start() if stop else hi]
    return " ".join(sentence.split())


def describe_citation(sentence: str, number: str) -> CitedStatement:
    """What `sentence` says about the document numbered `number` (as written in it): the text
    after the number up to the sentence end, the next citation or the citing document's own
    main clause, and the date, issuer and
    trích yếu read from it (or the name between the type and "số": "Luật Hỗ trợ … số 04/…")."""
    sentence = " ".join(sentence.split())
    at = sentence.find(number)
    if at < 0:
        return CitedStatement("", "", "", "")
    before, after = sentence[:at], sentence[at + len(number):]
    following = find_references(after)
    if following:
        after = after[: following[0].start]
    main_clause = _MAIN_CLAUSE_RE.search(after)
    if main_clause:
        after = after[: main_clause.start()]
    after = _TRAILING_LINK_RE.sub("", after.lstrip(" ,)")).strip()
    rest = _ASIDE_RE.sub("", after).strip()

    date = ""
    m = _DATE_RE.match(rest)
    if m:
        date = _iso_date(int(m["y"]), int(m["m"] or m["m2"]), int(m["d"]))
        rest = rest[m.end():].lstrip(" ,")
    issuer = ""
    m = _ISSUER_RE.match(rest)
    if m:
        issuer = m["issuer"]
        subject = _SUBJECT_RE.search(issuer)
        if subject:
            issuer = issuer[: subject.start()].strip()
        rest = rest[m.start("issuer") + len(issuer):].lstrip(" ,")
    title = _name_before(before)
    subject = _SUBJECT_RE.search(rest)
    if not title and subject:
        title = rest[subject.start():].rstrip(" .")
        title = _trimmed(title[:1].upper() + title[1:])
    return CitedStatement(_trimmed(after), date, issuer, title)


def _name_before(before: str) -> str:
    """The name written between the type and "số": "Luật Hỗ trợ doanh nghiệp nhỏ và vừa số " →
    "Luật Hỗ trợ doanh nghiệp nhỏ và vừa"; "" for "Quyết định số "."""
    types = list(_TYPE_RE.finditer(before))
    if not types:
        return ""
    last = types[-1]
    if not _NAME_RE.fullmatch(before, last.end()):
        return ""
    return before[last.start():].rsplit(" số", 1)[0].strip()


def _iso_date(year: int, month: int, day: int) -> str:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return ""


def _trimmed(text: str, limit: int = STATED_CHARS) -> str:
    """At most about `limit` characters, cut at a word, "…" when cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;") + " …"
