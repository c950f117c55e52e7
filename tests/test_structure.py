"""Structure parsing on real lines: headings are read in sequence."""

from ingest.structure import Line, parse_units


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
