"""Clause search over a published index generation. No Flask here: the web app, the JSON API
and the benchmarks all call `search()`."""

from __future__ import annotations

import logging
import re
import threading
import time
import tomllib
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape
import numpy as np
from whoosh import index as whoosh_index, query as Q
from whoosh.scoring import BM25F

from ingest.analysis import SYLLABLE_RE, compounds, syllables
from ingest.document import meta_display_name
from ingest.index import current_generation, read_json
from ingest.model import DocMeta
from ingest.references import NUMBER_RE, number_key
from ingest.textnorm import fold, has_diacritics, normalize

from .engine import WARM_SHARE, Deadline, Engine

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500
MAX_PAGE = 50
PER_PAGE = 20
CANDIDATES = 300  # hits read before nested clauses are collapsed
TIME_LIMIT_S = 0.8  # matching stops here and returns what it has: every answer within 1 s (issue 6)
FACETS = ("type", "issuer", "year")
FACET_FIELDS = {"type": "doc_type", "issuer": "issuer", "year": "year"}

# Field weights of the ranking (bench/relevance.py measures them).
W_TEXT, W_TEXT_FOLDED = 1.0, 0.7
W_HEADING, W_HEADING_FOLDED = 0.6, 0.4
W_DOC_NAME, W_DOC_NAME_FOLDED = 0.5, 0.35
W_COMPOUND = 0.4
W_PHRASE = 2.0
W_BIGRAM = 1.0  # adjacent syllable pairs ("bigrams", "bigrams_folded" fields); 0 = not queried
W_NUMBER_FULL, W_NUMBER_PART = 40.0, 20.0
BM25_K1, BM25_B = 0.8, 0.75


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


def _term_clause(word: str, boost: float = 1.0) -> Q.Query:
    folded = fold(word)
    subs = []
    if not has_diacritics(word):  # an accented word matches its own spelling only
        subs += [
            Q.Term("text_folded", folded, boost=W_TEXT_FOLDED * boost),
            Q.Term("heading_folded", folded, boost=W_HEADING_FOLDED * boost),
            Q.Term("doc_name_folded", folded, boost=W_DOC_NAME_FOLDED * boost),
        ]
    if has_diacritics(word) or word.isascii():
        subs += [
            Q.Term("text", word, boost=W_TEXT * boost),
            Q.Term("heading", word, boost=W_HEADING * boost),
            Q.Term("doc_name", word, boost=W_DOC_NAME * boost),
        ]
    return Q.Or(subs)


def _phrase(words: list[str], boost: float) -> Q.Query:
    folded = Q.Phrase("text_folded", [fold(w) for w in words], boost=boost)
    if any(has_diacritics(w) for w in words):
        return Q.Or([Q.Phrase("text", words, boost=boost), folded])
    return folded


def build_query(parsed: ParsedQuery) -> Q.Query:
    typed = parsed.words
    words = list(dict.fromkeys(typed))  # a word typed twice counts once
    should: list[Q.Query] = [t for w in words for t in _term_clause(w).subqueries]
    if W_BIGRAM:
        # A pair typed with its accents matches exactly; one typed without them, folded.
        pairs: dict[tuple[str, str], None] = {}
        for a, b in zip(typed, typed[1:]):
            if (a + b).isascii() or not all(has_diacritics(w) or w.isascii() for w in (a, b)):
                pairs[("bigrams_folded", f"{fold(a)}_{fold(b)}")] = None
            else:
                pairs[("bigrams", f"{a}_{b}")] = None
        should.extend(Q.Term(name, pair, boost=W_BIGRAM) for name, pair in pairs)
    for group in parsed.expansions:
        should.extend(t for w in group for t in _term_clause(w, 0.5).subqueries)
    if len(typed) >= 2:
        should.append(_phrase(typed, W_PHRASE))
        for word, _, _ in compounds(" ".join(typed)):
            should.append(Q.Term("compounds", word, boost=W_COMPOUND))
    for key, whole in parsed.number_keys:
        should.append(Q.Term("number_keys", key, boost=W_NUMBER_FULL if whole else W_NUMBER_PART))
    required: list[Q.Query] = [_phrase(p, W_PHRASE) if len(p) > 1 else _term_clause(p[0]) for p in parsed.phrases]
    if parsed.number_only and not parsed.phrases:
        required.append(Q.Or([Q.Term("number_keys", k) for k, _ in parsed.number_keys]))
    if required:
        return Q.AndMaybe(Q.And(required), Q.Or(should)) if should else Q.And(required)
    return Q.Or(should)


@dataclass
class Generation:
    name: str
    path: Path
    index: whoosh_index.Index
    catalog: dict[str, dict]
    cited_by: dict[str, list[str]]  # number key → doc_ids citing it
    by_number: dict[str, str]  # number key → doc_id
    engine: Engine
    issued_rank: np.ndarray  # per engine document index: rank of its date of issue
    warmed: threading.Event = field(default_factory=threading.Event)
    warm_seconds: float = 0.0


class IndexHandle:
    """The published generation, reopened when the batch job publishes a new one."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._local = threading.local()

    def generation(self) -> Generation | None:
        path = current_generation(self.index_dir)
        if path is None:
            return None
        gen = self._generation
        if gen is None or gen.path != path:
            with self._lock:
                if self._generation is None or self._generation.path != path:
                    self._generation = _open_generation(path)
                    threading.Thread(target=self._warm, args=(self._generation,), daemon=True,
                                     name=f"warm-{path.name}").start()
                gen = self._generation
        return gen

    def _warm(self, gen: Generation) -> None:
        """Fills the new generation's postings cache in the background; it serves meanwhile."""
        started = time.monotonic()
        try:
            with gen.index.searcher() as searcher:
                gen.engine.warm(searcher, int(gen.engine.cache.max_bytes * WARM_SHARE),
                                keep_going=lambda: self._generation is gen)
        except Exception:  # a generation removed under us: the next one is warmed instead
            log.warning("warming %s failed", gen.name, exc_info=True)
        finally:
            gen.warm_seconds = time.monotonic() - started
            gen.warmed.set()

    def wait_until_warm(self, timeout: float | None = None) -> float | None:
        """Seconds the published generation took to warm, once it has (None on timeout)."""
        gen = self.generation()
        if gen is None or not gen.warmed.wait(timeout):
            return None
        return gen.warm_seconds

    def searcher(self, gen: Generation):
        cached = getattr(self._local, "searcher", None)
        if cached is not None and cached[0] == gen.name:
            return cached[1]
        if cached is not None:
            cached[1].close()
        searcher = gen.index.searcher(weighting=BM25F(B=BM25_B, K1=BM25_K1))
        self._local.searcher = (gen.name, searcher)
        return searcher

    def document(self, doc_id: str) -> dict | None:
        gen = self.generation()
        if gen is None or doc_id not in gen.catalog:
            return None
        return read_json(gen.path / "docs" / f"{doc_id}.json")


def _open_generation(path: Path) -> Generation:
    catalog = read_json(path / "catalog.json")
    cited_by: dict[str, list[str]] = {}
    by_number: dict[str, str] = {}
    for doc_id, entry in catalog.items():
        for key in entry["cites"]:
            cited_by.setdefault(key, []).append(doc_id)
        if entry["number"]:
            by_number[number_key(entry["number"])] = doc_id
    index = whoosh_index.open_dir(str(path))
    with index.searcher() as searcher:
        engine = Engine(searcher, k1=BM25_K1, b=BM25_B)
    issued = [catalog.get(doc_id, {}).get("issued", "") for doc_id in engine.doc_ids]
    issued_rank = np.zeros(len(issued), dtype=np.int32)
    for rank, i in enumerate(sorted(range(len(issued)), key=issued.__getitem__)):
        issued_rank[i] = rank
    return Generation(path.name, path, index, catalog, cited_by, by_number, engine, issued_rank)


@dataclass
class SearchResult:
    query: str
    page: int
    per_page: int
    total: int = 0
    hits: list[dict] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    timed_out: bool = False
    seconds: float = 0.0
    generation: str = ""


def format_date(iso: str) -> str:
    """ "2020-08-31" → "31/8/2020"."""
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{int(d)}/{int(m)}/{y}"


def citation(label: str, meta: DocMeta, page: int | None) -> str:
    """ "Điểm a Khoản 2 Điều 1 — Quyết định 1322/QĐ-TTg ngày 31/8/2020, tr. 2"."""
    doc = meta_display_name(meta)
    if meta.issued:
        doc += f" ngày {format_date(meta.issued)}"
    text = f"{label} — {doc}" if label and label not in ("Phần mở đầu",) else doc
    if label == "Phần mở đầu":
        text = f"Phần mở đầu — {doc}"
    return f"{text}, tr. {page}" if page else text


def search(
    handle: IndexHandle,
    q: str,
    filters: dict[str, str] | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    sort: str = "relevance",
) -> SearchResult:
    started = time.monotonic()
    if page < 1 or page > MAX_PAGE:
        raise QueryError(f"Trang phải từ 1 đến {MAX_PAGE}.")
    if sort not in ("relevance", "newest"):
        raise QueryError("Cách sắp xếp không hợp lệ (relevance hoặc newest).")
    filters = {k: v for k, v in (filters or {}).items() if v and k in FACET_FIELDS}
    result = SearchResult(query=q, page=page, per_page=per_page)
    gen = handle.generation()
    parsed = parse_query(q)
    if gen is None or (parsed.is_empty and not filters):
        return result
    result.generation = gen.name
    whoosh_query = build_query(parsed) if not parsed.is_empty else Q.Every()
    searcher = handle.searcher(gen)
    engine = gen.engine
    deadline = Deadline(time.monotonic() + TIME_LIMIT_S)
    scores, matched = engine.evaluate(searcher, whoosh_query, deadline)
    matched &= engine.live
    for name, value in filters.items():
        matched[~_term_mask(engine, searcher, FACET_FIELDS[name], value)] = False
    records = np.flatnonzero(matched)
    result.timed_out = deadline.expired

    doc_indexes = np.unique(engine.record_doc[records])
    for name in FACETS:
        counts: dict[str, int] = {}
        for doc_index in doc_indexes.tolist():
            entry = gen.catalog.get(engine.doc_ids[doc_index], {})
            value = entry.get(FACET_FIELDS[name] if name != "year" else "issued", "")
            if name == "year":
                value = value[:4]
            if value:
                counts[value] = counts.get(value, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-int(kv[0]) if name == "year" else -kv[1], kv[0]))
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
    reader = searcher.reader()
    # A generation written before anchors were a column is read through its stored fields.
    anchors = reader.column_reader("anchor") if reader.has_column("anchor") else None
    candidates = []  # (record, score, doc_id, anchor), best first
    for record, score in zip(records[order].tolist(), record_scores[order].tolist()):
        if long_phrases:
            text = fold(searcher.stored_fields(record)["text"]).lower()
            if not all(p.search(text) for p in long_phrases):
                continue
        anchor = anchors[record] if anchors is not None else searcher.stored_fields(record)["anchor"]
        candidates.append((record, score, engine.doc_ids[engine.record_doc[record]], anchor))
        if len(candidates) == CANDIDATES:
            break

    kept = _collapse_nested(candidates)
    result.total = len(kept)
    start = (page - 1) * per_page
    terms = parsed.highlight_terms
    page_hits = [Hit(searcher.stored_fields(record), score) for record, score, _, _ in kept[start : start + per_page]]
    result.hits = _grouped([_hit_dict(hit, gen, terms) for hit in page_hits])
    result.seconds = time.monotonic() - started
    return result


class Hit(dict):
    """A record's stored fields and its score."""

    def __init__(self, fields: dict, score: float):
        super().__init__(fields)
        self.score = score


def _phrase_pattern(words: list[str]) -> re.Pattern:
    """The words one after the other in folded, lowercased text, as whole syllables."""
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(re.escape(fold(w)) for w in words) + r"(?![^\W_])")


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
        parts = anchor.split(".")
        ancestors = [".".join(parts[:i]) for i in range(1, len(parts))]
        if (doc_id, anchor) in covered or any((doc_id, a) in taken for a in ancestors):
            continue
        taken.add((doc_id, anchor))
        covered.update((doc_id, a) for a in ancestors)
        kept.append(candidate)
    return kept


def _grouped(hits: list[dict]) -> list[dict]:
    """Best clauses of each document together, documents in order of their best clause."""
    order: dict[str, int] = {}
    for i, hit in enumerate(hits):
        order.setdefault(hit["doc_id"], i)
    return sorted(hits, key=lambda h: (order[h["doc_id"]], hits.index(h)))


def _hit_dict(hit, gen: Generation, terms: HighlightTerms) -> dict:
    entry = gen.catalog.get(hit["doc_id"], {})
    meta = DocMeta(**{k: entry.get(k, "") for k in DocMeta.__dataclass_fields__})
    return {
        "doc_id": hit["doc_id"],
        "doc_number": meta.number,
        "doc_type": meta.doc_type,
        "title": meta.title,
        "issuer": meta.issuer,
        "issued": meta.issued or None,
        "unit": hit["label"],
        "path": hit["path"],
        "anchor": hit["anchor"],
        "citation": citation(hit["label"], meta, hit["page"]),
        "page": hit["page"],
        "ocr": hit.get("ocr", False),
        "snippet": str(snippet(hit["text"], terms)),
        "score": round(hit.score, 4) if isinstance(hit.score, float) else None,
        "url": f"/documents/{hit['doc_id']}#{hit['anchor']}",
    }


def snippet(text: str, terms: HighlightTerms, width: int = 40) -> Markup:
    """A window of about `width` syllables around the densest matches, matches in <mark>."""
    spans = [m.span() for m in SYLLABLE_RE.finditer(text)]
    if not spans:
        return Markup("")
    found = terms.find(text)
    starts = [start for start, _ in spans]
    matched = [bisect_left(starts, start) for start, _, _ in found]  # syllable numbers
    best_start = 0
    if matched:
        # The window of `width` syllables, starting at a match, with the most distinct terms.
        in_window: Counter[str] = Counter()
        best, end = -1, 0
        for k, i in enumerate(matched):
            while end < len(matched) and matched[end] < i + width:
                in_window[found[end][2]] += 1
                end += 1
            if len(in_window) > best:
                best, best_start = len(in_window), max(0, i - 5)
            in_window[found[k][2]] -= 1
            if not in_window[found[k][2]]:
                del in_window[found[k][2]]
    end_token = min(len(spans), best_start + width)
    char_start = spans[best_start][0] if best_start else 0
    char_end = spans[end_token - 1][1] if end_token < len(spans) else len(text)
    pieces = ["… " if char_start > 0 else ""]
    pos = char_start
    for s, e, _ in found:
        if char_start <= s and e <= char_end:
            pieces += [escape(text[pos:s]), "<mark>", escape(text[s:e]), "</mark>"]
            pos = e
    pieces += [escape(text[pos:char_end]), " …" if char_end < len(text) else ""]
    return Markup(" ".join("".join(pieces).split()))  # escaped above: only <mark> is markup
