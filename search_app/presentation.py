"""Presentation of what a search found: citations, dates, snippets with highlighted terms,
and the Hit each result becomes (the HTML page and /api/search show the same Hit)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from markupsafe import Markup, escape

from ingest.analysis import SYLLABLE_RE
from ingest.citation import citation
from ingest.model import CatalogEntry, Hit

from .query import HighlightTerms


def make_hit(stored: dict, score: float, entry: CatalogEntry, terms: HighlightTerms, status=None) -> Hit:
    """The Hit of an index record (its stored fields) found with `score`; `status` is its
    document's search_app.status.Status (None when unknown)."""
    meta = entry.meta
    return Hit(
        doc_id=stored["doc_id"],
        doc_number=meta.number,
        doc_type=meta.doc_type,
        title=meta.title,
        issuer=meta.issuer,
        issued=meta.issued or None,
        unit=stored["label"],
        path=stored["path"],
        anchor=stored["anchor"],
        citation=citation(stored["label"], meta, stored["page"], stored.get("attachment", "")),
        page=stored["page"],
        ocr=stored.get("ocr", False),
        snippet=str(snippet(stored["text"], terms)),
        score=round(score, 4),
        url=f"/documents/{stored['doc_id']}#{stored['anchor']}",
        status=status.to_dict() if status else None,
    )


_IS_ALNUM = np.array([chr(code).isalnum() for code in range(0x10000)], dtype=bool)


def syllable_bounds(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the syllables of `text` (ingest.analysis.SYLLABLE_RE: runs of
    alphanumeric characters), found with numpy: a hit's text is often thousands of syllables."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if len(codes) and codes.max() > 0xFFFF:
        spans = np.array([m.span() for m in SYLLABLE_RE.finditer(text)], dtype=np.int64).reshape(-1, 2)
        return spans[:, 0], spans[:, 1]
    edges = np.diff(_IS_ALNUM[codes].astype(np.int8), prepend=0, append=0)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def snippet(text: str, terms: HighlightTerms, width: int = 40) -> Markup:
    """A window of about `width` syllables around the densest matches, matches in <mark>."""
    starts, ends = syllable_bounds(text)
    if not len(starts):
        return Markup("")
    found = terms.find(text)
    matched = np.searchsorted(starts, [start for start, _, _ in found]).tolist()  # syllable numbers
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
    end_token = min(len(starts), best_start + width)
    char_start = int(starts[best_start]) if best_start else 0
    char_end = int(ends[end_token - 1]) if end_token < len(starts) else len(text)
    pieces = ["… " if char_start > 0 else ""]
    pos = char_start
    for s, e in merged_spans(text, [(s, e) for s, e, _ in found if char_start <= s and e <= char_end]):
        pieces += [escape(text[pos:s]), "<mark>", escape(text[s:e]), "</mark>"]
        pos = e
    pieces += [escape(text[pos:char_end]), " …" if char_end < len(text) else ""]
    return Markup(" ".join("".join(pieces).split()))  # escaped above: only <mark> is markup


def merged_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, those separated only by spaces joined: one mark for "hỗ trợ doanh
    nghiệp", not one per syllable."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and not text[out[-1][1] : start].strip():
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out
