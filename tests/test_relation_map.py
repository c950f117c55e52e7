"""The relationship map of one document: every edge, links, escaping (VĂN BẢN MẪU, numbers 9xxx)."""

import re
from pathlib import Path
from datetime import date

from markupsafe import Markup

from ingest.model import DocMeta
from ingest.validity import UnitText, extract_validity
from search_app.relation_map import edges, render_relation_map
from search_app.status import compute_status


def doc(doc_type, number, issued, units, title=""):
    meta = DocMeta(doc_type=doc_type, number=number, issued=issued, title=title)
    return extract_validity([UnitText(a, l, t, f"{l} — {doc_type} {number}", k) for a, l, t, k in units], meta)


def corpus():
    return {
        "qd-9322": doc("Quyết định", "9322/QĐ-TTg", "2024-08-31", [
            ("mo-dau", "Phần mở đầu", "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;\nCăn cứ Nghị định số "
             "9015/2021/NĐ-CP ngày 01/3/2021 của Chính phủ;", "preamble"),
            ("dieu-3", "Điều 3", "Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành.", "dieu")]),
        "kh-9071": doc("Kế hoạch", "9071/KH-UBND", "2024-11-15", [
            ("mo-dau", "Phần mở đầu", "Thực hiện Quyết định số 9322/QĐ-TTg ngày 31/8/2024 của Thủ tướng Chính phủ; Ủy "
             "ban nhân dân tỉnh ban hành Kế hoạch như sau:", "preamble")]),
        "tt-9901": doc("Thông tư", "9901/2024/TT-BKHCN", "2024-10-10", [], title=(
            "Hướng dẫn thực hiện Quyết định số 9322/QĐ-TTg của Thủ tướng Chính phủ")),
        "qd-9400": doc("Quyết định", "9400/QĐ-TTg", "2025-02-01", [
            ("dieu-1", "Điều 1", "Sửa đổi, bổ sung khoản 2 Điều 1 Quyết định số 9322/QĐ-TTg như sau:", "dieu"),
            ("dieu-2", "Điều 2", "Quyết định này có hiệu lực kể từ ngày ký.", "dieu")]),
        "qd-<script>": doc("Quyết định", "9500/QĐ-TTg", "2025-03-01", [
            ("dieu-1", "Điều 1", "Thay thế Quyết định số 9322/QĐ-TTg kể từ ngày 01/01/2031.", "dieu")]),
    }


def urls():
    return {"doc_url": lambda key: f"/documents/{key}", "ref_url": lambda key: f"/documents/ref/{key}"}


def test_every_edge_of_the_document_is_listed():
    docs = corpus()
    got = {(e["direction"], e["type"], e["name"], tuple(e["units"])) for e in edges("qd-9322", docs, **urls())}
    assert got == {
        ("out", "based_on", "Luật Tổ chức Chính phủ", ()),
        ("out", "based_on", "Nghị định 9015/2021/NĐ-CP", ()),
        ("in", "implements", "Kế hoạch 9071/KH-UBND", ()),
        ("in", "guides", "Thông tư 9901/2024/TT-BKHCN", ()),
        ("in", "amends", "Quyết định 9400/QĐ-TTg", ("Khoản 2 Điều 1",)),
        ("in", "replaces", "Quyết định 9500/QĐ-TTg", ()),
    }


def test_edge_links_and_proofs():
    docs = corpus()
    by_name = {e["name"]: e for e in edges("qd-9322", docs, **urls())}
    assert by_name["Kế hoạch 9071/KH-UBND"]["url"] == "/documents/kh-9071"
    assert by_name["Nghị định 9015/2021/NĐ-CP"]["url"] == "/documents/ref/9015/2021/ND-CP"
    assert by_name["Luật Tổ chức Chính phủ"]["url"] is None  # named only, not in the corpus
    assert by_name["Quyết định 9400/QĐ-TTg"]["proof"]["citation"] == "Điều 1 — Quyết định 9400/QĐ-TTg"
    assert by_name["Quyết định 9400/QĐ-TTg"]["since"] == "2025-02-01"


def test_map_html_has_every_node_linked_and_grouped():
    docs = corpus()
    statuses = compute_status(docs, date(2026, 5, 10))
    html = render_relation_map("qd-9322", docs, statuses=statuses, **urls())
    assert isinstance(html, Markup)
    for href in ("/documents/kh-9071", "/documents/tt-9901", "/documents/qd-9400", "/documents/ref/9015/2021/ND-CP"):
        assert f'href="{href}"' in html
    for title in ("Căn cứ ban hành", "Sửa đổi, thay thế, bãi bỏ văn bản này", "Hướng dẫn, thực hiện văn bản này"):
        assert f"<h3>{title}</h3>" in html
    assert html.count("<li>") == 6
    assert "Hết hiệu lực một phần" in html  # the document's own status in the middle
    assert "<script" not in html and "style=" not in html


def test_map_escapes_names_and_links():
    docs = corpus()
    html = render_relation_map("qd-9322", docs, **urls())
    assert 'href="/documents/qd-&lt;script&gt;"' in html
    assert "<script>" not in html
    hostile = {"x": doc("Quyết định", "9600/QĐ-UBND", "2025-01-01", [], title="A"),
               "y": doc("Luật", "", "2025-01-01", [("mo-dau", "Phần mở đầu", "Căn cứ Luật <b>Mẫu</b> & “X”;", "preamble")])}
    html = render_relation_map("y", hostile, **urls())
    assert "Luật &lt;b&gt;Mẫu&lt;/b&gt; &amp;" in html and "<b>" not in html


def test_out_of_corpus_document_has_its_map_by_number_key():
    docs = corpus()
    html = render_relation_map("9015/2021/ND-CP", docs, center_name="Nghị định 9015/2021/NĐ-CP", **urls())
    assert "Lấy văn bản này làm căn cứ" in html and 'href="/documents/qd-9322"' in html


def test_no_relations_no_map_and_css_stacks_on_a_phone():
    docs = {"a": doc("Công văn", "9455/SKHCN", "2025-03-05", [])}
    assert render_relation_map("a", docs) == ""
    css = (Path(__file__).parent.parent / "search_app" / "static" / "style.css").read_text(encoding="utf-8")
    assert re.search(r"@media \(max-width: 480px\) \{ \.relation-map \{ grid-template-columns: 1fr;", css)
