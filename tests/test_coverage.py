"""Nothing lost: every line of a document's body and attachments belongs to exactly one
indexed unit (ingest.document.coverage), on the sample corpus, invented texts and real PDFs."""

from dataclasses import replace
from pathlib import Path

import pytest

from ingest.document import build_document, coverage, group_key, uncovered_lines
from ingest.extract import SUPPORTED_SUFFIXES, extract
from ingest.index import current_generation, read_json
from ingest.model import Document

from .conftest import SAMPLE_CORPUS, shared
from .test_structure import CONSTITUTION_LIKE, DECISION_WITH_ATTACHMENTS, PLAN_WITH_DECIMAL_ITEMS

CORPUS_FILES = sorted(p for p in SAMPLE_CORPUS.iterdir() if p.suffix in SUPPORTED_SUFFIXES)


def document_of(path: Path):
    return build_document(group_key(path.name), [(path.name, extract(path))], "test")


def document_of_text(text: str, tmp_path: Path):
    path = tmp_path / "van-ban-mau.txt"
    path.write_text(text, encoding="utf-8")
    return document_of(path)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_line_of_the_sample_corpus_is_in_one_unit(path):
    document = document_of(path)
    assert coverage(document) == 1.0, uncovered_lines(document)


@pytest.mark.parametrize("text", [DECISION_WITH_ATTACHMENTS, PLAN_WITH_DECIMAL_ITEMS, CONSTITUTION_LIKE],
                         ids=["decision-with-attachments", "plan-with-decimal-items", "constitution-like"])
def test_every_line_of_an_invented_text_is_in_one_unit(text, tmp_path):
    document = document_of_text(text, tmp_path)
    assert coverage(document) == 1.0, uncovered_lines(document)


def test_coverage_counts_lost_and_doubled_lines(tmp_path):
    document = document_of_text(PLAN_WITH_DECIMAL_ITEMS, tmp_path)
    intro = next(u for u in document.units if u.anchor == "muc-i.mo-dau")
    lost = replace(document, units=[u for u in document.units if u is not intro])
    assert uncovered_lines(lost) == [
        "- Nâng cao nhận thức của doanh nghiệp về năng suất", "- Bảo đảm phối hợp giữa các sở, ngành",
    ]
    assert coverage(lost) < 1.0
    doubled = replace(document, units=document.units + [replace(intro, anchor="muc-i.ban-sao")])
    assert len(uncovered_lines(doubled)) == 2 and coverage(doubled) < 1.0


def test_signature_blocks_are_not_measured(tmp_path):
    document = document_of_text(DECISION_WITH_ATTACHMENTS, tmp_path)
    # The signer's name is in no unit and yet nothing is missing.
    assert not any("Nguyễn Văn Mẫu" in document.unit_text(u) for u in document.units)
    assert coverage(document) == 1.0


@pytest.mark.slow
def test_every_line_of_the_real_pdfs_is_in_one_unit(real_index):
    """The documents as the batch job builds them (build_document on extract's output)."""
    generation = current_generation(real_index[0])
    docs = [Document.from_dict(read_json(p)) for p in sorted((generation / "docs").glob("*.json"))]
    assert len(docs) == 7  # 13 files, multi-part laws joined
    for document in docs:
        assert coverage(document) == 1.0, (document.doc_id, uncovered_lines(document)[:10])


@pytest.mark.slow
def test_deleting_one_article_heading_of_the_constitution_merges_only_that_article():
    path = shared("pdf", "text", "(32801)-VanBanGoc_Hien_phap_2013.pdf")
    extracted = extract(path)
    whole = build_document("hien-phap", [(path.name, extracted)], "test")
    for page in extracted.pages:
        page.lines = [line for line in page.lines if line.strip() != "Điều 52"]
    cut = build_document("hien-phap", [(path.name, extracted)], "test")

    def articles(doc):
        return {u.number: doc.unit_text(u) for u in doc.units if u.kind == "dieu"}

    before, after = articles(whole), articles(cut)
    assert set(before) - set(after) == {"52"} and set(after) <= set(before)
    assert after["51"] == before["51"] + before["52"].split("\n", 1)[1]
    assert all(after[n] == before[n] for n in after if n != "51")
    assert coverage(cut) == 1.0, uncovered_lines(cut)
