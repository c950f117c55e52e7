"""Terms around a support measure: conditions, deadline, where to apply, period of the policy."""

from __future__ import annotations

import re

from ingest.textnorm import normalize

_UNIT_WORDS = r"lần|khóa|học viên|người|tháng|năm|ngày|sản phẩm|hợp đồng|lao động|doanh nghiệp|hợp tác xã"
_CONDITION_RES = (
    re.compile(rf"(?:không quá|tối đa|tối thiểu|ít nhất|chỉ)\s+(?:được\s+hỗ\s+trợ\s+)?\d+\s+(?:lần|khóa|học viên|người|tháng|năm|ngày|sản phẩm|hợp đồng|lao động)(?:\s*/\s*(?:{_UNIT_WORDS}))*", re.I),
    re.compile(r"thời gian hỗ trợ (?:tối đa|không quá)(?: là)? \d+ (?:năm|tháng)", re.I),
    re.compile(r"từ\s+[\d.,]+\s+[^,;.]{1,30}?\s+trở\s+(?:lên|xuống)", re.I),
    re.compile(r"(?:với điều kiện|điều kiện là)\s+[^;.]+", re.I),
    re.compile(r"không vượt quá chi phí thực tế|lần đầu", re.I),
)
DEADLINE_RE = re.compile(
    r"(?:trước|chậm nhất|muộn nhất|không muộn hơn|hạn chót|hạn cuối)(?:\s+là)?\s+ngày\s+\d{1,2}"
    r"(?:\s+tháng\s+\d{1,2}(?:\s+(?:năm\s+\d{4}|hằng năm|hàng năm))?|/\d{1,2}(?:/\d{4})?)", re.I)
AGENCY_RE = re.compile(
    r"(?:nộp|gửi|tiếp nhận)[^.;]{0,40}?\b(?:tại|về|đến|cho)\s+(?P<agency>(?:Sở|Ban [Qq]uản lý|Trung tâm|Ủy ban nhân dân|UBND|Phòng|Bộ|Quỹ|Cục|Chi cục|Văn phòng)\b[^,;.()]*?)"
    r"(?=\s+(?:trước|để|theo|trong|kể từ|chậm nhất|qua)\b|[,;.(]|$)")
_PERIOD_RES = (
    (re.compile(r"giai đoạn\s+(\d{4})\s*[-–—]\s*(\d{4})", re.I), "range"),
    (re.compile(r"từ năm\s+(\d{4})\s+đến(?:\s+hết)?\s+năm\s+(\d{4})", re.I), "range"),
    (re.compile(r"đến năm\s+(\d{4})", re.I), "to"),
    (re.compile(r"\bnăm\s+(\d{4})", re.I), "year"),
)


def conditions(text: str, doc_conditions: list[tuple[str, str]], citation: str) -> list[dict]:
    """The document's "Điều kiện …" clauses (citation, text), then conditions stated in the clause."""
    found: list[dict] = [{"text": normalize(t)[:200], "citation": c} for c, t in doc_conditions]
    for pattern in _CONDITION_RES:
        for m in pattern.finditer(text):
            phrase = m.group(0).strip()
            if not any(phrase == c["text"] for c in found):
                found.append({"text": phrase, "citation": citation})
    return found


def first_match(pattern: re.Pattern, texts: list[str], group: int | str = 0) -> str:
    """The pattern's match in the first text that has one, "" if none."""
    for text in texts:
        if m := pattern.search(text):
            return m.group(group).strip()
    return ""


def period(text: str, title: str) -> dict | None:
    """A "giai đoạn 2021 - 2025" of the clause, else the title's giai đoạn, "đến năm 2030" or "năm 2024"."""
    for source, kinds in ((text, ("range",)), (title, ("range", "to", "year"))):
        for pattern, kind in _PERIOD_RES:
            if kind in kinds and (m := pattern.search(source)):
                if kind == "range":
                    return {"from": int(m.group(1)), "to": int(m.group(2))}
                year = int(m.group(1))
                return {"from": None if kind == "to" else year, "to": year}
    return None
