"""The question's frame (search_app/question_frame.py) on real question lines of ALQAC 2025 train
and on sentences where the same words are content."""

import pytest

from ingest.analysis import syllables
from search_app.question_frame import frame_positions
from search_app.query import parse_query


def split(question: str) -> tuple[str, str]:
    """(frame words, content words) of a question, each joined by spaces."""
    words = [w for w, _, _ in syllables(question)]
    drop = frame_positions(words)
    return (" ".join(w for i, w in enumerate(words) if i in drop),
            " ".join(w for i, w in enumerate(words) if i not in drop))


@pytest.mark.parametrize("question, frame", [
    ("Chồng có nguồn thu nhập nhiều hơn vợ thì chồng có quyền chiếm hữu, sử dụng tài sản chung "
     "nhiều hơn so với vợ, đúng hay sai?", "đúng hay sai"),
    ("Tổ chức, cá nhân nước ngoài tham gia hoạt động điện ảnh tại Việt Nam không thuộc đối tượng "
     "áp dụng của Luật Điện ảnh là đúng hay sai?", "là đúng hay sai"),
    ("Điều nào sau đây KHÔNG đúng về quyền của hành khách?", "điều nào sau đây không đúng về"),
    ("Điều nào sau đây KHÔNG phải là nghĩa vụ của người hưởng dụng?", "điều nào sau đây không phải là"),
    ("Đâu không phải là điều kiện cấp thẻ dướng dẫn viên du lịch?", "đâu không phải là"),
    ("Theo Luật Du Lịch, hợp đồng lữ hành không cần phải được lập thành văn bản. Đúng hay sai?",
     "theo đúng hay sai"),
    ("Người tố cáo có nghĩa vụ cung cấp thông tin rõ ràng về họ, tên của mình cho cơ quan có thẩm "
     "quyền theo quy định của pháp luật, đúng hay sai?", "theo quy định của pháp luật đúng hay sai"),
    ("Hồ sơ đề nghị cấp lại thẻ hướng dẫn viên du lịch bao gồm điều nào dưới đây? Chọn câu trả lời "
     "đúng nhất.", "điều nào dưới đây chọn câu trả lời đúng nhất"),
    ("Các nội dung đánh giá viên chức quản lý bao gồm các nội dung nào?", "nào"),
    ("Ai là người đứng đầu Nhà nước, thay mặt nước Cộng hòa xã hội chủ nghĩa Việt Nam về đối nội "
     "và đối ngoại?", "ai là"),
    ("Thời hạn của quyền hưởng dụng tối đa là bao lâu nếu người hưởng dụng là cá nhân?", "bao lâu"),
    ("Trường hợp nào hội đồng trọng tài có thể tiền hành giải quyết vụ việc?", "trường hợp nào"),
    ("An ninh mạng là gì?", "là gì"),
    # typed without diacritics
    ("nguoi 20 tuoi la nguoi thanh nien, dung hay sai", "dung hay sai"),
])
def test_frame_of_real_questions(question, frame):
    assert split(question)[0] == frame


@pytest.mark.parametrize("question, content", [
    # a negation inside the statement is content
    ("Người đại diện không có quyền xác lập, thực hiện hành vi cần thiết để đạt được mục đích của "
     "việc đại diện, đúng hay sai?",
     "người đại diện không có quyền xác lập thực hiện hành vi cần thiết để đạt được mục đích của việc đại diện"),
    ("Bảo lưu quyền sở hữu KHÔNG chấm dứt trong trường hợp sau đây?",
     "bảo lưu quyền sở hữu không chấm dứt trong trường hợp sau đây"),
    # "sai", "đúng", "nào" outside a frame run
    ("xử lý sai phạm trong đăng ký cư trú", "xử lý sai phạm trong đăng ký cư trú"),
    ("bố trí không đúng vị trí việc làm", "bố trí không đúng vị trí việc làm"),
    ("bất kỳ tài sản nào của công dân", "bất kỳ tài sản nào của công dân"),
    ("theo dõi chất lượng môi trường không khí", "theo dõi chất lượng môi trường không khí"),
    # a question that is all frame keeps its words
    ("đúng hay sai", "đúng hay sai"),
])
def test_content_is_kept(question, content):
    assert split(question)[1] == content


def test_parsed_query_leaves_the_frame_out_of_its_words():
    parsed = parse_query("Điều nào sau đây KHÔNG đúng về quyền của hành khách?")
    assert parsed.words == ["quyền", "của", "hành", "khách"]
