"""The one analyzer module: used by the index writer and by the query side.

Three token streams are produced from the same normalized text:

* syllables, lowercased ("điều", "khoản") — recall;
* adjacent syllable pairs ("hợp_đồng") — phrases, and a ranking signal;
* underthesea compounds joined by "_" ("doanh_nghiệp") — a ranking signal only, because
  underthesea segments differently by context, case and accents.

Accent-folded forms ("dieu", "hop_dong") are not written: the query side adds up the
postings of every accented spelling that folds to the same form (search_app/engine.py).

All tokens carry the true character offsets of the text they came from. Tokens are plain
(text, start, end) tuples; `ingest/indexformat.py` turns them into Whoosh postings.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from .textnorm import normalize

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


_TOKENIZER_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _word_tokenize():
    # underthesea loads its model lazily on the first call and publishes the model object
    # before it is loaded: concurrent first calls (server threads) crash with "'NoneType'
    # object has no attribute 'process'". Load it once, under a lock, before handing it out.
    with _TOKENIZER_LOCK:
        from underthesea import word_tokenize  # imported once per process: ~0.4 s

        word_tokenize("khởi động")
    return word_tokenize


SPANS_VERSION = "1"  # bump when compound_spans changes

# The batch job parses one document at a time with the spans of its previous parse at hand
# (ingest.caches.SpanCache): spans already found for the same text are reused instead of
# running underthesea again. A context variable: other threads never see it.
_span_cache: ContextVar = ContextVar("span_cache", default=None)


@contextmanager
def using_span_cache(cache):
    """Within the block, compound_spans looks up and stores spans in `cache` (an object with
    get(text) -> spans or None, and put(text, spans))."""
    token = _span_cache.set(cache)
    try:
        yield cache
    finally:
        _span_cache.reset(token)


def compound_spans(text: str) -> list[tuple[int, int]]:
    """Spans of multi-syllable words found by underthesea, aligned back onto `text`."""
    cache = _span_cache.get()
    if cache is not None and text.strip():
        spans = cache.get(text)
        if spans is None:
            spans = _compound_spans(text)
            cache.put(text, spans)
        return spans
    return _compound_spans(text)


def _compound_spans(text: str) -> list[tuple[int, int]]:
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


def _remember_last(fn):
    """Keeps the last result: the index writer passes the same text object to several fields
    (text, bigrams). The (argument, result) pair is replaced whole, so threads at worst miss."""
    last: list = [(None, None)]

    def wrapper(value):
        argument, result = last[0]
        if argument is value:
            return result
        result = fn(value)
        last[0] = (value, result)
        return result

    return wrapper


_normalized = _remember_last(normalize)
_syllables_of = _remember_last(syllables)


class VietnameseTokenizer:
    """Tokens of one kind: mode "exact" (syllables), "compound" or "bigram" (pairs). Indexed
    through `ingest.indexformat.WordsField`; its repr is part of the index schema's signature
    (the form Whoosh gave its tokenizers), and index schemas pickle this class by name."""

    def __init__(self, mode: str = "exact"):
        if mode not in ("exact", "compound", "bigram"):
            raise ValueError(mode)
        self.mode = mode

    def __eq__(self, other):
        return isinstance(other, VietnameseTokenizer) and other.mode == self.mode

    def __repr__(self):
        return f"VietnameseTokenizer(mode={self.mode!r})"

    def tokens(self, value: str) -> list[tuple[str, int, int]]:
        """(token text, start, end) of every token of `value`; offsets into its normalized
        form (a SegmentedText is already normalized)."""
        if not isinstance(value, SegmentedText):
            value = _normalized(value)
        if self.mode == "compound":
            return compounds(value)
        words = _syllables_of(value)
        if self.mode == "bigram":
            return [(f"{a}_{b}", s, e) for (a, s, _), (b, _, e) in zip(words, words[1:])]
        return words

    def token_texts(self, value: str) -> list[str]:
        """The texts of the tokens of `value`, for the index writer (no offsets needed)."""
        if not isinstance(value, SegmentedText):
            value = _normalized(value)
        if self.mode == "compound":
            return [text for text, _, _ in compounds(value)]
        words = SYLLABLE_RE.findall(value.lower())
        if self.mode == "bigram":
            return [f"{a}_{b}" for a, b in zip(words, words[1:])]
        return words


def exact_analyzer():
    return VietnameseTokenizer("exact")


def compound_analyzer():
    return VietnameseTokenizer("compound")


def bigram_analyzer():
    return VietnameseTokenizer("bigram")
