"""Citations of other documents: "Quyết định số 1322/QĐ-TTg", "Luật số 32/2004/QH11",
"Nghị quyết số 57-NQ/TW", "Công văn số 123/UBND-KT"."""

from __future__ import annotations

import re

from .model import Reference
from .textnorm import fold

DOC_TYPES = (
    "Văn bản hợp nhất", "Thông tư liên tịch", "Nghị quyết liên tịch", "Quyết định", "Nghị định",
    "Thông tư", "Nghị quyết", "Kế hoạch", "Bộ luật", "Luật", "Pháp lệnh", "Chỉ thị", "Công văn",
    "Công điện", "Thông báo", "Hiến pháp", "Án lệ", "Lệnh", "Hướng dẫn", "Quy định", "Quy chế",
    "Đề án", "Chương trình", "Báo cáo", "Tờ trình", "Kết luận",
)
# Type codes of a số/ký hiệu (Nghị định 30/2020/NĐ-CP, Phụ lục III; the Party's Hướng dẫn
# 36-HD/VPTW for "57-NQ/TW", "05-CT/TU", "01-KL/TW", "08-QĐi/TW").
NUMBER_CODES = {
    "VBHN": "Văn bản hợp nhất", "QĐ": "Quyết định", "NĐ": "Nghị định", "TTLT": "Thông tư liên tịch",
    "NQLT": "Nghị quyết liên tịch", "TT": "Thông tư", "NQ": "Nghị quyết", "KH": "Kế hoạch",
    "CT": "Chỉ thị", "TB": "Thông báo", "BC": "Báo cáo", "TTr": "Tờ trình", "HD": "Hướng dẫn",
    "AL": "Án lệ", "CĐ": "Công điện", "KL": "Kết luận", "QĐi": "Quy định", "QC": "Quy chế",
    "CTr": "Chương trình", "ĐA": "Đề án", "L": "Lệnh",
}
# The code a document type's number carries (the first listed: "Quyết định" → "QĐ").
TYPE_CODES = {doc_type: code for code, doc_type in reversed(NUMBER_CODES.items())}
_FOLDED_CODES = {fold(code).upper(): doc_type for code, doc_type in NUMBER_CODES.items()}
PARTY_CODES = ("NQ", "CT", "KL", "QĐi", "QĐ", "QC", "HD", "TB", "BC", "KH", "CTr", "ĐA")

# Số/ký hiệu: "1322/QĐ-TTg", "100/2015/QH13", "23/VBHN-VPQH", "15/2021/NĐ-CP", "27/2019/AL".
NUMBER_RE = re.compile(
    r"(?<![\w/])(?P<num>\d{1,5}(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*)(?![\w/])"
)
# Party documents: number-code/organ, "57-NQ/TW", "11-NQ/ĐH", "05-CT/TU", "12-NQ/BCSĐ".
PARTY_NUMBER_RE = re.compile(
    r"(?<![\w/-])(?P<num>\d{1,4}-(?:" + "|".join(PARTY_CODES) + r")/[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ][A-Za-zĐđ]*)*)(?![\w/])"
)
# The type word nearest the number names it ("Báo cáo kết quả thực hiện Quyết định số …"): the
# greedy lead-in makes the last type word in the window win. A type word with a name between it
# and the number is capitalized ("Luật Luật sư số …", not the "luật sư" of the name); written in
# lower case it must stand right before "số" ("theo quyết định số 12/QĐ-UBND").
_CAPITALIZED_TYPES = "|".join(alt for t in DOC_TYPES for alt in (t, t.upper()))
_TYPE_BEFORE_RE = re.compile(
    r"^.*(?:(?P<type>" + _CAPITALIZED_TYPES + r")(?P<name>(?:\s+[^\s\d,;.:()]+){0,14}?)\s+(?:số\s*:?\s*)?"
    r"|(?P<lower>(?i:" + "|".join(DOC_TYPES) + r"))\s+(?i:số)\s*:?\s*)$",
    re.DOTALL,
)


def number_key(number: str) -> str:
    """Spelling-independent key of a số/ký hiệu: "1322/qđ-ttg" → "1322/QD-TTG"."""
    return re.sub(r"\s+", "", fold(number)).upper()


def doc_type_of_number(number: str) -> str:
    """The document type its number says: "55/TTr-UBND" → "Tờ trình", "57-NQ/TW" → "Nghị
    quyết", "100/2015/QH13" → "Luật", "123/UBND-KT" (no type code, an issuer's) → "Công văn";
    "" when it cannot tell."""
    if m := re.fullmatch(r"\d+-([^/]+)/.+", number):
        code = m.group(1)
    else:
        code_part = number.split("/")[-1]
        code = code_part.split("-")[0]
        if re.fullmatch(r"QH\d+", code):
            return "Luật"
        if code not in NUMBER_CODES and fold(code).upper() not in _FOLDED_CODES:
            return "Công văn" if "-" in code_part and not code[:1].isdigit() else ""
    return NUMBER_CODES.get(code) or _FOLDED_CODES.get(fold(code).upper(), "")


def find_references(text: str, own_key: str = "") -> list[Reference]:
    refs = []
    matches = sorted([*NUMBER_RE.finditer(text), *PARTY_NUMBER_RE.finditer(text)], key=lambda m: m.start())
    for m in matches:
        number = m.group("num")
        key = number_key(number)
        if key == own_key:
            continue
        start = m.start()
        window_start = max(0, start - 120)
        t = _TYPE_BEFORE_RE.search(text[window_start:start])
        if t:
            group = "type" if t.group("type") else "lower"
            doc_type = _canonical_type(t.group(group))
            start = window_start + t.start(group)
        else:
            doc_type = doc_type_of_number(number)
        refs.append(
            Reference(
                text=" ".join(text[start : m.end()].split()), number=number, key=key,
                doc_type=doc_type, start=start, end=m.end(),
            )
        )
    return refs


def _canonical_type(word: str) -> str:
    for doc_type in DOC_TYPES:
        if doc_type.lower() == word.lower():
            return doc_type
    return word
