"""Who a support clause is for: size classes, cooperatives, household businesses, qualifiers, sectors.

A beneficiary phrase starts at a head noun (doanh nghiệp, DNNVV, hợp tác xã, hộ kinh doanh) and
runs to the next head or to a word that ends it ("được", "nhưng", "trên địa bàn", …). Its
modifiers make groups: "doanh nghiệp vừa do phụ nữ làm chủ" is one group {vua, phu_nu_lam_chu};
the groups of a clause are alternatives. "Doanh nghiệp nhỏ và vừa" is the legal term that
includes siêu nhỏ (khoản 1 Điều 4 Luật Hỗ trợ doanh nghiệp nhỏ và vừa 2017), so it gives all three
sizes. A bare "doanh nghiệp" names nobody in particular ("tư vấn cho doanh nghiệp về quy trình")
unless it is listed with another head ("doanh nghiệp, hợp tác xã"), carries a sector
("doanh nghiệp chế biến thủy sản") or opens the document's "Đối tượng áp dụng" text: then it
means an enterprise of any size.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ingest.textnorm import normalize

_DATA = tomllib.loads(Path(__file__).with_name("support_data.toml").read_text("utf-8"))

SIZES = ("sieu_nho", "nho", "vua", "lon")
ENTITIES = ("hop_tac_xa", "ho_kinh_doanh")
QUALIFIERS = ("phu_nu_lam_chu", "nhieu_lao_dong_nu", "doanh_nghiep_xa_hoi", "khoi_nghiep_sang_tao")
_ORDER = {code: i for i, code in enumerate(SIZES + ENTITIES + QUALIFIERS)}

_HEAD_RE = re.compile(
    r"(?<![\w/])(doanh nghiệp|DNNVV|liên hiệp hợp tác xã|hợp tác xã|HTX|hộ kinh doanh)(?!\w)", re.I)
# A head that is a unit ("/doanh nghiệp", "mỗi hợp tác xã"), a modifier ("là doanh nghiệp xã
# hội") or an origin ("từ hộ kinh doanh", "chuyển đổi thành doanh nghiệp") is not a beneficiary.
_NOT_HEAD_BEFORE_RE = re.compile(r"(?:/\s*|\bmỗi\s+|\bmột\s+|\b01\s+|\blà\s+|\btừ\s+|\bthành\s+|\blên\s+)$", re.I)
_PHRASE_END_RE = re.compile(
    r"[;.:()]|\s(?:được|nhưng|tối đa|không quá|đối với|trên địa bàn|theo quy định|có trụ sở|"
    r"với mức|mức hỗ trợ|tại|về|để|hằng năm|thì)\b", re.I)
_SIZE_WORD = r"(?:siêu nhỏ|nhỏ|vừa|lớn)"
_SIZES_RE = re.compile(
    rf"^\s+(?:có\s+)?(?:quy mô\s+)?{_SIZE_WORD}(?:(?:\s*,\s*|\s+và\s+|\s+hoặc\s+){_SIZE_WORD}(?!\w))*(?!\w)",
    re.I)
_SIZE_CODE = {"siêu nhỏ": "sieu_nho", "nhỏ": "nho", "vừa": "vua", "lớn": "lon"}
_QUALIFIER_RES = (
    ("phu_nu_lam_chu", re.compile(r"do\s+phụ\s+nữ\s+làm\s+chủ", re.I)),
    ("nhieu_lao_dong_nu", re.compile(r"sử\s+dụng\s+nhiều\s+lao\s+động\s+nữ", re.I)),
    ("doanh_nghiep_xa_hoi", re.compile(r"doanh\s+nghiệp\s+xã\s+hội", re.I)),
    ("khoi_nghiep_sang_tao", re.compile(r"khởi\s+nghiệp\s+(?:đổi\s+mới\s+)?sáng\s+tạo", re.I)),
)
_SECTOR_RE = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(s) for s in sorted(_DATA["sectors"], key=len, reverse=True))
    + r")(?!\w)", re.I)
# Words allowed between a head and its sector: "hợp tác xã hoạt động trong lĩnh vực chế biến thủy
# sản", "doanh nghiệp sản xuất sản phẩm công nghiệp hỗ trợ" — not "doanh nghiệp đăng ký … điện tử".
_SECTOR_LEAD_RE = re.compile(
    r"(?:\s*,?\s*(?:hoạt động|trong|thuộc|lĩnh vực|ngành|sản xuất|kinh doanh|sản phẩm|các|và))*\s*", re.I)
_LIST_GAP_RE = re.compile(r"^\s*(?:,|và|hoặc)\s*$", re.I)


def _phrase(text: str, head: re.Match, end: int) -> dict:
    window = text[head.start():end]
    stop = _PHRASE_END_RE.search(window, len(head.group(0)))
    if stop:
        window = window[:stop.start()]
    rest = window[len(head.group(0)):]
    name = head.group(1).lower()
    sizes: list[str] = []
    entity = ""
    if name == "dnnvv":
        sizes = ["sieu_nho", "nho", "vua"]
    elif name in ("hợp tác xã", "liên hiệp hợp tác xã", "htx"):
        entity = "hop_tac_xa"
    elif name == "hộ kinh doanh":
        entity = "ho_kinh_doanh"
    else:
        found = _SIZES_RE.match(rest)
        if found:
            words = re.findall(_SIZE_WORD, found.group(0), re.I)
            sizes = [_SIZE_CODE[w.lower()] for w in words]
            if re.search(r"(?<!siêu )nhỏ\s+và\s+vừa", found.group(0), re.I):
                sizes.append("sieu_nho")  # the legal term "doanh nghiệp nhỏ và vừa"
            sizes = sorted(set(sizes), key=SIZES.index)
    qualifiers = [code for code, pattern in _QUALIFIER_RES if pattern.search(window)]
    sectors = [normalize(m.group(1)).lower() for m in _SECTOR_RE.finditer(rest)
               if _SECTOR_LEAD_RE.fullmatch(rest[:m.start()])]
    return {"sizes": sizes, "entity": entity, "qualifiers": qualifiers, "sectors": sectors,
            "generic": not (sizes or entity or qualifiers or sectors)}


def beneficiary_groups(text: str, *, scope: bool = False) -> list[list[str]]:
    """Alternative groups of codes named in `text`; `scope` for an "Đối tượng áp dụng" text."""
    text = normalize(text)
    heads = [m for m in _HEAD_RE.finditer(text) if not _NOT_HEAD_BEFORE_RE.search(text[:m.start()])]
    phrases = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        phrases.append(_phrase(text, head, end))
    groups: list[list[str]] = []
    for i, phrase in enumerate(phrases):
        if phrase["generic"]:
            listed_before = i > 0 and _LIST_GAP_RE.match(text[heads[i - 1].end():heads[i].start()]) \
                and not phrases[i - 1]["generic"]
            listed_after = i + 1 < len(phrases) and _LIST_GAP_RE.match(
                text[heads[i].end():heads[i + 1].start()])
            opens_scope = scope and not text[:heads[i].start()].strip()
            if not (listed_before or listed_after or opens_scope):
                continue
            # "doanh nghiệp, hợp tác xã chế biến thủy sản": the list shares its last modifiers
            shared = next((p for p in phrases[i + 1:] if not p["generic"]), None)
            phrase = dict(phrase, sizes=list(SIZES),
                          qualifiers=shared["qualifiers"] if shared and listed_after else [],
                          sectors=shared["sectors"] if shared and listed_after else [])
        elif not (phrase["sizes"] or phrase["entity"] or phrase["qualifiers"]):
            phrase = dict(phrase, sizes=list(SIZES))  # "doanh nghiệp chế biến thủy sản": any size
        extra = phrase["qualifiers"] + phrase["sectors"]
        kinds = phrase["sizes"] or ([phrase["entity"]] if phrase["entity"] else [])
        for kind in kinds or [None]:
            group = ([kind] if kind else []) + extra
            if group and group not in groups:
                groups.append(group)
    return groups


def codes_of(groups: list[list[str]]) -> list[str]:
    """The union of the groups' codes: sizes, entities, qualifiers, then sector words."""
    seen = {code for group in groups for code in group}
    return sorted(seen, key=lambda code: (_ORDER.get(code, len(_ORDER)), code))
