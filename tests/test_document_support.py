"""Support measures of a whole parsed document: scope, conditions, procedures, parents, period,
province and effective date found in the document and given to each measure.

The document below is VĂN BẢN MẪU written for this test (province "Mẫu Sơn", number 9xxx)."""

from pathlib import Path

import pytest

from ingest.document import build_document
from ingest.document_support import effective_date, province_of, support_measures
from ingest.extract import extract
from ingest.model import CatalogEntry, DocMeta

DECISION = """VĂN BẢN MẪU (nội dung hư cấu, chỉ dùng để thử nghiệm)
ỦY BAN NHÂN DÂN
TỈNH MẪU SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 9931/2026/QĐ-UBND
Mẫu Sơn, ngày 05 tháng 01 năm 2026
QUYẾT ĐỊNH
Ban hành mẫu mức hỗ trợ doanh nghiệp chuyển đổi số trên địa bàn tỉnh Mẫu Sơn giai đoạn 2026 - 2028
ỦY BAN NHÂN DÂN TỈNH MẪU SƠN
Căn cứ Luật Hỗ trợ doanh nghiệp nhỏ và vừa ngày 12 tháng 6 năm 2017;
QUYẾT ĐỊNH:
Điều 1. Đối tượng áp dụng
Doanh nghiệp nhỏ và vừa có trụ sở chính trên địa bàn tỉnh Mẫu Sơn.
Điều 2. Điều kiện hỗ trợ
Doanh nghiệp có phương án chuyển đổi số được Sở Khoa học và Công nghệ thẩm định.
Điều 3. Mức hỗ trợ
1. Hỗ trợ tối đa 50% giá trị hợp đồng tư vấn giải pháp chuyển đổi số nhưng không quá 40 triệu đồng/năm/doanh nghiệp.
2. Doanh nghiệp lớn được hỗ trợ bằng 50% mức quy định tại khoản 1 Điều này.
Điều 4. Hồ sơ và trình tự thực hiện
Doanh nghiệp nộp hồ sơ tại Sở Khoa học và Công nghệ trước ngày 30 tháng 6 hằng năm.
Điều 5. Kinh phí thực hiện
Tổng kinh phí dự kiến 4.500 triệu đồng, trong đó: hỗ trợ tư vấn chuyển đổi số: 800 triệu đồng.
Điều 6. Hiệu lực thi hành
Quyết định này có hiệu lực thi hành kể từ ngày 15 tháng 01 năm 2026.
"""


@pytest.fixture(scope="module")
def decision(tmp_path_factory):
    path = Path(tmp_path_factory.mktemp("support-doc")) / "qd-9931.txt"
    path.write_text(DECISION, encoding="utf-8")
    document = build_document("qd-9931", [(path.name, extract(path))], "hash")
    return document, support_measures(document)


def test_every_clause_that_grants_support_gives_its_measures(decision):
    document, measures = decision
    assert [(m["label"], m["rate_percent"], m["cap_vnd"]) for m in measures] == [
        ("Khoản 1 Điều 3", 50, 40_000_000),
        ("Khoản 2 Điều 3", 25, 20_000_000),  # "bằng 50% mức quy định tại khoản 1 Điều này"
    ]
    first = measures[0]
    assert first["per"] == ["năm", "doanh nghiệp"]
    assert first["doc_id"] == "qd-9931" and first["doc_number"] == document.meta.number
    assert first["anchor"] == "dieu-3.khoan-1" and first["url"] == "/documents/qd-9931#dieu-3.khoan-1"
    assert first["path"] == "Điều 3 › Khoản 1"
    assert first["citation"].startswith("Khoản 1 Điều 3 — Quyết định 9931/2026/QĐ-UBND ngày 5/1/2026")


def test_beneficiaries_come_from_the_scope_unless_the_clause_names_them(decision):
    _, measures = decision
    assert measures[0]["beneficiaries"] == ["sieu_nho", "nho", "vua"]
    assert measures[1]["beneficiaries"] == ["lon"]


def test_conditions_deadline_agency_period_province_and_effective_date(decision):
    _, measures = decision
    first = measures[0]
    assert first["conditions"][0]["citation"].startswith("Điều 2 — Quyết định 9931/2026/QĐ-UBND")
    assert "phương án chuyển đổi số" in first["conditions"][0]["text"]
    assert first["deadline"] == "trước ngày 30 tháng 6 hằng năm"
    assert first["agency"] == "Sở Khoa học và Công nghệ"
    assert first["period"] == {"from": 2026, "to": 2028}
    assert first["province"] == "Mẫu Sơn"
    assert first["effective"] == "2026-01-15"


def test_budget_lines_are_not_support_measures(decision):
    _, measures = decision
    assert not any(m["label"].endswith("Điều 5") for m in measures)


@pytest.mark.parametrize("issuer, province", [
    ("Ủy ban nhân dân tỉnh Kiên Giang", "Kiên Giang"),
    ("ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG", "Kiên Giang"),
    ("Hội đồng nhân dân thành phố Hà Nội", "Hà Nội"),
    ("Sở Khoa học và Công nghệ tỉnh Mẫu Sơn", "Mẫu Sơn"),
    ("Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("Thủ tướng Chính phủ", ""),
    ("Bộ Khoa học và Công nghệ", ""),
    ("", ""),
])
def test_province_of_the_issuer(issuer, province):
    assert province_of(issuer) == province


@pytest.mark.parametrize("text, effective", [
    ("Nghị quyết này có hiệu lực từ ngày 01 tháng 01 năm 2025.", "2025-01-01"),
    ("Thông tư này có hiệu lực thi hành kể từ ngày 25 tháng 11 năm 2024.", "2024-11-25"),
    ("Quyết định này có hiệu lực kể từ ngày 15/3/2025.", "2025-03-15"),
    ("Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành.", "2024-08-31"),
    ("Kế hoạch này không nói ngày hiệu lực.", "2024-08-31"),
])
def test_effective_date(text, effective):
    assert effective_date(text, "2024-08-31") == effective


def test_catalog_entry_keeps_its_support_measures():
    entry = CatalogEntry("d", DocMeta(number="9931/2026/QĐ-UBND"), ["d.txt"], 1, 3, [], 0,
                         support=[{"id": "d:dieu-3.khoan-1:1", "cap_vnd": 40_000_000}])
    assert CatalogEntry.from_dict("d", entry.to_dict()) == entry
    assert CatalogEntry.from_dict("d", {"pages": 1}).support == []
