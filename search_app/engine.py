"""Query trees scored with numpy over the index's own posting lists.

Whoosh's matchers score one posting at a time in Python: ~30–50 µs per matching record and
clause, so a question made of common syllables over 300,000 records took a second
(issue 6). Here a posting list is a slice of the generation's derived postings files
(`ingest.postings_file`, memory-mapped: every server process shares them), turned into
(record numbers, BM25 contribution) arrays, the longest kept in a small per-process cache,
and a query is a few array additions. An index without derived files is read through the
caller's Whoosh searcher instead (`ingest.indexformat_read`). Its statistics and the formula
stay Whoosh's:

    BM25F term score = idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)) · boost
    idf = 1 + ln(records / (df + 1)),  len = Whoosh's one-byte field length

The query trees of `querytree.py` (made by `query.build_query`) are evaluated here: Term,
AnyOf (sum), AllOf (all must match, sum), WithOptional (the first must match, plus the second
where it matches), Phrase (every adjacent pair of its words, from the pairs fields; scored as
the sum of its words, as Whoosh scores a phrase) and Everything. One difference from Whoosh:
the average field length is over the whole index, not per segment, so a score no longer
depends on how the batch job split its segments.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from functools import lru_cache

import numpy as np

from ingest.postings_file import WhooshPostings
from ingest.textnorm import fold

from .querytree import AllOf, AnyOf, Everything, Phrase, Query, Term, WithOptional

BM25_K1, BM25_B = 0.6, 0.75  # chosen by cross-validation: bench/first_pass_cv.py, bench/README.md
DEFAULT_CACHE_MB = 32  # per process, beside the shared lists: bench/README.md (scale) measures it
CACHE_MIN_POSTINGS = 200  # shorter lists are scored again each time (a phrase asks for its pairs again): bench/README.md
SPELLINGS_CACHED = 65536  # folded forms whose spellings a process keeps (a few MB)
# The field holding each adjacent word pair of a text field ("hợp_đồng"): phrases use it.
PAIR_FIELDS = {"text": "bigrams", "text_folded": "bigrams_folded"}
# Accent-folded fields are not written to the index: the postings of "hoa" in text_folded are
# those of hòa, hóa, hoa, họa… in text, added up per record. Counts, lengths and document
# frequencies come out as those of a field written folded, and so does the BM25 score.
FOLDED_FIELDS = {"text_folded": "text", "heading_folded": "heading", "doc_name_folded": "doc_name",
                 "bigrams_folded": "bigrams"}
SYLLABLE_FIELDS = ("text", "heading", "doc_name")  # their lexicons are small: read whole
_EMPTY_IDS = np.empty(0, dtype=np.int32)
_EMPTY_SCORES = np.empty(0, dtype=np.float32)


def _summed(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """One posting list from several: record numbers sorted, frequencies added up."""
    if not parts:
        return _EMPTY_IDS, _EMPTY_SCORES
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p[0] for p in parts])
    tfs = np.concatenate([p[1] for p in parts])
    unique, where = np.unique(ids, return_inverse=True)
    return unique.astype(np.int32), np.bincount(where, weights=tfs).astype(np.float32)


def _intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The records in both sorted lists: the shorter looked up in the longer (np.intersect1d
    sorts both together: a common pair's list is 100,000 records)."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    where = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return a[b[where] == a]


class Deadline:
    """Leaves are skipped once `at` (time.monotonic) has passed; `expired` tells the caller.
    The first `grace` leaves are always read: a slow start (a generation opened cold, a starved
    machine) still returns what they found rather than nothing."""

    def __init__(self, at: float, grace: int = 8):
        self.at = at
        self.grace = grace
        self.expired = False

    def passed(self) -> bool:
        if self.grace > 0:
            self.grace -= 1
            return False
        if not self.expired and time.monotonic() > self.at:
            self.expired = True
        return self.expired


def cache_bytes_from_env() -> int:
    raw = os.environ.get("SEARCH_CACHE_MB", str(DEFAULT_CACHE_MB))
    if not raw.strip().isdigit():
        raise ValueError(f"SEARCH_CACHE_MB must be a whole number of megabytes, not {raw!r}")
    return int(raw) * 2**20


class PostingsCache:
    """LRU of per-term arrays, bounded by their size in bytes. Safe across threads."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry) -> None:
        size = entry[0].nbytes + entry[1].nbytes
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (ids, scores) = self._entries.popitem(last=False)
                self.bytes -= ids.nbytes + scores.nbytes


class Engine:
    """Per-generation arrays: which records are live, which document each belongs to, field
    lengths; and the scored-lists cache. Postings come from `postings` (a generation's
    `ingest.postings_file.DerivedPostings`), or when it is None from the caller's (per-thread)
    Whoosh searcher."""

    def __init__(self, searcher, k1: float, b: float, cache_bytes: int | None = None, postings=None):
        self.k1, self.b = k1, b
        self.postings = postings
        source = self._source(searcher)
        self.size = source.record_count()
        self.cache = PostingsCache(cache_bytes_from_env() if cache_bytes is None else cache_bytes)
        self.shared: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}  # scored_lists.py
        self._lengths: dict[str, np.ndarray] = {}
        self._spellings: dict[str, dict[str, list[str]]] = {}
        self._lock = threading.Lock()
        self._derived_spellings = lru_cache(maxsize=SPELLINGS_CACHED)(
            lambda field, folded: tuple(self._lexicon_spellings(self.postings, field, folded)))
        self.live = np.ones(self.size, dtype=bool)
        self.live[source.deleted_records()] = False
        # The document and the anchor of each record, as indexes into `doc_ids` and `anchors`.
        self.doc_ids, self.record_doc = source.record_terms("doc_id")
        self.anchors, self.record_anchor = source.record_terms("anchor")

    def anchor_of(self, record: int) -> str:
        return self.anchors[self.record_anchor[record]]

    def _source(self, searcher):
        return self.postings if self.postings is not None else WhooshPostings(searcher)

    # Posting lists

    def _postings(self, source, field: str, term: str) -> tuple[np.ndarray, np.ndarray, int]:
        """Record numbers (sorted) and term frequencies of `term`, deleted records left out,
        and its document frequency as Whoosh counts it (deleted records included)."""
        ids, tfs = source.postings(field, term)
        keep = self.live[ids]
        return (ids, tfs, len(ids)) if keep.all() else (ids[keep], tfs[keep], len(ids))

    def field_lengths(self, source, field: str) -> np.ndarray:
        lengths = self._lengths.get(field)
        if lengths is None:
            with self._lock:
                lengths = self._lengths.get(field)
                if lengths is None:
                    lengths = self._lengths[field] = source.field_lengths(field)
        return lengths

    def spellings(self, searcher, field: str, folded: str) -> list[str]:
        """The terms of `field` that fold to `folded`: "hoa" → hòa, hóa, hoa…; for a pairs
        field, "hoa_binh" → the pairs of those spellings that occur."""
        return list(self._spellings_in(self._source(searcher), field, folded))

    def _spellings_in(self, source, field: str, folded: str) -> list[str]:
        if source is self.postings:  # a lexicon search per segment: ~100 µs, asked again and again
            return self._derived_spellings(field, folded)
        return self._lexicon_spellings(source, field, folded)

    def _lexicon_spellings(self, source, field: str, folded: str) -> list[str]:
        found = source.spellings(field, folded)
        if found is not None:
            return found
        if field in SYLLABLE_FIELDS:
            return self._syllable_spellings(source, field).get(folded, [])
        table = self._syllable_spellings(source, SYLLABLE_FIELDS[0])
        first, _, second = folded.partition("_")
        pairs = [f"{a}_{b}" for a in table.get(first, []) for b in table.get(second, [])]
        return [pair for pair in pairs if source.has_term(field, pair)]

    def _syllable_spellings(self, source, field: str) -> dict[str, list[str]]:
        table = self._spellings.get(field)
        if table is None:
            with self._lock:
                table = self._spellings.get(field)
                if table is None:
                    table = {}
                    if source.has_field(field):
                        for term in source.terms(field):
                            table.setdefault(fold(term), []).append(term)
                    self._spellings[field] = table
        return table

    def term(self, searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Record numbers and unboosted BM25F scores of a term: from the generation's shared
        scored lists (`scored_lists.py`), the process's cache, or scored now."""
        key = (field, text)
        entry = self.shared.get(key) or self.cache.get(key)
        if entry is not None:
            return entry
        entry = self.score(self._source(searcher), field, text)
        if len(entry[0]) >= CACHE_MIN_POSTINGS:
            self.cache.put(key, entry)
        return entry

    def score(self, source, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Record numbers and unboosted BM25F scores of a term, read from `source`."""
        source_field = FOLDED_FIELDS.get(field, field)
        if not source.has_field(source_field):
            return _EMPTY_IDS, _EMPTY_SCORES
        if source_field != field:
            parts = [self._postings(source, source_field, term)[:2]
                     for term in self._spellings_in(source, source_field, text)]
            ids, tfs = _summed(parts)
            df = len(ids)
        else:
            ids, tfs, df = self._postings(source, source_field, text)
        if len(ids) and source.is_scorable(source_field):
            idf = 1.0 + math.log(self.size / (df + 1))
            avg = (source.total_field_length(source_field) / self.size) or 1.0
            norm = self.k1 * ((1 - self.b) + self.b * self.field_lengths(source, source_field)[ids] / avg)
            scores = (idf * (tfs * (self.k1 + 1)) / (tfs + norm)).astype(np.float32)
        else:  # Whoosh scores an unscorable field (number_keys) by the term's weight
            scores = tfs
        return ids, scores

    # Query evaluation

    def evaluate(self, searcher, query: Query, deadline: Deadline) -> tuple[np.ndarray, np.ndarray]:
        """(score per record, matched per record) of a query over the whole index."""
        if isinstance(query, AllOf):
            parts = [self.evaluate(searcher, child, deadline) for child in query.children]
            matched = np.logical_and.reduce([m for _, m in parts])
            scores = np.add.reduce([s for s, _ in parts]) * matched
        elif isinstance(query, WithOptional):
            scores, matched = self.evaluate(searcher, query.required, deadline)
            optional, _ = self.evaluate(searcher, query.optional, deadline)
            scores = (scores + optional) * matched
        elif isinstance(query, Everything):
            scores, matched = np.zeros(self.size, dtype=np.float32), self.live.copy()
        else:
            scores, matched = np.zeros(self.size, dtype=np.float32), np.zeros(self.size, dtype=bool)
            self._accumulate(searcher, query, 1.0, scores, matched, deadline)
            matched |= scores > 0  # every leaf's scores are positive: one pass instead of one per leaf
            return scores, matched
        if query.boost != 1.0:
            scores *= query.boost
        return scores, matched

    def _accumulate(self, searcher, query: Query, boost, scores, matched, deadline: Deadline) -> None:
        """Adds a disjunction's leaves into `scores` (AnyOf is a sum) and its composite children
        into `scores` / `matched`; a leaf's records are marked matched by `evaluate` (positive
        score: BM25F and boosts are positive)."""
        boost *= query.boost
        if isinstance(query, AnyOf):
            for child in query.children:
                self._accumulate(searcher, child, boost, scores, matched, deadline)
            return
        if isinstance(query, (AllOf, WithOptional, Everything)):
            sub_scores, sub_matched = self.evaluate(searcher, query, deadline)
            scores += sub_scores * boost
            matched |= sub_matched
            return
        if deadline.passed():
            return
        if isinstance(query, Term):
            ids, term_scores = self.term(searcher, query.field, query.text)
        elif isinstance(query, Phrase):
            ids, term_scores = self.phrase(searcher, query.field, list(query.words))
        else:
            raise TypeError(f"query type not supported by the engine: {type(query).__name__}")
        if len(ids):  # ids are unique: ufunc.at is 2–3× faster than `scores[ids] +=` (numpy 2)
            np.add.at(scores, ids, term_scores * boost if boost != 1.0 else term_scores)

    def phrase(self, searcher, field: str, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Records holding every adjacent pair of the words, scored as the sum of the words.

        Exact for two words; for more, a record could hold the pairs apart, so `search()`
        checks quoted phrases in the text of the hits it returns. (The text fields keep no
        positions: a pair is one term of the pairs field.)
        """
        if len(words) < 2:
            return self.term(searcher, field, words[0]) if words else (_EMPTY_IDS, _EMPTY_SCORES)
        pair_field = PAIR_FIELDS.get(field)
        if pair_field is None:
            raise ValueError(f"no pairs field for phrases in {field!r}")
        candidates = None
        for a, b in zip(words, words[1:]):  # a long phrase usually runs out of records early
            ids = self.term(searcher, pair_field, f"{a}_{b}")[0]
            candidates = ids if candidates is None else _intersection(candidates, ids)
            if not len(candidates):
                return _EMPTY_IDS, _EMPTY_SCORES
        scores = np.zeros(len(candidates), dtype=np.float32)
        for word in words:  # every record holding a pair holds both its words
            ids, term_scores = self.term(searcher, field, word)
            scores += term_scores[np.searchsorted(ids, candidates)]
        return candidates, scores
