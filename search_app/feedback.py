"""Pseudo-relevance feedback: the syllables that the first pass's best clauses share, and the
question does not hold, added to the first-pass scores with a small weight.

After the first pass the best `FEEDBACK_DOCS` clauses are read (their stored text); their
syllables not in the question are ranked by tf·idf (tf summed over those clauses, idf as the
engine's BM25: 1 + ln(records / (df + 1))); the best `FEEDBACK_TERMS` are scored as optional
terms of the `text` field, each with weight `W_FEEDBACK`, and added to the score of the
records the first pass matched (no record is added). W_FEEDBACK 0 leaves the first pass as is.
bench/README.md (relevance) measures it.
"""

from __future__ import annotations

import weakref
from collections import Counter

import numpy as np

from ingest import indexformat_read as fmt
from ingest.analysis import syllables
from ingest.textnorm import fold

from .querytree import AnyOf, Term

FEEDBACK_DOCS = 5  # clauses read after the first pass
FEEDBACK_TERMS = 10  # syllables added
W_FEEDBACK = 0.0  # their weight; 0 = off
FEEDBACK_PAIRS = 0  # 1: syllable pairs (the bigrams field) instead of syllables
FEEDBACK_WEIGHTED = 0  # 1: each term's weight W_FEEDBACK · its tf·idf / the best one's

# engine → {syllable: records holding it in `text`}: read once per generation and process
# (the syllable lexicon is small), so that idf costs a dict lookup.
_FREQUENCIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def enabled() -> bool:
    return W_FEEDBACK > 0 and FEEDBACK_DOCS > 0 and FEEDBACK_TERMS > 0


def best_records(scores: np.ndarray, matched: np.ndarray, count: int) -> list[int]:
    """The `count` matched records of highest score, best first (ties: index order)."""
    records = np.flatnonzero(matched)
    if len(records) > count:
        records = records[np.argpartition(-scores[records], count - 1)[:count]]
    order = np.lexsort((records, -scores[records]))
    return records[order].tolist()


def feedback_terms(texts: list[str], question_words: list[str], count: int,
                   document_frequency, records: int, pairs: bool = False) -> list[tuple[str, float]]:
    """(term, tf·idf) of the `count` terms of `texts` with the highest tf·idf, best first:
    syllables not among the question's words (compared accent-folded), or with `pairs`
    adjacent syllable pairs not among the question's pairs; no numbers, no single letters.
    `document_frequency(term)`: records holding it."""
    asked = {fold(w) for w in question_words}
    asked_pairs = {f"{fold(a)}_{fold(b)}" for a, b in zip(question_words, question_words[1:])}
    tf: Counter[str] = Counter()
    for text in texts:
        words = [w for w, _, _ in syllables(text)]
        if pairs:
            tf.update(f"{a}_{b}" for a, b in zip(words, words[1:])
                      if all(len(w) > 1 and not w.isdigit() for w in (a, b))
                      and f"{fold(a)}_{fold(b)}" not in asked_pairs and not (fold(a) in asked and fold(b) in asked))
        else:
            tf.update(w for w in words if len(w) > 1 and not w.isdigit() and fold(w) not in asked)
    weight = {w: n * (1.0 + float(np.log(records / (document_frequency(w) + 1)))) for w, n in tf.items()}
    return [(w, weight[w]) for w in sorted(weight, key=lambda w: (-weight[w], w))[:count]]


def rescored(engine, searcher, question_words: list[str], scores: np.ndarray, matched: np.ndarray,
             deadline) -> np.ndarray:
    """The first pass's `scores` plus the feedback terms' where `matched` (a new array)."""
    field = "bigrams" if FEEDBACK_PAIRS else "text"
    frequencies = _FREQUENCIES.get(engine)
    if frequencies is None:
        frequencies = _FREQUENCIES[engine] = dict(fmt.document_frequencies(searcher, "text"))

    def frequency(term: str) -> int:
        if term not in frequencies:
            frequencies[term] = fmt.document_frequency(searcher, field, term)
        return frequencies[term]
    texts = [fmt.stored_fields(searcher, r)["text"] for r in best_records(scores, matched, int(FEEDBACK_DOCS))]
    terms = feedback_terms(texts, question_words, int(FEEDBACK_TERMS), frequency, engine.size, bool(FEEDBACK_PAIRS))
    if not terms:
        return scores
    best = terms[0][1]
    extra, _ = engine.evaluate(searcher, AnyOf(tuple(
        Term(field, w, boost=W_FEEDBACK * (weight / best if FEEDBACK_WEIGHTED else 1.0)) for w, weight in terms)), deadline)
    return scores + extra * matched
