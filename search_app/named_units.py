"""What a question names outright — an article's title, a document's name, a term a "Giải thích
từ ngữ" article defines — as a bonus on the first-pass score of the clauses it names.

BM25 scores the words of "Điều nào sau đây KHÔNG đúng về quyền của bên cầm cố?" alike in
"Quyền của bên cầm cố" and "Nghĩa vụ của bên cầm cố"; a question that quotes a title whole
means the first. The bonus is a share of the question's best first-pass score (so it means the
same for a 3-word and a 40-word question); the shares are chosen by cross-validation
(`bench/rank_cv.py --lever named`, bench/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.analysis import syllables
from ingest.textnorm import fold

# Shares of the question's best first-pass score. bench/named_cv.py chose the same four on 4 of
# 5 folds of ALQAC 2025 train, and these on all of it (bench/README.md).
W_TITLE = 0.1  # the clause's title is quoted whole in the question
W_DOC = 0.2  # the clause's document is named ("theo Luật Cư trú")
W_DEFINITION = 0.5  # a definition question and the clause defining its term
W_ARTICLE = 0.3  # the question names the clause's Điều by number
DEPTH = 100  # candidates whose title is looked at (each costs a stored-fields read)
MIN_TITLE_SYLLABLES = 2

_DEFINITION_QUESTION_RE = re.compile(
    r" (la gi|the nao la|duoc hieu la|duoc hieu nhu the nao|hieu nhu the nao|dinh nghia|khai niem) ")
_GLOSSARY_RE = re.compile(r"\bgiai thich tu ngu\b")
_DEFINED_TERM_RE = re.compile(r"^\s*\d+[.)]\s+(.{1,120}?)\s+(?:là|được hiểu là)\s", re.IGNORECASE)


def key(text: str) -> str:
    """Folded, lowercased syllables of `text` between single spaces, with a space at each end:
    a quoted run of syllables is a substring."""
    return " " + " ".join(fold(w) for w, _, _ in syllables(text)) + " "


def is_definition_question(question_key: str) -> bool:
    return bool(_DEFINITION_QUESTION_RE.search(question_key))


def title_of(heading: str, path: str) -> str:
    """The titles in a record's heading (its outline path written before them)."""
    return heading[len(path):].strip() if path and heading.startswith(path) else heading.strip()


def defined_term(text: str, heading: str) -> str:
    """The term a clause of a "Giải thích từ ngữ" article defines ("1. Cư trú là …" → "Cư trú"),
    or ""."""
    if not _GLOSSARY_RE.search(key(heading)):
        return ""
    m = _DEFINED_TERM_RE.match(text)
    return m.group(1) if m else ""


def document_names(doc_type: str, title: str) -> list[str]:
    """How a question names a document: "Luật Cư trú", or "Hiến pháp" for an untitled one."""
    names = [f"{doc_type} {title}"] if title else [doc_type] if doc_type else []
    return [key(n) for n in names if len(key(n).split()) >= 2]


@dataclass(frozen=True)
class Facts:
    """What a candidate clause offers to be named by: its title(s), its document's names (as
    keys), the term it defines (glossary clauses), the number of its Điều."""
    title: str
    doc_names: tuple[str, ...]
    term: str
    article: str


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
_ARTICLE_IN_QUESTION_RE = re.compile(r" dieu (\d+[a-z]?) ")


def article_of_anchor(anchor: str) -> str:
    """ "quy-dinh.dieu-3.khoan-1" → "3"."""
    m = _ARTICLE_OF_ANCHOR_RE.search(anchor)
    return m.group(1) if m else ""


def named(question_key: str, facts: Facts) -> Named:
    title_key = key(facts.title)
    n_title = len(title_key.split())
    out = Named()
    if n_title >= MIN_TITLE_SYLLABLES and title_key in question_key:
        out.title = n_title
    out.document = any(n in question_key for n in facts.doc_names)
    if facts.term and is_definition_question(question_key) and key(facts.term) in question_key:
        out.definition = len(key(facts.term).split())
    if facts.article:
        out.article = fold(facts.article) in _ARTICLE_IN_QUESTION_RE.findall(question_key)
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


def look(searcher, gen, candidates: list[tuple], read: int) -> list[Facts]:
    """The facts of each candidate (record, score, doc_id, anchor). Titles and defined terms
    come from the stored fields, read for the first `read` candidates only (~20 µs each);
    document names and article numbers for all (catalog and anchor)."""
    from ingest import indexformat_read as fmt

    names: dict[str, tuple[str, ...]] = {}
    out = []
    for n, (record, _, doc_id, anchor) in enumerate(candidates):
        if doc_id not in names:
            meta = gen.entry(doc_id).meta
            names[doc_id] = tuple(document_names(meta.doc_type, meta.title))
        title = term = ""
        if n < read:
            stored = fmt.stored_fields(searcher, record)
            title = title_of(stored["heading"], stored["path"])
            term = defined_term(stored["text"], stored["heading"])
        out.append(Facts(title, names[doc_id], term, article_of_anchor(anchor)))
    return out


def rerank(question: str, candidates: list[tuple], searcher, gen) -> list[tuple]:
    """Candidates (record, score, doc_id, anchor), best first → the same with the bonuses added,
    best first again. Titles are looked at in the first DEPTH; a definition question looks at
    every candidate for its term."""
    if not candidates:
        return candidates
    question_key = key(question)
    read = len(candidates) if is_definition_question(question_key) and W_DEFINITION else DEPTH
    found = [named(question_key, f) for f in look(searcher, gen, candidates, read)]
    extra = bonuses(found, candidates[0][1])
    if not any(extra):
        return candidates
    return sorted(((c[0], c[1] + b, *c[2:]) for c, b in zip(candidates, extra)), key=lambda c: (-c[1], c[0]))
