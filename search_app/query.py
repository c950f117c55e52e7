"""Query understanding: the typed query → a ParsedQuery (words, phrases, abbreviation
expansions, document numbers) → the query tree the engine scores, and the terms to highlight.
Abbreviations and question forms are data (`query_data.toml`)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.analysis import compounds, syllables
from ingest.references import NUMBER_RE, number_key
from ingest.textnorm import fold, has_diacritics, normalize

from .querytree import AllOf, AnyOf, Phrase, Query, Term, WithOptional

MAX_QUERY_CHARS = 500

# Field weights of the ranking (bench/relevance.py measures them).
W_TEXT, W_TEXT_FOLDED = 1.0, 0.7
W_HEADING, W_HEADING_FOLDED = 0.6, 0.4
W_DOC_NAME, W_DOC_NAME_FOLDED = 0.5, 0.35
W_COMPOUND = 0.4
W_PHRASE = 2.0
W_BIGRAM = 1.0  # adjacent syllable pairs ("bigrams", "bigrams_folded" fields); 0 = not queried
W_NUMBER_FULL, W_NUMBER_PART = 40.0, 20.0


class QueryError(ValueError):
    """The query cannot be run; the message is shown to the user (HTTP 400)."""


@lru_cache(maxsize=1)
def query_data() -> dict:
    with open(Path(__file__).with_name("query_data.toml"), "rb") as fh:
        return tomllib.load(fh)


@dataclass
class ParsedQuery:
    text: str  # normalized query as typed
    words: list[str]  # syllables outside quotes, lowercased, question forms removed
    phrases: list[list[str]]  # quoted phrases as syllable lists
    expansions: list[list[str]]  # abbreviation expansions as syllable lists
    number_keys: list[tuple[str, bool]]  # (lookup key, whole số/ký hiệu?)
    number_only: bool = False  # the query is nothing but document numbers ("QĐ 1322")

    @property
    def highlight_terms(self) -> "HighlightTerms":
        """Words typed with diacritics highlight only that spelling ("hỗ" not "hồ"); words typed
        without highlight every accented form."""
        terms = HighlightTerms(set(), set())
        for word in [*self.words, *(w for group in self.phrases + self.expansions for w in group)]:
            (terms.exact if has_diacritics(word) else terms.folded).add(word if has_diacritics(word) else fold(word))
        return terms

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.number_keys)


@dataclass
class HighlightTerms:
    exact: set[str]
    folded: set[str]

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, folded term) of each syllable of `text` to highlight, in order. Found by
        regular expressions over the text (exact terms) and its folded copy (same offsets)."""
        found: dict[int, tuple[int, str]] = {}
        if self.exact:
            for m in _syllables_pattern(frozenset(self.exact)).finditer(text):
                found[m.start()] = (m.end(), fold(m.group()).lower())
        if self.folded:
            for m in _syllables_pattern(frozenset(self.folded)).finditer(fold(text)):
                found[m.start()] = (m.end(), m.group().lower())
        return [(start, end, key) for start, (end, key) in sorted(found.items())]


@lru_cache(maxsize=256)
def _syllables_pattern(words: frozenset[str]) -> re.Pattern:
    """Any of `words` as a whole syllable, any case."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


_ABBR_SPLIT_RE = re.compile(r"[^\w&-]+")
_TYPE_NUMBER_RE = re.compile(r"(?P<type>[a-z]+(?: [a-z]+){0,3})\s*(?:so\s*)?:?\s*(?P<num>\d{1,5}(?:/\d{4})?)(?![\d/])")
_NUMBER_TYPE_RE = re.compile(r"(?<![\w/])(?P<num>\d{1,5}(?:/\d{4})?)/(?P<code>[a-z]{2,4})(?![\w])")


def parse_query(raw: str) -> ParsedQuery:
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(f"Câu tìm kiếm quá dài: {len(raw)} ký tự (tối đa {MAX_QUERY_CHARS}).")
    text = normalize(raw).strip()
    data = query_data()

    number_keys: list[tuple[str, bool]] = []
    number_spans: list[tuple[int, int]] = []
    for m in NUMBER_RE.finditer(text.upper().replace("QD", "QĐ")):
        number_keys.append((number_key(m.group("num")), True))
        number_spans.append(m.span())
    folded_lower = fold(text).lower()
    type_codes = data["type_codes"]
    for m in _TYPE_NUMBER_RE.finditer(folded_lower):
        words = m.group("type").split()
        if words[-1] == "so":  # "quyết định số 1322"
            words = words[:-1]
        for n in range(len(words)):  # the longest type name that ends right before the number
            code = type_codes.get(" ".join(words[n:]))
            if code:
                number_keys.append((f"{m.group('num')}/{code}", False))
                type_start = m.start("type") + len(" ".join(m.group("type").split()[:n])) + (1 if n else 0)
                number_spans.append((type_start, m.end()))
                break
    for m in _NUMBER_TYPE_RE.finditer(folded_lower):
        number_keys.append((f"{m.group('num')}/{m.group('code').upper()}", False))
        number_spans.append(m.span())
    number_keys = list(dict.fromkeys(number_keys))
    residue = list(folded_lower)
    for start, end in number_spans:
        residue[start:end] = " " * (end - start)
    number_only = bool(number_keys) and not syllables("".join(residue))

    phrases: list[list[str]] = []

    def take_phrase(m: re.Match) -> str:
        words = [w for w, _, _ in syllables(m.group(1))]
        if words:
            phrases.append(words)
        return " "
    unquoted = re.sub(r"[\"“”]([^\"“”]*)[\"“”]", take_phrase, text)

    expansions = []
    abbreviations = {k.upper(): v for k, v in data["abbreviations"].items()}
    for token in _ABBR_SPLIT_RE.split(unquoted):
        expansion = abbreviations.get(token.upper())
        if expansion and fold(expansion) != fold(token.lower()):
            expansions.append([w for w, _, _ in syllables(expansion)])

    lowered = " " + " ".join(w for w, _, _ in syllables(unquoted)) + " "
    stripped = lowered
    for phrase in sorted(data["question_phrases"]["phrases"], key=len, reverse=True):
        p = " " + " ".join(w for w, _, _ in syllables(phrase)) + " "
        stripped = stripped.replace(p, " ")
    if stripped.strip():
        lowered = stripped
    words = lowered.split()
    return ParsedQuery(text, words, phrases, expansions, number_keys, number_only)


def _term_clauses(word: str, boost: float = 1.0) -> list[Term]:
    folded = fold(word)
    terms = []
    if not has_diacritics(word):  # an accented word matches its own spelling only
        terms += [
            Term("text_folded", folded, boost=W_TEXT_FOLDED * boost),
            Term("heading_folded", folded, boost=W_HEADING_FOLDED * boost),
            Term("doc_name_folded", folded, boost=W_DOC_NAME_FOLDED * boost),
        ]
    if has_diacritics(word) or word.isascii():
        terms += [
            Term("text", word, boost=W_TEXT * boost),
            Term("heading", word, boost=W_HEADING * boost),
            Term("doc_name", word, boost=W_DOC_NAME * boost),
        ]
    return terms


def _phrase(words: list[str], boost: float) -> Query:
    folded = Phrase("text_folded", tuple(fold(w) for w in words), boost=boost)
    if any(has_diacritics(w) for w in words):
        return AnyOf((Phrase("text", tuple(words), boost=boost), folded))
    return folded


def build_query(parsed: ParsedQuery, cited_keys: tuple[str, ...] = ()) -> Query:
    """`cited_keys`: numbers the query names that the corpus cites but does not hold
    (cited_numbers.py); the clauses citing them are found instead."""
    typed = parsed.words
    words = list(dict.fromkeys(typed))  # a word typed twice counts once
    should: list[Query] = [t for w in words for t in _term_clauses(w)]
    if W_BIGRAM:
        # A pair typed with its accents matches exactly; one typed without them, folded.
        pairs: dict[tuple[str, str], None] = {}
        for a, b in zip(typed, typed[1:]):
            if (a + b).isascii() or not all(has_diacritics(w) or w.isascii() for w in (a, b)):
                pairs[("bigrams_folded", f"{fold(a)}_{fold(b)}")] = None
            else:
                pairs[("bigrams", f"{a}_{b}")] = None
        should.extend(Term(name, pair, boost=W_BIGRAM) for name, pair in pairs)
    for group in parsed.expansions:
        should.extend(t for w in group for t in _term_clauses(w, 0.5))
    if len(typed) >= 2:
        should.append(_phrase(typed, W_PHRASE))
        for word, _, _ in compounds(" ".join(typed)):
            should.append(Term("compounds", word, boost=W_COMPOUND))
    for key, whole in parsed.number_keys:
        should.append(Term("number_keys", key, boost=W_NUMBER_FULL if whole else W_NUMBER_PART))
    should.extend(Term("cites", key, boost=W_NUMBER_PART) for key in cited_keys)
    required: list[Query] = [
        _phrase(p, W_PHRASE) if len(p) > 1 else AnyOf(tuple(_term_clauses(p[0]))) for p in parsed.phrases
    ]
    if parsed.number_only and not parsed.phrases:
        required.append(AnyOf(tuple(Term("number_keys", k) for k, _ in parsed.number_keys)
                              + tuple(Term("cites", k) for k in cited_keys)))
    if required:
        return WithOptional(AllOf(tuple(required)), AnyOf(tuple(should))) if should else AllOf(tuple(required))
    return AnyOf(tuple(should))
