"""Numbers cited but not held by the corpus: what the citing text states, the search banner and
citing clauses, the /documents/ref page and its JSON twin."""

import re
import shutil

import pytest

from ingest import run_ingest
from search_app import create_app
from search_app.cited_numbers import code_type
from search_app.citing_text import citing_sentence, describe_citation

from .conftest import ROOT, SAMPLE_CORPUS

NATIONAL_PROGRAMME = (
    "Căn cứ Quyết định số 1322/QĐ-TTg ngày 31/8/2020 của Thủ tướng Chính phủ phê duyệt Chương trình "
    "quốc gia hỗ trợ doanh nghiệp nâng cao năng suất và chất lượng sản phẩm, hàng hóa giai đoạn 2021 - 2030"
)


@pytest.mark.parametrize("sentence, number, date, issuer, title, text_starts", [
    (NATIONAL_PROGRAMME, "1322/QĐ-TTg", "2020-08-31", "Thủ tướng Chính phủ",
     "Phê duyệt Chương trình quốc gia hỗ trợ doanh nghiệp nâng cao năng suất và chất lượng sản phẩm, "
     "hàng hóa giai đoạn 2021 - 2030", "ngày 31/8/2020 của Thủ tướng Chính phủ phê duyệt"),
    ("Thực hiện Nghị quyết số 11-NQ/ĐH ngày 15/10/2020 của Đại hội đại biểu Đảng bộ tỉnh Kiên Giang lần "
     "thứ XI, nhiệm kỳ 2020 - 2025", "11-NQ/ĐH", "2020-10-15",
     "Đại hội đại biểu Đảng bộ tỉnh Kiên Giang lần thứ XI", "", "ngày 15/10/2020 của Đại hội"),
    ("Căn cứ Luật Hỗ trợ doanh nghiệp nhỏ và vừa số 04/2017/QH14 ngày 12 tháng 6 năm 2017", "04/2017/QH14",
     "2017-06-12", "", "Luật Hỗ trợ doanh nghiệp nhỏ và vừa", "ngày 12 tháng 6 năm 2017"),
    # the next citation ends what is said about this one
    ("Thực hiện Quyết định số 9322/QĐ-TTg ngày 31/8/2024 của Thủ tướng Chính phủ phê duyệt Chương trình mẫu "
     "hỗ trợ doanh nghiệp giai đoạn 2025 - 2030 và Kế hoạch số 9071/KH-UBND ngày 15/11/2024 của Ủy ban nhân "
     "dân tỉnh", "9322/QĐ-TTg", "2024-08-31", "Thủ tướng Chính phủ",
     "Phê duyệt Chương trình mẫu hỗ trợ doanh nghiệp giai đoạn 2025 - 2030", "ngày 31/8/2024"),
    # the citing document's own main clause after the comma is not about the cited one
    ("Thực hiện Kế hoạch số 9116/KH-UBND ngày 20/01/2025 của Ủy ban nhân dân tỉnh triển khai thực hiện Chương "
     "trình mẫu năm 2025 và Nghị quyết số 9012/NQ-HĐND ngày 10/12/2024 của Hội đồng nhân dân tỉnh quy định mẫu "
     "mức hỗ trợ doanh nghiệp nâng cao năng suất và chất lượng trên địa bàn tỉnh Mẫu Sơn giai đoạn 2025 - 2030, "
     "Sở Khoa học và Công nghệ hướng dẫn hồ sơ đề nghị hỗ trợ chứng nhận như sau", "9012/NQ-HĐND", "2024-12-10",
     "Hội đồng nhân dân tỉnh", "Quy định mẫu mức hỗ trợ doanh nghiệp nâng cao năng suất và chất lượng trên địa "
     "bàn tỉnh Mẫu Sơn giai đoạn 2025 - 2030", "ngày 10/12/2024"),
    ("Chương trình được phê duyệt tại Quyết định số 9322/QĐ-TTg ngày 31 tháng 8 năm 2024 của Thủ tướng Chính "
     "phủ (sau đây gọi là Chương trình)", "9322/QĐ-TTg", "2024-08-31", "Thủ tướng Chính phủ", "",
     "ngày 31 tháng 8 năm 2024"),
    ("Căn cứ Thông tư số 901/2024/TT-BKHCN ngày 10 tháng 10 năm 2024 của Bộ trưởng Bộ Khoa học và Công nghệ "
     "hướng dẫn mẫu về nội dung chi", "901/2024/TT-BKHCN", "2024-10-10", "Bộ trưởng Bộ Khoa học và Công nghệ",
     "Hướng dẫn mẫu về nội dung chi", "ngày 10 tháng 10"),
    ("Xét Tờ trình số 9088/TTr-UBND ngày 25 tháng 11 năm 2024 của Ủy ban nhân dân tỉnh", "9088/TTr-UBND",
     "2024-11-25", "Ủy ban nhân dân tỉnh", "", "ngày 25 tháng 11 năm 2024"),
    ("Mức hỗ trợ thực hiện theo điểm a khoản 2 Điều 1 Nghị quyết số 9012/NQ-HĐND", "9012/NQ-HĐND",
     "", "", "", ""),
    ("Quyết định số 9322/QĐ-TTg ngày 31/02/2024", "9322/QĐ-TTg", "", "", "", "ngày 31/02/2024"),  # no such day
])
def test_what_the_citing_text_states(sentence, number, date, issuer, title, text_starts):
    stated = describe_citation(sentence, number)
    assert (stated.date, stated.issuer, stated.title) == (date, issuer, title)
    assert stated.text.startswith(text_starts) and len(stated.text) <= 210


def test_the_statement_is_trimmed_at_a_word():
    long = NATIONAL_PROGRAMME + ", trong đó" + " tập trung hỗ trợ doanh nghiệp nhỏ và vừa" * 10
    stated = describe_citation(long, "1322/QĐ-TTg")
    assert stated.text.endswith(" …") and len(stated.text) <= 202
    assert long.startswith("Căn cứ Quyết định số 1322/QĐ-TTg " + stated.text[:-2])


@pytest.mark.parametrize("text, sentence", [
    # a PDF line wraps mid-sentence; ";" ends the sentence
    ("Điều 1. Phạm vi\n1. Căn cứ Quyết định số 1322/QĐ-TTg ngày 31/8/2020 của Thủ tướng Chính phủ phê duyệt "
     "Chương\ntrình quốc gia; Báo cáo khác.", "Căn cứ Quyết định số 1322/QĐ-TTg ngày 31/8/2020 của Thủ tướng "
     "Chính phủ phê duyệt Chương trình quốc gia"),
    ("b) Mức hỗ trợ thực hiện theo Nghị quyết số 1322/QĐ-TTg: 50% chi phí.",
     "b) Mức hỗ trợ thực hiện theo Nghị quyết số 1322/QĐ-TTg"),
    ("Năm 2025 tỉnh hỗ trợ 10 doanh nghiệp. Theo Quyết định số 1322/QĐ-TTg, ưu tiên sản phẩm chủ lực.\n- Hồ sơ",
     "Theo Quyết định số 1322/QĐ-TTg, ưu tiên sản phẩm chủ lực."),
])
def test_the_citing_sentence(text, sentence):
    at = text.index("1322/QĐ-TTg")
    assert citing_sentence(text, at, at + len("1322/QĐ-TTg")) == sentence


@pytest.mark.parametrize("key, doc_type", [
    ("9088/TTR-UBND", "Tờ trình"), ("1322/QD-TTG", "Quyết định"), ("901/2024/TT-BKHCN", "Thông tư"),
    ("11-NQ/DH", "Nghị quyết"), ("04/2017/QH14", ""), ("9455/SKHCN-TDC", ""),
])
def test_type_named_by_the_code(key, doc_type):
    assert code_type(key) == doc_type


# The sample corpus cites one number it does not hold: the Tờ trình behind the resolution.
TOTRINH = "9088/TTr-UBND"
TOTRINH_KEY = "9088/TTR-UBND"


def _citing_doc_ids(client, number: str) -> set[str]:
    gen = client.application.extensions["index"].generation()
    return {doc_id for doc_id in gen.catalog
            if any(r["number"] == number for r in client.get(f"/api/documents/{doc_id}").get_json()["references"])}


@pytest.mark.parametrize("q", [TOTRINH, "9088/ttr-ubnd", "TTr 9088", "ttr 9088", "tờ trình số 9088", "to trinh 9088"])
def test_a_cited_number_not_in_the_corpus_finds_its_citing_clauses(client, q):
    citing = _citing_doc_ids(client, TOTRINH)
    assert citing and TOTRINH_KEY not in client.application.extensions["index"].generation().by_number
    data = client.get("/api/search", query_string={"q": q}).get_json()
    assert data["cited_number"] == [{
        "number": TOTRINH, "doc_type": "Tờ trình", "key": TOTRINH_KEY, "in_corpus": False,
        "citing_documents": len(citing), "url": f"/documents/ref/{TOTRINH_KEY}",
    }]
    assert data["hits"] and {h["doc_id"] for h in data["hits"]} == citing
    assert any(h["citation"].startswith("Phần mở đầu — Nghị quyết 9012/NQ-HĐND") for h in data["hits"])

    html = client.get("/", query_string={"q": q}).get_data(as_text=True)
    banner = (f'<a href="/documents/ref/{TOTRINH_KEY}">Tờ trình {TOTRINH}</a> — chưa có trong kho; '
              f"{len(citing)} văn bản dẫn chiếu")
    assert banner in html
    assert html.index(banner) < html.index('class="doc-group"')  # first, then the citing clauses


@pytest.mark.parametrize("q", ["9322/QĐ-TTg", "qd 9322", "hỗ trợ chứng nhận ISO"])
def test_a_number_in_the_corpus_or_no_number_has_no_banner(client, q):
    data = client.get("/api/search", query_string={"q": q}).get_json()
    assert data["cited_number"] is None and data["hits"]
    if "9322" in q:
        assert data["hits"][0]["doc_id"] == "qd-9322-ttg-chuong-trinh-nang-suat"
    assert "chưa có trong kho" not in client.get("/", query_string={"q": q}).get_data(as_text=True)


def test_a_number_neither_held_nor_cited_finds_nothing(client):
    data = client.get("/api/search", query_string={"q": "9999/QĐ-TTg"}).get_json()
    assert data["cited_number"] is None and data["total"] == 0


def test_the_page_of_a_cited_number_and_its_json_twin(client):
    citing = _citing_doc_ids(client, TOTRINH)
    data = client.get(f"/api/documents/ref/{TOTRINH_KEY}").get_json()
    assert (data["number"], data["doc_type"], data["in_corpus"], data["doc_id"]) == (TOTRINH, "Tờ trình", False, None)
    assert {d["doc_id"] for d in data["cited_by"]} == citing
    doc = data["cited_by"][0]
    assert (doc["doc_number"], doc["doc_type"], doc["issued"]) == ("9012/NQ-HĐND", "Nghị quyết", "2024-12-10")
    assert doc["url"] == "/documents/nq-9012-hdnd-mau-son" and doc["title"]
    clause = doc["clauses"][0]
    assert clause["url"] == "/documents/nq-9012-hdnd-mau-son#mo-dau"
    assert clause["citation"] == "Phần mở đầu — Nghị quyết 9012/NQ-HĐND ngày 10/12/2024, tr. 1"
    assert clause["sentence"] == "Xét Tờ trình số 9088/TTr-UBND ngày 25 tháng 11 năm 2024 của Ủy ban nhân dân tỉnh"
    assert doc["stated"] == data["stated"] == {
        "text": "ngày 25 tháng 11 năm 2024 của Ủy ban nhân dân tỉnh", "date": "2024-11-25",
        "issuer": "Ủy ban nhân dân tỉnh", "title": "",
    }
    html = client.get(f"/documents/ref/{TOTRINH_KEY}").get_data(as_text=True)
    assert "<h1>Tờ trình 9088/TTr-UBND</h1>" in html and "Chưa có trong kho văn bản; 1 văn bản dẫn chiếu" in html
    assert 'href="/documents/nq-9012-hdnd-mau-son#mo-dau"' in html
    assert "ngày 25 tháng 11 năm 2024 của Ủy ban nhân dân tỉnh" in html


def test_any_spelling_of_the_number_leads_to_its_page(client):
    for prefix in ("", "/api"):
        response = client.get(f"{prefix}/documents/ref/9088/ttr-ubnd")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"{prefix}/documents/ref/{TOTRINH_KEY}")


def test_a_number_in_the_corpus_links_its_document(client):
    data = client.get("/api/documents/ref/9322/QD-TTG").get_json()
    assert data["in_corpus"] and data["document_url"] == "/documents/qd-9322-ttg-chuong-trinh-nang-suat"
    document = client.get("/api/documents/qd-9322-ttg-chuong-trinh-nang-suat").get_json()
    assert {d["doc_id"] for d in data["cited_by"]} == {d["doc_id"] for d in document["cited_by"]}
    assert data["stated"]["title"].startswith("Phê duyệt Chương trình mẫu")
    html = client.get("/documents/ref/9322/QD-TTG").get_data(as_text=True)
    assert 'href="/documents/qd-9322-ttg-chuong-trinh-nang-suat"' in html


def test_an_unknown_number_is_404_in_both_forms(client):
    assert client.get("/documents/ref/9999/QD-TTG").status_code == 404
    response = client.get("/api/documents/ref/9999/QD-TTG")
    assert response.status_code == 404 and "error" in response.get_json()


def test_a_number_with_markup_is_refused_escaped(client):
    response = client.get("/documents/ref/<script>alert(1)</script>", follow_redirects=True)
    assert response.status_code == 404 and "<SCRIPT>" not in response.get_data(as_text=True)


def test_the_document_page_links_references_not_in_the_corpus_to_their_page(client):
    data = client.get("/api/documents/nq-9012-hdnd-mau-son").get_json()
    ref = next(r for r in data["references"] if r["number"] == TOTRINH)
    assert not ref["in_corpus"] and ref["url"] == f"/documents/ref/{TOTRINH_KEY}"
    html = client.get("/documents/nq-9012-hdnd-mau-son").get_data(as_text=True)
    assert f'<a href="/documents/ref/{TOTRINH_KEY}">' in html


def test_readme_documents_the_cited_number_keys():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key in ("cited_number", "in_corpus", "citing_documents", "key", "stated", "clauses", "sentence",
                "document_url"):
        assert f'"{key}"' in readme, key


# Two more invented documents (VĂN BẢN MẪU) citing one number three times and a second number
# sharing its digits: the banner counts documents, and "qd 9777" names both numbers.
EXTRA = {
    "cv-9501-mau-son.txt": """VĂN BẢN MẪU (nội dung hư cấu, chỉ dùng để thử nghiệm)
ỦY BAN NHÂN DÂN TỈNH MẪU SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 9501/UBND-KT
Mẫu Sơn, ngày 02 tháng 4 năm 2025
V/v triển khai chương trình mẫu về năng suất
Thực hiện Quyết định số 9777/QĐ-TTg ngày 05/3/2025 của Thủ tướng Chính phủ phê duyệt Đề án mẫu hỗ trợ doanh nghiệp đổi mới sáng tạo, Ủy ban nhân dân tỉnh yêu cầu:
1. Các sở, ngành rà soát nhiệm vụ được giao tại Quyết định số 9777/QĐ-TTg.
2. Sở Khoa học và Công nghệ tổng hợp báo cáo theo Quyết định số 9777/QĐ-UBND ngày 10/3/2025 của Ủy ban nhân dân tỉnh.
""",
    "cv-9502-mau-son.txt": """VĂN BẢN MẪU (nội dung hư cấu, chỉ dùng để thử nghiệm)
SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH MẪU SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 9502/SKHCN-QLKH
Mẫu Sơn, ngày 09 tháng 4 năm 2025
V/v hướng dẫn hồ sơ đổi mới sáng tạo
Căn cứ Quyết định số 9777/QĐ-TTg ngày 05 tháng 3 năm 2025 của Thủ tướng Chính phủ phê duyệt Đề án mẫu hỗ trợ doanh nghiệp đổi mới sáng tạo, Sở Khoa học và Công nghệ hướng dẫn như sau:
1. Hồ sơ gửi về Sở trước ngày 30 tháng 6 năm 2025.
""",
}


@pytest.fixture(scope="module")
def extra_client(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("cited") / "corpus"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    for name, text in EXTRA.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("cited-index")
    assert run_ingest(corpus, index_dir, progress=False).exit_status == 0
    return create_app(index_dir=index_dir, corpus_dir=corpus, TESTING=True).test_client()


@pytest.mark.parametrize("q", ["9777/QĐ-TTg", "9777/qd-ttg"])
def test_the_banner_counts_citing_documents_not_citations(extra_client, q):
    data = extra_client.get("/api/search", query_string={"q": q}).get_json()
    assert [(c["number"], c["citing_documents"]) for c in data["cited_number"]] == [("9777/QĐ-TTg", 2)]
    assert {h["doc_id"] for h in data["hits"]} == {"cv-9501-mau-son", "cv-9502-mau-son"}
    ref = extra_client.get("/api/documents/ref/9777/QD-TTG").get_json()
    assert len(ref["cited_by"]) == 2
    first = next(d for d in ref["cited_by"] if d["doc_id"] == "cv-9501-mau-son")
    assert len(first["clauses"]) == 2  # the opening and item 1; item 2 cites the other 9777
    assert first["stated"]["title"] == "Phê duyệt Đề án mẫu hỗ trợ doanh nghiệp đổi mới sáng tạo"
    assert first["stated"]["date"] == "2025-03-05"


@pytest.mark.parametrize("q", ["qd 9777", "QĐ 9777", "quyết định 9777", "quyet dinh so 9777"])
def test_a_partial_number_lists_every_cited_number_it_matches(extra_client, q):
    data = extra_client.get("/api/search", query_string={"q": q}).get_json()
    assert {(c["number"], c["citing_documents"]) for c in data["cited_number"]} == {("9777/QĐ-TTg", 2), ("9777/QĐ-UBND", 1)}
    html = extra_client.get("/", query_string={"q": q}).get_data(as_text=True)
    assert len(re.findall(r'class="cited-number"', html)) == 2
    assert "Quyết định 9777/QĐ-UBND</a> — chưa có trong kho; 1 văn bản dẫn chiếu" in html
