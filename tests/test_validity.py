"""Validity facts read from real sentence forms. Numbers 9xxx and the province "Mẫu Sơn" are
invented (VĂN BẢN MẪU); the last tests read real laws from the shared data."""

from dataclasses import asdict

import pytest

from ingest.document import build_document
from ingest.extract import ExtractedFile, ExtractedPage
from ingest.model import DocMeta, Document
from ingest.textnorm import normalize
from ingest.unit_lists import parse_unit_list
from ingest.validity import (UnitText, ValidityFacts, extract_validity, parse_date, units_from_document)
from tests.conftest import shared

ISSUED = "2026-04-10"


def facts_of(units, doc_type="Quyết định", number="9777/QĐ-UBND", title="", issued=ISSUED) -> ValidityFacts:
    meta = DocMeta(doc_type=doc_type, number=number, issued=issued, title=title)
    unit_texts = []
    for i, unit in enumerate(units):
        anchor, label, text, kind = unit if isinstance(unit, tuple) else (f"dieu-{i + 1}", f"Điều {i + 1}", unit, "dieu")
        unit_texts.append(UnitText(anchor, label, text, f"{label} — {doc_type} {number}", kind))
    return extract_validity(unit_texts, meta)


def relations(facts: ValidityFacts) -> set[tuple]:
    return {(r.type, r.target_number or r.target_name, tuple(r.target_units)) for r in facts.relations}


# (sentence form, units, metadata, expected facts)
CASES = [
    ("hiệu lực từ ngày … và thay thế",
     ["Nghị quyết này có hiệu lực từ ngày 01 tháng 5 năm 2026 và thay thế Nghị quyết số 9456/2021/NQ-HĐND "
      "ngày 10 tháng 12 năm 2021 của Hội đồng nhân dân tỉnh Mẫu Sơn."],
     {"doc_type": "Nghị quyết", "number": "9777/2026/NQ-HĐND"},
     {"effective": "2026-05-01", "relations": {("replaces", "9456/2021/NQ-HĐND", ())}, "since": "2026-05-01"}),
    ("kể từ ngày ký", ["Quyết định này có hiệu lực kể từ ngày ký."], {}, {"effective": ISSUED}),
    ("thi hành kể từ ngày ký ban hành", ["Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành."], {},
     {"effective": ISSUED}),
    ("bare type", ["Quyết định có hiệu lực kể từ ngày ký."], {}, {"effective": ISSUED}),
    ("sau 45 ngày", ["Quyết định này có hiệu lực sau 45 ngày kể từ ngày ký."], {}, {"effective": "2026-05-25"}),
    ("thông tư, date", ["Thông tư này có hiệu lực thi hành kể từ ngày 15 tháng 02 năm 2025."],
     {"doc_type": "Thông tư", "number": "9901/2024/TT-BKHCN"}, {"effective": "2025-02-15"}),
    ("thông qua … và có hiệu lực",
     ["Nghị quyết này đã được Hội đồng nhân dân tỉnh Mẫu Sơn khóa XVII, Kỳ họp thứ 29 thông qua ngày 10 tháng 12 "
      "năm 2024 và có hiệu lực từ ngày 01 tháng 01 năm 2025./."], {"doc_type": "Nghị quyết"},
     {"effective": "2025-01-01"}),
    ("từ ngày HĐND thông qua", ["Nghị quyết có hiệu lực kể từ ngày Hội đồng nhân dân tỉnh Mẫu Sơn thông qua."],
     {"doc_type": "Nghị quyết"}, {"effective": ISSUED}),
    ("từ … đến hết ngày", ["Quyết định này có hiệu lực kể từ ngày 01/5/2026 đến hết ngày 31/12/2026."], {},
     {"effective": "2026-05-01", "expires": ("2026-12-31", True)}),
    ("hết hiệu lực kể từ ngày", ["Nghị quyết này hết hiệu lực kể từ ngày 01 tháng 01 năm 2027."],
     {"doc_type": "Nghị quyết"}, {"expires": ("2027-01-01", False)}),
    ("thời hạn thực hiện", ["Thời hạn thực hiện đến hết năm 2025."], {}, {"expires": ("2025-12-31", True)}),
    ("kế hoạch giai đoạn", ["Mục đích, yêu cầu."],
     {"doc_type": "Kế hoạch", "number": "9071/KH-UBND", "title": "Thực hiện Chương trình trên địa bàn tỉnh Mẫu Sơn giai đoạn 2021 - 2025"},
     {"expires": ("2025-12-31", True)}),
    ("kế hoạch năm", ["Mục đích, yêu cầu."],
     {"doc_type": "Kế hoạch", "number": "9116/KH-UBND", "title": "Triển khai thực hiện Chương trình năm 2025"},
     {"expires": ("2025-12-31", True)}),
    ("tầm nhìn is no end", ["Mục đích, yêu cầu."],
     {"doc_type": "Kế hoạch", "title": "Phát triển khoa học và công nghệ tỉnh Mẫu Sơn, tầm nhìn đến năm 2030"},
     {"expires": None}),
    ("quyết định phê duyệt chương trình", ["Phê duyệt Chương trình."],
     {"title": "Phê duyệt Chương trình mẫu hỗ trợ doanh nghiệp giai đoạn 2025 - 2030"}, {"expires": ("2030-12-31", True)}),
    ("bãi bỏ units",
     ["Bãi bỏ Điều 5, khoản 2 Điều 7 Quyết định số 9001/QĐ-UBND ngày 01/3/2021 của Ủy ban nhân dân tỉnh Mẫu Sơn."], {},
     {"relations": {("repeals", "9001/QĐ-UBND", ("Điều 5", "Khoản 2 Điều 7"))}}),
    ("bãi bỏ quy định tại khoản",
     ["Bãi bỏ quy định về việc cấp giấy chứng nhận người bào chữa tại khoản 3 và khoản 4 Điều 27 của Luật luật sư "
      "số 9065/2006/QH11."], {},
     {"relations": {("repeals", "9065/2006/QH11", ("Khoản 3 Điều 27", "Khoản 4 Điều 27"))}}),
    ("sửa đổi, bổ sung khoản … như sau (quoted wording ignored)",
     ["Sửa đổi, bổ sung khoản 2 Điều 3 Quyết định số 9002/QĐ-UBND như sau: “2. Mức hỗ trợ tối đa 50 triệu đồng; "
      "thay thế Quyết định số 9003/QĐ-UBND.”"], {},
     {"relations": {("amends", "9002/QĐ-UBND", ("Khoản 2 Điều 3",))}}),
    ("thay thế cụm từ",
     ["Thay thế cụm từ “Sở Kế hoạch và Đầu tư” bằng cụm từ “Sở Tài chính” tại khoản 2 Điều 3 Quyết định số "
      "9008/QĐ-UBND."], {},
     {"relations": {("amends", "9008/QĐ-UBND", ("Khoản 2 Điều 3",))}}),
    ("thay thế … kể từ ngày",
     ["Quyết định này có hiệu lực kể từ ngày ký.",
      "Thay thế Quyết định số 9010/QĐ-UBND ngày 01/02/2020 của Ủy ban nhân dân tỉnh Mẫu Sơn kể từ ngày 01/01/2027."],
     {}, {"effective": ISSUED, "relations": {("replaces", "9010/QĐ-UBND", ())}, "since": "2027-01-01"}),
    ("hết hiệu lực kể từ ngày văn bản này có hiệu lực",
     ["Quyết định này có hiệu lực kể từ ngày 15 tháng 5 năm 2026.",
      "Quyết định số 9004/QĐ-UBND ngày 01/3/2021 của Ủy ban nhân dân tỉnh Mẫu Sơn hết hiệu lực kể từ ngày Quyết định "
      "này có hiệu lực."], {},
     {"effective": "2026-05-15", "relations": {("replaces", "9004/QĐ-UBND", ())}, "since": "2026-05-15"}),
    ("two laws end",
     ["Bộ luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2016.",
      "Bộ luật hình sự số 9015/1999/QH10 và Luật số 9037/2009/QH12 sửa đổi, bổ sung một số điều của Bộ luật hình sự "
      "hết hiệu lực thi hành kể từ ngày Bộ luật này có hiệu lực thi hành."], {"doc_type": "Bộ luật", "number": ""},
     {"relations": {("replaces", "9015/1999/QH10", ()), ("replaces", "9037/2009/QH12", ())}, "since": "2016-07-01"}),
    ("quy định chi tiết … Luật (by name)",
     ["Nghị định này quy định chi tiết và hướng dẫn thi hành một số điều của Luật Hỗ trợ doanh nghiệp nhỏ và vừa."],
     {"doc_type": "Nghị định", "number": "9080/2021/NĐ-CP"},
     {"relations": {("guides", "Luật Hỗ trợ doanh nghiệp nhỏ và vừa", ())}}),
    ("title: quy định chi tiết … số",
     [], {"doc_type": "Thông tư", "number": "9006/2025/TT-BTC",
          "title": "Quy định chi tiết và hướng dẫn thi hành Nghị định số 9015/2025/NĐ-CP của Chính phủ"},
     {"relations": {("guides", "9015/2025/NĐ-CP", ())}}),
    ("để triển khai thực hiện",
     ["Để triển khai thực hiện Quyết định số 9322/QĐ-TTg ngày 31/8/2024 của Thủ tướng Chính phủ, Ủy ban nhân dân "
      "tỉnh ban hành Kế hoạch như sau:"], {"doc_type": "Kế hoạch"},
     {"relations": {("implements", "9322/QĐ-TTg", ())}}),
    ("thực hiện … và Kế hoạch số (preamble)",
     [("mo-dau", "Phần mở đầu", "Thực hiện Quyết định số 9322/QĐ-TTg ngày 31/8/2024 của Thủ tướng Chính phủ phê duyệt "
       "Chương trình giai đoạn 2025 - 2030 và Kế hoạch số 9071/KH-UBND ngày 15/11/2024 của Ủy ban nhân dân tỉnh; Ủy ban "
       "nhân dân tỉnh ban hành Kế hoạch như sau:", "preamble")], {"doc_type": "Kế hoạch", "number": "9116/KH-UBND"},
     {"relations": {("implements", "9322/QĐ-TTg", ()), ("implements", "9071/KH-UBND", ())}}),
    ("căn cứ lines",
     [("mo-dau", "Phần mở đầu", "HỘI ĐỒNG NHÂN DÂN TỈNH MẪU SƠN\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 19 "
       "tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền "
       "địa phương ngày 22 tháng 11 năm 2019;\nCăn cứ Nghị định số 9154/2018/NĐ-CP ngày 09/11/2018 của Chính phủ sửa "
       "đổi, bổ sung, bãi bỏ một số quy định về điều kiện đầu tư kinh doanh;\nTheo đề nghị của Giám đốc Sở Tư pháp.",
       "preamble")], {},
     {"relations": {("based_on", "Luật Tổ chức chính quyền địa phương", ()),
                    ("based_on", "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính "
                                 "quyền địa phương", ()),
                    ("based_on", "9154/2018/NĐ-CP", ())}}),
    ("văn bản hợp nhất",
     [("mo-dau", "Phần mở đầu", "Luật Mẫu số 9080/2015/QH13 ngày 22 tháng 6 năm 2015 của Quốc hội, có hiệu lực kể từ "
       "ngày 01 tháng 7 năm 2016, được sửa đổi, bổ sung bởi:\nLuật số 9063/2020/QH14 ngày 18 tháng 6 năm 2020 của Quốc "
       "hội sửa đổi, bổ sung một số điều của Luật Mẫu, có hiệu lực kể từ ngày 01 tháng 01 năm 2021.\nCăn cứ Hiến pháp "
       "nước Cộng hòa xã hội chủ nghĩa Việt Nam;", "preamble")],
     {"doc_type": "Luật", "number": ""},
     {"effective": None, "relations": {("consolidates", "9080/2015/QH13", ()), ("consolidates", "9063/2020/QH14", ()),
                                       ("based_on", "Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam", ())}}),
    ("consolidation note is not an amendment",
     ["Khoản này được sửa đổi, bổ sung theo quy định tại khoản 1 Điều 1 của Luật số 9063/2020/QH14, có hiệu lực kể "
      "từ ngày 01 tháng 01 năm 2021."], {"doc_type": "Văn bản hợp nhất", "number": "9023/VBHN-VPQH"},
     {"relations": set(), "effective": None}),
    ("thay thế as a common word",
     ["Biện pháp thay thế xử lý vi phạm hành chính được áp dụng theo Luật số 9012/2012/QH13."], {},
     {"relations": set()}),
    ("generic rule is not this document's date",
     ["Văn bản quy phạm pháp luật được ban hành theo trình tự, thủ tục rút gọn thì có thể có hiệu lực kể từ ngày "
      "thông qua hoặc ký ban hành."], {"doc_type": "Luật"}, {"effective": None}),
    ("implementing itself", ["Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết này."],
     {"doc_type": "Nghị quyết"}, {"relations": set()}),
    ("delegation is not guidance", ["Chính phủ quy định chi tiết Điều này."], {"doc_type": "Luật"},
     {"relations": set()}),
]


@pytest.mark.parametrize("units, meta, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sentence_forms(units, meta, expected):
    facts = facts_of(units, **meta)
    if "effective" in expected:
        assert (facts.effective.date if facts.effective else None) == expected["effective"]
    if "expires" in expected:
        got = (facts.expires.date, facts.expires.through) if facts.expires else None
        assert got == expected["expires"]
    if "relations" in expected:
        assert relations(facts) == expected["relations"]
    if "since" in expected:
        assert {r.since for r in facts.relations} == {expected["since"]}


def test_proof_unit_is_the_clause_that_says_it():
    facts = facts_of([("dieu-3", "Điều 3", "Nghị quyết này có hiệu lực từ ngày 01 tháng 5 năm 2026 và thay thế Nghị "
                       "quyết số 9456/2021/NQ-HĐND.", "dieu")], doc_type="Nghị quyết")
    assert facts.effective.proof_unit.label == "Điều 3"
    assert facts.relations[0].proof_unit.citation == "Điều 3 — Nghị quyết 9777/QĐ-UBND"
    assert facts.relations[0].target_key == "9456/2021/NQ-HDND"
    assert facts.relations[0].target_type == "Nghị quyết"


def test_lead_in_gives_its_target_to_sub_units_and_skips_new_wording():
    units = [
        ("dieu-1", "Điều 1", "Điều 1. Sửa đổi, bổ sung một số điều của Quy định ban hành kèm theo Quyết định số "
         "9005/QĐ-UBND ngày 01/3/2021 của Ủy ban nhân dân tỉnh Mẫu Sơn như sau:", "dieu"),
        ("dieu-1.khoan-1", "Khoản 1 Điều 1", "1. Sửa đổi khoản 2 Điều 3 như sau:", "khoan"),
        ("dieu-1.khoan-1.diem-a", "Điểm a Khoản 1 Điều 1", "a) Bãi bỏ Quyết định số 9999/QĐ-UBND;", "diem"),
        ("dieu-1.khoan-2", "Khoản 2 Điều 1", "2. Bãi bỏ điểm c khoản 1 Điều 4.", "khoan"),
        ("dieu-1.khoan-3", "Khoản 3 Điều 1", "3. Bổ sung điểm đ vào khoản 1 Điều 5 như sau:", "khoan"),
    ]
    facts = facts_of(units)
    assert relations(facts) == {
        ("amends", "9005/QĐ-UBND", ()), ("amends", "9005/QĐ-UBND", ("Khoản 2 Điều 3",)),
        ("repeals", "9005/QĐ-UBND", ("Điểm c Khoản 1 Điều 4",)),
        ("amends", "9005/QĐ-UBND", ("Điểm đ Khoản 1 Điều 5",)),
    }
    by_units = {tuple(r.target_units): r.proof_unit.label for r in facts.relations}
    assert by_units[("Khoản 2 Điều 3",)] == "Khoản 1 Điều 1"


def test_article_heading_without_final_period_leads_in_its_clauses():
    units = [  # the form of samples/qd-9306-2026-ubnd-mau-son-sua-doi.txt
        ("dieu-1", "Điều 1", "Điều 1. Sửa đổi, bổ sung một số điều của Quy định mức hỗ trợ doanh nghiệp ban hành kèm "
         "theo Quyết định số 9218/2026/QĐ-UBND ngày 20 tháng 5 năm 2026 của Ủy ban nhân dân tỉnh Mẫu Sơn\n", "dieu"),
        ("dieu-1.khoan-1", "Khoản 1 Điều 1", "1. Sửa đổi, bổ sung khoản 2 Điều 3 như sau:\n“2. Có doanh thu năm "
         "trước liền kề từ 01 tỷ đồng trở lên.”\n", "khoan"),
        ("dieu-1.khoan-2", "Khoản 2 Điều 1", "2. Bãi bỏ điểm b khoản 1 Điều 4.\n", "khoan"),
        ("dieu-2", "Điều 2", "Điều 2. Điều khoản chuyển tiếp\nHồ sơ đã tiếp nhận thì tiếp tục thực hiện.", "dieu"),
        ("dieu-3", "Điều 3", "Điều 3. Quyết định số 9000/QĐ-UBND của Ủy ban nhân dân tỉnh\n", "dieu"),
        ("dieu-3.khoan-1", "Khoản 1 Điều 3", "1. Bãi bỏ khoản 4 Điều 2.", "khoan"),
    ]
    assert relations(facts_of(units)) == {
        ("amends", "9218/2026/QĐ-UBND", ()), ("amends", "9218/2026/QĐ-UBND", ("Khoản 2 Điều 3",)),
        ("repeals", "9218/2026/QĐ-UBND", ("Điểm b Khoản 1 Điều 4",)),
    }


def test_list_under_a_repealing_lead_in():
    units = [
        ("dieu-2", "Điều 2", "Điều 2. Bãi bỏ các văn bản sau:", "dieu"),
        ("dieu-2.khoan-1", "Khoản 1 Điều 2", "1. Quyết định số 9006/QĐ-UBND ngày 01/3/2020 của Ủy ban nhân dân tỉnh Mẫu "
         "Sơn về mức hỗ trợ;", "khoan"),
        ("dieu-2.khoan-2", "Khoản 2 Điều 2", "2. Quyết định số 9007/QĐ-UBND ngày 05/6/2020 của Ủy ban nhân dân tỉnh Mẫu "
         "Sơn.", "khoan"),
    ]
    assert relations(facts_of(units)) == {("repeals", "9006/QĐ-UBND", ()), ("repeals", "9007/QĐ-UBND", ())}


@pytest.mark.parametrize("text, labels", [
    ("Điều 5, khoản 2 Điều 7", ["Điều 5", "Khoản 2 Điều 7"]),
    ("các điểm a, b và c khoản 2 Điều 5", ["Điểm a Khoản 2 Điều 5", "Điểm b Khoản 2 Điều 5", "Điểm c Khoản 2 Điều 5"]),
    ("khoản 1, 2 Điều 3", ["Khoản 1 Điều 3", "Khoản 2 Điều 3"]),
    ("khoản 1, khoản 3 Điều 2", ["Khoản 1 Điều 2", "Khoản 3 Điều 2"]),
    ("Điều 5, 6 và 7", ["Điều 5", "Điều 6", "Điều 7"]),
    ("Phụ lục I và Phụ lục II", ["Phụ lục I", "Phụ lục II"]),
])
def test_unit_lists(text, labels):
    assert parse_unit_list(text) == labels


def test_dates_and_json_round_trip():
    assert parse_date("ngày 01 tháng 5 năm 2026").isoformat() == "2026-05-01"
    assert parse_date("ngày 1/7/2013").isoformat() == "2013-07-01"
    assert parse_date("ngày 31 tháng 02 năm 2026") is None
    facts = facts_of(CASES[0][1], doc_type="Nghị quyết", title="Quy định mức hỗ trợ giai đoạn 2026 - 2030")
    assert ValidityFacts.from_dict(facts.to_dict()) == facts


def doc_from_pages(path, pages, meta: DocMeta) -> Document:
    """The real pipeline's document of some pages of a real PDF, with the metadata given (the
    header is not on those pages)."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        page_lines = [normalize(page.extract_text()).split("\n") for page in pdf.pages[pages]]
    extracted = ExtractedFile([ExtractedPage(lines) for lines in page_lines])
    return build_document("real", [(path.name, extracted)], "", overrides=asdict(meta))


def test_real_penal_code_replaces_the_1999_code():
    path = shared("pdf", "text", "(96122)-VanBanGoc_100.2015.QH13.P4.pdf")
    document = doc_from_pages(path, slice(-1, None), DocMeta(doc_type="Bộ luật", number="100/2015/QH13",
                                                             issued="2015-11-27"))
    facts = extract_validity(units_from_document(document), document.meta)
    assert facts.effective.date == "2016-07-01" and facts.effective.proof_unit.label == "Điều 426"
    assert relations(facts) == {("replaces", "15/1999/QH10", ()), ("replaces", "37/2009/QH12", ())}


def test_real_criminal_procedure_code_repeals_two_clauses_of_the_lawyers_law():
    path = shared("pdf", "text", "(96172)-VanBanGoc_101.2015.QH13.P3.pdf")
    document = doc_from_pages(path, slice(-2, None), DocMeta(doc_type="Bộ luật", number="101/2015/QH13",
                                                             issued="2015-11-27"))
    facts = extract_validity(units_from_document(document), document.meta)
    assert relations(facts) == {("replaces", "19/2003/QH11", ()),
                                ("repeals", "65/2006/QH11", ("Khoản 3 Điều 27", "Khoản 4 Điều 27"))}
    assert {r.proof_unit.label for r in facts.relations} == {"Khoản 2 Điều 509", "Khoản 3 Điều 509"}


def test_real_consolidated_text_lists_what_it_consolidates():
    path = shared("pdf", "text", "(147294)-2020_1093_+_1094_23-VBHN-VPQH..pdf")
    document = doc_from_pages(path, slice(0, 1), DocMeta(doc_type="Văn bản hợp nhất", number="23/VBHN-VPQH"))
    facts = extract_validity(units_from_document(document), document.meta)
    assert {(r.type, r.target_number) for r in facts.relations if r.type == "consolidates"} == {
        ("consolidates", "80/2015/QH13"), ("consolidates", "63/2020/QH14")}
