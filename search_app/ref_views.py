"""The page of a cited number (/documents/ref/<key>) and its JSON twin: the number, whether the
corpus holds it, and the documents citing it with their clauses."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template

from ingest.references import number_key

from .cited_numbers import reference_data
from .corpus_validity import configured_day

refs = Blueprint("refs", __name__)


def _data(key: str) -> dict:
    data = reference_data(current_app.extensions["index"], key, configured_day(current_app.config))
    if data is None:
        abort(404, description=f"Số hiệu {key!r} không có trong kho và không văn bản nào dẫn chiếu.")
    return data


def _canonical(key: str, prefix: str):
    """Any spelling of a number ("1322/qđ-ttg") → the page of its key ("1322/QD-TTG")."""
    canonical = number_key(key)
    return redirect(f"{prefix}/documents/ref/{canonical}") if canonical != key else None


@refs.get("/documents/ref/<path:key>")
def reference_page(key: str):
    moved = _canonical(key, "")
    return moved or render_template("reference.html", ref=_data(key))


@refs.get("/api/documents/ref/<path:key>")
def api_reference(key: str):
    moved = _canonical(key, "/api")
    return moved or jsonify(_data(key))
