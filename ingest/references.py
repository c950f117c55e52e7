"""Citations of other documents: "Quyết định số 1322/QĐ-TTg", "Luật số 32/2004/QH11"."""

from __future__ import annotations

import re

from .model import Reference
from .textnorm import fold

DOC_TYPES = (
    "Văn bản hợp nhất", "Thông tư liên tịch", "Nghị quyết liên tịch", "Quyết định", "Nghị định",
    "Thông tư", "Nghị quyết", "Kế hoạch", "Bộ luật", "Luật", "Pháp lệnh", "Chỉ thị", "Công văn",
    "Thông báo", "Hiến pháp", "Án lệ", "Lệnh", "Hướng dẫn", "Quy định", "Đề án", "Chương trình",
)
# Số/ký hiệu: "1322/QĐ-TTg", "100/2015/QH13", "23/VBHN-VPQH", "15/2021/NĐ-CP", "27/2019/AL".
NUMBER_RE = re.compile(
    r"(?<![\w/])(?P<num>\d{1,5}(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*)(?![\w/])"
)
_TYPE_BEFORE_RE = re.compile(
    r"(?P<type>" + "|".join(DOC_TYPES) + r")(?P<name>(?:\s+[^\s\d,;.:()]+){0,14}?)\s+(?:số\s*:?\s*)?$",
    re.IGNORECASE,
)


def number_key(number: str) -> str:
    """Spelling-independent key of a số/ký hiệu: "1322/qđ-ttg" → "1322/QD-TTG"."""
    return re.sub(r"\s+", "", fold(number)).upper()


def find_references(text: str, own_key: str = "") -> list[Reference]:
    refs = []
    for m in NUMBER_RE.finditer(text):
        number = m.group("num")
        key = number_key(number)
        if key == own_key:
            continue
        start = m.start()
        doc_type = ""
        window_start = max(0, start - 120)
        window = text[window_start:start]
        t = _TYPE_BEFORE_RE.search(window)
        if t:
            doc_type = _canonical_type(t.group("type"))
            start = window_start + t.start()
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
