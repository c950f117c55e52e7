"""What a question names outright (search_app/named_units.py): the pure parts on real sentence
forms, then search() over a small invented law where BM25 alone puts the wrong article first."""

import numpy as np
import pytest

from ingest.pipeline import run_ingest
from search_app import named_units
from search_app.generations import IndexHandle
from search_app.named_units import (Facts, Named, article_of_anchor, bonuses, defined_term, document_names,
                                    is_definition_question, key, named, title_of)
from search_app.search import search


@pytest.mark.parametrize("question, expected", [
    ("Cư trú là gì?", True),
    ("Thế nào là chỗ ở hợp pháp?", True),
    ("Theo Luật Tiếp cận thông tin, thông tin được hiểu như thế nào?", True),
    ("Chất hướng thần được định nghĩa là gì?", True),
    ("cu tru la gi", True),
    ("Hồ sơ đăng ký thường trú bao gồm những gì?", False),
    ("Chủ tịch nước do ai bầu?", False),
])
def test_definition_questions(question, expected):
    assert is_definition_question(key(question)) is expected


@pytest.mark.parametrize("text, term", [
    ("1. Cư trú là việc công dân sinh sống tại một địa điểm thuộc đơn vị hành chính cấp xã.", "Cư trú"),
    ("3. Chỗ ở hợp pháp được hiểu là nơi được sử dụng để sinh sống.", "Chỗ ở hợp pháp"),
    ("12) Nguy cơ đe dọa an ninh mạng là tình trạng …", "Nguy cơ đe dọa an ninh mạng"),
    ("Trong Luật này, các từ ngữ dưới đây được hiểu như sau:", ""),
    ("a) Hồ sơ gồm đơn đề nghị và bản sao giấy chứng nhận.", ""),
])
def test_defined_term(text, term):
    assert defined_term(text) == term


def test_title_is_the_heading_after_its_path():
    assert title_of("Điều 312 › Khoản 1 Quyền của bên cầm cố", "Điều 312 › Khoản 1") == "Quyền của bên cầm cố"
    assert title_of("Điều 5", "Điều 5") == ""


@pytest.mark.parametrize("question, title, names, named_title, named_doc", [
    ("Điều nào sau đây KHÔNG đúng về quyền của bên cầm cố?", "Quyền của bên cầm cố", [], 5, False),
    ("Điều nào sau đây KHÔNG đúng về quyền của bên cầm cố?", "Nghĩa vụ của bên cầm cố", [], 0, False),
    ("dieu nao khong dung ve quyen cua ben cam co", "Quyền của bên cầm cố", [], 5, False),
    ("Theo Luật Cư trú, ai được đăng ký thường trú?", "Điều kiện đăng ký thường trú",
     document_names("Luật", "Cư trú"), 0, True),
    ("Theo hiến pháp, chủ tịch nước do ai bầu?", "", document_names("Hiến pháp", ""), 0, True),
    ("Ai được đăng ký thường trú?", "Cư trú", document_names("Luật", "Cư trú"), 0, False),
])
def test_named_title_and_document(question, title, names, named_title, named_doc):
    found = named(key(question), Facts(key(title), names))
    assert (found.title, found.document) == (named_title, named_doc)


@pytest.mark.parametrize("question, anchor, expected", [
    ("Điều 6 của Luật Tiếp cận thông tin đề cập đến việc tiếp cận thông tin nào?", "dieu-6.khoan-2", True),
    ("Mục đích chính của Điều 6 Luật Tiếp cận thông tin là gì?", "dieu-16", False),
    ("nhiệm vụ đã quy định trong điều 38 luật tố tụng hành chính", "dieu-38", True),
    ("Điều nào sau đây là đúng?", "dieu-3", False),
    ("khoản 2 điều 4 quy định gì", "quy-dinh.dieu-4.khoan-2", True),
    ("khoản 2 điều 4 quy định gì", "quy-dinh.muc-ii.khoan-4", False),
])
def test_named_article_number(question, anchor, expected):
    assert named(key(question), Facts(article=article_of_anchor(anchor))).article is expected


def test_definition_needs_a_definition_question_and_the_term_in_it():
    facts = Facts(key("Giải thích từ ngữ"), (), key("Cư trú"), "2")
    assert named(key("Cư trú là gì?"), facts).definition == 2
    assert named(key("Thủ tục cư trú gồm những gì?"), facts).definition == 0
    assert named(key("Chỗ ở hợp pháp là gì?"), facts).definition == 0


def test_only_the_longest_quoted_title_and_term_get_the_bonus():
    found = [Named(title=5), Named(title=3), Named(definition=2), Named(definition=4, document=True),
             Named(article=True)]
    assert bonuses(found, 10.0, (0.5, 0.1, 1.0, 0.2)) == [5.0, 0.0, 0.0, 11.0, 2.0]


LAW = """LUẬT
VĂN BẢN MẪU (nội dung hư cấu, chỉ dùng để thử nghiệm) VỀ TRẠM ONG MẪU SƠN

Điều 1. Phạm vi điều chỉnh
Luật mẫu này quy định về trạm ong, tổ ong mật, người nuôi ong và việc gửi hồ sơ trạm ong trên địa bàn tỉnh Mẫu Sơn.
Điều 2. Giải thích từ ngữ
Trong Luật này, các từ ngữ dưới đây được hiểu như sau:
1. Trạm ong là nơi đặt từ 9 tổ ong mật trở lên của một người nuôi ong.
2. Người nuôi ong là cá nhân, hộ gia đình chăm sóc tổ ong mật.
Điều 3. Đăng ký trạm ong
1. Trạm ong, trạm ong mới và trạm ong di chuyển phải đăng ký trạm ong với Ủy ban nhân dân cấp xã.
2. Hồ sơ đăng ký trạm ong gồm đơn đăng ký trạm ong và sơ đồ trạm ong.
Điều 4. Quyền của bên gửi hồ sơ trạm ong
1. Được nhận giấy biên nhận hồ sơ.
2. Được trả lời bằng văn bản trong 9 ngày.
Điều 5. Nghĩa vụ của bên gửi hồ sơ trạm ong
1. Gửi hồ sơ trạm ong đúng hạn; bên gửi hồ sơ trạm ong chịu trách nhiệm về hồ sơ trạm ong, quyền sử dụng đất đặt trạm ong.
2. Bên gửi hồ sơ trạm ong nộp phí hồ sơ trạm ong.
"""


@pytest.fixture(scope="module")
def bee_law(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("bee-corpus")
    (corpus / "luat-9901-tram-ong-mau-son.txt").write_text(LAW, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("bee-index")
    report = run_ingest(corpus, index_dir, progress=False)
    assert report.exit_status == 0, report.to_dict()
    return IndexHandle(index_dir)


@pytest.mark.parametrize("question, first_path", [
    ("Trạm ong là gì?", "Điều 2 › Khoản 1"),
    ("thế nào là trạm ong", "Điều 2 › Khoản 1"),
    ("Điều nào sau đây không đúng về quyền của bên gửi hồ sơ trạm ong?", "Điều 4"),
])
def test_the_named_unit_comes_first(bee_law, question, first_path):
    hits = search(bee_law, question, group="none").hits
    assert hits[0].path.startswith(first_path), [h.path for h in hits[:3]]


def test_without_the_bonus_the_first_pass_ranks_another_unit_first(bee_law, monkeypatch):
    """The law above is written so that the bonus decides: with the shares at 0 the same
    questions put another article first."""
    monkeypatch.setattr(named_units, "W_TITLE", 0.0)
    monkeypatch.setattr(named_units, "W_DOC", 0.0)
    monkeypatch.setattr(named_units, "W_DEFINITION", 0.0)
    monkeypatch.setattr(named_units, "W_ARTICLE", 0.0)
    assert not search(bee_law, "Trạm ong là gì?", group="none").hits[0].path.startswith("Điều 2")
    hits = search(bee_law, "Điều nào sau đây không đúng về quyền của bên gửi hồ sơ trạm ong?", group="none").hits
    assert not hits[0].path.startswith("Điều 4")


def test_glossary_records_are_found_by_their_heading(bee_law):
    from ingest import indexformat_read as fmt
    from search_app.named_units import glossary_records

    gen = bee_law.generation()
    searcher, engine = bee_law.searcher(gen), gen.engine
    records = np.flatnonzero(engine.live)
    anchor_of = fmt.stored_value_reader(searcher, "anchor")
    flagged = {anchor_of(r) for r in records[glossary_records(engine, searcher, records)].tolist()}
    assert flagged == {"dieu-2", "dieu-2.khoan-1", "dieu-2.khoan-2"}
