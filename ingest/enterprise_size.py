"""Enterprise size class (siêu nhỏ, nhỏ, vừa, lớn) under Điều 5 Nghị định 80/2021/NĐ-CP.

The thresholds are data (`enterprise_size.toml`, with its source). The decree's rule: a firm
belongs to a class when its average insured employees per year are within that class's limit
AND its annual revenue OR its total capital is within the limit; the smallest such class wins,
and a firm beyond the "vừa" limits is "lớn".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ingest.textnorm import fold, normalize

_DATA = tomllib.loads((Path(__file__).with_name("enterprise_size.toml")).read_text("utf-8"))
_SOURCE = f"{_DATA['article']} {_DATA['source']}"
SECTORS: dict[str, str] = {key: value["name"] for key, value in _DATA["sectors"].items()}
SIZE_NAMES = {"sieu_nho": "siêu nhỏ", "nho": "nhỏ", "vua": "vừa", "lon": "lớn"}
_TY = 1_000_000_000


@dataclass(frozen=True)
class SizeResult:
    size: str  # sieu_nho | nho | vua | lon
    rule: str  # the sentence that decided it, with its source

    @property
    def name(self) -> str:
        return SIZE_NAMES[self.size]


def sector_group(text: str) -> str:
    """"thương mại, dịch vụ" / "thuong_mai_dich_vu" / "bán lẻ" → a key of SECTORS."""
    if text in SECTORS:
        return text
    folded = fold(normalize(text)).lower()
    for key, value in _DATA["sectors"].items():
        if any(word in folded for word in value["words"]):
            return key
    raise ValueError(f"lĩnh vực không rõ: {text!r} (nông nghiệp/lâm nghiệp/thủy sản, "
                     "công nghiệp/xây dựng, thương mại/dịch vụ)")


def _ty(vnd: int) -> str:
    value = vnd / _TY
    text = f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} tỷ đồng"


def classify(sector: str, employees: int, revenue_vnd: int | None = None,
             capital_vnd: int | None = None) -> SizeResult:
    """Size class of a firm; revenue or capital (or both) must be given."""
    if employees is None or employees < 0:
        raise ValueError("cần số lao động tham gia bảo hiểm xã hội bình quân năm")
    if revenue_vnd is None and capital_vnd is None:
        raise ValueError("cần tổng doanh thu năm hoặc tổng nguồn vốn")
    key = sector_group(sector)
    employees_text = "lao động tham gia BHXH bình quân năm"
    for size_class in _DATA["classes"]:
        limit = size_class[key]
        if employees > limit["employees"]:
            continue
        source = f"({size_class['clause']} {_SOURCE})"
        for value, limit_ty, what in ((revenue_vnd, limit["revenue_ty"], "tổng doanh thu năm"),
                                      (capital_vnd, limit["capital_ty"], "tổng nguồn vốn")):
            if value is not None and value <= limit_ty * _TY:
                return SizeResult(size_class["size"], (
                    f"{size_class['name']}: {employees_text} ≤ {limit['employees']} người và "
                    f"{what} ≤ {_ty(limit_ty * _TY)} {source}"))
    largest = _DATA["classes"][-1]
    limit = largest[key]
    if employees > limit["employees"]:
        reason = f"{employees_text} {employees} người > {limit['employees']} người"
    else:
        parts = []
        if revenue_vnd is not None:
            parts.append(f"tổng doanh thu năm {_ty(revenue_vnd)} > {_ty(limit['revenue_ty'] * _TY)}")
        if capital_vnd is not None:
            parts.append(f"tổng nguồn vốn {_ty(capital_vnd)} > {_ty(limit['capital_ty'] * _TY)}")
        reason = " và ".join(parts)
    return SizeResult("lon", (
        f"lớn: {reason}, vượt mức doanh nghiệp vừa lĩnh vực {SECTORS[key]} "
        f"({largest['clause']} {_SOURCE})"))
