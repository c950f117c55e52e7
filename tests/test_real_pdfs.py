"""Issue checks on the real text-layer PDFs of the national legal database (shared data)."""

import pytest

from ingest.index import current_generation, read_json
from ingest.model import Document

pytestmark = pytest.mark.slow


def documents(real_index) -> dict[str, Document]:
    gen = current_generation(real_index[0])
    return {
        p.stem: Document.from_dict(read_json(p)) for p in (gen / "docs").glob("*.json")
    }


def by_number(real_index, number: str) -> Document:
    return next(d for d in documents(real_index).values() if d.meta.number == number)


def article_numbers(doc: Document) -> list[int]:
    return [int(u.number) for u in doc.units if u.kind == "dieu" and u.number.isdigit()]


def test_every_file_indexed(real_index):
    _, report = real_index
    assert report.counts == {"indexed": 13, "unchanged": 0, "removed": 0, "failed": 0}


def test_constitution(real_index):
    doc = next(d for d in documents(real_index).values() if d.meta.doc_type == "Hiến pháp")
    assert len(doc.sources) == 1 and len(doc.pages) == 28
    assert article_numbers(doc) == list(range(1, 121))
    assert sum(1 for u in doc.units if u.kind == "chuong") == 11
    pages = [u.page for u in doc.units if u.kind == "dieu"]
    assert all(1 <= p <= 28 for p in pages)
    assert pages == sorted(pages)
    assert doc.meta.issued == "2013-11-28" and doc.meta.issuer == "Quốc hội"


@pytest.mark.parametrize(
    "number, parts, last_article, pages",
    [("100/2015/QH13", 4, 426, 272), ("101/2015/QH13", 3, 510, 230), ("23/VBHN-VPQH", 2, 173, 128)],
)
def test_multi_part_documents_become_one(real_index, number, parts, last_article, pages):
    doc = by_number(real_index, number)
    assert len(doc.sources) == parts and len(doc.pages) == pages
    # Each article exactly once; VBHN 23 also has articles added later, numbered "68a".
    assert article_numbers(doc) == list(range(1, last_article + 1))
    lettered = [u.number for u in doc.units if u.kind == "dieu" and not u.number.isdigit()]
    assert len(lettered) == len(set(lettered))


def test_parts_continue_page_numbers_and_sources(real_index):
    doc = by_number(real_index, "100/2015/QH13")
    article_108 = next(u for u in doc.units if u.kind == "dieu" and u.number == "108")
    page = doc.pages[article_108.page - 1]
    assert page.source.endswith(".P2.pdf") and page.source_page == 1


def test_no_running_header_and_no_U00D0(real_index):
    for doc in documents(real_index).values():
        assert "\u00d0" not in doc.text
        for unit in doc.units:
            assert "CÔNG BÁO/Số" not in doc.unit_text(unit), (doc.doc_id, unit.label)


def test_phrase_from_middle_of_article_finds_it_with_page(real_index):
    """Bộ luật Hình sự 2015, Điều 123 (Tội giết người), searched by a phrase of its body."""
    doc = by_number(real_index, "100/2015/QH13")
    article = next(u for u in doc.units if u.kind == "dieu" and u.number == "123")
    body = doc.unit_text(article)
    words = body.split()
    phrase = " ".join(words[len(words) // 2 : len(words) // 2 + 6])
    from ingest.analysis import syllables
    from search_app.generations import IndexHandle
    from search_app.search import search

    quoted = '"' + " ".join(s for s, _, _ in syllables(phrase)) + '"'
    hits = search(IndexHandle(real_index[0]), quoted, per_page=50).hits
    in_article = [h for h in hits if h.doc_id == doc.doc_id and h.anchor.split(".")[0] == "dieu-123"]
    assert in_article, (quoted, [h.citation for h in hits])
    unit = next(u for u in doc.units if u.anchor == in_article[0].anchor)
    assert in_article[0].page == unit.page
    assert doc.pages[article.page - 1].start <= article.start


def test_second_run_on_real_pdfs_parses_nothing(real_index, real_corpus):
    from ingest.pipeline import run_ingest

    report = run_ingest(real_corpus, real_index[0], progress=False)
    assert report.counts == {"indexed": 0, "unchanged": 13, "removed": 0, "failed": 0}
    assert report.generation == real_index[1].generation


def test_human_rights_finds_constitution_chapter_two(real_client):
    data = real_client.get("/api/search", query_string={"q": "quyền con người"}).get_json()
    groups = list(dict.fromkeys(h["doc_id"] for h in data["hits"]))
    constitution = [h for h in data["hits"] if h["doc_type"] == "Hiến pháp"]
    assert constitution and constitution[0]["doc_id"] in groups[:2], [h["citation"] for h in data["hits"][:8]]
    chapter_two = [h for h in constitution if h["path"].startswith("Chương II ›")]
    assert len(chapter_two) >= 2
    for hit in chapter_two:
        assert 1 <= hit["page"] <= 28 and hit["citation"].endswith(f"tr. {hit['page']}")
        assert "<mark>" in hit["snippet"]
    assert any("<mark>quyền con người</mark>" in h["snippet"].lower() for h in chapter_two)


@pytest.mark.parametrize("q", ["100/2015/QH13", "bo luat hinh su 2015", "Bộ luật hình sự 2015", "BLHS 2015"])
def test_criminal_code_first(real_client, q):
    hits = real_client.get("/api/search", query_string={"q": q}).get_json()["hits"]
    assert hits[0]["doc_number"] == "100/2015/QH13", [h["citation"] for h in hits[:3]]
