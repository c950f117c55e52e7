"""Validity in the web app, on the sample corpus as of 30/11/2026: statuses with the clause that
proves them, the status filter and facet, the relationship map, the marks on amended clauses,
the document list, the home page, the support finder, and the sidecar's status override."""

import re
from datetime import date
from urllib.parse import quote

import pytest

from ingest.pipeline import run_ingest
from search_app import create_app
from search_app.generations import IndexHandle

from .conftest import SAMPLE_CORPUS, SAMPLE_COUNT

TODAY = "2026-11-30"
NQ_OLD, NQ_NEW = "nq-9012-hdnd-mau-son", "nq-931-2026-hdnd-mau-son"
QD_OLD, QD_NEW = "qd-9031-2022-ubnd-mau-son-ho-tro-tu-van", "qd-9218-2026-ubnd-mau-son-ho-tro-tu-van"
QD_AMENDING = "qd-9306-2026-ubnd-mau-son-sua-doi"
PLAN_ENDED = "kh-9158-ubnd-mau-son-2021-2025"
EXPIRED = {NQ_OLD, QD_OLD, PLAN_ENDED, "kh-9116-ubnd-mau-son-2025"}


@pytest.fixture
def app_client(sample_index):
    return create_app(index_dir=sample_index, corpus_dir=SAMPLE_CORPUS, TESTING=True,
                      STATUS_AS_OF=TODAY).test_client()


def status_of(client, doc_id: str) -> dict:
    return client.get(f"/api/documents/{doc_id}").get_json()["status"]


def test_replaced_resolution_is_expired_with_the_replacing_clause_and_the_new_one_in_force(app_client):
    old = status_of(app_client, NQ_OLD)
    assert (old["code"], old["label"], old["since"]) == ("expired", "Hết hiệu lực", "2026-05-01")
    assert (old["by"], old["by_doc"]) == ("931/2026/NQ-HĐND", NQ_NEW)
    assert old["proof"] == "Khoản 2 Điều 4 — Nghị quyết 931/2026/NQ-HĐND ngày 6/3/2026, tr. 1"
    new = status_of(app_client, NQ_NEW)
    assert (new["code"], new["label"], new["since"]) == ("in_force", "Còn hiệu lực", "2026-05-01")

    page = app_client.get(f"/documents/{NQ_OLD}").get_data(as_text=True)
    badge = re.search(r'<p class="doc-status">(.*?)</p>', page, re.S).group(1)
    assert "Hết hiệu lực" in badge and "1/5/2026" in badge
    assert f'href="/documents/{NQ_NEW}">931/2026/NQ-HĐND</a>' in badge
    assert "Khoản 2 Điều 4 — Nghị quyết 931/2026/NQ-HĐND ngày 6/3/2026, tr. 1" in badge


def test_replaced_decision_ended_plan_and_future_decision(app_client):
    old = status_of(app_client, QD_OLD)
    assert (old["code"], old["since"], old["by_doc"]) == ("expired", "2026-06-01", QD_NEW)
    assert old["proof"].startswith("Khoản 2 Điều 2 — Quyết định 9218/2026/QĐ-UBND")
    assert status_of(app_client, QD_NEW)["code"] == "in_force"
    plan = status_of(app_client, PLAN_ENDED)
    assert (plan["code"], plan["since"]) == ("expired", "2026-01-01")
    assert plan["proof"] == "Trích yếu — Kế hoạch 9158/KH-UBND ngày 9/5/2022"
    future = status_of(app_client, QD_AMENDING)
    assert (future["code"], future["label"], future["since"]) == ("not_yet", "Chưa có hiệu lực", "2027-01-01")
    assert future["proof"].startswith("Khoản 1 Điều 3 — Quyết định 9306/2026/QĐ-UBND")


def test_status_follows_the_day(sample_index):
    gen = IndexHandle(sample_index).generation()
    before = gen.status(NQ_OLD, date(2026, 4, 30))
    assert (before.code, before.until) == ("in_force", "2026-05-01")  # its replacement is announced
    assert gen.status(NQ_OLD, date(2026, 5, 1)).code == "expired"
    amended = gen.status(QD_NEW, date(2027, 1, 1))  # 9306 applies from 01/01/2027
    assert (amended.code, amended.by_doc) == ("partly", QD_AMENDING)
    assert gen.status(QD_AMENDING, date(2027, 1, 1)).code == "in_force"


def test_every_hit_carries_its_status_and_the_filter_and_facet_use_it(app_client):
    data = app_client.get("/api/search", query_string={"q": "hỗ trợ tư vấn"}).get_json()
    assert data["hits"] and all(hit["status"]["code"] for hit in data["hits"])
    by_doc = {hit["doc_id"]: hit["status"]["code"] for hit in data["hits"]}
    assert by_doc.get(QD_OLD, "expired") == "expired" and by_doc.get(QD_NEW, "in_force") == "in_force"
    facet = dict(data["facets"]["status"])
    assert facet["expired"] >= 1 and facet["in_force"] >= 1
    assert [code for code, _ in data["facets"]["status"]] == [
        c for c in ("in_force", "partly", "not_yet", "expired") if c in facet]

    expired = app_client.get("/api/search", query_string={"q": "hỗ trợ tư vấn", "status": "expired"}).get_json()
    assert expired["total"] >= 1
    assert {hit["status"]["code"] for hit in expired["hits"]} == {"expired"}
    assert {hit["doc_id"] for hit in expired["hits"]} <= EXPIRED
    assert dict(expired["facets"]["status"]) == {"expired": facet["expired"]}

    only_future = app_client.get("/api/search", query_string={"status": "not_yet"}).get_json()
    assert {hit["doc_id"] for hit in only_future["hits"]} == {QD_AMENDING}
    bad = app_client.get("/api/search", query_string={"q": "hỗ trợ", "status": "het_hieu_luc"})
    assert bad.status_code == 400 and "status" in bad.get_json()["error"]


def test_results_page_shows_badges_and_the_status_facet(app_client):
    page = app_client.get("/", query_string={"q": "hỗ trợ tư vấn"}).get_data(as_text=True)
    assert "<h2>Hiệu lực</h2>" in page
    assert re.search(r'<a href="[^"]*status=expired[^"]*">Hết hiệu lực</a>', page)
    hits = page.count('<div class="hit">')
    assert hits and page.count('<p class="hit-status">') == hits
    assert 'class="status-badge status-expired"' in page and 'class="status-badge status-in_force"' in page


def test_relations_and_the_relation_map(app_client):
    doc = app_client.get(f"/api/documents/{NQ_OLD}").get_json()
    replaced_by = [e for e in doc["relations"] if e["direction"] == "in" and e["type"] == "replaces"]
    assert [(e["doc_id"], e["url"], e["proof"]["label"]) for e in replaced_by] == [
        (NQ_NEW, f"/documents/{NQ_NEW}", "Khoản 2 Điều 4")]
    page = app_client.get(f"/documents/{NQ_OLD}").get_data(as_text=True)
    relation_map = re.search(r'<section class="relation-map".*?</section>', page, re.S).group()
    assert f'<a href="/documents/{NQ_NEW}">Nghị quyết 931/2026/NQ-HĐND</a>' in relation_map
    assert 'href="/documents/qd-9322-ttg-chuong-trinh-nang-suat"' in relation_map  # its căn cứ
    assert "<h2>Lược đồ</h2>" in page

    decision = app_client.get(f"/documents/{QD_NEW}").get_data(as_text=True)
    decision_map = re.search(r'<section class="relation-map".*?</section>', decision, re.S).group()
    for other in (QD_OLD, QD_AMENDING, NQ_NEW):
        assert f'href="/documents/{other}"' in decision_map
    edges = app_client.get(f"/api/documents/{QD_NEW}").get_json()["relations"]
    assert {(e["direction"], e["type"], e["doc_id"]) for e in edges} >= {
        ("out", "replaces", QD_OLD), ("in", "amends", QD_AMENDING), ("out", "based_on", NQ_NEW)}
    assert "/documents/ref/1322/QD-TTG" in decision_map  # a căn cứ not in the corpus: its number's page


def test_amended_clause_links_to_the_amending_clause_and_back(app_client):
    target = app_client.get(f"/api/documents/{QD_NEW}").get_json()
    marked = {u["unit"]: u for u in target["units"] if u["changed_by"]}
    amended, repealed = marked.get("Khoản 2 Điều 3"), marked.get("Điểm b Khoản 1 Điều 4")
    assert amended and repealed, "the attached Quy định of 9218 is not parsed into units"
    assert [(m["text"], m["url"]) for m in amended["changed_by"]] == [
        ("Được sửa đổi, bổ sung bởi Khoản 1 Điều 1 Quyết định 9306/2026/QĐ-UBND",
         f"/documents/{QD_AMENDING}#dieu-1.khoan-1")]
    assert repealed["changed_by"][0]["text"] == "Bị bãi bỏ bởi Khoản 2 Điều 1 Quyết định 9306/2026/QĐ-UBND"

    amending = app_client.get(f"/api/documents/{QD_AMENDING}").get_json()
    clause = next(u for u in amending["units"] if u["anchor"] == "dieu-1.khoan-1")
    assert [(m["text"], m["url"]) for m in clause["changes"]] == [
        ("Sửa đổi, bổ sung Khoản 2 Điều 3 Quyết định 9218/2026/QĐ-UBND",
         f"/documents/{QD_NEW}#{amended['anchor']}")]
    page = app_client.get(f"/documents/{QD_NEW}").get_data(as_text=True)
    assert (f'<a href="/documents/{QD_AMENDING}#dieu-1.khoan-1">Được sửa đổi, bổ sung bởi Khoản 1 Điều 1 '
            f"Quyết định 9306/2026/QĐ-UBND</a>") in page


def test_document_list_newest_first_with_filters_and_pages(app_client):
    data = app_client.get("/api/documents", query_string={"per_page": 50}).get_json()
    docs = data["documents"]
    assert data["total"] == len(docs) == SAMPLE_COUNT
    assert [d["doc_id"] for d in docs[:3]] == [QD_AMENDING, QD_NEW, NQ_NEW]
    dates = [d["issued"] for d in docs]
    assert dates == sorted(dates, reverse=True)
    assert set(docs[0]) >= {"doc_type", "doc_number", "issued", "issuer", "title", "status", "url"}
    assert {d["doc_id"] for d in docs if d["status"]["code"] == "expired"} == EXPIRED
    assert dict(data["facets"]["status"]) == {"in_force": SAMPLE_COUNT - len(EXPIRED) - 1, "not_yet": 1,
                                              "expired": len(EXPIRED)}

    expired = app_client.get("/api/documents", query_string={"status": "expired"}).get_json()
    assert {d["doc_id"] for d in expired["documents"]} == EXPIRED
    plans = app_client.get("/api/documents", query_string={"type": "Kế hoạch", "year": "2025"}).get_json()
    assert [d["doc_id"] for d in plans["documents"]] == ["kh-9116-ubnd-mau-son-2025"]
    by_issuer = app_client.get("/api/documents", query_string={"issuer": "Hội đồng nhân dân tỉnh Mẫu Sơn"}).get_json()
    assert [d["doc_id"] for d in by_issuer["documents"]] == [NQ_NEW, NQ_OLD]

    pages = [app_client.get("/api/documents", query_string={"per_page": 5, "page": n}).get_json() for n in (1, 2, 3)]
    assert [len(p["documents"]) for p in pages] == [5, 5, SAMPLE_COUNT - 10]
    assert [d["doc_id"] for p in pages for d in p["documents"]] == [d["doc_id"] for d in docs]
    for bad in ({"per_page": 51}, {"per_page": 0}, {"page": 0}, {"page": "x"}, {"status": "hết"}, {"year": "26"}):
        response = app_client.get("/api/documents", query_string=bad)
        assert response.status_code == 400 and response.get_json()["error"], bad
    assert app_client.get("/documents", query_string={"per_page": 99}).status_code == 400


def test_document_list_page(app_client):
    page = app_client.get("/documents", query_string={"status": "expired"}).get_data(as_text=True)
    for doc_id in EXPIRED:
        assert f'href="/documents/{doc_id}"' in page
    assert f'href="/documents/{NQ_NEW}"' not in page
    assert page.count('class="status-badge status-expired"') == len(EXPIRED)
    assert "× Bỏ lọc" in page


def test_home_page_lists_the_newest_documents_and_leads_to_the_support_finder(app_client):
    page = app_client.get("/").get_data(as_text=True)
    newest = re.search(r'<ul class="newest-list">(.*?)</ul>', page, re.S).group(1)
    listed = re.findall(r'<a href="/documents/([^"#]+)">', newest)
    expected = [d["doc_id"] for d in app_client.get("/api/documents", query_string={"per_page": 10}).get_json()["documents"]]
    assert listed == expected and len(listed) == 10
    assert "Chưa có hiệu lực" in newest
    assert 'href="/ho-tro"' in page and 'href="/documents"' in page
    assert '<ul class="newest-list">' not in app_client.get("/", query_string={"q": "hỗ trợ"}).get_data(as_text=True)


def test_support_finder_leaves_out_measures_of_expired_documents_unless_asked(app_client):
    measures = app_client.get("/api/support").get_json()["measures"]
    assert measures and not {m["doc_id"] for m in measures} & EXPIRED
    assert all(m["in_force"] and m["doc_status"]["code"] in ("in_force", "partly") for m in measures)
    everything = app_client.get("/api/support", query_string={"include_expired": 1}).get_json()["measures"]
    replaced = [m for m in everything if m["doc_id"] in (NQ_OLD, QD_OLD)]
    assert replaced and all(not m["in_force"] and m["doc_status"]["code"] == "expired" for m in replaced)
    # nq-9012's own period (2025 - 2030) has not ended: only its replacement takes it out.
    assert any(m["period"] and m["period"]["to"] == 2030 for m in replaced if m["doc_id"] == NQ_OLD)
    doc = app_client.get(f"/api/documents/{QD_OLD}").get_json()
    assert doc["support"] and not any(m["in_force"] for m in doc["support"])


def test_reference_page_of_a_number_in_the_corpus_shows_its_status(app_client):
    ref = app_client.get("/api/documents/ref/9012/NQ-HDND").get_json()
    assert (ref["status"]["code"], ref["status"]["by"]) == ("expired", "931/2026/NQ-HĐND")
    page = app_client.get("/documents/ref/9012/NQ-HDND").get_data(as_text=True)
    assert "Hết hiệu lực" in page


RESOLUTION = """VĂN BẢN MẪU (nội dung hư cấu, chỉ dùng để thử nghiệm)
HỘI ĐỒNG NHÂN DÂN
TỈNH MẪU SƠN
Số: 9801/2026/NQ-HĐND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Mẫu Sơn, ngày 10 tháng 4 năm 2026
NGHỊ QUYẾT
Quy định mức chi hỗ trợ đào tạo nghề trên địa bàn tỉnh Mẫu Sơn
HỘI ĐỒNG NHÂN DÂN TỈNH MẪU SƠN
QUYẾT NGHỊ:
Điều 1. Mức chi
Mức chi hỗ trợ đào tạo nghề là 2 triệu đồng/người/khóa học.
Điều 2. Hiệu lực thi hành
Nghị quyết này có hiệu lực từ ngày 01 tháng 5 năm 2026 và thay thế Nghị quyết số 9790/2020/NQ-HĐND ngày 09 tháng 12 năm 2020 của Hội đồng nhân dân tỉnh Mẫu Sơn./.
CHỦ TỊCH
Nguyễn Văn A
"""
DECISION = """VĂN BẢN MẪU (nội dung hư cấu, chỉ dùng để thử nghiệm)
ỦY BAN NHÂN DÂN TỈNH MẪU SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 9802/QĐ-UBND
Mẫu Sơn, ngày 02 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc giao chỉ tiêu đào tạo nghề năm 2026
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH MẪU SƠN
QUYẾT ĐỊNH:
Điều 1. Giao chỉ tiêu đào tạo nghề năm 2026 cho các huyện.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.
CHỦ TỊCH
Nguyễn Văn A
"""


def test_a_replaced_number_outside_the_corpus_and_a_sidecar_override(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "nq-9801.txt").write_text(RESOLUTION, encoding="utf-8")
    (corpus / "qd-9802.txt").write_text(DECISION, encoding="utf-8")
    (corpus / "qd-9802.txt.meta.toml").write_text(
        'status = "expired"\nstatus_reason = "Bãi bỏ theo Quyết định 9899/QĐ-UBND (chưa có trong kho)"\n'
        'status_since = "2026-09-01"\nstatus_by = "9899/QĐ-UBND"\n', encoding="utf-8")
    index = tmp_path / "index"
    assert run_ingest(corpus, index, progress=False).exit_status == 0
    client = create_app(index_dir=index, corpus_dir=corpus, TESTING=True, STATUS_AS_OF=TODAY).test_client()

    ref = client.get("/api/documents/ref/" + quote("9790/2020/NQ-HDND")).get_json()
    assert ref["in_corpus"] is False
    assert (ref["status"]["code"], ref["status"]["since"], ref["status"]["by_doc"]) == ("expired", "2026-05-01", "nq-9801")
    assert ref["status"]["proof"].startswith("Điều 2 — Nghị quyết 9801/2026/NQ-HĐND")
    assert "Hết hiệu lực" in client.get("/documents/ref/9790/2020/NQ-HDND").get_data(as_text=True)

    overridden = client.get("/api/documents/qd-9802").get_json()["status"]
    assert overridden == {"code": "expired", "label": "Hết hiệu lực", "since": "2026-09-01", "by": "9899/QĐ-UBND",
                          "by_doc": None, "proof": "Bãi bỏ theo Quyết định 9899/QĐ-UBND (chưa có trong kho)",
                          "until": None, "source": "override"}
    assert "Lý do: Bãi bỏ theo Quyết định 9899/QĐ-UBND" in client.get("/documents/qd-9802").get_data(as_text=True)

    (corpus / "qd-9802.txt.meta.toml").write_text('status = "expired"\n', encoding="utf-8")
    report = run_ingest(corpus, index, progress=False)
    failed = [f for f in report.files if f.outcome == "failed"]
    assert [(f.path, "status_reason" in f.reason) for f in failed] == [("qd-9802.txt", True)]
