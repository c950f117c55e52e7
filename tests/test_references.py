"""Citations in the forms documents write them: state and Party documents, reports, submissions,
dispatches, official letters; their type and spelling-independent key."""

import pytest

from ingest.references import doc_type_of_number, find_references, number_key

CITATIONS = [
    # (sentence, [(text, number, key, doc_type)])
    ("Căn cứ Quyết định số 1322/QĐ-TTg ngày 31 tháng 8 năm 2020 của Thủ tướng Chính phủ;",
     [("Quyết định số 1322/QĐ-TTg", "1322/QĐ-TTg", "1322/QD-TTG", "Quyết định")]),
    ("Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học,",
     [("Nghị quyết số 57-NQ/TW", "57-NQ/TW", "57-NQ/TW", "Nghị quyết")]),
    ("Căn cứ Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XI (Nghị quyết số 11-NQ/ĐH);",
     [("Nghị quyết số 11-NQ/ĐH", "11-NQ/ĐH", "11-NQ/DH", "Nghị quyết")]),
    ("theo tinh thần 15-NQ/TW và Chỉ thị số 05-CT/TU của Ban Thường vụ Tỉnh ủy",
     [("15-NQ/TW", "15-NQ/TW", "15-NQ/TW", "Nghị quyết"),
      ("Chỉ thị số 05-CT/TU", "05-CT/TU", "05-CT/TU", "Chỉ thị")]),
    ("Xét Tờ trình số 55/TTr-UBND ngày 25 tháng 11 năm 2024 của Ủy ban nhân dân tỉnh;",
     [("Tờ trình số 55/TTr-UBND", "55/TTr-UBND", "55/TTR-UBND", "Tờ trình")]),
    ("Văn bản số 29/TTr-KĐCLGDĐA ngày 11 tháng 8 năm 2025 của Trung tâm",
     [("29/TTr-KĐCLGDĐA", "29/TTr-KĐCLGDĐA", "29/TTR-KDCLGDDA", "Tờ trình")]),
    ("theo số liệu tại 260/BC-BKHCN ngày 5/3/2024,",
     [("260/BC-BKHCN", "260/BC-BKHCN", "260/BC-BKHCN", "Báo cáo")]),
    ("Thực hiện Công điện số 12/CĐ-TTg của Thủ tướng Chính phủ về ứng phó bão,",
     [("Công điện số 12/CĐ-TTg", "12/CĐ-TTg", "12/CD-TTG", "Công điện")]),
    ("Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị",
     [("Kết luận số 01-KL/TW", "01-KL/TW", "01-KL/TW", "Kết luận")]),
    ("theo đề nghị tại 456/SKHCN-QLKH và 123/UBND-KT,",
     [("456/SKHCN-QLKH", "456/SKHCN-QLKH", "456/SKHCN-QLKH", "Công văn"),
      ("123/UBND-KT", "123/UBND-KT", "123/UBND-KT", "Công văn")]),
    ("Căn cứ Thông báo số 120/TB-VPCP và Chỉ thị 08/CT-TTg;",
     [("Thông báo số 120/TB-VPCP", "120/TB-VPCP", "120/TB-VPCP", "Thông báo"),
      ("Chỉ thị 08/CT-TTg", "08/CT-TTg", "08/CT-TTG", "Chỉ thị")]),
    ("Luật Giáo dục đại học số 08/2012/QH13 được sửa đổi tại Luật số 34/2018/QH14;",
     [("Luật Giáo dục đại học số 08/2012/QH13", "08/2012/QH13", "08/2012/QH13", "Luật"),
      ("Luật số 34/2018/QH14", "34/2018/QH14", "34/2018/QH14", "Luật")]),
    # the type word nearest the number names it, not an earlier one in the same sentence
    ("Sở tổng hợp báo cáo theo Quyết định số 9777/QĐ-UBND ngày 10/3/2025 của Ủy ban nhân dân tỉnh.",
     [("Quyết định số 9777/QĐ-UBND", "9777/QĐ-UBND", "9777/QD-UBND", "Quyết định")]),
    ("Chương trình mẫu ban hành kèm theo Quyết định số 9777/QĐ-TTg ngày 05/3/2025",
     [("Quyết định số 9777/QĐ-TTg", "9777/QĐ-TTg", "9777/QD-TTG", "Quyết định")]),
    ("Quyết định số 2344/QĐ-BGDDT ngày 14/8/2023 của Bộ trưởng",  # OCR'd: "Đ" read "D"
     [("Quyết định số 2344/QĐ-BGDDT", "2344/QĐ-BGDDT", "2344/QD-BGDDT", "Quyết định")]),
]


@pytest.mark.parametrize("sentence,expected", CITATIONS, ids=[c[0][:40] for c in CITATIONS])
def test_citations(sentence, expected):
    refs = find_references(sentence)
    assert [(r.text, r.number, r.key, r.doc_type) for r in refs] == expected
    for ref in refs:
        assert sentence[ref.start : ref.end] == ref.text


NOT_CITATIONS = [
    "tỷ lệ 50/50 giữa ngân sách tỉnh và doanh nghiệp",
    "giai đoạn 2021-2025 và năm 2024-2025",
    "đường số 12/3 khu phố 4",
]


@pytest.mark.parametrize("text", NOT_CITATIONS)
def test_not_citations(text):
    assert find_references(text) == []


NUMBER_TYPES = [
    ("55/TTr-UBND", "Tờ trình"), ("260/BC-BKHCN", "Báo cáo"), ("15-NQ/TW", "Nghị quyết"),
    ("08-QĐi/TW", "Quy định"), ("2827/QD-BGDĐT", "Quyết định"), ("100/2015/QH13", "Luật"),
    ("23/VBHN-VPQH", "Văn bản hợp nhất"), ("27/2019/AL", "Án lệ"), ("123/UBND-KT", "Công văn"),
    ("02/2022/UBTVQH15", ""),  # a Pháp lệnh or a resolution: the number cannot tell
]


@pytest.mark.parametrize("number,doc_type", NUMBER_TYPES)
def test_doc_type_of_number(number, doc_type):
    assert doc_type_of_number(number) == doc_type


def test_own_number_is_not_a_reference():
    text = "Quyết định số 9322/QĐ-TTg này thay thế Quyết định số 9321/QĐ-TTg."
    assert [r.key for r in find_references(text, own_key=number_key("9322/qđ-ttg"))] == ["9321/QD-TTG"]
