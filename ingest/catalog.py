"""What the catalog (catalog.json of a generation) keeps of each document."""

from __future__ import annotations

from collections import Counter

from .citation import citation
from .document_support import support_measures
from .model import CatalogEntry, Document
from .validity import extract_validity, units_from_document


def catalog_entry(document: Document) -> dict:
    return CatalogEntry(
        doc_id=document.doc_id,
        meta=document.meta,
        sources=document.sources,
        pages=len(document.pages),
        units=sum(1 for u in document.units if not u.is_container),
        cites=sorted({r.key for r in document.references}),
        ocr_pages=sum(1 for p in document.pages if p.ocr),
        support=support_measures(document),
        validity=validity_facts(document),
        status_override=document.status_override,
        cited_as=cited_as(document),
    ).to_dict()


def cited_as(document: Document) -> dict[str, list[str]]:
    """Each cited number as the document most often writes it, with the type most often named."""
    numbers: dict[str, Counter] = {}
    types: dict[str, Counter] = {}
    for ref in document.references:
        numbers.setdefault(ref.key, Counter())[ref.number] += 1
        if ref.doc_type:
            types.setdefault(ref.key, Counter())[ref.doc_type] += 1
    return {key: [spellings.most_common(1)[0][0], types[key].most_common(1)[0][0] if key in types else ""]
            for key, spellings in sorted(numbers.items())}


def validity_facts(document: Document) -> dict:
    """When the document takes effect and ends, and its relations (ingest/validity.py), each
    proved by a clause cited as the search cites it."""
    meta = document.meta
    units = units_from_document(document, lambda unit: citation(unit.label, meta, unit.page, unit.attachment))
    return extract_validity(units, meta, citation("", meta, None)).to_dict()
