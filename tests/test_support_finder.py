"""Support finder: who it applies to, why not, province merges, expired periods, ranking by need."""

from datetime import date

import pytest

from ingest.support import UnitContext, extract_document
from search_app.support_finder import Profile, describe, find, profile_from_question, same_province

TITLE = "VĂN BẢN MẪU Nghị quyết số 9202/NQ-HĐND hỗ trợ doanh nghiệp tỉnh {p} giai đoạn {period}"


def _measures(province: str, period: str, clauses: list[tuple[str, str]], doc_id: str,
              scope: str = "Doanh nghiệp nhỏ và vừa trên địa bàn tỉnh.") -> list[dict]:
    units = [(text, UnitContext(label=label, anchor=label, doc_id=doc_id, province=province, scope=scope,
                                title=TITLE.format(p=province, period=period), effective=period[:4] + "-01-01"))
             for label, text in clauses]
    return [m.to_dict() for m in extract_document(units)]


MAU_SON = _measures("Mẫu Sơn", "2024 - 2028", [
    ("Khoản 1 Điều 4", "Hỗ trợ tối đa 50% giá trị hợp đồng tư vấn giải pháp chuyển đổi số nhưng không quá 90 triệu "
     "đồng/năm/doanh nghiệp đối với doanh nghiệp vừa; không quá 120 triệu đồng/năm/doanh nghiệp đối với doanh "
     "nghiệp vừa do phụ nữ làm chủ."),
    ("Khoản 2 Điều 4", "Hỗ trợ tối đa 50% chi phí thuê chuyên gia tư vấn áp dụng ISO 9001 nhưng không quá 40 triệu "
     "đồng/năm/doanh nghiệp."),
    ("Khoản 3 Điều 4", "Doanh nghiệp lớn được hỗ trợ bằng 50% mức quy định tại khoản 2 Điều này."),
    ("Khoản 4 Điều 4", "Hỗ trợ 100% chi phí thuê gian hàng tại hội chợ trong nước, tối đa 12 triệu đồng/gian hàng."),
], "ms")
KIEN_GIANG = _measures("Kiên Giang", "2023 - 2030", [
    ("Khoản 1 Điều 4", "Hỗ trợ 50% chi phí chứng nhận HACCP cho doanh nghiệp chế biến thủy sản, tối đa 80 triệu "
     "đồng/doanh nghiệp."),
], "kg", scope="Doanh nghiệp, hợp tác xã hoạt động trong lĩnh vực chế biến thủy sản.")
ENDED = _measures("Mẫu Sơn", "2021 - 2023", [
    ("Điều 6", "Hỗ trợ 2.500.000 đồng/người/khóa cho người lao động của doanh nghiệp tham gia đào tạo nghề."),
], "old")
ALL = MAU_SON + KIEN_GIANG + ENDED
TODAY = date(2025, 6, 1)


def _first(profile: Profile, need: str, province: str | None = "Mẫu Sơn", **kw) -> dict:
    return find(ALL, profile, need, TODAY, province, **kw).measures[0]


def test_women_owned_medium_enterprise_needing_advice_gets_its_own_higher_cap():
    first = _first(Profile(size="vua", women_owned=True), "cần tư vấn chuyển đổi số")
    assert (first["id"], first["cap_vnd"]) == ("ms:Khoản 1 Điều 4:2", 120_000_000)
    assert first["applies_because"] == "thuộc đối tượng: doanh nghiệp vừa do phụ nữ làm chủ"
    assert first["in_force"] and not first["expired"]
    assert first["amount_in_words"].startswith("Tối đa 50% giá trị hợp đồng tư vấn, không quá 120 triệu đồng")


def test_large_enterprise_iso_9001_is_answered_by_the_relative_level():
    first = _first(Profile(size="lon"), "ISO 9001")
    assert first["id"] == "ms:Khoản 3 Điều 4:1"
    assert (first["rate_percent"], first["cap_vnd"]) == (25, 20_000_000)


def test_why_not():
    result = find(ALL, Profile(size="nho"), "tư vấn chuyển đổi số", TODAY, "Mẫu Sơn")
    why = {m["id"]: m["why_not"] for m in result.not_applicable}
    assert why["ms:Khoản 1 Điều 4:1"] == "dành cho doanh nghiệp vừa"
    assert why["ms:Khoản 1 Điều 4:2"] == "dành cho doanh nghiệp vừa do phụ nữ làm chủ"
    assert why["ms:Khoản 3 Điều 4:1"] == "dành cho doanh nghiệp lớn"
    assert why["kg:Khoản 1 Điều 4:1"] == "văn bản của tỉnh Kiên Giang"


@pytest.mark.parametrize("a, b, same", [
    ("Kiên Giang", "An Giang", True), ("tỉnh Kiên Giang", "An Giang", True), ("kien giang", "AN GIANG", True),
    ("Bà Rịa - Vũng Tàu", "TP. Hồ Chí Minh", True), ("Bình Dương", "Bà Rịa - Vũng Tàu", True),
    ("Hậu Giang", "thành phố Cần Thơ", True), ("Kiên Giang", "Cà Mau", False), ("Mẫu Sơn", "An Giang", False),
])
def test_same_province_counts_2025_merges(a, b, same):
    assert same_province(a, b) is same


def test_province_after_the_merge_finds_the_old_provinces_document():
    first = _first(Profile(size="nho", industry="chế biến thủy sản"), "chung nhan haccp", province="An Giang")
    assert first["id"] == "kg:Khoản 1 Điều 4:1"
    assert "lĩnh vực chế biến thủy sản" in first["applies_because"]


def test_sector_of_the_profile_must_match_the_measures_sector():
    result = find(ALL, Profile(size="nho", industry="dệt may"), "HACCP", TODAY, "An Giang")
    assert [m["why_not"] for m in result.not_applicable if m["id"].startswith("kg")] == [
        "dành cho doanh nghiệp lĩnh vực chế biến thủy sản"]


def test_ended_period_is_left_out_unless_asked_for():
    profile, need = Profile(size="nho"), "đào tạo nghề"
    result = find(ALL, profile, need, TODAY, "Mẫu Sơn")
    assert "old:Điều 6:1" in result.left_out_expired
    assert all(m["id"] != "old:Điều 6:1" for m in result.measures)
    first = _first(profile, need, include_expired=True)
    assert first["id"] == "old:Điều 6:1" and first["expired"] and not first["in_force"]


def test_size_computed_from_figures_is_explained():
    profile = Profile(sector="thương mại, dịch vụ", employees=80, revenue_vnd=250_000_000_000)
    result = find(ALL, profile, "chuyển đổi số", TODAY, "Mẫu Sơn")
    assert result.size == "vua"
    assert result.measures[0]["id"] == "ms:Khoản 1 Điều 4:1"
    assert "quy mô vừa: lao động tham gia BHXH bình quân năm ≤ 100 người" in result.measures[0]["applies_because"]


def test_household_business_only_gets_measures_naming_it():
    result = find(ALL, Profile(household=True), "hội chợ", TODAY, "Mẫu Sơn")
    assert result.measures == []
    assert "ms:Khoản 4 Điều 4:1" in {m["id"] for m in result.not_applicable}


def test_need_without_accents_ranks_like_with_accents():
    profile = Profile(size="vua")
    assert _first(profile, "hoi cho")["id"] == _first(profile, "hội chợ")["id"] == "ms:Khoản 4 Điều 4:1"


@pytest.mark.parametrize("groups, words", [
    ([["sieu_nho"], ["nho"], ["vua"]], "doanh nghiệp siêu nhỏ, nhỏ và vừa"),
    ([["vua", "phu_nu_lam_chu"]], "doanh nghiệp vừa do phụ nữ làm chủ"),
    ([["hop_tac_xa"], ["ho_kinh_doanh"]], "hợp tác xã, hộ kinh doanh"),
    ([["khoi_nghiep_sang_tao"]], "doanh nghiệp khởi nghiệp sáng tạo"),
])
def test_describe(groups, words):
    assert describe(groups) == words


@pytest.mark.parametrize("question, size, women_owned, cooperative", [
    ("mức hỗ trợ tư vấn doanh nghiệp vừa", "vua", False, False),
    ("doanh nghiep vua do phu nu lam chu duoc ho tro bao nhieu", "vua", True, False),
    ("Doanh nghiệp siêu nhỏ được hỗ trợ chuyển đổi số bao nhiêu?", "sieu_nho", False, False),
    ("hop tac xa duoc ho tro chung nhan VietGAP bao nhieu", None, False, True),
    ("hỗ trợ ISO 9001 tối đa bao nhiêu", None, False, False),  # nobody in particular
    ("doanh nghiệp nhỏ và vừa được hỗ trợ bao nhiêu", None, False, False),  # several sizes
])
def test_a_search_question_names_who_asks(question, size, women_owned, cooperative):
    profile = profile_from_question(question)
    assert (profile.size, profile.women_owned, profile.cooperative) == (size, women_owned, cooperative)


def test_with_no_size_given_the_reason_names_every_size_the_clause_is_for():
    measures = _measures("Mẫu Sơn", "2024 - 2028", [
        ("Khoản 2 Điều 1", "Hỗ trợ tối đa 50% chi phí tư vấn áp dụng ISO 9001 nhưng không quá 100 triệu "
         "đồng/doanh nghiệp đối với doanh nghiệp siêu nhỏ, doanh nghiệp nhỏ và doanh nghiệp vừa."),
    ], "iso")
    anyone = find(measures, Profile(), "chứng nhận ISO", TODAY, "Mẫu Sơn").measures[0]
    assert anyone["applies_because"] == "thuộc đối tượng: doanh nghiệp siêu nhỏ, nhỏ và vừa"
    small = find(measures, Profile(size="nho"), "chứng nhận ISO", TODAY, "Mẫu Sơn").measures[0]
    assert small["applies_because"] == "thuộc đối tượng: doanh nghiệp nhỏ"
