"""Numbers the indexed documents cite but the corpus does not hold ("1322/QĐ-TTg" cited by
three plans): which ones a query names, how the citing texts write them, and the citing
documents with their clauses. No Flask here: the search, its page and the /documents/ref
page call these."""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING

from ingest.document import meta_display_name
from ingest.index import number_lookup_keys
from ingest.references import number_key

from .citing_text import CitedStatement, citing_sentence, describe_citation
from .presentation import citation

if TYPE_CHECKING:
    from .generations import Generation, IndexHandle

# The type a ký hiệu code names, for a citation that does not write the type ("Xét Tờ trình
# số 9088/TTr-UBND" is read as the bare number). Codes as number_key spells them.
CODE_TYPES = {
    "QD": "Quyết định", "ND": "Nghị định", "TT": "Thông tư", "NQ": "Nghị quyết", "KH": "Kế hoạch",
    "CT": "Chỉ thị", "TTR": "Tờ trình", "BC": "Báo cáo", "TB": "Thông báo", "CD": "Công điện",
    "VBHN": "Văn bản hợp nhất", "HD": "Hướng dẫn", "AL": "Án lệ",
}
# A number cited across a whole code of law: every citing document is listed, the clauses of
# the first ones (by date) are read from their stored text.
MAX_DOCUMENTS_READ = 100
_CODE_RE = re.compile(r"^\d+(?:/\d{4})?[/-](?P<code>[A-Z]+)")


@dataclass(frozen=True)
class CitedNumber:
    """A number cited in the corpus and not held by it, as /api/search's "cited_number" lists it."""

    number: str  # as the citing texts write it: "1322/QĐ-TTg"
    doc_type: str  # "Quyết định", or "" when neither the citations nor the code say
    key: str  # number_key: "1322/QD-TTG"
    in_corpus: bool
    citing_documents: int  # distinct documents citing it
    url: str  # its page: "/documents/ref/1322/QD-TTG"

    @property
    def name(self) -> str:
        return f"{self.doc_type} {self.number}".strip()

    def to_dict(self) -> dict:
        return asdict(self)


def ref_url(key: str) -> str:
    return f"/documents/ref/{key}"


def cited_numbers(gen: Generation, number_keys: list[tuple[str, bool]]) -> list[CitedNumber]:
    """The cited-only numbers a query names. `number_keys` are ParsedQuery.number_keys: a whole
    number ("1322/QD-TTG") names itself, a partial one ("1322/QD" from "qd 1322") every cited
    number whose lookup keys hold it. A typed number that a document of the corpus carries
    keeps the ordinary search (that document is listed) and names nothing here."""
    held, cited_only = _lookup(gen)
    # "1322/qd-ttg" is read as the whole number and as "1322/QD": the part names nothing more.
    parts_of_whole = {k for typed, whole in number_keys if whole for k in number_lookup_keys(typed)}
    found: dict[str, None] = {}
    for typed, whole in number_keys:
        if typed in held or (not whole and typed in parts_of_whole):
            continue
        if whole:
            if typed in gen.cited_by:
                found[typed] = None
        else:
            found.update((k, None) for k in cited_only.get(typed, []))
    return [_cited_number(gen, key) for key in found]


_lookup_lock = threading.Lock()
_lookup_of: dict[str, tuple[set[str], dict[str, list[str]]]] = {}  # generation path → lookup


def _lookup(gen: Generation) -> tuple[set[str], dict[str, list[str]]]:
    """The lookup keys of the numbers the corpus holds, and lookup key → the cited numbers
    not held that it finds; built once per generation."""
    with _lookup_lock:
        cached = _lookup_of.get(str(gen.path))
        if cached is None:
            held = {k for key in gen.by_number for k in number_lookup_keys(key)}
            cited_only: dict[str, list[str]] = {}
            for key in sorted(gen.cited_by):
                if key not in gen.by_number:
                    for k in number_lookup_keys(key):
                        cited_only.setdefault(k, []).append(key)
            cached = _lookup_of[str(gen.path)] = (held, cited_only)
            for path in [p for p in _lookup_of if p != str(gen.path)]:
                del _lookup_of[path]  # only the generation being served is asked
    return cached


def _cited_number(gen: Generation, key: str) -> CitedNumber:
    number, doc_type = as_written(gen, key)
    return CitedNumber(number=number, doc_type=doc_type, key=key, in_corpus=key in gen.by_number,
                       citing_documents=len(set(gen.cited_by.get(key, []))), url=ref_url(key))


def as_written(gen: Generation, key: str) -> tuple[str, str]:
    """(number, type) as the citations write them: as the shortest citing document writes it
    most often (its catalog entry keeps that); the type falls back to the ký hiệu code's."""
    citing = min(set(gen.cited_by.get(key, [])), key=lambda d: (gen.entry(d).pages, d), default=None)
    number, doc_type = gen.entry(citing).cited_as.get(key, ("", "")) if citing else ("", "")
    return number or key, doc_type or code_type(key)


def code_type(key: str) -> str:
    """The type a number's ký hiệu code names: "9088/TTR-UBND" → "Tờ trình"; "" if unknown."""
    m = _CODE_RE.match(key)
    return CODE_TYPES.get(m["code"], "") if m else ""


def reference_data(handle: IndexHandle, raw_key: str, as_of: date | None = None) -> dict | None:
    """The page of a cited number: what it is, whether the corpus holds it, its status on `as_of`
    (default today) when known — a number the corpus does not hold has one when a document of
    the corpus replaces, repeals or amends it — and the citing documents with their clauses and
    what their text states about it. None if the number is neither cited nor held."""
    gen = handle.generation()
    key = number_key(raw_key)
    if gen is None or (key not in gen.cited_by and key not in gen.by_number):
        return None
    number, doc_type = as_written(gen, key) if key in gen.cited_by else ("", "")
    target = gen.by_number.get(key)
    if target:
        meta = gen.entry(target).meta
        number, doc_type = meta.number, meta.doc_type
    citing = sorted((doc_id for doc_id in set(gen.cited_by.get(key, [])) if doc_id != target),
                    key=lambda d: (gen.entry(d).meta.issued, d))
    cited_by = [_citing_document(handle, gen, doc_id, key, read=i < MAX_DOCUMENTS_READ)
                for i, doc_id in enumerate(citing)]
    stated = max((d["stated"] for d in cited_by), key=_richness, default=None)
    status = gen.status(target or key, as_of)
    return {
        "key": key,
        "number": number,
        "doc_type": doc_type,
        "name": f"{doc_type} {number}".strip(),
        "in_corpus": target is not None,
        "doc_id": target,
        "document_url": f"/documents/{target}" if target else None,
        "url": ref_url(key),
        "stated": stated,
        "status": status.to_dict() if status else None,
        "cited_by": cited_by,
    }


def _citing_document(handle: IndexHandle, gen: Generation, doc_id: str, key: str, read: bool) -> dict:
    """A citing document from the catalog; its clauses and statement when `read`."""
    doc = (handle.document(doc_id) if read else None) or {"text": "", "units": []}
    meta = gen.entry(doc_id).meta
    text = doc["text"]
    clauses = []
    best: CitedStatement | None = None
    for unit in doc["units"]:
        refs = [r for r in unit["references"] if r["key"] == key]
        if not refs:
            continue
        sentence = citing_sentence(text, refs[0]["start"], refs[0]["end"], unit["start"], unit["end"])
        for ref in refs:
            statement = describe_citation(
                citing_sentence(text, ref["start"], ref["end"], unit["start"], unit["end"]), ref["number"])
            if best is None or statement.richness > best.richness:
                best = statement
        clauses.append({
            "unit": unit["label"], "anchor": unit["anchor"], "page": unit["page"],
            "citation": citation(unit["label"], meta, unit["page"], unit.get("attachment", "")),
            "url": f"/documents/{doc_id}#{unit['anchor']}",
            "sentence": sentence,
        })
    return {
        "doc_id": doc_id, "doc_number": meta.number, "doc_type": meta.doc_type, "title": meta.title,
        "issued": meta.issued or None, "name": meta_display_name(meta), "url": f"/documents/{doc_id}",
        "stated": (best or CitedStatement("", "", "", "")).to_dict(),
        "clauses": clauses,
    }


def _richness(stated: dict) -> int:
    return sum(bool(stated[k]) for k in ("date", "issuer", "title"))
