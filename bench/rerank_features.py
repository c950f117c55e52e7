"""Per-clause features for a second ranking pass, an experiment of bench/rank_cv.py: what the
engine already has (BM25F per field, pairs, phrase, compounds, numbers, how many query words a
clause holds, its length and depth). No model trained on them won out of fold (bench/README.md),
so the search does not use them.

The first feature groups are the parts of the engine's own score: with weight 1 on each and 0
on the rest, the model gives back the first-pass score exactly.
"""

from __future__ import annotations

import numpy as np

from search_app.querytree import AllOf, AnyOf, Everything, Phrase, Query, Term, WithOptional

# Which feature group each field's clauses score into.
FIELD_GROUP = {
    "text": "text", "text_folded": "text_folded",
    "heading": "heading", "heading_folded": "heading",
    "doc_name": "doc_name", "doc_name_folded": "doc_name",
    "bigrams": "pairs", "bigrams_folded": "pairs",
    "compounds": "compounds", "number_keys": "numbers", "cites": "numbers",
}
SCORE_GROUPS = ("text", "text_folded", "heading", "doc_name", "pairs", "phrase", "compounds", "numbers")
EXTRA = ("word_share", "pair_share", "log_length", "depth", "is_leaf_kind", "doc_hits")
FEATURES = SCORE_GROUPS + EXTRA
TEXT_FIELDS = ("text", "text_folded")


def leaves(query: Query, boost: float = 1.0):
    """(leaf, product of the boosts above and on it) for every Term and Phrase of the tree."""
    if isinstance(query, (Term, Phrase)):
        yield query, boost * query.boost
    elif isinstance(query, (AnyOf, AllOf)):
        for child in query.children:
            yield from leaves(child, boost * query.boost)
    elif isinstance(query, WithOptional):
        yield from leaves(query.required, boost * query.boost)
        yield from leaves(query.optional, boost * query.boost)
    elif not isinstance(query, Everything):
        raise TypeError(type(query).__name__)


def features(engine, searcher, query: Query, records: np.ndarray, anchors: list[str]) -> np.ndarray:
    """A (len(records), len(FEATURES)) matrix for candidate records of one query."""
    n = len(records)
    out = np.zeros((n, len(FEATURES)), dtype=np.float64)
    column = {name: i for i, name in enumerate(FEATURES)}
    words: dict[str, np.ndarray] = {}  # query word (folded) → held by each candidate
    pairs: dict[str, np.ndarray] = {}
    for leaf, boost in leaves(query):
        if isinstance(leaf, Phrase):
            ids, scores = engine.phrase(searcher, leaf.field, list(leaf.words))
            group = "phrase"
        else:
            ids, scores = engine.term(searcher, leaf.field, leaf.text)
            group = FIELD_GROUP.get(leaf.field)
            if group is None:
                continue
        if not len(ids):
            held = np.zeros(n, dtype=bool)
        else:
            where = np.minimum(np.searchsorted(ids, records), len(ids) - 1)
            held = ids[where] == records
            out[held, column[group]] += scores[where[held]] * boost
        if isinstance(leaf, Term) and leaf.field in TEXT_FIELDS:
            key = leaf.text
            words[key] = words.get(key, np.zeros(n, dtype=bool)) | held
        elif isinstance(leaf, Term) and group == "pairs":
            pairs[leaf.text] = pairs.get(leaf.text, np.zeros(n, dtype=bool)) | held
    if words:
        out[:, column["word_share"]] = np.mean(list(words.values()), axis=0)
    if pairs:
        out[:, column["pair_share"]] = np.mean(list(pairs.values()), axis=0)
    lengths = engine.field_lengths(searcher, "text")[records]
    out[:, column["log_length"]] = np.log1p(lengths)
    out[:, column["depth"]] = [a.count(".") + 1 for a in anchors]
    out[:, column["is_leaf_kind"]] = [_leaf_kind(a) for a in anchors]
    docs = engine.record_doc[records]
    _, inverse, counts = np.unique(docs, return_inverse=True, return_counts=True)
    out[:, column["doc_hits"]] = np.log(counts[inverse])
    return out


def _leaf_kind(anchor: str) -> float:
    """1 for a Khoản/Điểm/table row (the clause users ask for), 0 for an Điều or a section."""
    last = anchor.rsplit(".", 1)[-1]
    return 1.0 if last.startswith(("khoan", "diem", "dong")) else 0.0


def baseline_weights() -> np.ndarray:
    """The first-pass score: every score group at 1, the rest 0."""
    return np.array([1.0 if name in SCORE_GROUPS else 0.0 for name in FEATURES])
