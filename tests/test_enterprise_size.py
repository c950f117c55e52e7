"""Size classes of Điều 5 Nghị định 80/2021/NĐ-CP at and just above every threshold."""

import pytest

from ingest.enterprise_size import classify, sector_group

TY = 1_000_000_000
# sector, class, employees limit, revenue limit (tỷ), capital limit (tỷ), next class up
LIMITS = [
    ("nông nghiệp, lâm nghiệp, thủy sản", "sieu_nho", 10, 3, 3, "nho"),
    ("nông nghiệp, lâm nghiệp, thủy sản", "nho", 100, 50, 20, "vua"),
    ("nông nghiệp, lâm nghiệp, thủy sản", "vua", 200, 200, 100, "lon"),
    ("công nghiệp, xây dựng", "sieu_nho", 10, 3, 3, "nho"),
    ("công nghiệp, xây dựng", "nho", 100, 50, 20, "vua"),
    ("công nghiệp, xây dựng", "vua", 200, 200, 100, "lon"),
    ("thương mại, dịch vụ", "sieu_nho", 10, 10, 3, "nho"),
    ("thương mại, dịch vụ", "nho", 50, 100, 50, "vua"),
    ("thương mại, dịch vụ", "vua", 100, 300, 100, "lon"),
]


@pytest.mark.parametrize("sector, size, employees, revenue, capital, above", LIMITS)
def test_thresholds_at_and_just_above(sector, size, employees, revenue, capital, above):
    assert classify(sector, employees, revenue_vnd=revenue * TY).size == size
    assert classify(sector, employees, capital_vnd=capital * TY).size == size
    # one employee more: the next class (or lớn)
    assert classify(sector, employees + 1, revenue_vnd=revenue * TY).size != size
    # one đồng more revenue and no capital given: not this class
    assert classify(sector, employees, revenue_vnd=revenue * TY + 1).size == above
    # revenue above but capital within: still this class (revenue OR capital)
    assert classify(sector, employees, revenue * TY + 1, capital * TY).size == size
    # both above: the next class up
    assert classify(sector, employees, revenue * TY + 1, capital * TY + 1).size == above


def test_rule_sentence_cites_the_decree():
    result = classify("công nghiệp", 100, revenue_vnd=50 * TY)
    assert result.size == "nho" and result.name == "nhỏ"
    assert result.rule == ("nhỏ: lao động tham gia BHXH bình quân năm ≤ 100 người và tổng doanh thu "
                           "năm ≤ 50 tỷ đồng (khoản 2 Điều 5 Nghị định 80/2021/NĐ-CP)")
    assert "tổng nguồn vốn ≤ 3 tỷ đồng (khoản 1 Điều 5" in classify("nông nghiệp", 5, 9 * TY, 3 * TY).rule


@pytest.mark.parametrize("args, reason", [
    (("thương mại", 101, 1), "bình quân năm 101 người > 100 người"),
    (("thủy sản", 150, 500 * TY, 150 * TY), "tổng doanh thu năm 500 tỷ đồng > 200 tỷ đồng và tổng nguồn vốn 150 tỷ đồng > 100 tỷ đồng"),
    (("xây dựng", 20, int(200.5 * TY)), "tổng doanh thu năm 200,5 tỷ đồng > 200 tỷ đồng"),
])
def test_large_says_which_limit_it_passes(args, reason):
    result = classify(*args)
    assert result.size == "lon" and reason in result.rule and "khoản 3 Điều 5" in result.rule


@pytest.mark.parametrize("text, key", [
    ("Thương mại, dịch vụ", "thuong_mai_dich_vu"), ("thuong mai dich vu", "thuong_mai_dich_vu"),
    ("bán lẻ", "thuong_mai_dich_vu"), ("chế biến thủy sản", "cong_nghiep_xay_dung"),
    ("nuôi trồng thủy sản", "nong_lam_thuy_san"), ("Lâm nghiệp", "nong_lam_thuy_san"),
    ("cong_nghiep_xay_dung", "cong_nghiep_xay_dung"),
])
def test_sector_group(text, key):
    assert sector_group(text) == key


def test_missing_figures_are_refused():
    with pytest.raises(ValueError):
        classify("thương mại", 10)
    with pytest.raises(ValueError):
        classify("khai khoáng vũ trụ", 10, 1)
