"""The support finder served: /api/support and /ho-tro, support on the document page and API,
and a search question about support, over the sample corpus.

The assertions name measures of the current samples (the decision 9322/QĐ-TTg, the resolution
9012/NQ-HĐND) and never count all measures, so adding samples does not break them."""

import re

import pytest

from search_app.support_views import DOCUMENT_FIELDS, MEASURE_FIELDS, NOT_APPLICABLE_FIELDS

DECISION_ISO = "/documents/qd-9322-ttg-chuong-trinh-nang-suat#dieu-1.khoan-2.diem-a"
RESOLUTION_ISO = "/documents/nq-9012-hdnd-mau-son#dieu-1.khoan-2.diem-a"
AS_OF = "2025-06-01"  # inside the samples' period 2025 - 2030
SMALL_TRADER = dict(sector="thuong_mai_dich_vu", employees="20", revenue_vnd="20000000000", as_of=AS_OF)


def support(client, **params):
    response = client.get("/api/support", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def by_url(measures: list[dict], url: str) -> list[dict]:
    return [m for m in measures if m["url"] == url]


def test_answer_has_exactly_the_documented_fields(client):
    data = support(client, size="vua", as_of=AS_OF)
    assert set(data) == {"profile", "measures", "not_applicable"}
    assert set(data["profile"]) == {"size", "size_rule"}
    assert data["measures"] and data["not_applicable"]
    for measure in data["measures"]:
        assert set(measure) == set(MEASURE_FIELDS)
    for measure in data["not_applicable"]:
        assert set(measure) == set(NOT_APPLICABLE_FIELDS)


def test_decision_measure_reads_rate_cap_and_amount_in_words(client):
    data = support(client, size="nho", as_of=AS_OF)
    [iso] = by_url(data["measures"], DECISION_ISO)
    assert (iso["rate_percent"], iso["rate_kind"], iso["cap_vnd"], iso["per"]) == (50, "max", 100_000_000, ["doanh nghiệp"])
    assert iso["amount_in_words"] == "Tối đa 50% chi phí tư vấn, không quá 100 triệu đồng/doanh nghiệp"
    assert iso["doc_number"] == "9322/QĐ-TTg" and iso["doc_id"] == "qd-9322-ttg-chuong-trinh-nang-suat"
    assert iso["citation"] == "Điểm a Khoản 2 Điều 1 — Quyết định 9322/QĐ-TTg ngày 31/8/2024, tr. 2"
    assert iso["period"] == {"from": 2025, "to": 2030} and iso["in_force"] is True
    assert set(iso["beneficiaries"]) == {"sieu_nho", "nho", "vua"}


def test_size_is_computed_from_sector_employees_and_revenue(client):
    data = support(client, **SMALL_TRADER)
    assert data["profile"]["size"] == "nho"
    assert "khoản 2 Điều 5 Nghị định 80/2021/NĐ-CP" in data["profile"]["size_rule"]
    caps = {m["cap_vnd"] for m in by_url(data["measures"], RESOLUTION_ISO)}
    assert caps == {80_000_000}  # the resolution's level for doanh nghiệp nhỏ
    assert all("nhỏ" in m["applies_because"] for m in by_url(data["measures"], RESOLUTION_ISO))
    reasons = {m["why_not"] for m in by_url(data["not_applicable"], RESOLUTION_ISO)}
    assert reasons == {"dành cho doanh nghiệp siêu nhỏ", "dành cho doanh nghiệp vừa"}


def test_a_large_enterprise_is_not_offered_the_sme_measures(client):
    data = support(client, sector="công nghiệp", employees="300", capital_vnd="200000000000", as_of=AS_OF)
    assert data["profile"]["size"] == "lon"
    assert not by_url(data["measures"], DECISION_ISO)
    [iso] = by_url(data["not_applicable"], DECISION_ISO)
    assert iso["why_not"] == "dành cho doanh nghiệp siêu nhỏ, nhỏ và vừa"


def test_need_ranks_a_certification_measure_first(client):
    data = support(client, need="chứng nhận ISO 9001", size="nho", as_of=AS_OF)
    assert "chứng nhận" in data["measures"][0]["topics"]


def test_province_and_the_2025_merger(client):
    data = support(client, size="nho", province="An Giang", as_of=AS_OF)
    assert not by_url(data["measures"], RESOLUTION_ISO)
    assert {m["why_not"] for m in by_url(data["not_applicable"], RESOLUTION_ISO)} == {"văn bản của tỉnh Mẫu Sơn"}
    assert by_url(data["measures"], DECISION_ISO)  # a national decision applies everywhere
    assert by_url(support(client, size="nho", province="tỉnh Mẫu Sơn", as_of=AS_OF)["measures"], RESOLUTION_ISO)


def test_an_ended_period_is_left_out_unless_asked_for(client):
    assert not by_url(support(client, size="nho", as_of="2031-03-01")["measures"], DECISION_ISO)
    [iso] = by_url(support(client, size="nho", as_of="2031-03-01", include_expired="1")["measures"], DECISION_ISO)
    assert iso["in_force"] is False


@pytest.mark.parametrize("params, named", [
    ({"size": "trung_binh"}, "size"),
    ({"sector": "thuong_mai_dich_vu", "employees": "hai mươi", "revenue_vnd": "1"}, "employees"),
    ({"sector": "thuong_mai_dich_vu", "employees": "20", "revenue_vnd": "-5"}, "revenue_vnd"),
    ({"sector": "thiên văn", "employees": "20", "revenue_vnd": "1000"}, "sector"),
    ({"employees": "20", "revenue_vnd": "1000"}, "sector"),
    ({"sector": "thuong_mai_dich_vu", "revenue_vnd": "1000"}, "employees"),
    ({"sector": "thuong_mai_dich_vu", "employees": "20"}, "revenue_vnd"),
    ({"as_of": "01/06/2025"}, "as_of"),
    ({"as_of": "2025-02-30"}, "as_of"),
    ({"women_owned": "có"}, "women_owned"),
    ({"cooperative": "2"}, "cooperative"),
    ({"include_expired": "yes"}, "include_expired"),
    ({"need": "x" * 501}, "need"),
])
def test_bad_parameter_is_a_400_naming_it(client, params, named):
    response = client.get("/api/support", query_string=params)
    assert response.status_code == 400
    assert named in response.get_json()["error"]
    page = client.get("/ho-tro", query_string=params)
    assert page.status_code == 400 and named in page.get_data(as_text=True)


def test_page_is_a_plain_get_form_and_cards(client):
    response = client.get("/ho-tro", query_string=dict(need="ISO 9001", **SMALL_TRADER))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    form = re.search(r'<form class="support-form" action="/ho-tro" method="get">(.*?)</form>', html, re.S).group(1)
    for name in ("need", "size", "sector", "employees", "revenue_vnd", "capital_vnd", "province", "as_of",
                 "women_owned", "cooperative", "include_expired"):
        assert f'name="{name}"' in form
    assert 'value="20000000000"' in form  # the form keeps what was asked
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script: works without JavaScript
    assert "Tối đa 50% chi phí tư vấn, không quá 100 triệu đồng/doanh nghiệp" in html
    assert 'data-copy="Điểm a Khoản 2 Điều 1 — Quyết định 9322/QĐ-TTg ngày 31/8/2024, tr. 2"' in html
    assert f'href="{DECISION_ISO}"' in html
    details = html[html.index('<details class="not-applicable">'):]
    assert "dành cho doanh nghiệp vừa" in details


def test_document_api_and_page_show_the_clause_measures(client):
    data = client.get("/api/documents/qd-9322-ttg-chuong-trinh-nang-suat").get_json()
    assert data["support"]
    assert all(set(m) == set(DOCUMENT_FIELDS) for m in data["support"])
    [iso] = [m for m in data["support"] if m["anchor"] == "dieu-1.khoan-2.diem-a"]
    assert iso["cap_vnd"] == 100_000_000 and iso["rate_percent"] == 50
    assert client.get("/api/documents/kh-9071-ubnd-mau-son-2025-2030").get_json()["support"] == []
    html = client.get("/documents/qd-9322-ttg-chuong-trinh-nang-suat").get_data(as_text=True)
    anchor = html.index('id="dieu-1.khoan-2.diem-a"')
    card = html.index("Tối đa 50% chi phí tư vấn, không quá 100 triệu đồng/doanh nghiệp", anchor)
    assert card < html.index('id="dieu-1.khoan-2.diem-b"')  # under its clause, before the next one


def test_search_question_about_support_lists_measures_above_the_clauses(client):
    data = client.get("/api/search", query_string={"q": "được hỗ trợ bao nhiêu khi chứng nhận ISO 9001"}).get_json()
    assert 1 <= len(data["support"]) <= 3
    assert all(set(m) == set(MEASURE_FIELDS) for m in data["support"])
    assert any(m["url"] == DECISION_ISO for m in data["support"])
    assert data["hits"]
    plain = client.get("/api/search", query_string={"q": "chứng nhận ISO 9001"}).get_json()
    assert plain["support"] == [] and plain["hits"]
    html = client.get("/", query_string={"q": "mức hỗ trợ chứng nhận ISO 9001"}).get_data(as_text=True)
    assert html.index('class="support-answer"') < html.index('class="doc-group"')
    assert 'href="/ho-tro"' in client.get("/").get_data(as_text=True)
