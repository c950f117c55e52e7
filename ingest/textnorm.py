"""Vietnamese text normalization shared by extraction, indexing and querying.

Every function here keeps the length of NFC input unchanged, so character offsets
computed on normalized text stay valid for highlighting and citations.
"""

from __future__ import annotations

import re
import string
import unicodedata

_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng

# Old-style tone placement on open syllables ending in oa/oe/uy ("hoà", "thuỷ") is
# rewritten to the style the national legal database uses ("hòa", "thủy").
_OLD_TO_NEW: dict[str, str] = {}
for _first, _second in (("o", "a"), ("o", "e"), ("u", "y")):
    for _f in (_first, _first.upper()):
        for _s in (_second, _second.upper()):
            for _tone in _TONES:
                _old = _f + unicodedata.normalize("NFC", _s + _tone)
                _new = unicodedata.normalize("NFC", _f + _tone) + _s
                _OLD_TO_NEW[_old] = _new
_SECOND_VOWELS: dict[str, set[str]] = {}
for _old in _OLD_TO_NEW:
    _SECOND_VOWELS.setdefault(_old[0], set()).add(_old[1])
# "o" then a toned a/e, "u" then a toned y: one character class per first letter (an
# alternation of all 60 pairs is 5× slower, and normalize runs on every unit's text)
_OLD_TONE_RE = re.compile(
    r"(?<![qQ])(" + "|".join(f"{f}[{''.join(sorted(s))}]" for f, s in sorted(_SECOND_VOWELS.items())) + r")(?![^\W\d_])"
)


def normalize(text: str) -> str:
    """NFC, Ð (U+00D0) → Đ, unified tone placement."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    return _OLD_TONE_RE.sub(lambda m: _OLD_TO_NEW[m.group(1)], text)


def _fold_table() -> dict[int, str]:
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0x00C0, 0x1F00):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and ord(base) < 128:
            table[code] = base
    return table


_FOLD_TABLE = _fold_table()


def fold(text: str) -> str:
    """Remove Vietnamese diacritics: "Điều khoản" → "Dieu khoan". Length-preserving on NFC."""
    return text.translate(_FOLD_TABLE)


def _spellings_table() -> dict[str, str]:
    table: dict[str, set[str]] = {c: {c.lower(), c.upper()} for c in string.ascii_letters}
    for code, base in _FOLD_TABLE.items():
        for letter in {base.lower(), base.upper()}:
            cased = {letter.lower(), letter.upper(), chr(code).lower(), chr(code).upper()}
            table.setdefault(letter, set()).update(c for c in cased if len(c) == 1)  # "ẖ".upper() is 2
    return {letter: "[" + re.escape("".join(sorted(chars))) + "]" for letter, chars in table.items()}


_SPELLINGS = _spellings_table()


def any_spelling(folded: str) -> str:
    """A regular expression matching every NFC spelling of a folded word, any case ("hoa" →
    hoa, hòa, Hóa, HỌA…): searched in the text itself, which then needs no folding (folding
    a long text is a Python-level lookup per character)."""
    return "".join(_SPELLINGS.get(c, re.escape(c)) for c in folded)


def has_diacritics(text: str) -> bool:
    return fold(text) != text
