"""Running a search over the published generation: matching, filters, facets, ranking,
nested clauses collapsed, hits grouped by document. No Flask here: the web app, the JSON API
and the benchmarks all call `search()`."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np

from ingest import indexformat_read as fmt
from ingest.model import Hit
from ingest.textnorm import any_spelling, fold

from .cited_numbers import CitedNumber, cited_numbers
from .corpus_validity import STATUS_CODES
from .engine import Deadline, Engine
from .generations import IndexHandle
from .grouping import GROUPS, page_of
from . import named_units
from .presentation import make_hit
from .query import QueryError, build_query, parse_query
from .querytree import Everything

MAX_PAGE = 50
PER_PAGE = 20
CANDIDATES = 300  # hits read before nested clauses are collapsed
TIME_LIMIT_S = 0.8  # matching stops here and returns what it has: every answer within 1 s (issue 6)
FACETS = ("type", "issuer", "year", "status")
FACET_FIELDS = {"type": "doc_type", "issuer": "issuer", "year": "year"}


@dataclass
class SearchResult:
    query: str
    page: int
    per_page: int
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    timed_out: bool = False
    seconds: float = 0.0
    generation: str = ""
    cited_numbers: list[CitedNumber] = field(default_factory=list)  # named, cited, not held
    more: dict[str, int] = field(default_factory=dict)  # doc_id → its clauses not on page 1
    pages: int = 0


def search(
    handle: IndexHandle,
    q: str,
    filters: dict[str, str] | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    sort: str = "relevance",
    as_of: date | None = None,
    group: str = "document",
    doc: str = "",
) -> SearchResult:
    """`as_of`: the day of the documents' status (its filter, facet and each hit's); default
    today. `group`: "document" (the page's order, grouping.py) or "none" (score order); `doc`:
    only the clauses of that document (its doc_id). A read error in the served generation (a
    damaged segment) refuses it: the search runs again on the generation served instead
    (`IndexHandle.refuse`)."""
    gen = handle.generation()
    args = (q, filters, page, per_page, sort, as_of, group, doc)
    try:
        return _search(handle, gen, *args)
    except QueryError:
        raise
    except fmt.READ_ERRORS as exc:
        if gen is None:
            raise
        return _search(handle, handle.refuse(gen, exc), *args)


def _search(handle: IndexHandle, gen, q: str, filters: dict[str, str] | None, page: int, per_page: int,
            sort: str, as_of: date | None, group: str, doc: str) -> SearchResult:
    started = time.monotonic()
    if page < 1 or page > MAX_PAGE:
        raise QueryError(f"Trang phải từ 1 đến {MAX_PAGE}.")
    if sort not in ("relevance", "newest"):
        raise QueryError("Cách sắp xếp không hợp lệ (relevance hoặc newest).")
    if group not in GROUPS:
        raise QueryError("Cách nhóm kết quả không hợp lệ (document hoặc none).")
    filters = {k: v for k, v in (filters or {}).items() if v and k in FACETS}
    if filters.get("status", STATUS_CODES[0]) not in STATUS_CODES:
        raise QueryError("Hiệu lực (status) phải là một trong: " + ", ".join(STATUS_CODES) + ".")
    result = SearchResult(query=q, page=page, per_page=per_page)
    parsed = parse_query(q)
    if gen is None or (parsed.is_empty and not filters and not doc):
        return result
    result.generation = gen.name
    result.cited_numbers = cited_numbers(gen, parsed.number_keys)
    cited_keys = tuple(c.key for c in result.cited_numbers)
    query = build_query(parsed, cited_keys) if not parsed.is_empty else Everything()
    searcher = handle.searcher(gen)
    engine = gen.engine
    deadline = Deadline(time.monotonic() + TIME_LIMIT_S)
    scores, matched = engine.evaluate(searcher, query, deadline)
    matched &= engine.live
    status_codes = gen.validity.codes(as_of)  # per engine document
    for name, value in filters.items():
        if name == "status":
            matched &= (status_codes == value)[engine.record_doc]
        else:
            matched[~_term_mask(engine, searcher, FACET_FIELDS[name], value)] = False
    if doc:
        matched &= engine.record_doc == (engine.doc_ids.index(doc) if doc in engine.doc_ids else -2)
    records = np.flatnonzero(matched)
    result.timed_out = deadline.expired

    doc_indexes = np.flatnonzero(np.bincount(engine.record_doc[records], minlength=len(engine.doc_ids)))
    for name in FACETS:
        if name == "status":
            values, counts = np.unique(status_codes[doc_indexes], return_counts=True)
            found = {str(v): int(c) for v, c in zip(values, counts) if v}
        else:
            values, codes = gen.facet_codes[name]
            counts = np.bincount(codes[doc_indexes], minlength=len(values))
            found = {values[i]: int(c) for i, c in enumerate(counts.tolist()) if c and values[i]}
        ranked = sorted(found.items(), key=lambda kv: (-int(kv[0]) if name == "year" else
                                                       STATUS_CODES.index(kv[0]) if name == "status" else -kv[1], kv[0]))
        result.facets[name] = [list(kv) for kv in ranked]

    # A quoted phrase of three words or more was matched by its word pairs: the candidates
    # are checked against their text, so read more of them.
    long_phrases = [_phrase_pattern(p) for p in parsed.phrases if len(p) > 2]
    wanted = CANDIDATES * (4 if long_phrases else 1)
    record_scores = scores[records]
    if len(records) > wanted and sort == "relevance":
        best = np.argpartition(-record_scores, wanted - 1)[:wanted]
        records, record_scores = records[best], record_scores[best]
    if sort == "newest":  # newest first, then by score; ties in index order
        order = np.lexsort((records, -record_scores, -gen.issued_rank[engine.record_doc[records]]))
    else:
        order = np.lexsort((records, -record_scores))
    order = order[:wanted]
    candidates = []  # (record, score, doc_id, anchor), best first
    for record, score in zip(records[order].tolist(), record_scores[order].tolist()):
        if long_phrases:
            text = fmt.stored_fields(searcher, record)["text"]
            if not all(p.search(text) for p in long_phrases):
                continue
        candidates.append((record, score, engine.doc_ids[engine.record_doc[record]], engine.anchor_of(record)))
        if len(candidates) == CANDIDATES:
            break

    if sort == "relevance" and named_units.enabled() and not parsed.is_empty:
        candidates = named_units.rerank(parsed.text, candidates, searcher, gen)
    kept = _collapse_nested(candidates)
    result.total = len(kept)
    shown = page_of(kept, lambda c: c[2], page, per_page, "none" if doc else group)
    result.more, result.pages = shown.more, shown.pages
    terms = parsed.highlight_terms
    result.hits = [make_hit(fmt.stored_fields(searcher, record), score, gen.entry(doc_id), terms,
                            gen.status(doc_id, as_of))
                   for record, score, doc_id, _ in shown.items]
    result.seconds = time.monotonic() - started
    return result


def _phrase_pattern(words: list[str]) -> re.Pattern:
    """The words one after the other, any spelling, any case, as whole syllables."""
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(any_spelling(fold(w).lower()) for w in words) + r"(?![^\W_])")


def _term_mask(engine: Engine, searcher, field: str, value: str) -> np.ndarray:
    mask = np.zeros(engine.size, dtype=bool)
    mask[engine.term(searcher, field, value)[0]] = True
    return mask


def _collapse_nested(candidates: list[tuple]) -> list[tuple]:
    """A clause and the article containing it often both match: keep the better of each chain.
    Candidates are (record, score, doc_id, anchor), best first."""
    kept = []
    taken: set[tuple[str, str]] = set()  # (doc_id, anchor) of kept hits
    covered: set[tuple[str, str]] = set()  # (doc_id, ancestor anchor) of kept hits
    for candidate in candidates:
        doc_id, anchor = candidate[2], candidate[3]
        ancestors = _ancestors(anchor)
        if (doc_id, anchor) in covered or any((doc_id, a) in taken for a in ancestors):
            continue
        taken.add((doc_id, anchor))
        covered.update((doc_id, a) for a in ancestors)
        kept.append(candidate)
    return kept


@lru_cache(maxsize=65536)
def _ancestors(anchor: str) -> tuple[str, ...]:
    """ "dieu-3.khoan-1.diem-a" → ("dieu-3", "dieu-3.khoan-1")."""
    parts = anchor.split(".")
    return tuple(".".join(parts[:i]) for i in range(1, len(parts)))
