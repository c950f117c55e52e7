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


# Real lines: a vbpl heading with U+00D0, old tone placement, a plan's numbered item.
ANALYZER_LINES = [
    "Ðiều 5. Uỷ ban nhân dân tỉnh Kiên Giang chủ trì, phối hợp thực hiện hoà giải",
    "a) Hỗ trợ doanh nghiệp nhỏ và vừa áp dụng ISO 9001:2015, HACCP; thuỷ lợi",
    "CÔNG BÁO/Số 1037 + 1038/Ngày 29-12-2015",
]


@pytest.mark.parametrize("mode", ["exact", "bigram", "compound"])
@pytest.mark.parametrize("line", ANALYZER_LINES)
def test_index_writer_tokens_equal_the_analyzer_tokens(mode, line):
    """The index writer's fast path (token_texts) yields exactly the Whoosh token stream."""
    from ingest.analysis import SYLLABLE_RE, VietnameseTokenizer

    tokenizer = VietnameseTokenizer(mode)
    tokens = tokenizer.tokens(line)
    assert tokenizer.token_texts(line) == [text for text, _, _ in tokens]
    source = normalize(line)
    for text, start, end in tokens:  # offsets point back into the normalized line
        piece = source[start:end].lower()
        assert text == "_".join(SYLLABLE_RE.findall(piece)), (text, piece)


@pytest.mark.parametrize("folded, text, spellings", [
    ("hoa", "Hòa giải, hóa chất, HỌA sĩ, hoa quả; hoạt động", ["Hòa", "hóa", "HỌA", "hoa"]),
    ("dieu", "Điều 5. điều khoản, DIEU", ["Điều", "điều", "DIEU"]),
    ("quy", "Quy định, QUỸ hỗ trợ, quý", ["Quy", "QUỸ", "quý"]),
])
def test_any_spelling_matches_every_spelling_of_a_folded_word(folded, text, spellings):
    import re

    from ingest.textnorm import any_spelling

    pattern = re.compile(rf"(?<![^\W_]){any_spelling(folded)}(?![^\W_])")
    assert pattern.findall(text) == spellings
    assert all(fold(s).lower() == folded for s in spellings)
