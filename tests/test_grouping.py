"""The page's order (≤ 3 clauses per document on page 1, "+ N" link, group=none = score order)
and one <mark> for adjacent highlighted syllables."""

from __future__ import annotations

import re

import pytest

from search_app.grouping import PER_DOCUMENT, page_of
from search_app.presentation import snippet
from search_app.query import parse_query


def api(client, **params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


# (doc of each candidate, best first) → documents of page 1 in the order shown, page 2
PAGES = [
    ("AAAAAB", 10, ["A", "A", "A", "B"], ["A", "A"]),
    ("ABAAAAC", 10, ["A", "A", "A", "B", "C"], ["A", "A"]),
    ("AB", 1, ["A"], ["B"]),
]


@pytest.mark.parametrize("docs, per_page, first, second", PAGES)
def test_page_one_caps_each_document_and_later_pages_hold_the_rest(docs, per_page, first, second):
    ranked = list(enumerate(docs))
    doc_of = lambda c: c[1]  # noqa: E731
    one, two = page_of(ranked, doc_of, 1, per_page), page_of(ranked, doc_of, 2, per_page)
    assert [d for _, d in one.items] == first
    assert [d for _, d in two.items] == second
    assert one.more.get("A", 0) == docs.count("A") - first.count("A")
    assert sorted(one.items + two.items) == ranked  # every clause once


def test_pure_score_order_is_unchanged():
    ranked = list(enumerate("AAAAAB"))
    assert page_of(ranked, lambda c: c[1], 1, 4, "none").items == ranked[:4]


def test_api_page_one_has_at_most_three_clauses_per_document_and_says_how_many_more(client):
    data = api(client, q="hỗ trợ doanh nghiệp")
    per_doc: dict[str, int] = {}
    for hit in data["hits"]:
        per_doc[hit["doc_id"]] = per_doc.get(hit["doc_id"], 0) + 1
    assert max(per_doc.values()) <= PER_DOCUMENT
    assert data["more"] and set(data["more"]) <= set(per_doc)
    doc_id, more = next(iter(data["more"].items()))
    only = api(client, q="hỗ trợ doanh nghiệp", doc=doc_id, per_page=50)
    assert {h["doc_id"] for h in only["hits"]} == {doc_id}
    assert len(only["hits"]) == per_doc[doc_id] + more


def test_documents_come_in_the_order_of_their_best_clause(client):
    hits = api(client, q="hạn nộp hồ sơ đề nghị hỗ trợ")["hits"]
    best: dict[str, float] = {}
    for hit in hits:
        best.setdefault(hit["doc_id"], hit["score"])
    docs = list(dict.fromkeys(h["doc_id"] for h in hits))
    assert [best[d] for d in docs] == sorted(best.values(), reverse=True)


def test_group_none_is_score_order(client):
    hits = api(client, q="hỗ trợ doanh nghiệp nhỏ và vừa", group="none", per_page=50)["hits"]
    scores = [h["score"] for h in hits]
    assert len(hits) > 10 and scores == sorted(scores, reverse=True)


def test_unknown_group_is_refused(client):
    assert client.get("/api/search", query_string={"q": "hỗ trợ", "group": "x"}).status_code == 400


def test_results_page_links_to_the_other_clauses_of_a_document(client):
    html = client.get("/", query_string={"q": "hỗ trợ doanh nghiệp"}).get_data(as_text=True)
    link = re.search(r'<a href="([^"]*doc=[^"]+)">\+ (\d+) điều khoản khác trong văn bản này</a>', html)
    assert link, "no '+ N điều khoản khác' link"
    assert "q=" in link.group(1)


@pytest.mark.parametrize("query, text, marks", [
    ("hỗ trợ doanh nghiệp", "Hỗ trợ doanh nghiệp nhỏ và vừa", ["Hỗ trợ doanh nghiệp"]),
    ("ho tro doanh nghiep", "việc hỗ trợ cho doanh nghiệp", ["hỗ trợ", "doanh nghiệp"]),
    ("năng suất chất lượng", "năng suất và chất lượng", ["năng suất", "chất lượng"]),
    ("năng suất, chất lượng", "về năng suất, chất lượng sản phẩm", ["năng suất", "chất lượng"]),
])
def test_adjacent_highlighted_syllables_form_one_mark(query, text, marks):
    html = str(snippet(text, parse_query(query).highlight_terms))
    assert re.findall(r"<mark>(.*?)</mark>", html) == marks
