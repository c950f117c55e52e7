"""Read lists of units as written in a sentence ("Điều 5, khoản 2 Điều 7", "các điểm a, b và c
khoản 2 Điều 5") into citation labels ("Điều 5", "Khoản 2 Điều 7", "Điểm a Khoản 2 Điều 5")."""

from __future__ import annotations

import re

_RANK = {"điểm": 0, "khoản": 1, "điều": 2, "mục": 3, "chương": 4, "phần": 5, "phụ lục": 6}
_NAME = {"điểm": "Điểm", "khoản": "Khoản", "điều": "Điều", "mục": "Mục", "chương": "Chương",
         "phần": "Phần", "phụ lục": "Phụ lục"}
_NUMBER_OF = {
    "điểm": r"[a-zđ]", "khoản": r"\d{1,3}", "điều": r"\d{1,3}[a-zđ]?", "mục": r"\d{1,3}|[IVXLC]+",
    "chương": r"\d{1,3}|[IVXLC]+", "phần": r"\d{1,3}|[IVXLC]+", "phụ lục": r"\d{1,3}[a-z]?|[IVXLC]+[a-z]?",
}
TOKEN_RE = re.compile(
    r"(?P<kind>điểm|khoản|điều|mục|chương|phần|phụ\s+lục)\s+(?P<num>\d{1,3}[a-zđ]?|[a-zđ]|[IVXLC]+[a-z]?)(?![\w/])"
    r"|(?P<sep>,|\bvà\b|\bhoặc\b)\s*(?P<bare>\d{1,3}[a-zđ]?|[a-zđ]|[IVXLC]+)(?![\w/])",
    re.IGNORECASE,
)
_BETWEEN_RE = re.compile(r"^[\s,]*(?:(?:và|hoặc|của|vào|tại|thuộc|các|sau|trong)\b[\s,]*)*$", re.IGNORECASE)
_BEFORE_RE = re.compile(r"^[\s,]*(?:(?:các|tên|toàn\s+bộ|nội\s+dung|một\s+số\s+nội\s+dung)(?:\s+(?:của|tại))?\s+)*$",
                        re.IGNORECASE)


def parse_unit_list(text: str) -> list[str]:
    """Labels of every unit listed in `text`, innermost first, in the order written."""
    return [label for run in _runs(text) for label in _labels(run)]


def split_leading(text: str) -> tuple[list[str], str]:
    """The unit list `text` starts with, and the text after it."""
    runs = _runs(text)
    if not runs or not _BEFORE_RE.match(text[: runs[0][0].start()]):
        return [], text
    return _labels(runs[0]), text[runs[0][-1].end():]


def split_trailing(text: str) -> tuple[list[str], str]:
    """The unit list `text` ends with (before "của"/"tại" at most), and the text before it."""
    runs = _runs(text)
    if not runs or not _BETWEEN_RE.match(text[runs[-1][-1].end():]):
        return [], text
    return _labels(runs[-1]), text[: runs[-1][0].start()]


def _runs(text: str) -> list[list[re.Match]]:
    """Tokens grouped into runs joined only by commas and small words."""
    runs: list[list[re.Match]] = []
    for m in TOKEN_RE.finditer(text):
        kind = m.group("kind")
        if kind and not re.fullmatch(_NUMBER_OF[_kind(kind)], m.group("num")):
            continue
        joined = runs and _BETWEEN_RE.match(text[runs[-1][-1].end(): m.start()])
        if m.group("bare") is not None and not joined:
            continue
        if joined:
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def _labels(run: list[re.Match]) -> list[str]:
    groups: list[dict[str, str]] = []
    last_kind = ""
    for m in run:
        if m.group("bare") is not None:
            if not re.fullmatch(_NUMBER_OF[last_kind], m.group("bare")):
                break
            groups.append({last_kind: m.group("bare")})
            continue
        kind = _kind(m.group("kind"))
        if not groups or _RANK[kind] <= max(_RANK[k] for k in groups[-1]):
            groups.append({})
        groups[-1][kind] = m.group("num")
        last_kind = kind
        if kind != min(groups[-1], key=_RANK.get):
            last_kind = min(groups[-1], key=_RANK.get)
    for i in range(len(groups) - 2, -1, -1):
        top = max(_RANK[k] for k in groups[i])
        for kind, num in groups[i + 1].items():
            if _RANK[kind] > top and kind not in groups[i]:
                groups[i][kind] = num
    return [" ".join(f"{_NAME[k]} {g[k]}" for k in sorted(g, key=_RANK.get)) for g in groups]


def _kind(word: str) -> str:
    return " ".join(word.lower().split())
