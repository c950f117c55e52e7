import pytest

from ingest.textnorm import fold, has_diacritics, normalize


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Ðiều 5", "Điều 5"),  # U+00D0 as printed in vbpl PDFs
        ("hoà bình", "hòa bình"),
        ("thuỷ lợi", "thủy lợi"),
        ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
        ("sức khoẻ", "sức khỏe"),
        ("HOÁ CHẤT", "HÓA CHẤT"),
        ("quý", "quý"),  # "qu" is a consonant: the mark stays on y
        ("khuỷu", "khuỷu"),  # closed syllable: not an oa/oe/uy ending
        ("hoàng", "hoàng"),
        ("Ủy ban", "Ủy ban"),
        ("Quyết định", "Quyết định"),
        ("Đie\u0302\u0300u", "Điều"),  # NFD input
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_keeps_length_of_nfc_text():
    text = "Uỷ ban nhân dân tỉnh Kiên Giang hoà nhập, Ðiều 1"
    assert len(normalize(text)) == len(text)


@pytest.mark.parametrize(
    "raw, expected",
    [("Điều khoản", "Dieu khoan"), ("Ủy ban nhân dân", "Uy ban nhan dan"), ("ISO 9001", "ISO 9001"),
     ("doanh nghiệp nhỏ và vừa", "doanh nghiep nho va vua")],
)
def test_fold(raw, expected):
    assert fold(raw) == expected
    assert has_diacritics(raw) == (raw != expected)
