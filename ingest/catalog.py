"""What the catalog (catalog.json of a generation) keeps of each document."""

from __future__ import annotations

from .document_support import support_measures
from .model import CatalogEntry, Document


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
    ).to_dict()
