"""The one analyzer module: used by the index writer and by the query side.

Three token streams are produced from the same normalized text:

* syllables, lowercased ("điều", "khoản") — recall and phrases;
* the same syllables accent-folded ("dieu", "khoan") — queries typed without diacritics;
* underthesea compounds joined by "_" ("doanh_nghiệp") — a ranking signal only, because
  underthesea segments differently by context, case and accents.

All tokens carry the true character offsets of the text they came from.
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

from .textnorm import fold, normalize

SYLLABLE_RE = re.compile(r"[^\W_]+", re.UNICODE)


class SegmentedText(str):
    """A str that carries precomputed compound spans (start, end), relative to itself.

    The ingest workers run underthesea once per document and slice the spans per unit;
    the compound tokenizer uses them instead of segmenting again.
    """

    compound_spans: list[tuple[int, int]]

    def __new__(cls, text: str, compound_spans: list[tuple[int, int]]):
        obj = super().__new__(cls, text)
        obj.compound_spans = compound_spans
        return obj


def syllables(text: str) -> list[tuple[str, int, int]]:
    """(lowercased syllable, start, end) for every syllable in normalized text."""
    return [(m.group().lower(), m.start(), m.end()) for m in SYLLABLE_RE.finditer(text)]


def bigrams(text: str) -> list[tuple[str, int, int]]:
    """Adjacent syllable pairs joined by "_" ("hợp_đồng"), spanning both syllables."""
    items = syllables(text)
    return [(f"{a}_{b}", s, e) for (a, s, _), (b, _, e) in zip(items, items[1:])]


def query_syllables(text: str) -> list[str]:
    return [s for s, _, _ in syllables(normalize(text))]


@lru_cache(maxsize=1)
def _word_tokenize():
    from underthesea import word_tokenize  # imported once per process: ~0.4 s

    return word_tokenize


def compound_spans(text: str) -> list[tuple[int, int]]:
    """Spans of multi-syllable words found by underthesea, aligned back onto `text`."""
    spans: list[tuple[int, int]] = []
    if not text.strip():
        return spans
    words = _word_tokenize()(text.replace("\n", " "))
    pos = 0
    for word in words:
        if " " not in word:
            found = text.find(word, pos)
            if found >= 0:
                pos = found + len(word)
            continue
        first = word.split(" ", 1)[0]
        found = text.find(first, pos)
        if found < 0:
            continue
        # Match syllable by syllable: the text may have a newline where the word has a space.
        end = found
        ok = True
        for part in word.split(" "):
            while end < len(text) and text[end].isspace():
                end += 1
            if not text.startswith(part, end):
                ok = False
                break
            end += len(part)
        if ok:
            spans.append((found, end))
            pos = end
    return spans


def compounds(text: str) -> list[tuple[str, int, int]]:
    spans = getattr(text, "compound_spans", None)
    if spans is None:
        spans = compound_spans(text)
    out = []
    for start, end in spans:
        word = "_".join(text[start:end].lower().split())
        out.append((word, start, end))
    return out


class VietnameseTokenizer(Tokenizer):
    """Whoosh tokenizer: mode "exact", "folded", "compound" or "bigram"."""

    def __init__(self, mode: str = "exact"):
        if mode not in ("exact", "folded", "compound", "bigram"):
            raise ValueError(mode)
        self.mode = mode

    def __eq__(self, other):
        return isinstance(other, VietnameseTokenizer) and other.mode == self.mode

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        if not isinstance(value, SegmentedText):
            value = normalize(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if self.mode == "compound":
            items = compounds(value)
        elif self.mode == "bigram":
            items = bigrams(value)
        else:
            items = syllables(value)
        for pos, (text, start, end) in enumerate(items):
            token.text = fold(text) if self.mode == "folded" else text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def exact_analyzer():
    return VietnameseTokenizer("exact")


def folded_analyzer():
    return VietnameseTokenizer("folded")


def compound_analyzer():
    return VietnameseTokenizer("compound")


def bigram_analyzer():
    return VietnameseTokenizer("bigram")
