"""The support finder, /ho-tro and its JSON twin /api/support, and the support measures that the
document page and a search about support show (search_app/support_finder.py does the finding)."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, current_app, jsonify, render_template, request

from ingest.enterprise_size import SECTORS, SIZE_NAMES, classify
from ingest.support import amount_in_words
from ingest.textnorm import fold, normalize

from .corpus_validity import configured_day
from .query import QueryError
from .support_finder import Profile, describe, find, need_tokens, profile_from_question, time_flags

support = Blueprint("support", __name__)

MEASURE_FIELDS = ("citation", "doc_id", "doc_number", "path", "anchor", "url", "what", "topics", "rate_percent",
                  "rate_kind", "base", "cap_vnd", "per", "beneficiaries", "applies_because", "conditions",
                  "deadline", "agency", "period", "in_force", "doc_status", "amount_in_words")
NOT_APPLICABLE_FIELDS = tuple(f for f in MEASURE_FIELDS if f != "applies_because") + ("why_not",)
DOCUMENT_FIELDS = tuple(f for f in MEASURE_FIELDS if f != "applies_because")
QUESTION_MEASURES = 3
MAX_NEED = 500
MAX_PROVINCE = 100
_FLAGS = {"": False, "0": False, "false": False, "1": True, "true": True, "on": True}
_QUESTION_RE = re.compile(
    r"\bmuc ho tro\b|\bho tro\b.*\b(?:bao nhieu|toi da|toi thieu)\b|\b(?:bao nhieu|toi da)\b.*\bho tro\b")
# Words of a question about support that say how much, not what is needed.
_QUESTION_WORDS = {"muc", "bao", "nhieu", "toi", "da", "thieu", "phan", "tram", "tien", "so", "duoc", "la"}


def _handle():
    return current_app.extensions["index"]


def _measures(as_of: date) -> list[dict]:
    gen = _handle().generation()
    return with_doc_status(gen, gen.support_measures, as_of) if gen else []


def with_doc_status(gen, measures: list[dict], as_of: date | None) -> list[dict]:
    """The measures, each with `doc_status`: its document's status on `as_of` (its dict, or None)."""
    statuses = gen.validity.statuses(as_of)
    return [dict(m, doc_status=s.to_dict() if (s := statuses.get(m.get("doc_id", ""))) else None)
            for m in measures]


def _text(name: str, limit: int, label: str) -> str:
    value = normalize(request.args.get(name, "")).strip()
    if len(value) > limit:
        raise QueryError(f"Tham số {name} ({label}) dài quá {limit} ký tự.")
    return value


def _amount(name: str, label: str) -> int | None:
    value = request.args.get(name, "").strip().replace(".", "").replace(" ", "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise QueryError(f"Tham số {name} ({label}) phải là số nguyên không âm.")
    return int(value)


def _flag(name: str, label: str) -> bool:
    value = request.args.get(name, "").strip().lower()
    if value not in _FLAGS:
        raise QueryError(f"Tham số {name} ({label}) phải là 1 hoặc 0.")
    return _FLAGS[value]


def finder_args() -> dict:
    """The finder's arguments from the request; a bad parameter raises QueryError naming it."""
    size = request.args.get("size", "").strip() or None
    if size is not None and size not in SIZE_NAMES:
        raise QueryError("Tham số size (quy mô doanh nghiệp) phải là một trong: " + ", ".join(SIZE_NAMES) + ".")
    sector = _text("sector", 100, "lĩnh vực") or None
    employees = _amount("employees", "số lao động tham gia bảo hiểm xã hội bình quân năm")
    revenue = _amount("revenue_vnd", "tổng doanh thu năm, đồng")
    capital = _amount("capital_vnd", "tổng nguồn vốn, đồng")
    if size is None and (sector or employees is not None or revenue is not None or capital is not None):
        if not sector:
            raise QueryError("Cần tham số sector (lĩnh vực) để tính quy mô doanh nghiệp.")
        if employees is None:
            raise QueryError("Cần tham số employees (số lao động tham gia bảo hiểm xã hội) để tính quy mô doanh nghiệp.")
        if revenue is None and capital is None:
            raise QueryError("Cần tham số revenue_vnd (doanh thu) hoặc capital_vnd (nguồn vốn) để tính quy mô doanh nghiệp.")
        try:
            classify(sector, employees, revenue, capital)
        except ValueError as exc:
            raise QueryError(f"Tham số sector: {exc}.")
    as_of_text = request.args.get("as_of", "").strip()
    if as_of_text:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of_text):
            raise QueryError("Tham số as_of (ngày tra cứu) phải có dạng YYYY-MM-DD.")
        try:
            as_of = date.fromisoformat(as_of_text)
        except ValueError:
            raise QueryError("Tham số as_of (ngày tra cứu) không phải là ngày có thật.")
    else:
        as_of = configured_day(current_app.config) or date.today()
    profile = Profile(size=size, sector=sector if size is None else None, employees=employees,
                      revenue_vnd=revenue, capital_vnd=capital,
                      women_owned=_flag("women_owned", "doanh nghiệp do phụ nữ làm chủ"),
                      cooperative=_flag("cooperative", "hợp tác xã"))
    return dict(profile=profile, need=_text("need", MAX_NEED, "nhu cầu hỗ trợ"), as_of=as_of,
                province=_text("province", MAX_PROVINCE, "tỉnh, thành phố") or None,
                include_expired=_flag("include_expired", "kể cả chính sách đã hết thời hạn"))


def card(measure: dict, as_of: date) -> dict:
    """A measure with what its card and JSON show: amount in words, in force on `as_of`, who."""
    in_force, expired = time_flags(measure, as_of)
    return dict(measure, amount_in_words=amount_in_words(measure), in_force=in_force, expired=expired,
                who=describe(measure.get("beneficiary_groups") or []) or "không giới hạn đối tượng")


def public(measure: dict, fields: tuple[str, ...]) -> dict:
    return {name: measure.get(name) for name in fields}


def run_finder(args: dict) -> dict:
    """The finder's answer: the profile, applicable measures (cards), not applicable ones, left out."""
    result = find(_measures(args["as_of"]), args["profile"], args["need"], args["as_of"], args["province"],
                  args["include_expired"])
    size_rule = result.size_rule
    if result.size and not size_rule:
        size_rule = f"doanh nghiệp {SIZE_NAMES[result.size]} (do người tra cứu chọn)"
    return {
        "profile": {"size": result.size, "size_rule": size_rule},
        "measures": [card(m, args["as_of"]) for m in result.measures],
        "not_applicable": [card(m, args["as_of"]) for m in result.not_applicable],
        "left_out_expired": len(result.left_out_expired),
    }


@support.get("/api/support")
def api_support():
    answer = run_finder(finder_args())
    return jsonify({
        "profile": answer["profile"],
        "measures": [public(m, MEASURE_FIELDS) for m in answer["measures"]],
        "not_applicable": [public(m, NOT_APPLICABLE_FIELDS) for m in answer["not_applicable"]],
    })


@support.get("/ho-tro")
def support_page():
    try:
        args, error = finder_args(), ""
    except QueryError as exc:
        args, error = None, str(exc)
    answer = run_finder(args) if args else None
    return render_template("support.html", answer=answer, error=error, form=request.args, sizes=SIZE_NAMES,
                           sectors=SECTORS), (400 if error else 200)


def is_support_question(query: str) -> bool:
    """ "được hỗ trợ bao nhiêu", "mức hỗ trợ", "hỗ trợ … tối đa": a question about an amount of support."""
    return bool(_QUESTION_RE.search(fold(normalize(query)).lower()))


def question_cards(gen, query: str) -> list[dict]:
    """The measures (at most 3, as cards) best matching a search question about support; [] when
    the question is not about support."""
    if gen is None or not is_support_question(query):
        return []
    need = " ".join(w for w in re.findall(r"\w+", fold(normalize(query)).lower()) if w not in _QUESTION_WORDS)
    today = date.today()
    found = find(with_doc_status(gen, gen.support_measures, today), profile_from_question(query), need, today).measures
    if need_tokens(need):  # it names what is needed: only measures that match it
        found = [m for m in found if m["fit"] > 0]
    return [card(m, today) for m in found[:QUESTION_MEASURES]]


def question_measures(gen, query: str) -> list[dict]:
    """`question_cards` with the finder's fields, as /api/search lists them under "support"."""
    return [public(m, MEASURE_FIELDS) for m in question_cards(gen, query)]


def document_support(gen, doc_id: str, as_of: date | None = None) -> dict:
    """The support measures of one document, in force or not on `as_of` (default today): "support"
    as /api/documents/<doc_id> lists them, "_support_cards" for the document page."""
    day = as_of or date.today()
    cards = [card(m, day) for m in with_doc_status(gen, gen.entry(doc_id).support, day)]
    return {"support": [public(m, DOCUMENT_FIELDS) for m in cards], "_support_cards": cards}
