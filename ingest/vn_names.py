"""Names of Vietnamese state bodies and provinces: their official spelling, recognised in
capitals (also as misread by OCR), and kept capitalised when a capitals title is sentence-cased.

The province lists were checked against the data of the PyPI package vietnamadminunits
(1.0.4, MIT); the package itself is not a dependency: importing it loads shapely and geopy.
"""

from __future__ import annotations

import difflib
import re

from .textnorm import fold

# The 63 provinces and centrally-run cities before the 2025 merger (Huế became a city in
# January 2025, hence both spellings).
PROVINCES_BEFORE_2025 = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre",
    "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hồ Chí Minh", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lạng Sơn", "Lào Cai", "Lâm Đồng", "Long An", "Nam Định", "Nghệ An", "Ninh Bình",
    "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh",
    "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa",
    "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc",
    "Yên Bái",
)
# The 34 after the merger of 12 June 2025 (Nghị quyết 202/2025/QH15).
PROVINCES_FROM_2025 = (
    "An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Điện Biên",
    "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Nội", "Hà Tĩnh", "Hải Phòng", "Hồ Chí Minh", "Huế",
    "Hưng Yên", "Khánh Hòa", "Lai Châu", "Lạng Sơn", "Lào Cai", "Lâm Đồng", "Nghệ An",
    "Ninh Bình", "Phú Thọ", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sơn La", "Tây Ninh",
    "Thái Nguyên", "Thanh Hóa", "Tuyên Quang", "Vĩnh Long",
)
PROVINCES = tuple(dict.fromkeys(PROVINCES_BEFORE_2025 + PROVINCES_FROM_2025))
# Province names that are also common words ("hòa bình" is peace): capitalised in a title
# only after "tỉnh"/"thành phố".
AMBIGUOUS_PROVINCES = {"Hòa Bình", "Thái Bình", "Cao Bằng", "Bình Định", "Vĩnh Phúc"}

# Fields of the ministries before and after the 2025 reorganisation; a Sở carries the same
# field in a province ("Sở Khoa học và Công nghệ").
FIELDS = (
    "Quốc phòng", "Công an", "Ngoại giao", "Nội vụ", "Tư pháp", "Kế hoạch và Đầu tư", "Tài chính",
    "Công Thương", "Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và Môi trường",
    "Giao thông vận tải", "Xây dựng", "Tài nguyên và Môi trường", "Thông tin và Truyền thông",
    "Lao động - Thương binh và Xã hội", "Văn hóa, Thể thao và Du lịch", "Khoa học và Công nghệ",
    "Giáo dục và Đào tạo", "Y tế", "Dân tộc và Tôn giáo", "Văn hóa và Thể thao", "Du lịch",
    "Ngoại vụ",
)
MINISTRIES = tuple(f"Bộ {f}" for f in FIELDS[:21])
DEPARTMENTS = tuple(f"Sở {f}" for f in FIELDS[1:])
NATIONAL_BODIES = (
    "Quốc hội", "Chính phủ", "Thủ tướng Chính phủ", "Chủ tịch nước", "Ủy ban Thường vụ Quốc hội",
    "Văn phòng Quốc hội", "Văn phòng Chính phủ", "Văn phòng Chủ tịch nước",
    "Tòa án nhân dân tối cao", "Hội đồng Thẩm phán Tòa án nhân dân tối cao",
    "Viện kiểm sát nhân dân tối cao", "Kiểm toán nhà nước", "Thanh tra Chính phủ",
    "Ngân hàng Nhà nước Việt Nam", "Ủy ban Dân tộc", "Bộ Chính trị", "Ban Bí thư",
    "Ban Chấp hành Trung ương", "Mặt trận Tổ quốc Việt Nam",
)
# Other names kept as written when a title is sentence-cased.
OTHER_NAMES = (
    "Việt Nam", "Thủ tướng", "Phó Thủ tướng", "Phó Thủ tướng Chính phủ", "Đảng Cộng sản Việt Nam", "Đồng bằng sông Cửu Long", "Tây Nguyên", "Đông Nam Bộ",
    "Bắc Trung Bộ", "Duyên hải Nam Trung Bộ", "Trung du và miền núi phía Bắc", "Đồng bằng sông Hồng",
)
ACRONYMS = {"ISO", "STEM", "OCOP", "ODA", "FDI", "PPP", "ASEAN", "WTO", "EU", "USD", "UBND", "GAP"}

LOCAL_LEVELS = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "ĐẶC KHU")
_LOCAL_BODY_RE = re.compile(
    r"^(?P<body>UY BAN NHAN DAN|HOI DONG NHAN DAN)\s+(?P<level>"
    + "|".join(fold(level) for level in LOCAL_LEVELS) + r")\s+(?P<place>.+)$"
)
_ABBREVIATIONS = ((r"^UBND\b", "ỦY BAN NHÂN DÂN"), (r"^HĐND\b", "HỘI ĐỒNG NHÂN DÂN"),
                  (r"\bTP\.\s*", "THÀNH PHỐ "))


def _key(text: str) -> str:
    """Comparison form: no tone marks (OCR swaps them), upper case, letters and spaces only."""
    return " ".join(re.sub(r"[^\w&\- ]", " ", fold(text).upper()).split())


_NATIONAL = {_key(n): n for n in NATIONAL_BODIES + MINISTRIES}
_DEPARTMENTS = {_key(n): n for n in DEPARTMENTS}
_PROVINCES = {_key(p): p for p in PROVINCES}


def _closest(key: str, known: dict[str, str], cutoff: float) -> str:
    if key in known:
        return known[key]
    match = difflib.get_close_matches(key, known, n=1, cutoff=cutoff)
    return known[match[0]] if match else ""


def province(upper: str) -> str:
    """The official spelling of a province or city name read in capitals, "" if unknown."""
    return _closest(_key(upper), _PROVINCES, 0.85)


def expand_abbreviations(upper: str) -> str:
    upper = " ".join(upper.split())
    for pattern, full in _ABBREVIATIONS:
        upper = re.sub(pattern, full, upper)
    return upper


def canonical_issuer(upper: str, known_only: bool = False) -> str:
    """Official spelling of an issuing body written in capitals: "BỘ GIÁO DỤC VÀ ĐÀO TẠO" →
    "Bộ Giáo dục và Đào tạo", "UBND TỈNH KIÊN GIANG" → "Ủy ban nhân dân tỉnh Kiên Giang".
    OCR misreadings of a known name are matched to it ("BỘ GIÁO HH. VÀ ĐÀO TẠO"); an unknown
    body is sentence-cased, or "" with `known_only`."""
    upper = expand_abbreviations(upper.strip(" .,;:-–—_"))
    key = _key(upper)
    if m := _LOCAL_BODY_RE.match(key):
        body = "Ủy ban nhân dân" if m.group("body").startswith("UY") else "Hội đồng nhân dân"
        level = next(lv for lv in LOCAL_LEVELS if fold(lv) == m.group("level")).lower()
        place_words = upper.split()[-len(m.group("place").split()):]
        place = (province(m.group("place")) if level in ("tỉnh", "thành phố") else "") or " ".join(
            w.capitalize() for w in place_words
        )
        return f"{body} {level} {place}"
    if key.startswith("SO ") and (name := _closest(key, _DEPARTMENTS, 0.85)):
        return name
    if name := _closest(key, _NATIONAL, 0.8):
        return name
    return "" if known_only else upper[:1] + upper[1:].lower()


def _name_pattern(names) -> re.Pattern:
    alternatives = sorted({re.escape(n) for n in names}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


_PROPER_NAMES = NATIONAL_BODIES + MINISTRIES + DEPARTMENTS + OTHER_NAMES + tuple(
    p for p in PROVINCES if p not in AMBIGUOUS_PROVINCES
)
_CANONICAL = {n.lower(): n for n in _PROPER_NAMES}
_PROPER_NAME_RE = _name_pattern(_PROPER_NAMES)
_PLACE_AFTER_LEVEL_RE = re.compile(
    r"(?<!\w)(tỉnh|thành phố|tp\.)\s+(" + "|".join(re.escape(p) for p in PROVINCES) + r")(?!\w)",
    re.IGNORECASE,
)
_LOCAL_BODY_NAME_RE = re.compile(
    r"(?<!\w)((?:văn phòng )?)(ủy ban nhân dân|hội đồng nhân dân)(?!\w)", re.IGNORECASE
)
_VOWELS = set("aeiouyăâêôơư" + "áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def sentence_case(text: str, extra_names: tuple[str, ...] = ()) -> str:
    """A title printed in capitals, as a sentence: "KẾ HOẠCH THỰC HIỆN … TRÊN ĐỊA BÀN TỈNH KIÊN
    GIANG" → "Kế hoạch thực hiện … trên địa bàn tỉnh Kiên Giang". Names of bodies, provinces,
    `extra_names` (e.g. the issuer's own place) and acronyms keep their capitals. Text that is
    not all capitals is only given a capital first letter."""
    text = " ".join(text.split())
    if text.isupper():
        words = [w if _is_acronym(w) else w.lower() for w in text.split()]
        text = " ".join(words)
        text = _PROPER_NAME_RE.sub(lambda m: _CANONICAL[m.group(1).lower()], text)
        text = _PLACE_AFTER_LEVEL_RE.sub(lambda m: f"{m.group(1)} {province(m.group(2))}", text)
        text = _LOCAL_BODY_NAME_RE.sub(lambda m: m.group(1).capitalize() + m.group(2).capitalize(), text)
        names = {n.lower(): n for n in extra_names if n.strip()}
        if names:  # no names would make a pattern that matches the empty string
            text = _name_pattern(names.values()).sub(lambda m: names[m.group(1).lower()], text)
    return text[:1].upper() + text[1:]


def _is_acronym(word: str) -> bool:
    """KH&CN, COVID-19, TNHH, ISO, Roman numbers: kept in capitals. A word without a vowel is
    no Vietnamese syllable; "BỘ", "VÀ" have one."""
    letters = word.strip(".,;:()\"'")
    if letters in ACRONYMS or any(c.isdigit() or c == "&" for c in letters):
        return True
    if re.fullmatch(r"[IVXLC]+", letters) and letters != "VI":  # "KHÓA XV"; "vi" is a word
        return True
    return len(letters) >= 2 and letters.isalpha() and not (set(letters.lower()) & _VOWELS)
