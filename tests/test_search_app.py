"""The search service: HTML pages, their JSON twins, query understanding, documentation."""

import re
import tomllib
from collections import Counter
from urllib.parse import quote

import pytest

from ingest.references import number_key
from search_app.query import parse_query

from .conftest import ROOT, SAMPLE_COUNT, SAMPLES

ISO_QUESTION = "doanh nghiệp nhỏ và vừa được hỗ trợ chi phí tư vấn chứng nhận ISO 9001 tối đa bao nhiêu"
DECISION_POINT = "Điểm a Khoản 2 Điều 1 — Quyết định 9322/QĐ-TTg ngày 31/8/2024, tr. 2"


def api(client, **params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_question_finds_the_decision_clause_with_citation(client):
    data = api(client, q=ISO_QUESTION)
    citations = [h["citation"] for h in data["hits"]]
    assert DECISION_POINT in citations[:5]
    hit = data["hits"][citations.index(DECISION_POINT)]
    assert hit["doc_number"] == "9322/QĐ-TTg" and hit["doc_type"] == "Quyết định"
    assert hit["issued"] == "2024-08-31" and hit["page"] == 2 and hit["unit"] == "Điểm a Khoản 2 Điều 1"
    assert hit["url"] == "/documents/qd-9322-ttg-chuong-trinh-nang-suat#dieu-1.khoan-2.diem-a"
    assert re.search(r"<mark>[^<]*\bISO\b[^<]*</mark>", hit["snippet"])


def test_question_without_diacritics_finds_the_same_top_clause(client):
    from ingest.textnorm import fold

    accented = api(client, q=ISO_QUESTION)["hits"]
    plain = api(client, q=fold(ISO_QUESTION))["hits"]
    assert [h["citation"] for h in plain[:1]] == [h["citation"] for h in accented[:1]]
    assert DECISION_POINT in [h["citation"] for h in plain[:5]]
    # highlighting works on the accented text for an unaccented query
    hit = next(h for h in plain if h["citation"] == DECISION_POINT)
    assert re.search(r"<mark>[^<]*chứng nhận[^<]*</mark>", hit["snippet"])  # one mark


def test_exact_accents_rank_first(client):
    from ingest.textnorm import fold

    q = "tư vấn chứng nhận"
    exact = api(client, q=q)["hits"][0]["score"]
    folded_only = api(client, q=fold(q))["hits"][0]["score"]
    assert exact > folded_only


def test_old_and_new_tone_marks_are_equal(client):
    new = api(client, q="ủy ban nhân dân tỉnh Mẫu Sơn hòa")
    old = api(client, q="uỷ ban nhân dân tỉnh Mẫu Sơn hoà")
    assert [h["citation"] for h in new["hits"]] == [h["citation"] for h in old["hits"]]


@pytest.mark.parametrize("q", ["9322/QĐ-TTg", "9322/qd-ttg", "QĐ 9322", "qd 9322", "quyết định 9322", "quyet dinh so 9322"])
def test_document_numbers_in_any_spelling_find_the_document_first(client, q):
    hits = api(client, q=q)["hits"]
    assert hits and hits[0]["doc_number"] == "9322/QĐ-TTg", [h["citation"] for h in hits[:3]]


def test_quoted_phrase_is_required(client):
    hits = api(client, q='"chuỗi cung ứng"')["hits"]
    assert hits
    for hit in hits:
        assert "<mark>chuỗi cung ứng</mark>" in hit["snippet"], hit
    assert api(client, q='"ứng cung chuỗi"')["total"] == 0


def test_abbreviations_are_expanded():
    parsed = parse_query("hỗ trợ DNNVV theo KH&CN")
    assert ["doanh", "nghiệp", "nhỏ", "và", "vừa"] in parsed.expansions
    assert ["khoa", "học", "và", "công", "nghệ"] in parsed.expansions


def test_filters_counts_sort_and_pages(client):
    data = api(client, q="hỗ trợ doanh nghiệp")
    facets = data["facets"]
    assert set(facets) == {"type", "issuer", "year", "status"}
    # every sample is about supporting enterprises: the facet counts each document once
    expected = Counter(tomllib.loads(p.read_text(encoding="utf-8"))["meta"]["doc_type"]
                       for p in SAMPLES.glob("*.toml"))
    assert dict(facets["type"]) == expected
    plans = api(client, q="hỗ trợ doanh nghiệp", type="Kế hoạch")
    assert plans["hits"] and {h["doc_type"] for h in plans["hits"]} == {"Kế hoạch"}
    year = api(client, q="hỗ trợ doanh nghiệp", year="2025")
    assert {h["issued"][:4] for h in year["hits"]} == {"2025"}
    newest = api(client, q="hỗ trợ doanh nghiệp", sort="newest")["hits"]
    dates = [h["issued"] or "" for h in newest]
    assert dates == sorted(dates, reverse=True)
    first = api(client, q="hỗ trợ doanh nghiệp", per_page=5)
    second = api(client, q="hỗ trợ doanh nghiệp", per_page=5, page=2)
    assert first["total"] > 10
    assert not {h["url"] for h in first["hits"]} & {h["url"] for h in second["hits"]}


def test_results_page_groups_by_document_with_citations(client):
    page = client.get("/", query_string={"q": ISO_QUESTION})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert DECISION_POINT in html
    assert 'data-copy="' + DECISION_POINT + '"' in html
    names = re.findall(r'<h2 class="doc-name"><a href="/documents/([^"]+)"', html)
    assert len(names) == len(set(names))  # each document once, its clauses together
    assert "type=" in html and "Loại văn bản" in html


def test_document_page_and_its_json_twin(client):
    data = client.get("/api/documents/qd-9322-ttg-chuong-trinh-nang-suat").get_json()
    assert data["doc_number"] == "9322/QĐ-TTg" and data["issued"] == "2024-08-31"
    assert data["pages"] == 3 and data["source"] == ["qd-9322-ttg-chuong-trinh-nang-suat.pdf"]
    unit = next(u for u in data["units"] if u["unit"] == "Điểm a Khoản 2 Điều 1")
    assert unit["page"] == 2 and "ISO 9001" in unit["text"]
    cited_by = {c["doc_number"] for c in data["cited_by"]}
    assert {"9071/KH-UBND", "9116/KH-UBND"} <= cited_by
    html = client.get("/documents/qd-9322-ttg-chuong-trinh-nang-suat").get_data(as_text=True)
    assert 'id="dieu-1.khoan-2.diem-a"' in html
    assert "Kế hoạch 9071/KH-UBND" in html and 'id="trang-2"' in html


def test_references_link_to_documents_in_the_corpus_or_say_they_are_not(client):
    data = client.get("/api/documents/kh-9116-ubnd-mau-son-2025").get_json()
    refs = {r["number"]: r for r in data["references"]}
    assert refs["9322/QĐ-TTg"]["in_corpus"] and refs["9322/QĐ-TTg"]["url"] == "/documents/qd-9322-ttg-chuong-trinh-nang-suat"
    data = client.get("/api/documents/tt-901-2024-tt-bkhcn").get_json()
    # the circular's "Căn cứ Nghị định số 80/2021/NĐ-CP": a real decree the corpus does not hold
    missing = [r for r in data["references"] if not r["in_corpus"]]
    assert [(r["number"], r["doc_type"], r["doc_id"]) for r in missing] == [("80/2021/NĐ-CP", "Nghị định", None)]
    assert missing[0]["url"] == "/documents/ref/" + number_key("80/2021/NĐ-CP")
    html = client.get("/documents/tt-901-2024-tt-bkhcn").get_data(as_text=True)
    assert "Nghị định số 80/2021/NĐ-CP</a> <span class=\"muted\">(không có trong kho văn bản)" in html


def test_original_file_is_served(client):
    response = client.get("/documents/qd-9322-ttg-chuong-trinh-nang-suat/files/1")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get("/documents/qd-9322-ttg-chuong-trinh-nang-suat/files/2").status_code == 404


@pytest.mark.parametrize(
    "query_string",
    ['q="', "q=AND OR", "q=((", "q=*", "q=%E0%A4%A", "q=%ff%fe", "q=" + "a" * 2000, "q=x&page=abc",
     "q=x&page=100000", "q=x&per_page=100000", "q=x&sort=evil", "q=NOT", "q=" + quote("~!@#$%^&*()_+{}|:<>?")],
)
def test_malformed_queries_never_fail(client, query_string):
    for path in ("/", "/api/search"):
        response = client.get(f"{path}?{query_string}")
        assert response.status_code in (200, 400), (path, query_string, response.status_code)
        body = response.get_data(as_text=True)
        if response.status_code == 400:
            assert (response.get_json() or {}).get("error") if path.startswith("/api") else "Lỗi 400" in body


def test_unknown_document_is_404_in_both_forms(client):
    assert client.get("/documents/khong-co").status_code == 404
    response = client.get("/api/documents/khong-co")
    assert response.status_code == 404 and "error" in response.get_json()


def test_every_route_is_documented_in_the_readme(sample_app):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in sample_app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        documented = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
        assert documented in readme, f"{rule.rule} is not documented in README.md"
    for key in ("query", "total", "page", "hits", "facets", "doc_id", "doc_number", "doc_type", "title",
                "issuer", "issued", "unit", "citation", "snippet", "url", "references", "cited_by", "warm",
                "status", "relations", "changed_by", "changes", "doc_status", "documents"):
        assert f'"{key}"' in readme, f"JSON field {key} is not documented in README.md"


def test_new_generation_is_picked_up_without_restart(sample_copy):
    from ingest.pipeline import run_ingest
    from search_app import create_app

    corpus, index_dir = sample_copy
    client = create_app(index_dir=index_dir, corpus_dir=corpus).test_client()
    assert api(client, q='"thử nghiệm tăng ca"')["total"] == 0
    letter = corpus / "cv-9455-skhcn-mau-son.txt"
    text = letter.read_text(encoding="utf-8").replace("Kính gửi:", "Ghi chú: thử nghiệm tăng ca.\nKính gửi:", 1)
    letter.write_text(text, encoding="utf-8")
    run_ingest(corpus, index_dir, progress=False)
    assert api(client, q='"thử nghiệm tăng ca"')["total"] >= 1


def test_health_says_when_the_engine_is_warm(client):
    import time

    data = client.get("/api/health").get_json()
    assert data["generation"] and data["documents"] == SAMPLE_COUNT
    deadline = time.monotonic() + 60
    while not client.get("/api/health").get_json()["warm"]:
        assert time.monotonic() < deadline, "the generation never finished warming"
        time.sleep(0.05)
