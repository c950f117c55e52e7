"""Metadata from a document's header block: loại, số/ký hiệu, cơ quan, nơi và ngày ban hành,
trích yếu, người ký. A field that cannot be read stays empty; it is never guessed."""

from __future__ import annotations

import difflib
import re

from .model import DocMeta
from .references import NUMBER_RE, TYPE_CODES, doc_type_of_number
from .textnorm import fold
from .vn_names import canonical_issuer, sentence_case

# Type lines as printed in capitals under the header, longest first.
TYPE_LINES = {
    "VĂN BẢN HỢP NHẤT": "Văn bản hợp nhất", "THÔNG TƯ LIÊN TỊCH": "Thông tư liên tịch",
    "NGHỊ QUYẾT LIÊN TỊCH": "Nghị quyết liên tịch", "QUYẾT ĐỊNH": "Quyết định",
    "NGHỊ ĐỊNH": "Nghị định", "THÔNG TƯ": "Thông tư", "NGHỊ QUYẾT": "Nghị quyết",
    "KẾ HOẠCH": "Kế hoạch", "BỘ LUẬT": "Bộ luật", "LUẬT": "Luật", "HIẾN PHÁP": "Hiến pháp",
    "PHÁP LỆNH": "Pháp lệnh", "CHỈ THỊ": "Chỉ thị", "THÔNG BÁO": "Thông báo", "BÁO CÁO": "Báo cáo",
    "TỜ TRÌNH": "Tờ trình", "HƯỚNG DẪN": "Hướng dẫn", "CHƯƠNG TRÌNH": "Chương trình",
    "ĐỀ ÁN": "Đề án", "QUY ĐỊNH": "Quy định", "CÔNG VĂN": "Công văn", "CÔNG ĐIỆN": "Công điện",
    "QUY CHẾ": "Quy chế", "KẾT LUẬN": "Kết luận",
}
_FOLDED_TYPE_LINES = {fold(k): v for k, v in TYPE_LINES.items()}
NATIONAL_MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
DATE_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
PLACE_DATE_RE = re.compile(
    r"(?P<place>[A-ZĐÀ-Ỹ][^\d,:;]{1,40}?)\s*,\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
)
# On the "Số:" line the comma after the place is sometimes missing (or lost by OCR).
HEADER_PLACE_DATE_RE = re.compile(
    r"(?P<place>[A-ZĐÀ-Ỹ][^\d,:;]{1,40}?)\s*,?\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
)
NUMBER_LINE_RE = re.compile(r"(?:^|\s)(?:Luật\s+)?[Ss]ố\s*:\s*(?P<num>\S+)")
PASSED_RE = re.compile(r"thông qua (?:vào )?ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
TITLE_STOP_RE = re.compile(
    r"^(Căn cứ|Kính gửi|Thực hiện|Theo đề nghị|Để|Trải qua|LỜI NÓI ĐẦU|Chương|CHƯƠNG|Phần|Điều|"
    r"Nguồn án lệ|Được Hội đồng|Luật .* số \d|[IVX]+\.|\d+\.)"
)
# Signature blocks: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "Q. GIÁM ĐỐC",
# "TL. BỘ TRƯỞNG / VỤ TRƯỞNG …", "TUQ. CHỦ TỊCH / CHÁNH VĂN PHÒNG".
SIGNER_TITLE_RE = re.compile(
    r"(^(TM|KT|TL|TUQ|Q)\.|THỦ TƯỚNG|CHỦ TỊCH|TRƯỞNG|GIÁM ĐỐC|CHÁNH ÁN|CHÁNH VĂN PHÒNG|"
    r"TỔNG THƯ KÝ|CHỦ NHIỆM|THỐNG ĐỐC|TỔNG KIỂM TOÁN|PHÓ)"
)
NAME_RE = re.compile(r"([A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]*){1,4})\s*$")
SAMPLE_MARK_RE = re.compile(r"VĂN BẢN MẪU", re.IGNORECASE)


AUTHORITY_RE = re.compile(
    r"^(THU TUONG CHINH PHU|CHINH PHU|QUOC HOI|CHU TICH NUOC|UY BAN THUONG VU QUOC HOI|"
    r"BO TRUONG\b.*|CHU TICH (UY BAN NHAN DAN|UBND)\b.*|(UBND|HDND)\b.*|"
    r"(UY BAN|HOI DONG) NHAN DAN (TINH|THANH PHO|HUYEN|QUAN|THI XA|XA|PHUONG|DAC KHU)\b.*|"
    r"GIAM DOC\b.*|THONG DOC\b.*|TONG KIEM TOAN\b.*|CHANH AN\b.*|VIEN TRUONG\b.*|"
    r"KHOA [IVXLC\d]+\b.*KY HOP\b.*)$"
)
# A title line ending in one of these goes on in the next line even if that line reads like an
# authority: "… CỦA VĂN PHÒNG / ỦY BAN NHÂN DÂN TỈNH …".
DANGLING_WORDS = {"CUA", "CHO", "VA", "VOI", "THUOC", "TAI", "GIUA", "GIAO", "PHONG", "CAC", "VE", "TREN"}
SESSION_RE = re.compile(r"KHOA\s+(?P<term>[IVXLC]+|\d+)\s*[,;.\-–]?\s*KY HOP\s+(?P<sitting>[^,;.()]+)")
UNIT_LINE_RE = re.compile(r"^(SO|CUC|TONG CUC|CHI CUC|VU|VIEN|BAN|THANH TRA|TRUONG|TRUNG TAM)\b")


def read_metadata(lines: list[str]) -> DocMeta:
    """`lines`: the document's lines in order (the header is in the first ones)."""
    meta = DocMeta()
    head = [line.strip() for line in lines[:40]]
    _issuer_and_motto(head, meta)
    for line in head[:14]:
        if not meta.number and (m := NUMBER_LINE_RE.search(line)) and NUMBER_RE.match(m.group("num")):
            meta.number = NUMBER_RE.match(m.group("num")).group("num")
        after_number = re.sub(r"^.*?Số\s*:\s*\S+\s*", "", line)  # "Số: 1/QĐ-TTg Hà Nội, ngày …"
        if not meta.issued and (m := HEADER_PLACE_DATE_RE.match(after_number)):
            meta.place = m.group("place").strip()
            meta.issued = _iso(m.group(2), m.group(3), m.group(4))
    type_index = _type_line(head, meta)
    if type_index is not None:
        meta.title = _title_after(head, type_index)
    _precedent(head, meta)
    if not meta.doc_type and meta.number:
        meta.doc_type = doc_type_of_number(meta.number)
    meta.number = _type_code_fixed(meta.number, meta.doc_type)
    tail = lines[-60:]
    if not meta.number or meta.doc_type == "Văn bản hợp nhất":
        # văn bản hợp nhất carry "Số: 23/VBHN-VPQH" under "XÁC THỰC VĂN BẢN HỢP NHẤT" at the end
        for line in tail:
            if (m := NUMBER_LINE_RE.search(line)) and (n := NUMBER_RE.match(m.group("num"))):
                meta.number = n.group("num")
    if not meta.issued:
        joined = " ".join(tail + head)
        if (m := PASSED_RE.search(joined)) or (m := PLACE_DATE_RE.search(" ".join(tail))):
            meta.issued = _iso(*m.groups()[-3:])
    meta.session = _session(head) or _session(tail)
    meta.title = _title_cleaned(meta.title, (_place_of(meta.issuer), meta.place))
    meta.signer = _signer(tail)
    return meta


def _iso(day: str, month: str, year: str) -> str:
    d, m, y = int(day), int(month), int(year)
    if not (1 <= d <= 31 and 1 <= m <= 12 and 1900 <= y <= 2100):
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}"


def _key(line: str) -> str:
    return " ".join(fold(line).upper().strip(" .,;:-–—_*").split())


def _issuer_and_motto(head: list[str], meta: DocMeta) -> None:
    """Issuer lines stand before or left of the national motto; two-column PDF headers come
    out as "QUỐC HỘI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" lines."""
    vbhn = next((l for l in head[:3] if l.startswith("VĂN BẢN HỢP NHẤT - ")), None)
    if vbhn:
        meta.issuer = canonical_issuer(vbhn.split(" - ", 1)[1])
        return
    motto_at = next((i for i, l in enumerate(head[:10]) if _motto_at(l, NATIONAL_MOTTO) >= 0), None)
    if motto_at is None:
        return
    issuer_lines = [
        l for l in head[:motto_at] if l.isupper() and not SAMPLE_MARK_RE.search(l) and l not in TYPE_LINES
    ]
    for line in head[motto_at : motto_at + 3]:
        for motto in (NATIONAL_MOTTO, MOTTO_2):
            if (at := _motto_at(line, motto)) >= 0:
                left = line[:at].strip()
                if left and left.isupper():
                    issuer_lines.append(left)
    if issuer_lines:
        meta.issuer = issuer_of(issuer_lines)


def issuer_of(issuer_lines: list[str]) -> str:
    """The issuer named by the header's left column: "UBND TỈNH KIÊN GIANG / SỞ KHOA HỌC VÀ
    CÔNG NGHỆ" is the Sở of that province; "BỘ … / CỤC …" is the Cục."""
    for split in range(1, len(issuer_lines)):
        parent = canonical_issuer(" ".join(issuer_lines[:split]), known_only=True)
        unit = " ".join(issuer_lines[split:])
        if parent and UNIT_LINE_RE.match(_key(unit)):
            unit_name = canonical_issuer(unit)
            local = re.match(r"^(?:Ủy ban|Hội đồng) nhân dân (.+)$", parent)
            if local and unit_name.startswith("Sở "):
                return f"{unit_name} {local.group(1)}"
            return unit_name
    return canonical_issuer(" ".join(issuer_lines))


def _place_of(issuer: str) -> str:
    m = re.search(r"(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường) (.+)$", issuer)
    return m.group(1) if m else ""


def _motto_at(line: str, motto: str) -> int:
    """Where the motto starts in `line`, or -1; OCR'd headers lose tone marks ("XÃ HỌI"), so
    the comparison ignores them (fold keeps offsets)."""
    at = line.find(motto)
    return at if at >= 0 else fold(line).upper().find(fold(motto).upper())


def _type_line(head: list[str], meta: DocMeta) -> int | None:
    for i, line in enumerate(head):
        if line.startswith("VĂN BẢN HỢP NHẤT"):
            meta.doc_type = "Văn bản hợp nhất"
            continue
        clean = line.strip()
        doc_type = TYPE_LINES.get(clean) or (_type_of_capitals(clean) if clean.isupper() else None)
        if doc_type:
            if meta.doc_type != "Văn bản hợp nhất":
                meta.doc_type = doc_type
            return i
        if clean.startswith("V/v ") or clean.startswith("V/v:"):
            meta.doc_type = meta.doc_type or "Công văn"
            meta.title = clean[4:].lstrip(": ")
            return None
    return None


def _type_of_capitals(line: str) -> str | None:
    """OCR drops, swaps or doubles tone marks on capitals ("QUYÉT ĐỊNH", "QUYẾÉT ĐỊNH", "- QUYẾT
    ĐỊNH"): compare without them, and allow one stray letter."""
    key = _key(line)
    if key in _FOLDED_TYPE_LINES or len(key) > 24:
        return _FOLDED_TYPE_LINES.get(key)
    close = difflib.get_close_matches(key, _FOLDED_TYPE_LINES, n=1, cutoff=0.9)
    return _FOLDED_TYPE_LINES[close[0]] if close else None


def _title_after(head: list[str], index: int) -> str:
    parts: list[str] = []
    for line in head[index + 1 : index + 7]:
        stop = TITLE_STOP_RE.match(line) and not (not parts and line.startswith("Thực hiện"))
        if stop or NUMBER_LINE_RE.match(line) or line.startswith("Luật số"):
            break
        if set(line) <= set("-_–—* "):
            break
        if parts and line.isupper() != parts[-1].isupper():
            break  # "HỘI ĐỒNG NHÂN DÂN TỈNH …" after a mixed-case trích yếu
        if line.isupper() and AUTHORITY_RE.match(_key(line)):
            if not (parts and _key(parts[-1]).rsplit(" ", 1)[-1] in DANGLING_WORDS):
                break  # "THỦ TƯỚNG CHÍNH PHỦ" after a trích yếu in capitals
        parts.append(line)
    return " ".join(" ".join(parts).split())


def _title_cleaned(title: str, names: tuple[str, ...]) -> str:
    title = sentence_case(title.strip().rstrip(".;, "), extra_names=names)
    # OCR reads "Về việc" as "Và việc", "Vẻ việc"
    return re.sub(r"^V\w{0,2} việc\b", "Về việc", title)


def _session(lines: list[str]) -> str:
    """ "KHÓA X, KỲ HỌP THỨ 12" under a council's resolution → "Khóa X, Kỳ họp thứ 12"."""
    for line in lines:
        if m := SESSION_RE.search(fold(line).upper()):
            sitting = line[m.start("sitting") : m.end("sitting")].strip().lower()
            return f"Khóa {line[m.start('term') : m.end('term')].upper()}, Kỳ họp {sitting}"
    return ""


def _type_code_fixed(number: str, doc_type: str) -> str:
    """The type code of a number read by OCR, made that of the document's type:
    "2827/QD-BGDĐT" or "2576/QĐĐ-BGDĐT" of a Quyết định → "…/QĐ-BGDĐT"."""
    m = re.match(r"^(\d+(?:/\d{4})?/)([^-/]+)(.*)$", number)
    code = TYPE_CODES.get(doc_type)
    if not (m and code) or m.group(2) == code:
        return number
    squash = lambda text: re.sub(r"(.)\1+", r"\1", fold(text).upper())  # noqa: E731
    return f"{m.group(1)}{code}{m.group(3)}" if squash(m.group(2)) == squash(code) else number


def _precedent(head: list[str], meta: DocMeta) -> None:
    for i, line in enumerate(head[:3]):
        m = re.match(r"^(?:Án lệ|ÁN LỆ)\s+(?:số|SỐ)\s+(\d+/\d{4}/AL)\b\s*(.*)$", line)
        if m:
            meta.doc_type = "Án lệ"
            meta.number = m.group(1)
            meta.issuer = meta.issuer or "Hội đồng Thẩm phán Tòa án nhân dân tối cao"
            rest = [m.group(2)] + head[i + 1 : i + 5]
            title = []
            for part in rest:
                if part.startswith("Được Hội đồng"):
                    break
                title.append(part)
            meta.title = " ".join(title)
            return


def _signer(tail: list[str]) -> str:
    """The name under the last signer title ("KT. BỘ TRƯỞNG / THỨ TRƯỞNG / Lê Tấn Dũng"). The
    last one: in a one-page document the tail also holds the header, whose "BỘ TRƯỞNG BỘ …"
    line is followed by the preamble, not by a name."""
    seen_title = 0
    found = ""
    for line in tail:
        if SIGNER_TITLE_RE.search(line) and line.upper() == line:
            seen_title = 6
            continue
        # two columns read as one line: "- Như Điều 3; THỨ TRƯỞNG", "Nơi nhận: KT. BỘ TRƯỞNG"
        right = _upper_tail(line)
        if len(right) >= 2 and SIGNER_TITLE_RE.search(right):
            seen_title = 6
            continue
        if seen_title:
            seen_title -= 1
            m = NAME_RE.search(line)
            if not (m and not line.startswith("-") and _is_name(m.group(1))):
                m = NAME_RE.search(line.split(".")[-1]) if "." in line else None
            if m and _is_name(m.group(1)):
                found, seen_title = m.group(1), 0
    return found


def _upper_tail(line: str) -> str:
    """The run of words at the end of `line` without lower-case letters or digits."""
    words = line.split()
    n = len(words)
    while n and not any(c.islower() or c.isdigit() for c in words[n - 1]):
        n -= 1
    return " ".join(words[n:])


def _is_name(text: str) -> bool:
    # NAME_RE's [À-Ỹ] range also holds lower-case letters ("ủa Chính" of "… của Chính\nphủ")
    return all(word[0].isupper() for word in text.split())
