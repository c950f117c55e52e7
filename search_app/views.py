"""HTML pages and their JSON twins. Both call the same functions (search.py, presentation.py)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from flask import (Blueprint, Flask, abort, current_app, jsonify, render_template, request,
                   send_file, url_for)
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from ingest.citation import citation, format_date
from ingest.document import meta_display_name
from ingest.model import DocMeta, Hit
from ingest.references import number_key

from .cited_numbers import ref_url
from .corpus_validity import configured_day
from .document_list_views import newest_documents
from .links import url_with
from .query import QueryError
from .search import FACETS, MAX_PAGE, PER_PAGE, search
from .status import LABELS as STATUS_LABELS
from .support_views import document_support, question_cards, question_measures

web = Blueprint("web", __name__)
api = Blueprint("api", __name__)

FACET_LABELS = {"type": "Loại văn bản", "issuer": "Cơ quan ban hành", "year": "Năm ban hành", "status": "Hiệu lực"}
NEWEST_ON_HOME = 10
MAX_PER_PAGE = 50


def handle():
    return current_app.extensions["index"]


def _search_args() -> dict:
    args = request.args
    try:
        page = int(args.get("page", "1"))
        per_page = int(args.get("per_page", str(PER_PAGE)))
    except ValueError:
        raise QueryError("Số trang phải là số nguyên.")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(f"Số kết quả mỗi trang phải từ 1 đến {MAX_PER_PAGE}.")
    return dict(
        q=args.get("q", ""),
        filters={name: args.get(name, "") for name in FACETS},
        page=page,
        per_page=per_page,
        sort=args.get("sort", "relevance") or "relevance",
        as_of=configured_day(current_app.config),
        group=args.get("group", "document") or "document",
        doc=args.get("doc", ""),
    )


def _search_json(result) -> dict:
    return {
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "sort": request.args.get("sort", "relevance") or "relevance",
        "timed_out": result.timed_out,
        "generation": result.generation,
        "group": request.args.get("group", "document") or "document",
        "hits": [hit.to_dict() for hit in result.hits],
        "more": result.more,
        "facets": result.facets,
        "cited_number": [c.to_dict() for c in result.cited_numbers] or None,
        "support": question_measures(handle().generation(), request.args.get("q", "")),
    }


@api.get("/search")
def api_search():
    result = search(handle(), **_search_args())
    return jsonify(_search_json(result))


@web.get("/")
def search_page():
    args = _search_args()
    result = search(handle(), **args)
    groups = []
    for hit in result.hits:
        if groups and groups[-1]["doc_id"] == hit.doc_id:
            groups[-1]["hits"].append(hit)
        else:
            groups.append({"doc_id": hit.doc_id, "hits": [hit], "name": _hit_doc_name(hit)})
    pages = result.pages
    home = not args["q"] and not any(args["filters"].values())
    return render_template(
        "search.html", result=result, groups=groups, args=args, facet_labels=FACET_LABELS,
        pages=min(pages, MAX_PAGE), snippet=Markup, url_with=partial(url_with, "web.search_page"), status_labels=STATUS_LABELS,
        support=question_cards(handle().generation(), args["q"]),
        newest=newest_documents(handle().generation(), NEWEST_ON_HOME, args["as_of"]) if home else [],
    )


def _hit_doc_name(hit: Hit) -> str:
    meta = DocMeta(doc_type=hit.doc_type, number=hit.doc_number, title=hit.title)
    return meta_display_name(meta)


def document_data(doc_id: str) -> dict:
    h = handle()
    gen = h.generation()
    doc = h.document(doc_id)
    if doc is None or gen is None:
        abort(404, description=f"Không có văn bản {doc_id!r} trong chỉ mục.")
    meta = DocMeta(**doc["meta"])
    own_key = None
    if meta.number:
        own_key = number_key(meta.number)
    references = []
    for key in dict.fromkeys(r["key"] for r in doc["references"]):
        ref = next(r for r in doc["references"] if r["key"] == key)
        target = gen.by_number.get(key)
        references.append({
            "number": ref["number"], "doc_type": ref["doc_type"], "text": ref["text"],
            "doc_id": target, "in_corpus": target is not None,
            "url": url_for("web.document_page", doc_id=target) if target else ref_url(key),
        })
    cited_by = []
    for citing in (gen.cited_by.get(own_key, []) if own_key else []):
        if citing == doc_id:
            continue
        cmeta = gen.catalog[citing].meta
        cited_by.append({
            "doc_id": citing, "doc_number": cmeta.number, "doc_type": cmeta.doc_type,
            "title": cmeta.title, "issued": cmeta.issued or None, "name": meta_display_name(cmeta),
            "url": url_for("web.document_page", doc_id=citing),
        })
    cited_by.sort(key=lambda d: d["issued"] or "")
    units = []
    text = doc["text"]
    as_of = configured_day(current_app.config)
    marks = gen.validity.unit_marks(doc_id, doc["units"])
    for unit in doc["units"]:
        units.append({
            "unit": unit["label"], "path": unit["path"], "anchor": unit["anchor"], "kind": unit["kind"],
            "heading": unit["heading"], "text": text[unit["start"]:unit["end"]], "page": unit["page"],
            "page_end": unit["page_end"], "depth": unit["depth"], "attachment": unit.get("attachment", ""),
            "citation": citation(unit["label"], meta, unit["page"], unit.get("attachment", "")),
            **marks.get(unit["anchor"], {"changed_by": [], "changes": []}),
        })
    status = gen.status(doc_id, as_of)
    files = list(dict.fromkeys(p["source"] for p in doc["pages"]))
    return {
        "doc_id": doc_id,
        "doc_number": meta.number,
        "doc_type": meta.doc_type,
        "title": meta.title,
        "name": meta_display_name(meta),
        "issuer": meta.issuer,
        "place": meta.place,
        "issued": meta.issued or None,
        "signer": meta.signer,
        "session": meta.session,
        "source": doc["sources"],
        "files": [{"path": f, "url": url_for("web.document_file", doc_id=doc_id, part=i + 1)}
                  for i, f in enumerate(files)],
        "pages": len(doc["pages"]),
        "ocr_pages": [p["number"] for p in doc["pages"] if p.get("ocr")],
        "empty_pages": [p["number"] for p in doc["pages"] if p.get("empty")],
        "units": units,
        "references": references,
        "cited_by": cited_by,
        "status": status.to_dict() if status else None,
        "relations": gen.validity.edges(doc_id, as_of),
        **document_support(gen, doc_id, as_of),
        "_relation_map": gen.validity.relation_map(doc_id, meta_display_name(meta), as_of),
        "_pages": doc["pages"],
        "_starts": [u["start"] for u in doc["units"]],
        "_text": text,
    }


@api.get("/documents/<doc_id>")
def api_document(doc_id: str):
    data = document_data(doc_id)
    return jsonify({k: v for k, v in data.items() if not k.startswith("_")})


@web.get("/documents/<doc_id>")
def document_page(doc_id: str):
    data = document_data(doc_id)
    return render_template("document.html", doc=data, blocks=_text_blocks(data),
                           format_date=format_date)


def _text_blocks(data: dict) -> list[dict]:
    """The full text cut at unit starts and page starts, for anchors and page markers."""
    text = data["_text"]
    cuts: dict[int, dict] = {}
    for page in data["_pages"]:
        cuts.setdefault(page["start"], {})["page"] = page
    for unit, start in zip(data["units"], data["_starts"]):
        cuts.setdefault(start, {}).setdefault("units", []).append(unit)
    positions = sorted(cuts)
    blocks = []
    for i, pos in enumerate(positions):
        end = positions[i + 1] if i + 1 < len(positions) else len(text)
        blocks.append({"text": text[pos:end], **cuts[pos]})
    if positions and positions[0] > 0:
        blocks.insert(0, {"text": text[: positions[0]]})
    return blocks


@web.get("/documents/<doc_id>/files/<int:part>")
def document_file(doc_id: str, part: int):
    """The original file. Only files recorded in the index are served, from inside the corpus."""
    doc = handle().document(doc_id)
    if doc is None:
        abort(404)
    files = list(dict.fromkeys(p["source"] for p in doc["pages"]))
    if not 1 <= part <= len(files):
        abort(404)
    corpus = Path(current_app.config["CORPUS_DIR"]).resolve()
    path = (corpus / files[part - 1]).resolve()
    if corpus not in path.parents or not path.is_file():
        abort(404)
    return send_file(path, download_name=path.name, conditional=True)


@api.get("/")
def api_index():
    return jsonify({
        "endpoints": {
            "/api/search": "q, type, issuer, year, status, sort (relevance|newest), page, per_page",
            "/api/documents": "every document, newest first: type, issuer, year, status, page, per_page",
            "/api/documents/<doc_id>": "metadata, status, relations, units, references, cited_by, support",
            "/api/documents/ref/<key>": "a cited number: in the corpus or not, citing documents and clauses",
            "/api/support": "need, size | sector + employees + revenue_vnd/capital_vnd, women_owned, "
                            "cooperative, province, as_of, include_expired",
            "/api/health": "the index generation being served",
        }
    })


@api.get("/health")
def api_health():
    h = handle()
    gen = h.generation()
    return jsonify({"generation": gen.name if gen else None,
                    "documents": len(gen.catalog) if gen else 0,
                    "warm": gen.warmed.is_set() if gen else False,
                    "degraded": h.degraded is not None,
                    "reason": h.degraded})


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def install_handlers(app: Flask) -> None:
    @app.errorhandler(QueryError)
    def query_error(exc: QueryError):
        if _wants_json():
            return jsonify({"error": str(exc)}), 400
        return render_template("error.html", status=400, message=str(exc)), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = exc.description if exc.code == 404 else exc.name
        if _wants_json():
            return jsonify({"error": message}), exc.code
        return render_template("error.html", status=exc.code, message=message), exc.code

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        message = "Lỗi máy chủ. Vui lòng thử lại sau."
        if _wants_json():
            return jsonify({"error": message}), 500
        return render_template("error.html", status=500, message=message), 500

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    app.jinja_env.globals["format_date"] = format_date
