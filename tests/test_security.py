"""Web security: hostile document text and metadata render as text, snippets carry only
<mark>, file downloads serve only indexed files inside the corpus, input limits, security
headers, and no stack traces for clients."""

import json
import os
import re
import shutil
from html.parser import HTMLParser

import pytest

from ingest.index import current_generation, read_json
from ingest.pipeline import run_ingest
from search_app import create_app

from .conftest import copy_corpus

SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
HOSTILE_NAME = "ky-tu-la-<b>-'\"&.txt"
HOSTILE_TEXT = f"""CÔNG TY THỬ NGHIỆM {SCRIPT}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 66/QĐ-TN
Hà Nội, ngày 02 tháng 3 năm 2025
QUYẾT ĐỊNH
Về việc kiểm thử an ninh {IMG}
Điều 1. Đoạn văn thử nghiệm an ninh chứa {SCRIPT} và {IMG} và {TEMPLATE} phải hiện nguyên văn.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("security")
    corpus = copy_corpus(tmp / "corpus")
    (corpus / "qd-66-an-ninh.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (corpus / "qd-66-an-ninh.txt.meta.toml").write_text(
        f'signer = "{IMG.replace(chr(34), chr(92) + chr(34))}"\nplace = "{TEMPLATE}"\n', encoding="utf-8")
    (corpus / HOSTILE_NAME).write_text(f"Công văn thử tên tệp lạ, có chữ kiểm thử tên tệp {TEMPLATE}.\n",
                                       encoding="utf-8")
    outside = tmp / "outside-secret.txt"
    outside.write_text("Bí mật ngoài kho văn bản: mật khẩu quản trị.\n", encoding="utf-8")
    os.symlink(outside, corpus / "lien-ket-ra-ngoai.txt")
    index_dir = tmp / "index"
    report = run_ingest(corpus, index_dir, progress=False)
    outcomes = {f.path: f for f in report.files}
    assert outcomes["qd-66-an-ninh.txt"].outcome == "indexed", report.to_dict()
    assert outcomes[HOSTILE_NAME].outcome == "indexed"
    # ingest refuses a symlink out of the corpus
    assert outcomes["lien-ket-ra-ngoai.txt"].outcome == "failed"
    assert "outside the corpus" in outcomes["lien-ket-ra-ngoai.txt"].reason
    app = create_app(index_dir=index_dir, corpus_dir=corpus)
    return app.test_client(), corpus, index_dir, outside


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def tags_of(html: str) -> list[tuple[str, list]]:
    parser = TagCollector()
    parser.feed(html)
    return parser.tags


def assert_inert(html: str) -> None:
    """No element or attribute came from the document: only the templates' own markup."""
    assert "<script>alert" not in html and "<img" not in html
    assert "onerror=" not in html.replace("onerror=alert(1)&gt;", "")
    for tag, attrs in tags_of(html):
        assert tag != "img"
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
        if tag == "script":
            assert dict(attrs).get("src", "").startswith("/static/")


def test_hostile_text_renders_as_text_on_the_search_page(hostile):
    client = hostile[0]
    response = client.get("/", query_string={"q": "thử nghiệm an ninh"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "qd-66-an-ninh" in html
    assert_inert(html)
    assert "&lt;script&gt;alert(" in html
    assert TEMPLATE in html  # not evaluated by the template engine


def test_snippets_carry_only_mark(hostile):
    client = hostile[0]
    data = client.get("/api/search", query_string={"q": "thử nghiệm an ninh script img"}).get_json()
    snippets = [h["snippet"] for h in data["hits"] if h["doc_id"] == "qd-66-an-ninh"]
    assert snippets
    for snippet in snippets:
        assert set(re.findall(r"</?([a-zA-Z]+)", snippet)) <= {"mark"}, snippet
    marked = [s for s in snippets if "<mark>" in s and "alert(" in s]
    assert marked and all("&lt;" in s for s in marked)  # the document's markup, as text
    html = client.get("/", query_string={"q": "thử nghiệm an ninh script img"}).get_data(as_text=True)
    for block in re.findall(r'<p class="snippet">(.*?)</p>', html, re.S):
        assert set(re.findall(r"</?([a-zA-Z]+)", block)) <= {"mark"}, block


def test_hostile_text_and_metadata_render_as_text_on_the_document_page(hostile):
    client = hostile[0]
    response = client.get("/documents/qd-66-an-ninh")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_inert(html)
    assert html.count("&lt;script&gt;alert(") >= 2  # issuer line and Điều 1
    assert TEMPLATE in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html or "&quot;&gt;&lt;img" in html


def test_hostile_file_name_is_escaped(hostile):
    client, _, index_dir, _ = hostile
    catalog = read_json(current_generation(index_dir) / "catalog.json")
    doc_id = next(d for d, e in catalog.items() if e["sources"] == [HOSTILE_NAME])
    html = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "ky-tu-la-&lt;b&gt;-" in html and "<b>" not in html
    assert_inert(html)


def test_json_is_data_not_html(hostile):
    client = hostile[0]
    response = client.get("/api/documents/qd-66-an-ninh")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    data = response.get_json()
    assert SCRIPT in data["units"][1]["text"] or any(SCRIPT in u["text"] for u in data["units"])
    assert data["signer"] == IMG and data["place"] == TEMPLATE  # the sidecar values, verbatim
    raw = response.get_data(as_text=True)
    json.loads(raw)  # well-formed


def test_reflected_query_is_escaped(hostile):
    client = hostile[0]
    for path in ("/", "/api/search"):
        response = client.get(path, query_string={"q": SCRIPT + IMG + TEMPLATE})
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        if path == "/":
            assert_inert(body)
            assert 'value="&lt;script&gt;' in body
        else:
            assert response.get_json()["query"] == SCRIPT + IMG + TEMPLATE


@pytest.mark.parametrize("path", [
    "/documents/..%2F..%2F..%2Fetc%2Fpasswd/files/1",
    "/documents/../../etc/passwd/files/1",
    "/documents/%2e%2e/files/1",
    "/documents/qd-66-an-ninh/files/0",
    "/documents/qd-66-an-ninh/files/2",
    "/documents/qd-66-an-ninh/files/-1",
    "/documents/qd-66-an-ninh/files/..%2F..%2Fetc%2Fpasswd",
    "/documents/qd-66-an-ninh/files/1/../../../../etc/passwd",
    "/static/..%2F..%2F..%2Fetc%2Fpasswd",
    "/static/../../ingest/pipeline.py",
])
def test_path_traversal_is_refused(hostile, path):
    client = hostile[0]
    response = client.get(path)
    assert response.status_code in (400, 404), path
    body = response.get_data(as_text=True)
    assert "root:" not in body and "def run_ingest" not in body


def test_downloads_serve_only_indexed_files_inside_the_corpus(hostile, tmp_path):
    client, corpus, index_dir, outside = hostile
    ok = client.get("/documents/qd-66-an-ninh/files/1")
    assert ok.status_code == 200 and ok.data == (corpus / "qd-66-an-ninh.txt").read_bytes()
    # the refused symlink is not in the index, so there is nothing to download
    assert client.get("/documents/lien-ket-ra-ngoai/files/1").status_code == 404

    # an indexed file replaced by a symlink out of the corpus after indexing: refused
    letter = corpus / "cv-9455-skhcn-mau-son.txt"
    saved = tmp_path / "saved.txt"
    shutil.move(letter, saved)
    try:
        os.symlink(outside, letter)
        response = client.get("/documents/cv-9455-skhcn-mau-son/files/1")
        assert response.status_code == 404
        assert "mật khẩu" not in response.get_data(as_text=True)
    finally:
        letter.unlink()
        shutil.move(saved, letter)

    # a tampered index pointing outside the corpus: refused
    gen = current_generation(index_dir)
    path = gen / "docs" / "cv-9455-skhcn-mau-son.json"
    original = path.read_text(encoding="utf-8")
    doc = json.loads(original)
    rel = os.path.relpath(outside, corpus)
    for page in doc["pages"]:
        page["source"] = rel
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    try:
        response = client.get("/documents/cv-9455-skhcn-mau-son/files/1")
        assert response.status_code == 404
        assert "mật khẩu" not in response.get_data(as_text=True)
    finally:
        path.write_text(original, encoding="utf-8")


@pytest.mark.parametrize("params", [
    {"q": "a" * 501}, {"q": "kế hoạch", "page": "0"}, {"q": "kế hoạch", "page": "51"},
    {"q": "kế hoạch", "page": "-1"}, {"q": "kế hoạch", "page": "abc"}, {"q": "kế hoạch", "page": "9" * 400},
    {"q": "kế hoạch", "per_page": "0"}, {"q": "kế hoạch", "per_page": "51"}, {"q": "kế hoạch", "per_page": "100000"},
    {"q": "kế hoạch", "per_page": "1e3"}, {"q": "kế hoạch", "sort": "<script>"},
])
def test_limits_are_enforced_with_400(hostile, params):
    client = hostile[0]
    for path in ("/", "/api/search"):
        response = client.get(path, query_string=params)
        assert response.status_code == 400, (path, params, response.status_code)
        body = response.get_data(as_text=True)
        assert "Traceback" not in body
        if path == "/api/search":
            assert "error" in response.get_json()
        else:
            assert_inert(body)


def test_limits_at_the_edge_are_accepted(hostile):
    client = hostile[0]
    for params in ({"q": "a" * 500}, {"q": "kế hoạch", "page": "50"}, {"q": "kế hoạch", "per_page": "50"}):
        assert client.get("/api/search", query_string=params).status_code == 200


def test_security_headers_on_every_kind_of_response(hostile):
    client = hostile[0]
    for path in ("/", "/?q=kế+hoạch", "/api/search?q=x", "/documents/qd-66-an-ninh", "/documents/khong-co",
                 "/api/health", "/documents/qd-66-an-ninh/files/1", "/static/style.css", "/?page=0&q=x"):
        response = client.get(path)
        csp = response.headers.get("Content-Security-Policy", "")
        directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
        assert "'self'" in directives.get("script-src", ""), (path, csp)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert directives.get("object-src") == "'none'" and "frame-ancestors" in directives
        assert response.headers.get("X-Content-Type-Options") == "nosniff"
        assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")


def test_pages_have_no_inline_script_or_handlers(hostile):
    client = hostile[0]
    for path in ("/", "/?q=kế+hoạch", "/documents/qd-66-an-ninh", "/documents/khong-co"):
        html = client.get(path).get_data(as_text=True)
        for tag, attrs in tags_of(html):
            if tag == "script":
                assert dict(attrs).get("src"), path  # external file only: CSP script-src 'self'
            assert not any(name.startswith("on") or name == "style" for name, _ in attrs), (path, tag, attrs)
        assert not re.search(r"<script[^>]*>[^<]+</script>", html)


@pytest.mark.parametrize("damage", ["bad catalog", "missing segments", "current points nowhere"])
def test_no_stack_traces_to_clients(tmp_path, sample_copy, damage):
    corpus, index_dir = sample_copy
    gen = current_generation(index_dir)
    if damage == "bad catalog":
        (gen / "catalog.json").write_text("{not json", encoding="utf-8")
    elif damage == "missing segments":
        segment_files = [f for f in gen.glob("MAIN_*") if "WRITELOCK" not in f.name]
        assert segment_files, sorted(p.name for p in gen.iterdir())
        for seg in segment_files:
            seg.unlink()
        for toc in gen.glob("_MAIN_*.toc"):
            toc.write_bytes(b"garbage")
    else:
        (index_dir / "CURRENT").write_text("../../etc\n", encoding="utf-8")
    client = create_app(index_dir=index_dir, corpus_dir=corpus).test_client()  # not TESTING
    statuses = []
    for path in ("/?q=kế+hoạch", "/api/search?q=kế+hoạch", "/documents/qd-9322-ttg-chuong-trinh-nang-suat",
                 "/api/documents/qd-9322-ttg-chuong-trinh-nang-suat", "/api/health"):
        response = client.get(path)
        body = response.get_data(as_text=True)
        statuses.append(response.status_code)
        assert response.status_code in (200, 404, 500, 503), (path, response.status_code)
        for leak in ("Traceback", 'File "', "Error:", "JSONDecodeError", str(tmp_path), "/work/", "whoosh"):
            assert leak not in body, (damage, path, leak, body[:300])
        if response.status_code >= 500 and path.startswith("/api/"):
            assert set(response.get_json()) == {"error"}
    if damage != "current points nowhere":  # refused, not served: no 500s (issue 15)
        assert 500 not in statuses and client.get("/api/health").get_json()["degraded"]
