"""The read-side model: catalog entries as the batch job stores them, hits as the API returns them."""

from ingest.index import current_generation, read_json
from ingest.model import CatalogEntry
from search_app.generations import IndexHandle
from search_app.search import search

from .conftest import SAMPLE_COUNT


def test_catalog_entries_read_and_write_the_stored_dict_unchanged(sample_index):
    catalog = read_json(current_generation(sample_index) / "catalog.json")
    assert len(catalog) == SAMPLE_COUNT
    for doc_id, stored in catalog.items():
        entry = CatalogEntry.from_dict(doc_id, stored)
        assert entry.to_dict() == stored and list(entry.to_dict()) == list(stored)
    decision = CatalogEntry.from_dict("qd-9322-ttg-chuong-trinh-nang-suat", catalog["qd-9322-ttg-chuong-trinh-nang-suat"])
    assert decision.meta.number == "9322/QĐ-TTg" and decision.meta.year == "2024"


def test_hit_serializes_to_the_fields_of_the_api(sample_index, client):
    hit = search(IndexHandle(sample_index), "chứng nhận ISO 9001").hits[0]
    api_hit = client.get("/api/search", query_string={"q": "chứng nhận ISO 9001"}).get_json()["hits"][0]
    assert hit.to_dict() == api_hit
    assert list(hit.to_dict()) == ["doc_id", "doc_number", "doc_type", "title", "issuer", "issued", "unit",
                                   "path", "anchor", "citation", "page", "ocr", "snippet", "score", "url", "status"]
