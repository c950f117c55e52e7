"""Support measures from real sentence forms: rates, caps, per-units, groups, relative levels.

Sentences marked ND80 are quoted from Nghị định 80/2021/NĐ-CP (as published in the Bộ pháp
điển); the others are VĂN BẢN MẪU written for these tests (province "Mẫu Sơn", numbers 9xxx).
"""

from pathlib import Path

import pytest

from ingest.support import (UnitContext, amount_in_words, extract_document, extract_measures,
                            grants_support, parse_vnd, resolve_label)

DNNVV = UnitContext(scope="Doanh nghiệp nhỏ và vừa, hợp tác xã trên địa bàn tỉnh Mẫu Sơn.")


@pytest.mark.parametrize("number, unit, vnd", [
    ("40", "triệu", 40_000_000), ("1,5", "tỷ", 1_500_000_000), ("20.000.000", None, 20_000_000),
    ("3.200", "triệu", 3_200_000_000), ("100", "nghìn", 100_000), ("500", "ngàn", 500_000),
    ("02", "tỷ", 2_000_000_000), ("2,5", "triệu", 2_500_000), ("4.680.000", None, 4_680_000),
])
def test_parse_vnd(number, unit, vnd):
    assert parse_vnd(number, unit) == vnd


@pytest.mark.parametrize("text, grants", [
    ("Hỗ trợ tối đa 50% chi phí thuê chuyên gia tư vấn áp dụng ISO 9001 nhưng không quá 40 triệu đồng/năm/doanh nghiệp.", True),
    ("Doanh nghiệp lớn được hỗ trợ bằng 50% mức quy định tại khoản 1 Điều này.", True),
    ("Hỗ trợ doanh nghiệp tham gia hội chợ, mức hỗ trợ 15 triệu đồng/gian hàng.", True),
    ("Doanh nghiệp được hỗ trợ chi phí tham gia hội chợ trong nước.", True),
    ("1. Hỗ trợ doanh nghiệp tiếp cận thông tin, pháp lý, tham gia chương trình chuyển đổi số.", False),
    ("Hỗ trợ chi phí đào tạo cho người lao động của doanh nghiệp nhỏ và vừa.", False),
    ("Tổng kinh phí dự kiến 4,5 tỷ đồng, từ nguồn ngân sách tỉnh hỗ trợ doanh nghiệp nhỏ và vừa.", False),
    ("Điều kiện hỗ trợ: hợp tác xã có doanh thu từ 1 tỷ đồng trở lên.", False),
    ("Doanh nghiệp có tỷ lệ lao động nữ trên 50% được ưu tiên hỗ trợ.", False),
    ("Hợp tác xã có trách nhiệm sử dụng kinh phí hỗ trợ đúng mục đích.", False),
])
def test_grants_support(text, grants):
    assert grants_support(text) is grants


# text, [(rate, rate_kind, cap_vnd, per)]
FORMS = [
    ("Hỗ trợ tối đa 50% giá trị hợp đồng tư vấn chuyển giao công nghệ phù hợp với doanh nghiệp nhưng "
     "không quá 100 triệu đồng/hợp đồng/năm/doanh nghiệp.",  # ND80 Điều 11 khoản 4
     [(50, "max", 100_000_000, ["hợp đồng", "năm", "doanh nghiệp"])]),
    ("Hỗ trợ toàn bộ chi phí thực hiện dự án đổi mới công nghệ, tối đa 1,5 tỷ đồng cho mỗi dự án.",
     [(100, "exact", 1_500_000_000, ["dự án"])]),
    ("Hỗ trợ 100% chi phí chứng nhận sản phẩm, tối đa 30 triệu đồng/sản phẩm.", [(100, "exact", 30_000_000, ["sản phẩm"])]),
    ("Hỗ trợ chi phí đăng ký bảo hộ với mức tối thiểu 30% chi phí, không quá 200 triệu đồng/sản phẩm.",
     [(30, "min", 200_000_000, ["sản phẩm"])]),
    ("Hỗ trợ tối đa 70% chi phí áp dụng 5S, Kaizen, mức hỗ trợ không quá 20.000.000 đồng/doanh nghiệp.",
     [(70, "max", 20_000_000, ["doanh nghiệp"])]),
    ("Hỗ trợ tối đa 30% chi phí đầu tư, tối đa 3.200 triệu đồng/dự án.", [(30, "max", 3_200_000_000, ["dự án"])]),
    ("Hỗ trợ 100 nghìn đồng/mã cho doanh nghiệp đăng ký mã số mã vạch lần đầu.", [(None, "", 100_000, ["mã"])]),
    ("Hỗ trợ một lần 30 triệu đồng cho mỗi văn bằng bảo hộ sáng chế được cấp.", [(None, "", 30_000_000, ["văn bằng"])]),
    ("Hỗ trợ 70% chi phí thuê gian hàng nhưng không quá 150 triệu đồng/lần và không quá 01 lần/năm.",
     [(70, "exact", 150_000_000, ["lần"])]),
    ("Hỗ trợ tối đa 80% chi phí, không quá 70.000.000 đồng (bảy mươi triệu đồng)/cơ sở.", [(80, "max", 70_000_000, ["cơ sở"])]),
    ("Hỗ trợ 2% lãi suất vay thương mại, tối đa 500 triệu đồng/năm/doanh nghiệp.", [(2, "exact", 500_000_000, ["năm", "doanh nghiệp"])]),
    ("Hỗ trợ đến 60% chi phí thuê kho lạnh, tối đa 1.200 triệu đồng/hợp tác xã/năm.",
     [(60, "max", 1_200_000_000, ["hợp tác xã", "năm"])]),
    ("Hỗ trợ 15 triệu VNĐ/doanh nghiệp/năm.", [(None, "", 15_000_000, ["doanh nghiệp", "năm"])]),
    # ND80 Điều 14 khoản 1 điểm a: two rates, two measures
    ("a) Hỗ trợ 100% tổng chi phí của một khóa đào tạo về khởi sự kinh doanh và tối đa 70% tổng chi phí của "
     "một khoá quản trị doanh nghiệp cho doanh nghiệp nhỏ và vừa;", [(100, "exact", None, []), (70, "max", None, [])]),
    # ND80 Điều 22 khoản 3 điểm a: a second cap for a second object keeps the rate
    ("a) Hỗ trợ 100% giá trị hợp đồng tư vấn để doanh nghiệp xây dựng, áp dụng tiêu chuẩn cơ sở nhưng không quá "
     "10 triệu đồng/hợp đồng/năm/doanh nghiệp và xây dựng, áp dụng hệ thống quản lý chất lượng nhưng không quá "
     "50 triệu đồng/hợp đồng/năm/doanh nghiệp;",
     [(100, "exact", 10_000_000, ["hợp đồng", "năm", "doanh nghiệp"]), (100, "exact", 50_000_000, ["hợp đồng", "năm", "doanh nghiệp"])]),
]


@pytest.mark.parametrize("text, expected", FORMS)
def test_rate_cap_per(text, expected):
    found = [(m.rate_percent, m.rate_kind, m.cap_vnd, m.per) for m in extract_measures(text, DNNVV)]
    assert found == expected


def test_two_caps_for_two_groups_give_two_measures():
    text = ("Hỗ trợ tối đa 50% giá trị hợp đồng tư vấn giải pháp chuyển đổi số nhưng không quá 90 triệu "
            "đồng/năm/doanh nghiệp đối với doanh nghiệp vừa; không quá 120 triệu đồng/năm/doanh nghiệp đối "
            "với doanh nghiệp vừa do phụ nữ làm chủ.")
    first, second = extract_measures(text, DNNVV)
    assert (first.cap_vnd, first.beneficiaries, first.applies_to) == (90_000_000, ["vua"], "doanh nghiệp vừa")
    assert (second.cap_vnd, second.beneficiaries) == (120_000_000, ["vua", "phu_nu_lam_chu"])
    assert first.what == second.what == "tư vấn giải pháp chuyển đổi số"
    assert first.base == "giá trị hợp đồng tư vấn" and "chuyển đổi số" in first.topics


@pytest.mark.parametrize("text, ctx, beneficiaries", [
    # ND80 Điều 13 khoản 2 điểm a, second group
    ("a) Hỗ trợ 100% giá trị hợp đồng tư vấn nhưng không quá 70 triệu đồng/năm/doanh nghiệp đối với doanh nghiệp "
     "siêu nhỏ do phụ nữ làm chủ, doanh nghiệp siêu nhỏ sử dụng nhiều lao động nữ và doanh nghiệp siêu nhỏ là "
     "doanh nghiệp xã hội;", UnitContext(),
     ["sieu_nho", "phu_nu_lam_chu", "nhieu_lao_dong_nu", "doanh_nghiep_xa_hoi"]),
    ("Hỗ trợ 100% giá trị hợp đồng tư vấn cho doanh nghiệp siêu nhỏ, nhỏ và vừa, tối đa 15 triệu đồng.", UnitContext(),
     ["sieu_nho", "nho", "vua"]),
    ("Hỗ trợ 50% chi phí, tối đa 80 triệu đồng/doanh nghiệp cho doanh nghiệp chế biến thủy sản.", UnitContext(),
     ["sieu_nho", "nho", "vua", "lon", "chế biến thủy sản"]),
    # only the parent names them
    ("a) Hỗ trợ 100% kinh phí đào tạo cán bộ quản lý, tối đa 10 triệu đồng/người/khóa;",
     UnitContext(parents=["3. Hỗ trợ hợp tác xã nông nghiệp:"], scope="Doanh nghiệp nhỏ và vừa"),
     ["hop_tac_xa", "nông nghiệp"]),
    # only the document's "Đối tượng áp dụng" names them
    ("Hỗ trợ 30% tiền thuê mặt bằng sản xuất, tối đa 2 tỷ đồng/doanh nghiệp.",
     UnitContext(scope="Doanh nghiệp, hợp tác xã, hộ kinh doanh có đăng ký kinh doanh trên địa bàn tỉnh."),
     ["sieu_nho", "nho", "vua", "lon", "hop_tac_xa", "ho_kinh_doanh"]),
    ("Doanh nghiệp thành lập mới từ hộ kinh doanh được hỗ trợ một lần 20 triệu đồng/doanh nghiệp.",
     UnitContext(scope="Doanh nghiệp nhỏ và vừa"), ["sieu_nho", "nho", "vua"]),
    ("Hỗ trợ tối đa 40% chi phí mua máy móc, tối đa 600 triệu đồng/hợp tác xã.",
     UnitContext(scope="Hợp tác xã và hộ kinh doanh"), ["hop_tac_xa"]),
])
def test_beneficiaries(text, ctx, beneficiaries):
    assert extract_measures(text, ctx)[0].beneficiaries == beneficiaries


def test_relative_level_is_resolved_against_the_clause_it_names():
    ctx = dict(doc_id="9101", title="VĂN BẢN MẪU Quyết định hỗ trợ doanh nghiệp tỉnh Mẫu Sơn giai đoạn 2021 - 2025",
               scope="Doanh nghiệp nhỏ và vừa")
    units = [
        ("Hỗ trợ tối đa 50% chi phí thuê chuyên gia tư vấn áp dụng ISO 9001 nhưng không quá 40 triệu đồng/năm/doanh "
         "nghiệp đối với doanh nghiệp nhỏ; không quá 60 triệu đồng/năm/doanh nghiệp đối với doanh nghiệp vừa.",
         UnitContext(label="Khoản 1 Điều 5", anchor="dieu-5.khoan-1", **ctx)),
        ("Doanh nghiệp lớn được hỗ trợ bằng 50% mức quy định tại khoản 1 Điều này.",
         UnitContext(label="Khoản 2 Điều 5", anchor="dieu-5.khoan-2", **ctx)),
    ]
    derived = [m for m in extract_document(units) if m.anchor == "dieu-5.khoan-2"]
    assert [(m.rate_percent, m.rate_kind, m.cap_vnd, m.beneficiaries) for m in derived] == [
        (25, "max", 20_000_000, ["lon"]), (25, "max", 30_000_000, ["lon"])]
    assert derived[0].relative_to["label"] == "Khoản 1 Điều 5" and derived[0].relative_to["factor"] == 0.5
    assert derived[0].what == "thuê chuyên gia tư vấn áp dụng ISO 9001"
    assert [m.id for m in derived] == ["9101:dieu-5.khoan-2:1", "9101:dieu-5.khoan-2:2"]
    assert derived[0].period == {"from": 2021, "to": 2025}


def test_a_relative_level_keeps_the_qualifier_of_the_level_it_halves():
    units = [
        ("c) Hỗ trợ tối đa 30% giá trị hợp đồng tư vấn nhưng không quá 90 triệu đồng/năm/doanh nghiệp đối với "
         "doanh nghiệp vừa; không quá 120 triệu đồng/năm/doanh nghiệp đối với doanh nghiệp vừa do phụ nữ làm chủ.",
         UnitContext(label="Điểm c Khoản 1 Điều 4", anchor="dieu-4.khoan-1.diem-c")),
        ("3. Doanh nghiệp lớn được hỗ trợ bằng 50% mức quy định tại khoản 1 Điều này.",
         UnitContext(label="Khoản 3 Điều 4", anchor="dieu-4.khoan-3")),
    ]
    derived = [m for m in extract_document(units) if m.anchor == "dieu-4.khoan-3"]
    assert [(m.cap_vnd, m.beneficiary_groups) for m in derived] == [
        (45_000_000, [["lon"]]), (60_000_000, [["lon", "phu_nu_lam_chu"]])]


def test_unresolved_relative_level_is_still_a_measure():
    [measure] = extract_measures("Doanh nghiệp lớn được hỗ trợ bằng 50% mức quy định tại khoản 1 Điều 7.",
                                 UnitContext(label="Khoản 2 Điều 5"))
    assert measure.relative_to["label"] == "Khoản 1 Điều 7" and measure.cap_vnd is None


@pytest.mark.parametrize("ref, own, label", [
    ("khoản 1 Điều này", "Khoản 2 Điều 5", "Khoản 1 Điều 5"),
    ("điểm a khoản này", "Điểm b Khoản 1 Điều 4", "Điểm a Khoản 1 Điều 4"),
    ("khoản 3 Điều 7", "Khoản 2 Điều 5", "Khoản 3 Điều 7"),
    ("Điều 6", "Khoản 2 Điều 5", "Điều 6"),
    ("khoản 1", "Khoản 2 Mục II", "Khoản 1 Mục II"),
])
def test_resolve_label(ref, own, label):
    assert resolve_label(ref, own) == label


def test_conditions_deadline_agency_period():
    ctx = UnitContext(
        citation="Điều 7 — Nghị quyết 9313/NQ-HĐND",
        title="VĂN BẢN MẪU Nghị quyết chính sách hỗ trợ hợp tác xã tỉnh Mẫu Sơn năm 2026",
        conditions=[("Điều 3 — Nghị quyết 9313/NQ-HĐND", "Điều kiện hỗ trợ: hợp tác xã hoạt động hiệu quả.")],
        procedures=["Hồ sơ nộp tại Sở Nông nghiệp và Môi trường trước ngày 30 tháng 6 năm 2026."])
    [m] = extract_measures(
        "Hỗ trợ 70% tổng chi phí của một khóa đào tạo nhưng không quá 01 khóa/năm/doanh nghiệp, tối đa 50 triệu "
        "đồng/khóa; người lao động phải làm việc tại hợp tác xã tối thiểu 06 tháng.", ctx)
    assert [c["text"] for c in m.conditions] == [
        "Điều kiện hỗ trợ: hợp tác xã hoạt động hiệu quả.", "không quá 01 khóa/năm/doanh nghiệp", "tối thiểu 06 tháng"]
    assert m.conditions[0]["citation"] == "Điều 3 — Nghị quyết 9313/NQ-HĐND"
    assert m.deadline == "trước ngày 30 tháng 6 năm 2026"
    assert m.agency == "Sở Nông nghiệp và Môi trường"
    assert m.period == {"from": 2026, "to": 2026}


def test_deadline_every_year_and_old_tone_placement():
    [m] = extract_measures(
        "Hỗ trợ 50% chi phí đăng ký chỉ dẫn địa lý cho sản phẩm thuỷ sản của hợp tác xã, tối đa 70 triệu đồng/sản "
        "phẩm; hồ sơ nộp tại Sở Công Thương trước ngày 31 tháng 10 hằng năm.")
    assert m.deadline == "trước ngày 31 tháng 10 hằng năm" and m.agency == "Sở Công Thương"
    assert "thủy sản" in m.text and m.beneficiaries == ["hop_tac_xa"]


@pytest.mark.parametrize("text, words", [
    ("Hỗ trợ 50% chi phí thuê chuyên gia, tối đa 40 triệu đồng/doanh nghiệp/năm.",
     "50% chi phí, tối đa 40 triệu đồng/doanh nghiệp/năm"),
    ("Hỗ trợ toàn bộ chi phí thực hiện dự án, tối đa 1,5 tỷ đồng cho mỗi dự án.",
     "Toàn bộ chi phí, tối đa 1,5 tỷ đồng/dự án"),
    ("Hỗ trợ tối đa 50% giá trị hợp đồng tư vấn nhưng không quá 100 triệu đồng/hợp đồng/năm/doanh nghiệp.",
     "Tối đa 50% giá trị hợp đồng tư vấn, không quá 100 triệu đồng/hợp đồng/năm/doanh nghiệp"),
    ("Hỗ trợ 2.500.000 đồng/người/khóa cho người lao động.", "2,5 triệu đồng/người/khóa"),
    ("Hỗ trợ 1.234.567 đồng/người.", "1.234.567 đồng/người"),
    ("Hỗ trợ tối thiểu 30% chi phí đăng ký bảo hộ.", "Tối thiểu 30% chi phí"),
    ("Doanh nghiệp được hỗ trợ chi phí tham gia hội chợ.", "Mức hỗ trợ không nêu trong điều khoản"),
])
def test_amount_in_words(text, words):
    [measure] = extract_measures(text)
    assert amount_in_words(measure) == words
    assert amount_in_words(measure.to_dict()) == words


def test_measure_dict_carries_the_callers_fields():
    ctx = UnitContext(label="Khoản 1 Điều 5", citation="Khoản 1 Điều 5 — Quyết định 9101/QĐ-UBND", doc_id="d1",
                      path="Điều 5 › Khoản 1", anchor="dieu-5.khoan-1", url="/documents/d1#dieu-5.khoan-1",
                      effective="2021-06-01", province="Mẫu Sơn")
    [m] = extract_measures("Hỗ trợ 50% chi phí, tối đa 40 triệu đồng.", ctx)
    d = m.to_dict()
    assert {k: d[k] for k in ("citation", "doc_id", "path", "anchor", "url", "effective", "province")} == {
        "citation": ctx.citation, "doc_id": "d1", "path": ctx.path, "anchor": ctx.anchor, "url": ctx.url,
        "effective": "2021-06-01", "province": "Mẫu Sơn"}


def test_bench_scores_the_labelled_set():
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_support", Path(__file__).parents[1] / "bench" / "support.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.score()
    assert result["measures"] >= 70
    for key in ("rate_acc", "cap_acc", "per_acc"):
        assert result[key] >= 0.95, result
    assert result["beneficiary_f1"] >= 0.9 and result["finder_top1"] >= 0.9, result
