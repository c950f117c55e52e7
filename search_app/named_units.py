"""What a question names outright — an article's title or number, a document's name, a term a
"Giải thích từ ngữ" article defines — as a bonus on the first-pass score of the clauses it names.

BM25 scores the words of "Điều nào sau đây KHÔNG đúng về quyền của bên cầm cố?" alike in
"Quyền của bên cầm cố" and "Nghĩa vụ của bên cầm cố"; a question that quotes a title whole
means the first. The bonus is a share of the question's best first-pass score (so it means the
same for a 3-word and a 40-word question); the shares are chosen by cross-validation
(`bench/rank_cv.py --lever named`, bench/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ingest.analysis import SYLLABLE_RE
from ingest.textnorm import fold

# Shares of the question's best first-pass score, chosen on all of ALQAC 2025 train by the
# procedure bench/named_cv.py cross-validates (the same title and definition shares on each 4
# folds, the same document and article shares on four of five; bench/README.md).
W_TITLE = 0.1  # the clause's title is quoted whole in the question
W_DOC = 0.2  # the clause's document is named ("theo Luật Cư trú")
W_DEFINITION = 0.5  # a definition question and the clause defining its term
W_ARTICLE = 0.3  # the question names the clause's Điều by number
DEPTH = 10  # candidates whose title is looked at (a stored-fields read each, ~60 µs; 10–100 score the same)
MIN_TITLE_SYLLABLES = 2

_DEFINITION_QUESTION_RE = re.compile(
    r" (la gi|the nao la|duoc hieu la|duoc hieu nhu the nao|hieu nhu the nao|dinh nghia|khai niem) ")
GLOSSARY = ("giải", "thích", "từ", "ngữ")  # the heading of a "Giải thích từ ngữ" article
_DEFINED_TERM_RE = re.compile(r"^\s*\d+[.)]\s+(.{1,120}?)\s+(?:là|được hiểu là)\s", re.IGNORECASE)


def key(text: str) -> str:
    """Folded, lowercased syllables of `text` between single spaces, with a space at each end:
    a quoted run of syllables is a substring."""
    return " " + " ".join(SYLLABLE_RE.findall(fold(text).lower())) + " "


def is_definition_question(question_key: str) -> bool:
    return bool(_DEFINITION_QUESTION_RE.search(question_key))


def title_of(heading: str, path: str) -> str:
    """The titles in a record's heading (its outline path written before them)."""
    return heading[len(path):].strip() if path and heading.startswith(path) else heading.strip()


def defined_term(text: str) -> str:
    """The term a clause of a "Giải thích từ ngữ" article defines ("1. Cư trú là …" → "Cư trú"),
    or ""."""
    m = _DEFINED_TERM_RE.match(text)
    return m.group(1) if m else ""


def document_names(doc_type: str, title: str) -> tuple[str, ...]:
    """How a question names a document (as keys): "Luật Cư trú", or "Hiến pháp" for an untitled one."""
    names = [f"{doc_type} {title}"] if title else [doc_type] if doc_type else []
    return tuple(k for k in map(key, names) if len(k.split()) >= 2)


@dataclass(frozen=True)
class Facts:
    """What a candidate clause offers to be named by, as keys: its title(s), its document's
    names, the term it defines (glossary clauses), and the number of its Điều."""
    title: str = " "
    doc_names: tuple[str, ...] = ()
    term: str = " "
    article: str = ""


@dataclass
class Named:
    """Per candidate: how many syllables of its title the question quotes (0 unless whole),
    whether it names its document, how many syllables of its defined term a definition
    question holds, whether the question names its Điều by number ("Điều 6 của Luật …")."""
    title: int = 0
    document: bool = False
    definition: int = 0
    article: bool = False


_ARTICLE_OF_ANCHOR_RE = re.compile(r"(?:^|\.)dieu-(\d+[a-z]?)(?:\.|$)")
_ARTICLE_IN_QUESTION_RE = re.compile(r" dieu (\d+[a-z]?)(?= )")


def article_of_anchor(anchor: str) -> str:
    """ "quy-dinh.dieu-3.khoan-1" → "3"."""
    m = _ARTICLE_OF_ANCHOR_RE.search(anchor)
    return m.group(1) if m else ""


def named(question_key: str, facts: Facts, definition_question: bool | None = None) -> Named:
    out = Named()
    n_title = facts.title.count(" ") - 1
    if n_title >= MIN_TITLE_SYLLABLES and facts.title in question_key:
        out.title = n_title
    out.document = bool(facts.doc_names) and any(n in question_key for n in facts.doc_names)
    if definition_question is None:
        definition_question = is_definition_question(question_key)
    if definition_question and len(facts.term) > 2 and facts.term in question_key:
        out.definition = facts.term.count(" ") - 1
    if facts.article:
        out.article = facts.article in _ARTICLE_IN_QUESTION_RE.findall(question_key)
    return out


Weights = tuple[float, float, float, float]  # title, document, definition, article


def bonuses(found: list[Named], top_score: float, weights: Weights | None = None) -> list[float]:
    """The bonus of each candidate. Only the longest quoted title and the longest defined term
    count (a question quoting "quyền của bên cầm cố" also holds "bên cầm cố")."""
    w_title, w_doc, w_def, w_article = weights if weights is not None else (W_TITLE, W_DOC, W_DEFINITION, W_ARTICLE)
    longest_title = max((f.title for f in found), default=0)
    longest_term = max((f.definition for f in found), default=0)
    out = []
    for f in found:
        share = w_doc * f.document + w_article * f.article
        if longest_title and f.title == longest_title:
            share += w_title
        if longest_term and f.definition == longest_term:
            share += w_def
        out.append(share * top_score)
    return out


def enabled() -> bool:
    return bool(W_TITLE or W_DOC or W_DEFINITION or W_ARTICLE)


def glossary_records(engine, searcher, records: np.ndarray) -> np.ndarray:
    """Which of `records` lie in a "Giải thích từ ngữ" article (their heading holds its words),
    from the heading postings, without reading stored fields."""
    held = np.ones(len(records), dtype=bool)
    for word in GLOSSARY:
        ids, _ = engine.term(searcher, "heading", word)
        where = np.minimum(np.searchsorted(ids, records), max(len(ids) - 1, 0))
        held &= (ids[where] == records) if len(ids) else False
    return held


def look(searcher, gen, candidates: list[tuple], titles: int, terms: np.ndarray | None,
         articles: bool = True) -> list[Facts]:
    """The facts of each candidate (record, score, doc_id, anchor): document names (catalog)
    and, when `articles`, article numbers (anchor) for all; titles for the first `titles` and
    defined terms where `terms` is set, from the stored fields."""
    from ingest import indexformat_read as fmt

    names: dict[str, tuple[str, ...]] = {}
    out = []
    for n, (record, _, doc_id, anchor) in enumerate(candidates):
        if doc_id not in names:
            meta = gen.entry(doc_id).meta
            names[doc_id] = document_names(meta.doc_type, meta.title)
        title = term = " "
        want_term = terms is not None and terms[n]
        if n < titles or want_term:
            stored = fmt.stored_fields(searcher, record)
            title = key(title_of(stored["heading"], stored["path"])) if n < titles else " "
            term = key(defined_term(stored["text"])) if want_term else " "
        out.append(Facts(title, names[doc_id], term, article_of_anchor(anchor) if articles else ""))
    return out


def rerank(question: str, candidates: list[tuple], searcher, gen) -> list[tuple]:
    """Candidates (record, score, doc_id, anchor), best first → the same with the bonuses added,
    best first again. Titles are looked at in the first DEPTH; a definition question looks for
    its term in every glossary clause among the candidates."""
    if not candidates:
        return candidates
    question_key = key(question)
    definition_question = bool(W_DEFINITION) and is_definition_question(question_key)
    terms = None
    if definition_question:
        terms = glossary_records(gen.engine, searcher, np.array([c[0] for c in candidates]))
    articles = bool(W_ARTICLE) and " dieu " in question_key
    facts = look(searcher, gen, candidates, DEPTH if W_TITLE else 0, terms, articles)
    seen: dict[Facts, Named] = {}  # most candidates share their facts (the same document, no title read)
    found = [seen.get(f) or seen.setdefault(f, named(question_key, f, definition_question)) for f in facts]
    extra = bonuses(found, candidates[0][1])
    if not any(extra):
        return candidates
    return sorted(((c[0], c[1] + b, *c[2:]) for c, b in zip(candidates, extra)), key=lambda c: (-c[1], c[0]))
