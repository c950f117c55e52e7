"""Browsing: every document of the corpus, newest first, filtered by type, issuer, year and
status, in pages (/documents and its JSON twin /api/documents); the newest ones on the home page."""

from __future__ import annotations

import re
from datetime import date
from functools import partial

from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from ingest.document import meta_display_name

from .corpus_validity import STATUS_CODES, configured_day
from .links import url_with
from .query import QueryError
from .status import LABELS

documents = Blueprint("documents", __name__)

FILTERS = ("type", "issuer", "year", "status")
FILTER_LABELS = {"type": "Loại văn bản", "issuer": "Cơ quan ban hành", "year": "Năm ban hành", "status": "Hiệu lực"}
PER_PAGE = 20
MAX_PER_PAGE = 50
MAX_FILTER = 200


def list_documents(gen, filters: dict[str, str], page: int = 1, per_page: int = PER_PAGE,
                   as_of: date | None = None) -> dict:
    """The page `page` of the documents matching `filters` (exact values, as the facets give
    them), newest first, with their status on `as_of` (default today) and the facets of all
    the matching documents."""
    if gen is None:
        return {"total": 0, "page": page, "per_page": per_page, "documents": [], "facets": {n: [] for n in FILTERS}}
    statuses = gen.validity.statuses(as_of)
    rows = []
    for doc_id, entry in gen.catalog.items():
        status = statuses.get(doc_id)
        meta = entry.meta
        values = {"type": meta.doc_type, "issuer": meta.issuer, "year": meta.year,
                  "status": status.code if status else "in_force"}
        if all(values[name] == value for name, value in filters.items() if value):
            rows.append((doc_id, entry, status, values))
    rows.sort(key=lambda r: (r[1].meta.issued or "0000", r[0]), reverse=True)
    start = (page - 1) * per_page
    return {
        "total": len(rows),
        "page": page,
        "per_page": per_page,
        "documents": [_item(doc_id, entry, status) for doc_id, entry, status, _ in rows[start:start + per_page]],
        "facets": {name: _facet(name, [r[3][name] for r in rows]) for name in FILTERS},
    }


def newest_documents(gen, count: int, as_of: date | None = None) -> list[dict]:
    """The `count` newest documents, as /api/documents lists them (for the home page)."""
    return list_documents(gen, {}, 1, count, as_of)["documents"]


def _item(doc_id: str, entry, status) -> dict:
    meta = entry.meta
    return {
        "doc_id": doc_id, "doc_number": meta.number, "doc_type": meta.doc_type, "title": meta.title,
        "issuer": meta.issuer, "issued": meta.issued or None, "name": meta_display_name(meta),
        "url": url_for("web.document_page", doc_id=doc_id), "status": status.to_dict() if status else None,
    }


def _facet(name: str, values: list[str]) -> list[list]:
    counts: dict[str, int] = {}
    for value in values:
        if value:
            counts[value] = counts.get(value, 0) + 1
    if name == "status":
        order = lambda kv: (STATUS_CODES.index(kv[0]), kv[0])  # noqa: E731
    elif name == "year":
        order = lambda kv: (-int(kv[0]), kv[0])  # noqa: E731
    else:
        order = lambda kv: (-kv[1], kv[0])  # noqa: E731
    return [list(kv) for kv in sorted(counts.items(), key=order)]


def list_args() -> dict:
    """The list's arguments from the request; a bad one raises QueryError (400) naming it."""
    args = request.args
    try:
        page = int(args.get("page", "1"))
        per_page = int(args.get("per_page", str(PER_PAGE)))
    except ValueError:
        raise QueryError("Số trang và số văn bản mỗi trang phải là số nguyên.")
    if page < 1:
        raise QueryError("Trang phải từ 1 trở lên.")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(f"Số văn bản mỗi trang phải từ 1 đến {MAX_PER_PAGE}.")
    filters = {name: args.get(name, "").strip() for name in FILTERS}
    if any(len(v) > MAX_FILTER for v in filters.values()):
        raise QueryError(f"Giá trị lọc dài quá {MAX_FILTER} ký tự.")
    if filters["status"] and filters["status"] not in STATUS_CODES:
        raise QueryError("Hiệu lực (status) phải là một trong: " + ", ".join(STATUS_CODES) + ".")
    if filters["year"] and not re.fullmatch(r"\d{4}", filters["year"]):
        raise QueryError("Năm ban hành (year) phải có 4 chữ số.")
    return {"filters": filters, "page": page, "per_page": per_page, "as_of": configured_day(current_app.config)}


def _generation():
    return current_app.extensions["index"].generation()


@documents.get("/api/documents")
def api_documents():
    return jsonify(list_documents(_generation(), **list_args()))


@documents.get("/documents")
def documents_page():
    args = list_args()
    listing = list_documents(_generation(), **args)
    pages = max(1, (listing["total"] + args["per_page"] - 1) // args["per_page"])
    return render_template("documents.html", listing=listing, args=args, pages=pages, labels=FILTER_LABELS,
                           status_labels=LABELS, url_with=partial(url_with, "documents.documents_page"))


