"""Metadata from header blocks in the forms of real documents (invented: VĂN BẢN MẪU, numbers
that cannot be real), known issuers and proper names, and the real scanned decisions."""


import pytest

from ingest import ocr
from ingest.extract import extract
from ingest.metadata import read_metadata
from ingest.vn_names import PROVINCES_BEFORE_2025, PROVINCES_FROM_2025, canonical_issuer, sentence_case

from .conftest import need, shared

MARK = "VĂN BẢN MẪU (nội dung hư cấu, chỉ dùng để thử nghiệm)"

HEADERS = [
    # (name, header lines, expected fields)
    (
        "capitals title then the Prime Minister",
        [MARK, "THỦ TƯỚNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
         "Số: 9901/QĐ-TTg Hà Nội, ngày 15 tháng 3 năm 2020", "QUYẾT ĐỊNH",
         "PHÊ DUYỆT ĐỀ ÁN MẪU VỀ NĂNG SUẤT LAO ĐỘNG CỦA VIỆT NAM NĂM 2020", "THỦ TƯỚNG CHÍNH PHỦ",
         "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;"],
        {"doc_type": "Quyết định", "number": "9901/QĐ-TTg", "issuer": "Thủ tướng Chính phủ",
         "place": "Hà Nội", "issued": "2020-03-15",
         "title": "Phê duyệt đề án mẫu về năng suất lao động của Việt Nam năm 2020"},
    ),
    (
        "capitals title then the Minister",
        [MARK, "BỘ CÔNG THƯƠNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
         "Số: 9902/QĐ-BCT", "Hà Nội, ngày 2 tháng 4 năm 2025", "QUYẾT ĐỊNH",
         "BAN HÀNH KẾ HOẠCH MẪU PHÁT TRIỂN CÔNG NGHIỆP HỖ TRỢ", "GIAI ĐOẠN 2026 - 2030",
         "BỘ TRƯỞNG BỘ CÔNG THƯƠNG", "Căn cứ Nghị định số 9940/2025/NĐ-CP;"],
        {"doc_type": "Quyết định", "number": "9902/QĐ-BCT", "issuer": "Bộ Công Thương",
         "title": "Ban hành kế hoạch mẫu phát triển công nghiệp hỗ trợ giai đoạn 2026 - 2030"},
    ),
    (
        "council resolution: session, province kept",
        [MARK, "HỘI ĐỒNG NHÂN DÂN", "TỈNH KIÊN GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "Độc lập - Tự do - Hạnh phúc", "Số: 9903/NQ-HĐND", "Kiên Giang, ngày 10 tháng 12 năm 2024",
         "NGHỊ QUYẾT", "QUY ĐỊNH MẪU MỨC HỖ TRỢ DOANH NGHIỆP", "TRÊN ĐỊA BÀN TỈNH KIÊN GIANG",
         "HỘI ĐỒNG NHÂN DÂN TỈNH KIÊN GIANG", "KHÓA X, KỲ HỌP THỨ 12", "Căn cứ Luật Tổ chức chính quyền địa phương;"],
        {"doc_type": "Nghị quyết", "number": "9903/NQ-HĐND", "issuer": "Hội đồng nhân dân tỉnh Kiên Giang",
         "place": "Kiên Giang", "session": "Khóa X, Kỳ họp thứ 12",
         "title": "Quy định mẫu mức hỗ trợ doanh nghiệp trên địa bàn tỉnh Kiên Giang"},
    ),
    (
        "session in words on the council's line",
        [MARK, "HỘI ĐỒNG NHÂN DÂN TỈNH MẪU SƠN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "Độc lập - Tự do - Hạnh phúc", "Số: 9904/NQ-HĐND Mẫu Sơn, ngày 8 tháng 7 năm 2024", "NGHỊ QUYẾT",
         "VỀ MẪU CHÍNH SÁCH KHUYẾN CÔNG TỈNH MẪU SƠN",
         "HỘI ĐỒNG NHÂN DÂN TỈNH MẪU SƠN KHÓA XVII - KỲ HỌP THỨ MƯỜI HAI", "Căn cứ Luật Ban hành văn bản;"],
        {"issuer": "Hội đồng nhân dân tỉnh Mẫu Sơn", "session": "Khóa XVII, Kỳ họp thứ mười hai",
         "title": "Về mẫu chính sách khuyến công tỉnh Mẫu Sơn"},
    ),
    (
        "provincial plan in capitals",
        [MARK, "ỦY BAN NHÂN DÂN", "TỈNH KIÊN GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "Độc lập - Tự do - Hạnh phúc", "Số: 9905/KH-UBND", "Kiên Giang, ngày 12 tháng 4 năm 2021",
         "KẾ HOẠCH", "THỰC HIỆN CHƯƠNG TRÌNH MẪU CỦA THỦ TƯỚNG CHÍNH PHỦ", "TRÊN ĐỊA BÀN TỈNH KIÊN GIANG",
         "I. MỤC ĐÍCH, YÊU CẦU"],
        {"doc_type": "Kế hoạch", "issuer": "Ủy ban nhân dân tỉnh Kiên Giang",
         "title": "Thực hiện chương trình mẫu của Thủ tướng Chính phủ trên địa bàn tỉnh Kiên Giang"},
    ),
    (
        "decision of the committee's chair",
        [MARK, "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "Độc lập - Tự do - Hạnh phúc", "Số: 9906/QĐ-UBND Kiên Giang, ngày 3 tháng 5 năm 2022", "QUYẾT ĐỊNH",
         "VỀ VIỆC CÔNG BỐ DANH MỤC MẪU THỦ TỤC HÀNH CHÍNH CỦA SỞ KHOA HỌC VÀ CÔNG NGHỆ",
         "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG", "Căn cứ Luật Tổ chức chính quyền địa phương;"],
        {"issuer": "Ủy ban nhân dân tỉnh Kiên Giang",
         "title": "Về việc công bố danh mục mẫu thủ tục hành chính của Sở Khoa học và Công nghệ"},
    ),
    (
        "a wrapped title naming a committee is not cut",
        [MARK, "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "Độc lập - Tự do - Hạnh phúc", "Số: 9907/QĐ-UBND Kiên Giang, ngày 3 tháng 5 năm 2022", "QUYẾT ĐỊNH",
         "QUY ĐỊNH MẪU CHỨC NĂNG, NHIỆM VỤ CỦA VĂN PHÒNG", "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG",
         "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG", "Căn cứ Luật Tổ chức chính quyền địa phương;"],
        {"title": "Quy định mẫu chức năng, nhiệm vụ của Văn phòng Ủy ban nhân dân tỉnh Kiên Giang"},
    ),
    (
        "department under the committee, abbreviated",
        [MARK, "UBND TỈNH KIÊN GIANG", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "Độc lập - Tự do - Hạnh phúc", "Số: 9908/SKHCN-QLKH", "Kiên Giang, ngày 5 tháng 3 năm 2025",
         "V/v hướng dẫn mẫu hồ sơ đề tài khoa học năm 2025", "Kính gửi: Các sở, ban, ngành tỉnh."],
        {"doc_type": "Công văn", "number": "9908/SKHCN-QLKH",
         "issuer": "Sở Khoa học và Công nghệ tỉnh Kiên Giang",
         "title": "Hướng dẫn mẫu hồ sơ đề tài khoa học năm 2025"},
    ),
    (
        "department of a post-2025 city, two-column lines",
        [MARK, "UBND THÀNH PHỐ HUẾ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "SỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc", "Số: 9909/KH-SGDĐT Huế, ngày 9 tháng 9 năm 2025",
         "KẾ HOẠCH", "TỔ CHỨC MẪU NGÀY HỘI ĐỌC SÁCH TẠI THÀNH PHỐ HUẾ", "I. MỤC ĐÍCH"],
        {"issuer": "Sở Giáo dục và Đào tạo thành phố Huế", "place": "Huế",
         "title": "Tổ chức mẫu ngày hội đọc sách tại thành phố Huế"},
    ),
    (
        "Văn phòng Chính phủ",
        [MARK, "VĂN PHÒNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
         "Số: 9910/TB-VPCP Hà Nội, ngày 1 tháng 6 năm 2023", "THÔNG BÁO",
         "KẾT LUẬN MẪU CỦA PHÓ THỦ TƯỚNG CHÍNH PHỦ TẠI CUỘC HỌP VỀ CHUYỂN ĐỔI SỐ", "Ngày 25 tháng 5 năm 2023, …"],
        {"doc_type": "Thông báo", "issuer": "Văn phòng Chính phủ",
         "title": "Kết luận mẫu của Phó Thủ tướng Chính phủ tại cuộc họp về chuyển đổi số"},
    ),
    (
        "ministry of science, acronym kept",
        [MARK, "BỘ KHOA HỌC VÀ CÔNG NGHỆ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
         "Số: 9911/2025/TT-BKHCN", "Hà Nội, ngày 30 tháng 6 năm 2025", "THÔNG TƯ",
         "HƯỚNG DẪN MẪU ÁP DỤNG TIÊU CHUẨN ISO 9001 TRONG CƠ QUAN NHÀ NƯỚC",
         "Căn cứ Luật Tiêu chuẩn và Quy chuẩn kỹ thuật;"],
        {"doc_type": "Thông tư", "issuer": "Bộ Khoa học và Công nghệ",
         "title": "Hướng dẫn mẫu áp dụng tiêu chuẩn ISO 9001 trong cơ quan nhà nước"},
    ),
    (
        "OCR header: misread issuer, type line, type code and 'Về việc'",
        [MARK, "BỘ GIÁO HH. VÀ ĐÀO TẠO CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "—— Độc lập - Tự 80¬ Hạnh phúc",
         "Số: 9912/QD-BGDĐT Hà Nội, ngày 14 tháng 10 năm 2025", "QUYẾÉT ĐỊNH",
         "và việc công bố mẫu thủ tục hành chính nội bộ.", "BỘ TRƯỞNG BỘ GIÁO DỤC VÀ ĐÀO TẠO",
         "Căn cứ Nghị định số 9937/2025/NĐ-CP;"],
        {"doc_type": "Quyết định", "number": "9912/QĐ-BGDĐT", "issuer": "Bộ Giáo dục và Đào tạo",
         "title": "Về việc công bố mẫu thủ tục hành chính nội bộ"},
    ),
    (
        "OCR header: doubled letter in the code, dash before the type line",
        [MARK, "BỘ GIÁO DỤC VÀ ĐÀO TẠO. CỘNG HÒA XÃ HỌI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
         "Số: 9913/QĐĐ-BGDĐT Hà Nội, ngày 11 tháng 9 năm 2025", "- QUYẾT ĐỊNH",
         "Ban hành mẫu chuẩn chương trình đào tạo", "BỘ TRƯỞNG BỘ GIÁO DỤC VÀ ĐÀO TẠO"],
        {"number": "9913/QĐ-BGDĐT", "issuer": "Bộ Giáo dục và Đào tạo",
         "title": "Ban hành mẫu chuẩn chương trình đào tạo"},
    ),
    (
        "OCR'd province name",
        [MARK, "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "Độc lập - Tự do - Hạnh phúc", "Số: 9914/KH-UBND Kiên Giang, ngày 2 tháng 2 năm 2022", "KẾ HOẠCH",
         "Triển khai mẫu chương trình khuyến nông", "I. MỤC ĐÍCH"],
        {"issuer": "Ủy ban nhân dân tỉnh Kiên Giang"},
    ),
]


@pytest.mark.parametrize("name,lines,expected", HEADERS, ids=[h[0] for h in HEADERS])
def test_header_block(name, lines, expected):
    meta = read_metadata(lines)
    assert {key: getattr(meta, key) for key in expected} == expected


SIGNATURES = [
    # (name, last lines, signer)
    ("on behalf of the committee, deputy chair",
     ["Nơi nhận:", "- Như Điều 3;", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Mẫu"],
     "Nguyễn Văn Mẫu"),
    ("acting director", ["Nơi nhận: Q. GIÁM ĐỐC", "- Như trên;", "- Lưu: VT.", "Trần Thị Mẫu"], "Trần Thị Mẫu"),
    ("by order of the minister", ["TL. BỘ TRƯỞNG", "VỤ TRƯỞNG VỤ PHÁP CHẾ", "Lê Văn Mẫu"], "Lê Văn Mẫu"),
    ("authorised by the chair", ["TUQ. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Phạm Thị Mẫu"], "Phạm Thị Mẫu"),
    ("two columns on one line", ["- Như Điều 3; THỨ TRƯỞNG", "- Lưu: VT.", "Hoàng Văn Mẫu"], "Hoàng Văn Mẫu"),
]


@pytest.mark.parametrize("name,tail,signer", SIGNATURES, ids=[s[0] for s in SIGNATURES])
def test_signature_forms(name, tail, signer):
    lines = [MARK, "Điều 3. Quyết định này có hiệu lực từ ngày ký./."] + tail
    assert read_metadata(lines).signer == signer


ISSUERS = [
    ("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Bộ Lao động - Thương binh và Xã hội"),
    ("BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Bộ Văn hóa, Thể thao và Du lịch"),
    ("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Bộ Nông nghiệp và Môi trường"),
    ("BỘ GIÁO DỤC VÀ ĐÀO TẠO.", "Bộ Giáo dục và Đào tạo"),
    ("BỘ GIÁO DUC VÀ ĐÀO TAO", "Bộ Giáo dục và Đào tạo"),
    ("UBND TP. HỒ CHÍ MINH", "Ủy ban nhân dân thành phố Hồ Chí Minh"),
    ("HĐND TỈNH BÀ RỊA - VŨNG TÀU", "Hội đồng nhân dân tỉnh Bà Rịa - Vũng Tàu"),
    ("ỦY BAN NHÂN DÂN HUYỆN MẪU SƠN", "Ủy ban nhân dân huyện Mẫu Sơn"),
    ("NGÂN HÀNG NHÀ NƯỚC VIỆT NAM", "Ngân hàng Nhà nước Việt Nam"),
    ("CÔNG TY MẪU SƠN", "Công ty mẫu sơn"),  # unknown: sentence case, never guessed
]


@pytest.mark.parametrize("upper,expected", ISSUERS)
def test_canonical_issuer(upper, expected):
    assert canonical_issuer(upper) == expected


SENTENCE_CASE = [
    ("KẾ HOẠCH THỰC HIỆN CHƯƠNG TRÌNH MẪU TRÊN ĐỊA BÀN TỈNH KIÊN GIANG",
     "Kế hoạch thực hiện chương trình mẫu trên địa bàn tỉnh Kiên Giang"),
    ("VỀ VIỆC GIAO NHIỆM VỤ CHO ỦY BAN NHÂN DÂN CÁC HUYỆN", "Về việc giao nhiệm vụ cho Ủy ban nhân dân các huyện"),
    ("TRIỂN KHAI NGHỊ QUYẾT CỦA QUỐC HỘI VÀ CHÍNH PHỦ", "Triển khai nghị quyết của Quốc hội và Chính phủ"),
    ("LIÊN KẾT VÙNG ĐỒNG BẰNG SÔNG CỬU LONG VỚI TP. HỒ CHÍ MINH",
     "Liên kết vùng Đồng bằng sông Cửu Long với TP. Hồ Chí Minh"),
    ("GIỮ GÌN HÒA BÌNH VÀ PHÁT TRIỂN TỈNH HÒA BÌNH", "Giữ gìn hòa bình và phát triển tỉnh Hòa Bình"),
    ("HỖ TRỢ CÔNG TY TNHH ÁP DỤNG KH&CN VÀ ISO 9001", "Hỗ trợ công ty TNHH áp dụng KH&CN và ISO 9001"),
    ("TỔNG KẾT GIAI ĐOẠN II VÀ PHẠM VI ĐIỀU CHỈNH KHÓA XV", "Tổng kết giai đoạn II và phạm vi điều chỉnh khóa XV"),
    ("Đã viết thường: giữ nguyên tỉnh kiên giang", "Đã viết thường: giữ nguyên tỉnh kiên giang"),
]


@pytest.mark.parametrize("upper,expected", SENTENCE_CASE)
def test_sentence_case_keeps_proper_names(upper, expected):
    assert sentence_case(upper) == expected


def test_province_lists():
    assert (len(set(PROVINCES_BEFORE_2025)), len(set(PROVINCES_FROM_2025))) == (63, 34)
    assert set(PROVINCES_FROM_2025) - set(PROVINCES_BEFORE_2025) == {"Huế"}  # was Thừa Thiên Huế


SCANNED = [
    # (file, number, title start): facts read off the page images
    ("test_1.pdf", "2827/QĐ-BGDĐT", "Về việc công bố thủ tục hành chính nội bộ"),
    ("test_6.pdf", "2628/QĐ-BGDĐT", "Ban hành Tiêu chí lựa chọn các chương trình đào tạo"),
    ("test_7.pdf", "2627/QĐ-BGDĐT", "Ban hành Chu"),  # "Chuẩn" is read "Chuân"
    ("test_10.pdf", "2576/QĐ-BGDĐT", "Về việc điều chỉnh thời gian thực hiện chương trình"),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,number,title", SCANNED, ids=[s[0] for s in SCANNED])
def test_scanned_decision_header(name, number, title):
    need(ocr.unavailable_reason() is None, f"OCR unavailable: {ocr.unavailable_reason()}")
    extracted = extract(shared("pdf", "scanned", name))
    meta = read_metadata([line for page in extracted.pages for line in page.lines])
    assert (meta.doc_type, meta.number, meta.issuer) == ("Quyết định", number, "Bộ Giáo dục và Đào tạo")
    assert meta.title.startswith(title)
