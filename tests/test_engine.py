"""The numpy engine scores as Whoosh does, on the paragraphs of the sample documents."""

import re

import numpy as np
import pytest
from whoosh import fields, index as whoosh_index, query as Q
from whoosh.scoring import BM25F

from ingest.analysis import bigram_analyzer, exact_analyzer
from ingest.indexformat import WordsField
from ingest.textnorm import fold, normalize
from search_app.engine import BM25_B, BM25_K1, Deadline, Engine
from search_app.generations import IndexHandle
from search_app.querytree import AnyOf, Term
from search_app.search import search

from .conftest import SAMPLES


def paragraphs() -> list[str]:
    texts = []
    for path in sorted(SAMPLES.glob("*.txt")):
        texts += [p.strip() for p in re.split(r"\n\s*\n", normalize(path.read_text(encoding="utf-8"))) if p.strip()]
    return texts


@pytest.fixture(scope="module")
def one_segment(tmp_path_factory):
    """The sample paragraphs in one Whoosh segment, with an accent-folded copy written as a
    field of its own (what the engine derives from `text` without writing it)."""
    schema = fields.Schema(
        doc_id=fields.ID(stored=True),
        text=WordsField(exact_analyzer(), stored=True),
        bigrams=WordsField(bigram_analyzer()),
        written_folded=WordsField(exact_analyzer()),
    )
    ix = whoosh_index.create_in(str(tmp_path_factory.mktemp("one-segment")), schema)
    texts = paragraphs()
    with ix.writer() as writer:
        for i, text in enumerate(texts):
            writer.add_document(doc_id=f"p{i % 7}", text=text, bigrams=text, written_folded=fold(text))
    searcher = ix.searcher(weighting=BM25F(B=BM25_B, K1=BM25_K1))
    yield searcher, Engine(searcher, k1=BM25_K1, b=BM25_B, cache_bytes=2**20), texts
    searcher.close()


@pytest.mark.parametrize("word", ["doanh", "nghiệp", "iso", "hỗ", "trợ", "của", "năm", "2025", "ủy"])
def test_term_scores_equal_whoosh_bm25f(one_segment, word):
    searcher, engine, _ = one_segment
    expected = {hit.docnum: hit.score for hit in searcher.search(Q.Term("text", word), limit=None, optimize=False)}
    assert expected, f"{word!r} is not in the sample paragraphs"
    ids, scores = engine.term(searcher, "text", word)
    assert dict(zip(ids.tolist(), scores.tolist())) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("word", ["ho", "tro", "doanh", "nghiep", "uy", "ban", "hoa", "chat", "luong"])
def test_folded_postings_equal_a_folded_field_written_at_index_time(one_segment, word):
    searcher, engine, _ = one_segment
    derived_ids, derived = engine.term(searcher, "text_folded", word)
    written_ids, written = engine.term(searcher, "written_folded", word)
    assert len(derived_ids), word
    assert derived_ids.tolist() == written_ids.tolist()
    np.testing.assert_allclose(derived, written, rtol=1e-5)


@pytest.mark.parametrize("phrase", ["doanh nghiệp nhỏ và vừa", "năng suất chất lượng", "ủy ban nhân dân"])
def test_phrase_finds_the_paragraphs_holding_it(one_segment, phrase):
    searcher, engine, texts = one_segment
    words = phrase.split()
    holding = {i for i, t in enumerate(texts) if f" {phrase} " in " " + " ".join(re.findall(r"[^\W_]+", t.lower())) + " "}
    assert holding, phrase
    ids, scores = engine.phrase(searcher, "text", words)
    # Pairs may stand apart in a paragraph: a superset, never a miss.
    assert holding <= set(ids.tolist())
    word_sum = sum(dict(zip(*[a.tolist() for a in engine.term(searcher, "text", w)])).get(next(iter(holding)), 0.0)
                   for w in words)
    assert dict(zip(ids.tolist(), scores.tolist()))[next(iter(holding))] == pytest.approx(word_sum, rel=1e-5)


def test_whoosh_and_the_engine_rank_a_question_alike(one_segment):
    searcher, engine, _ = one_segment
    query = Q.Or([Q.Term("text", w) for w in "hỗ trợ doanh nghiệp chứng nhận iso".split()])
    expected = [hit.docnum for hit in searcher.search(query, limit=10, optimize=False)]
    tree = AnyOf(tuple(Term("text", w) for w in "hỗ trợ doanh nghiệp chứng nhận iso".split()))
    scores, matched = engine.evaluate(searcher, tree, Deadline(float("inf")))
    order = np.lexsort((np.arange(engine.size), -scores))
    assert order[:10].tolist() == expected


def test_quoted_phrase_of_three_words_returns_only_hits_holding_it(sample_index):
    handle = IndexHandle(sample_index)
    for quoted in ["năng suất chất lượng", "doanh nghiệp nhỏ và vừa"]:
        hits = search(handle, f'"{quoted}"', per_page=50).hits
        assert hits, quoted
        for hit in hits:
            document = handle.document(hit.doc_id)
            unit = next(u for u in document["units"] if u["anchor"] == hit.anchor)
            words = re.findall(r"[^\W_]+", fold(document["text"][unit["start"]:unit["end"]]).lower())
            assert f" {fold(quoted)} " in f" {' '.join(words)} ", hit.citation


def test_bad_cache_setting_stops_the_app_at_start(monkeypatch):
    from search_app import create_app

    monkeypatch.setenv("SEARCH_CACHE_MB", "lots")
    with pytest.raises(ValueError, match="SEARCH_CACHE_MB"):
        create_app("/nonexistent-index")


@pytest.mark.parametrize("words", ["doanh nghiệp", "chứng nhận iso 9001", "ho tro doanh nghiep nho", "kế hoạch năm"])
def test_snippet_window_holds_the_most_distinct_terms(words):
    from ingest.analysis import syllables
    from search_app.presentation import snippet
    from search_app.query import parse_query

    terms = parse_query(words).highlight_terms
    for text in paragraphs():
        tokens = syllables(text)
        matched = [i for i, (t, _, _) in enumerate(tokens) if t in terms.exact or fold(t) in terms.folded]
        if not matched:
            continue
        best = max(len({fold(tokens[j][0]) for j in matched if i <= j < i + 40}) for i in matched)
        marked = re.findall(r"<mark>(.*?)</mark>", str(snippet(text, terms)))
        assert len({fold(s.lower()) for m in marked for s in m.split()}) == best, (words, text[:80])


def test_a_query_node_boost_must_be_positive():
    # The engine marks a leaf's records matched by their positive score (engine._accumulate).
    from search_app.querytree import AnyOf, Term

    with pytest.raises(ValueError, match="boost must be positive"):
        Term("text", "hỗ", boost=0.0)
    with pytest.raises(ValueError):
        AnyOf((Term("text", "hỗ"),), boost=-1.0)


@pytest.mark.parametrize("a, b", [
    ([], [1, 2]), ([3], [1, 2]), ([0, 5, 9], [5]), ([1, 2, 3, 7, 300000], [2, 3, 4, 300000]),
    (list(range(0, 1000, 3)), list(range(0, 1000, 7))),
])
def test_intersection_of_sorted_record_lists(a, b):
    from search_app.engine import _intersection

    a, b = np.array(a, dtype=np.int32), np.array(b, dtype=np.int32)
    expected = np.intersect1d(a, b).tolist()
    assert _intersection(a, b).tolist() == expected == _intersection(b, a).tolist()
