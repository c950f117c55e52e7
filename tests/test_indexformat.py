"""The Whoosh index format module: the pinned version, and records written by the real writer
read back through it as Whoosh itself reads them."""

import re
import tomllib
from importlib.metadata import version

import numpy as np
import pytest

from ingest import indexformat_read as fmt
from ingest.indexformat import WHOOSH_DISTRIBUTION, open_index
from ingest.indexformat_write import RecordWriter
from ingest.textnorm import normalize

from .conftest import ROOT

# VĂN BẢN MẪU: invented clauses of a fictional province.
CLAUSES = {
    "mau-9001": ["Ủy ban nhân dân tỉnh Mẫu Sơn hỗ trợ doanh nghiệp nhỏ và vừa.",
                 "Hỗ trợ chi phí tư vấn chứng nhận ISO 9001, hỗ trợ tối đa 50 triệu đồng."],
    "mau-9002": ["Sở Khoa học và Công nghệ tỉnh Mẫu Sơn hướng dẫn doanh nghiệp."],
    "mau-9003": ["Hòa giải, hoà giải và hóa đơn của doanh nghiệp tỉnh Mẫu Sơn."],
}


def test_installed_whoosh_is_the_pinned_version():
    with open(ROOT / "pyproject.toml", "rb") as fh:
        dependencies = tomllib.load(fh)["project"]["dependencies"]
    pins = [d for d in dependencies if re.match(rf"{WHOOSH_DISTRIBUTION}\s*==", d)]
    assert len(pins) == 1, f"pyproject.toml must pin {WHOOSH_DISTRIBUTION} with ==: {dependencies}"
    pinned = pins[0].split("==", 1)[1].strip()
    installed = version(WHOOSH_DISTRIBUTION)
    assert installed == pinned, (
        f"{WHOOSH_DISTRIBUTION} {installed} is installed but ingest/indexformat*.py reach into the "
        f"internals of {pinned}: check them against the new version before changing the pin")


def _syllables(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", normalize(text).lower())


def _records(doc_id: str):
    for i, text in enumerate(CLAUSES[doc_id]):
        yield dict(unit_id=f"{doc_id}#k{i}", doc_id=doc_id, anchor=f"khoan-{i + 1}", text=text,
                   bigrams=text, heading=f"Khoản {i + 1}")


@pytest.fixture(scope="module")
def two_segments(tmp_path_factory):
    """mau-9001 committed by the writer of the index, mau-9002 and mau-9003 written as the
    segment of a parser process (lock=False) and joined to the same commit; then mau-9002
    deleted by a second commit."""
    path = tmp_path_factory.mktemp("indexformat")
    writer = RecordWriter(path, create=True)
    for record in _records("mau-9001"):
        writer.add(record)
    parser = RecordWriter(path, lock=False)
    for doc_id in ("mau-9002", "mau-9003"):
        for record in _records(doc_id):
            parser.add(record)
    writer.commit([parser.finish_segment()])
    deleting = RecordWriter(path)
    deleting.delete_document("mau-9002")
    deleting.commit()
    with fmt.new_searcher(open_index(path)) as searcher:
        yield searcher


def test_posting_lists_read_back_as_written(two_segments):
    searcher = two_segments
    stored = [fmt.stored_fields(searcher, r) for r in range(fmt.record_count(searcher))]
    assert [s["unit_id"] for s in stored] == ["mau-9001#k0", "mau-9001#k1", "mau-9002#k0", "mau-9003#k0"]
    assert fmt.deleted_records(searcher).tolist() == [2]
    for word in ["hỗ", "trợ", "doanh", "mẫu", "sơn", "hòa", "9001"]:
        ids, weights = fmt.postings(searcher, "text", word)
        expected = {r: n for r, s in enumerate(stored) if (n := _syllables(s["text"]).count(word))}
        assert dict(zip(ids.tolist(), weights.tolist())) == expected, word
        assert fmt.document_frequency(searcher, "text", word) == len(expected)
    assert fmt.postings(searcher, "text", "không-có")[0].tolist() == []
    ids, _ = fmt.postings(searcher, "bigrams", "doanh_nghiệp")
    assert ids.tolist() == [0, 2, 3]


def test_field_lengths_and_statistics_equal_whooshs_own(two_segments):
    searcher = two_segments
    reader = searcher.reader()
    lengths = fmt.field_lengths(searcher, "text")
    assert lengths.tolist() == [reader.doc_field_length(r, "text") for r in range(fmt.record_count(searcher))]
    # Short lengths are stored exactly: the number of syllables ("hoà" is "hòa", one syllable).
    assert lengths.tolist() == [len(_syllables(fmt.stored_fields(searcher, r)["text"])) for r in range(4)]
    assert fmt.total_field_length(searcher, "text") == reader.field_length("text")
    assert not np.any(fmt.field_lengths(searcher, "anchor"))  # an ID field keeps no lengths


def test_lexicon_and_stored_values(two_segments):
    searcher = two_segments
    assert list(fmt.terms(searcher, "doc_id")) == ["mau-9001", "mau-9002", "mau-9003"]
    frequencies = dict(fmt.document_frequencies(searcher, "text"))
    assert frequencies["hỗ"] == 2 and frequencies["doanh"] == 3
    assert frequencies["khoa"] == 1  # only in the deleted record: deleted records still count
    assert fmt.has_term(searcher, "bigrams", "hòa_giải") and not fmt.has_term(searcher, "bigrams", "đơn_hòa")
    anchor_of = fmt.stored_value_reader(searcher, "anchor")  # a column
    heading_of = fmt.stored_value_reader(searcher, "heading")  # stored fields only
    assert [anchor_of(r) for r in range(4)] == ["khoan-1", "khoan-2", "khoan-1", "khoan-1"]
    assert heading_of(1) == "Khoản 2"
    assert fmt.is_scorable(searcher, "text") and not fmt.is_scorable(searcher, "number_keys")


def test_stored_fields_read_through_the_memory_map_equal_whooshs_own(two_segments):
    searcher = two_segments
    records = range(fmt.record_count(searcher))
    assert [fmt.stored_fields(searcher, r) for r in records] == [searcher.stored_fields(r) for r in records]
    assert fmt.stored_fields(searcher, 3)["text"] == CLAUSES["mau-9003"][0]
