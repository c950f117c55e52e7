"""Structure parsing on real lines: headings are read in sequence."""

import pytest

from ingest.structure import Line, parse_units

# VĂN BẢN MẪU: invented texts in the forms of real documents (impossible numbers, the fictional
# province Mẫu Sơn). tests/test_coverage.py measures them too.
DECISION_WITH_ATTACHMENTS = """VĂN BẢN MẪU
ỦY BAN NHÂN DÂN TỈNH MẪU SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 9321/QĐ-UBND
Mẫu Sơn, ngày 02 tháng 02 năm 2026
QUYẾT ĐỊNH
Ban hành Quy định mẫu về hỗ trợ doanh nghiệp trên địa bàn tỉnh Mẫu Sơn
ỦY BAN NHÂN DÂN TỈNH MẪU SƠN
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Theo đề nghị của Giám đốc Sở Khoa học và Công nghệ.
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy định mẫu về hỗ trợ doanh nghiệp trên địa bàn tỉnh Mẫu Sơn.
Điều 2. Quyết định này có hiệu lực từ ngày ký.
Điều 3. Giám đốc Sở Khoa học và Công nghệ và các cơ quan có liên quan chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn Mẫu
ỦY BAN NHÂN DÂN TỈNH MẪU SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
QUY ĐỊNH
Về hỗ trợ doanh nghiệp trên địa bàn tỉnh Mẫu Sơn
(Ban hành kèm theo Quyết định số 9321/QĐ-UBND ngày 02/02/2026
của Ủy ban nhân dân tỉnh Mẫu Sơn)
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Quy định này quy định nội dung và mức hỗ trợ doanh nghiệp áp dụng tiêu chuẩn.
Điều 2. Đối tượng áp dụng
Doanh nghiệp nhỏ và vừa có trụ sở chính trên địa bàn tỉnh Mẫu Sơn.
Chương II
NỘI DUNG VÀ MỨC HỖ TRỢ
Điều 3. Mức hỗ trợ
1. Hỗ trợ áp dụng tiêu chuẩn quản lý:
a) Hỗ trợ 50% chi phí tư vấn xây dựng hệ thống;
b) Hỗ trợ 50% chi phí đánh giá chứng nhận;
c) Hỗ trợ chi phí đào tạo nội bộ;
d) Hỗ trợ chi phí mua tiêu chuẩn;
đ) Mức hỗ trợ tối đa không quá 9.999 triệu đồng cho một doanh nghiệp.
2. Hỗ trợ đào tạo chuyên gia năng suất theo Phụ lục I.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn Mẫu
PHỤ LỤC I
DANH MỤC SẢN PHẨM ƯU TIÊN HỖ TRỢ
(Kèm theo Quyết định số 9321/QĐ-UBND ngày 02/02/2026 của Ủy ban nhân dân tỉnh Mẫu Sơn)
STT Tên sản phẩm Cơ quan chủ trì
1 Chè xanh Mẫu Sơn Sở Nông nghiệp và Môi trường
2 Mật ong bạc hà Sở Công Thương
3 Gạo nếp cái hoa vàng Sở Nông nghiệp và Môi trường
PHỤ LỤC II
MẪU ĐƠN ĐỀ NGHỊ HỖ TRỢ
(Kèm theo Quyết định số 9321/QĐ-UBND ngày 02/02/2026 của Ủy ban nhân dân tỉnh Mẫu Sơn)
Kính gửi: Sở Khoa học và Công nghệ tỉnh Mẫu Sơn
1. Tên doanh nghiệp:
2. Nội dung đề nghị hỗ trợ:
"""

PLAN_WITH_DECIMAL_ITEMS = """VĂN BẢN MẪU
ỦY BAN NHÂN DÂN TỈNH MẪU SƠN
Số: 9172/KH-UBND
KẾ HOẠCH
Triển khai mẫu công tác năng suất năm 9026
I. MỤC ĐÍCH, YÊU CẦU
- Nâng cao nhận thức của doanh nghiệp về năng suất
- Bảo đảm phối hợp giữa các sở, ngành
II. NHIỆM VỤ
1. Nhiệm vụ chung
1.1. Tuyên truyền về năng suất
a) Xây dựng chuyên mục trên Báo Mẫu Sơn;
b) Tổ chức hội nghị giới thiệu chính sách.
1.2. Đào tạo chuyên gia
* Đối với doanh nghiệp
+ Đào tạo 30 lượt cán bộ quản lý
+ Đào tạo 50 lượt người lao động
* Đối với cơ quan quản lý
- Đào tạo 10 chuyên gia năng suất
1.2.1. Đào tạo trong tỉnh
1.2.2. Đào tạo ngoài tỉnh
2. Nhiệm vụ cụ thể
a. Khảo sát doanh nghiệp;
b. Tổng hợp kết quả khảo sát.
III. TỔ CHỨC THỰC HIỆN
Sở Khoa học và Công nghệ chủ trì thực hiện Kế hoạch này./.
Nơi nhận:
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Trần Thị Mẫu
"""

CONSTITUTION_LIKE = """VĂN BẢN MẪU
HIẾN PHÁP
9013
Điều 1.
Nước Mẫu Sơn là một nước mẫu, chỉ dùng để thử nghiệm.
Điều 2.
1. Mọi quyền lực thuộc về người thử nghiệm.
2. Văn bản này không có giá trị pháp lý.
"""


def units_of(text: str):
    lines, offset = [], 0
    for raw in text.strip("\n").split("\n"):
        lines.append(Line(raw, offset, 1))
        offset += len(raw) + 1
    return parse_units(lines, offset)


def labels(text: str) -> list[str]:
    return [u.label for u in units_of(text)]


def test_wrapped_reference_to_an_article_is_not_a_heading():
    # Bộ luật Hình sự 2015, Điều 2: the reference "Điều 76" wraps to the start of a line.
    text = """Điều 1. Nhiệm vụ của Bộ luật hình sự
Bộ luật này quy định về tội phạm và hình phạt.
Điều 2. Cơ sở của trách nhiệm hình sự
1. Chỉ người nào phạm một tội đã được Bộ luật hình sự quy định mới phải chịu
trách nhiệm hình sự.
2. Chỉ pháp nhân thương mại nào phạm một tội đã được quy định tại
Điều 3 của Bộ luật này mới phải chịu trách nhiệm hình sự.
Điều 3. Nguyên tắc xử lý"""
    assert labels(text) == ["Điều 1", "Điều 2", "Khoản 1 Điều 2", "Khoản 2 Điều 2", "Điều 3"]


def test_article_heading_without_title_as_in_the_constitution():
    text = """Chương I
CHẾ ĐỘ CHÍNH TRỊ
Điều 1
Nước Cộng hòa xã hội chủ nghĩa Việt Nam là một nước độc lập.
Điều 2
1. Nhà nước Cộng hòa xã hội chủ nghĩa Việt Nam là nhà nước pháp quyền.
2. Nước Cộng hòa xã hội chủ nghĩa Việt Nam do Nhân dân làm chủ."""
    units = units_of(text)
    assert [u.label for u in units] == ["Chương I", "Điều 1", "Điều 2", "Khoản 1 Điều 2", "Khoản 2 Điều 2"]
    assert units[0].heading == "CHẾ ĐỘ CHÍNH TRỊ"
    assert units[3].path == "Chương I › Điều 2 › Khoản 1"


def test_points_follow_the_vietnamese_alphabet():
    text = """Điều 3. Nguyên tắc xử lý
1. Đối với người phạm tội:
a) Mọi hành vi phạm tội phải được phát hiện kịp thời;
b) Mọi người phạm tội đều bình đẳng trước pháp luật;
c) Nghiêm trị người chủ mưu;
d) Nghiêm trị người phạm tội dùng thủ đoạn xảo quyệt;
đ) Đối với người lần đầu phạm tội ít nghiêm trọng;
e) Đối với người bị phạt tù."""
    assert labels(text)[-3:] == ["Điểm d Khoản 1 Điều 3", "Điểm đ Khoản 1 Điều 3", "Điểm e Khoản 1 Điều 3"]
    assert units_of(text)[-2].anchor == "dieu-3.khoan-1.diem-dd"


def test_plan_sections_items_and_points():
    text = """Thực hiện Quyết định số 9322/QĐ-TTg, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
a) Triển khai kịp thời các nội dung của Chương trình;
b) Nâng cao nhận thức của doanh nghiệp.
2. Yêu cầu
II. NHIỆM VỤ
1. Hỗ trợ doanh nghiệp áp dụng ISO 9001."""
    units = units_of(text)
    assert [u.label for u in units] == [
        "Mục I", "Khoản 1 Mục I", "Điểm a Khoản 1 Mục I", "Điểm b Khoản 1 Mục I", "Khoản 2 Mục I",
        "Mục II", "Khoản 1 Mục II",
    ]
    assert units[1].heading == "Mục đích"


def test_numbering_out_of_sequence_is_text():
    text = """Điều 1. Phạm vi
1. Luật này quy định về tội phạm.
3. Dòng này không phải khoản 2 nên không là khoản mới.
2. Khoản hai."""
    assert labels(text) == ["Điều 1", "Khoản 1 Điều 1", "Khoản 2 Điều 1"]


def test_body_ends_at_recipients():
    text = """Điều 1. Quyết định này có hiệu lực từ ngày ký.
Điều 2. Các cơ quan chịu trách nhiệm thi hành./.
Nơi nhận:
- Như Điều 2;
1. Không phải khoản"""
    units = units_of(text)
    assert [u.label for u in units] == ["Điều 1", "Điều 2"]
    assert "Nơi nhận" not in text[units[-1].start : units[-1].end]


def test_articles_go_on_after_a_quoted_signature():
    # A consolidated text (pháp điển) quotes a decree whole, its signature and annex included,
    # and its articles go on in sequence after them: none of them is lost.
    text = """Điều 683. Điều 45.4.NĐ.3.15. Tổ chức thực hiện
1. Bộ trưởng chịu trách nhiệm thi hành Nghị định này. Nơi nhận:
- Ban Bí thư Trung ương Đảng;
- Lưu: VT, NN (3b).KN
TM. CHÍNH PHỦ
THỦ TƯỚNG
Nguyễn Văn Mẫu
PHỤ LỤC
MẪU THÔNG BÁO
(Kèm theo Nghị định số 9104/2016/NĐ-CP ngày 01 tháng 7 năm 2016 của Chính phủ)
Tên cơ sở thông báo: ......
Điều 684. Điều 45.4.NĐ.3.16. Hiệu lực thi hành
1. Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 01 năm 2021."""
    assert labels(text) == ["Điều 683", "Khoản 1 Điều 683", "Điều 684", "Khoản 1 Điều 684"]


def test_signature_is_in_no_unit_and_attachments_are_parts():
    units = units_of(DECISION_WITH_ATTACHMENTS)
    text = DECISION_WITH_ATTACHMENTS
    for unit in units:
        own = text[unit.start : unit.end]
        assert "Nơi nhận" not in own and "Nguyễn Văn Mẫu" not in own and "TM. ỦY BAN" not in own, unit.anchor
    assert [(u.anchor, u.heading) for u in units if u.kind == "part"] == [
        ("quy-dinh", "Về hỗ trợ doanh nghiệp trên địa bàn tỉnh Mẫu Sơn"),
        ("phu-luc-i", "DANH MỤC SẢN PHẨM ƯU TIÊN HỖ TRỢ"),
        ("phu-luc-ii", "MẪU ĐƠN ĐỀ NGHỊ HỖ TRỢ"),
    ]
    assert all(u.is_container for u in units if u.kind == "part")


@pytest.mark.parametrize("anchor, kind, label, path, attachment", [
    ("dieu-3", "dieu", "Điều 3", "Điều 3", ""),
    ("quy-dinh", "part", "", "Quy định", "Quy định ban hành kèm theo"),
    ("quy-dinh.mo-dau", "intro", "", "Quy định", "Quy định ban hành kèm theo"),
    ("quy-dinh.chuong-i", "chuong", "Chương I", "Quy định › Chương I", "Quy định ban hành kèm theo"),
    ("quy-dinh.dieu-1", "dieu", "Điều 1", "Quy định › Chương I › Điều 1", "Quy định ban hành kèm theo"),
    ("quy-dinh.dieu-3.khoan-1.diem-dd", "diem", "Điểm đ Khoản 1 Điều 3",
     "Quy định › Chương II › Điều 3 › Khoản 1 › Điểm đ", "Quy định ban hành kèm theo"),
    ("quy-dinh.dieu-3.khoan-2", "khoan", "Khoản 2 Điều 3", "Quy định › Chương II › Điều 3 › Khoản 2",
     "Quy định ban hành kèm theo"),
    ("phu-luc-i.mo-dau", "intro", "", "Phụ lục I", "Phụ lục I kèm theo"),
    ("phu-luc-ii.mo-dau", "intro", "", "Phụ lục II", "Phụ lục II kèm theo"),
])
def test_units_of_a_decision_with_its_attachments(anchor, kind, label, path, attachment):
    unit = next(u for u in units_of(DECISION_WITH_ATTACHMENTS) if u.anchor == anchor)
    assert (unit.kind, unit.label, unit.path, unit.attachment) == (kind, label, path, attachment)


def test_table_rows_stay_in_the_text_of_their_annex():
    units = units_of(DECISION_WITH_ATTACHMENTS)
    annex = next(u for u in units if u.anchor == "phu-luc-i.mo-dau")
    inside = [u for u in units if annex.start <= u.start < annex.end and u is not annex]
    assert inside == []
    assert DECISION_WITH_ATTACHMENTS[annex.start : annex.end].splitlines()[-1] == "3 Gạo nếp cái hoa vàng Sở Nông nghiệp và Môi trường"


@pytest.mark.parametrize("anchor, kind, label, path, first_line", [
    ("muc-i", "muc", "Mục I", "Mục I", "I. MỤC ĐÍCH, YÊU CẦU"),
    ("muc-i.mo-dau", "intro", "Mục I", "Mục I", "- Nâng cao nhận thức của doanh nghiệp về năng suất"),
    ("muc-ii.khoan-1", "khoan", "Khoản 1 Mục II", "Mục II › Khoản 1", "1. Nhiệm vụ chung"),
    ("muc-ii.khoan-1.khoan-1-1", "khoan", "Khoản 1.1 Mục II", "Mục II › Khoản 1 › Khoản 1.1",
     "1.1. Tuyên truyền về năng suất"),
    ("muc-ii.khoan-1.khoan-1-1.diem-b", "diem", "Điểm b Khoản 1.1 Mục II", "Mục II › Khoản 1 › Khoản 1.1 › Điểm b",
     "b) Tổ chức hội nghị giới thiệu chính sách."),
    ("muc-ii.khoan-1.khoan-1-2", "khoan", "Khoản 1.2 Mục II", "Mục II › Khoản 1 › Khoản 1.2",
     "1.2. Đào tạo chuyên gia"),
    ("muc-ii.khoan-1.khoan-1-2.khoan-1-2-1", "khoan", "Khoản 1.2.1 Mục II",
     "Mục II › Khoản 1 › Khoản 1.2 › Khoản 1.2.1", "1.2.1. Đào tạo trong tỉnh"),
    ("muc-ii.khoan-2.diem-a", "diem", "Điểm a Khoản 2 Mục II", "Mục II › Khoản 2 › Điểm a", "a. Khảo sát doanh nghiệp;"),
    ("muc-iii.mo-dau", "intro", "Mục III", "Mục III", "Sở Khoa học và Công nghệ chủ trì thực hiện Kế hoạch này./."),
])
def test_plan_numbered_with_decimals_and_bullets(anchor, kind, label, path, first_line):
    unit = next(u for u in units_of(PLAN_WITH_DECIMAL_ITEMS) if u.anchor == anchor)
    assert (unit.kind, unit.label, unit.path) == (kind, label, path)
    assert PLAN_WITH_DECIMAL_ITEMS[unit.start : unit.end].splitlines()[0] == first_line


def test_bullets_and_starred_subheadings_stay_in_their_item():
    units = units_of(PLAN_WITH_DECIMAL_ITEMS)
    item = next(u for u in units if u.anchor == "muc-ii.khoan-1.khoan-1-2")
    own = PLAN_WITH_DECIMAL_ITEMS[item.start : item.end].splitlines()
    assert own[1:6] == [
        "* Đối với doanh nghiệp", "+ Đào tạo 30 lượt cán bộ quản lý", "+ Đào tạo 50 lượt người lao động",
        "* Đối với cơ quan quản lý", "- Đào tạo 10 chuyên gia năng suất",
    ]
    # A bullet starts no unit but the intro of the section it opens.
    assert [u.anchor for u in units if PLAN_WITH_DECIMAL_ITEMS[u.start] in "-+*"] == ["muc-i.mo-dau"]


def test_article_after_a_title_and_a_year_line():
    assert labels(CONSTITUTION_LIKE) == ["Điều 1", "Điều 2", "Khoản 1 Điều 2", "Khoản 2 Điều 2"]


def test_decimal_number_in_the_text_is_not_an_item():
    text = """1. Kinh phí thực hiện
Tổng kinh phí dự kiến là
12.500 triệu đồng từ ngân sách tỉnh Mẫu Sơn.
1.1. Ngân sách tỉnh
1.3. Không phải mục 1.2 nên không là mục mới."""
    assert labels(text) == ["Khoản 1", "Khoản 1.1"]


def test_a_deleted_article_heading_merges_only_that_article():
    text = """Điều 1. Phạm vi
1. Khoản một của Điều 1.
2. Khoản hai của Điều 1.
Điều 2. Đối tượng
1. Khoản một của Điều 2.
Điều 3. Hiệu lực
Văn bản mẫu có hiệu lực từ ngày ký."""
    cut = text.replace("Điều 2. Đối tượng\n", "")
    assert labels(cut) == ["Điều 1", "Khoản 1 Điều 1", "Khoản 2 Điều 1", "Điều 3"]
    units = {u.label: u for u in units_of(cut)}
    assert cut[units["Khoản 2 Điều 1"].start : units["Khoản 2 Điều 1"].end].endswith("1. Khoản một của Điều 2.\n")
