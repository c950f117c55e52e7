"""Serving from several processes over one index: gunicorn's workers and a second server answer
from one generation and switch together; a damaged derived postings file or segment never
turns into a 500 (the generation is rebuilt, or refused for the one before it)."""

import http.client
import json
import logging
import os
import subprocess
import sys
import urllib.parse

import numpy as np
import pytest

from ingest.index import current_generation
from ingest.locking import index_lock
from ingest.pipeline import run_ingest
from ingest.postings_file import FOLDER, PACK, DamagedPostings, build_derived
from search_app import create_app

from .conftest import ROOT, wait_until

sys.path.insert(0, str(ROOT / "bench"))
import load  # noqa: E402  (bench/load.py: `make run`'s server command)

LETTER = "cv-9455-skhcn-mau-son.txt"
NEW_PHRASE = "thử nghiệm tăng ca"


def add_phrase_and_reindex(corpus, index_dir) -> str:
    """A sentence added to one sample document (VĂN BẢN MẪU), then the batch job: the name of
    the new generation."""
    letter = corpus / LETTER
    text = letter.read_text(encoding="utf-8")
    letter.write_text(text.replace("Kính gửi:", f"Ghi chú: {NEW_PHRASE}.\nKính gửi:", 1), encoding="utf-8")
    report = run_ingest(corpus, index_dir, progress=False)
    assert report.exit_status == 0, report.to_dict()
    return current_generation(index_dir).name


def get_json(port: int, path: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def phrase_total(port: int) -> int:
    status, data = get_json(port, "/api/search?q=" + urllib.parse.quote(f'"{NEW_PHRASE}"'))
    assert status == 200, data
    return data["total"]


@pytest.fixture
def two_servers(sample_copy):
    """gunicorn with two workers (`make run`) and a waitress process (`make run-dev`), both
    on the same index."""
    corpus, index_dir = sample_copy
    servers = []
    try:
        for workers in (2, 0):
            port = load.free_port()
            servers.append((port, load.serve(str(index_dir), str(corpus), port, workers=workers, threads=2)))
        yield corpus, index_dir, servers
    finally:
        for _, proc in servers:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.mark.slow
def test_two_servers_answer_from_one_generation_and_switch_together(two_servers):
    corpus, index_dir, servers = two_servers
    first = current_generation(index_dir).name
    for port, proc in servers:
        assert len(load.worker_pids(proc)) == (2 if port == servers[0][0] else 1)
        # every request of a round (new connections: spread over gunicorn's workers)
        for _ in range(6):
            status, health = get_json(port, "/api/health")
            assert status == 200 and health["generation"] == first and not health["degraded"]
        assert phrase_total(port) == 0
    second = add_phrase_and_reindex(corpus, index_dir)
    assert second != first
    for port, _ in servers:
        wait_until(lambda: all(get_json(port, "/api/health")[1]["generation"] == second for _ in range(6)),
                   f"the server on port {port} to serve {second}")
        assert all(phrase_total(port) >= 1 for _ in range(6))


def damage(path) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 2)


def derived_file(generation, name: str = PACK):
    """A file of a segment's folder (not of the shared scored lists beside them)."""
    return next(p for p in sorted((generation / FOLDER).glob(f"*/{name}")) if not p.parent.name.startswith("scored-"))


def test_damaged_derived_file_is_rebuilt_at_open(sample_copy, caplog):
    corpus, index_dir = sample_copy
    gen = current_generation(index_dir)
    target = derived_file(gen)
    size = target.stat().st_size
    damage(target)
    client = create_app(index_dir=index_dir, corpus_dir=corpus).test_client()
    with caplog.at_level(logging.WARNING):
        response = client.get("/api/search?q=" + urllib.parse.quote("năng suất chất lượng"))
    assert response.status_code == 200 and response.get_json()["total"] > 0
    assert target.stat().st_size == size
    assert any("rebuilding the derived postings" in r.getMessage() and "bytes" in r.getMessage()
               for r in caplog.records)
    health = client.get("/api/health").get_json()
    assert health["generation"] == gen.name and not health["degraded"] and health["reason"] is None


def test_damaged_derived_file_refuses_the_generation_when_it_cannot_be_rebuilt(sample_copy, caplog):
    corpus, index_dir = sample_copy
    first = current_generation(index_dir).name
    add_phrase_and_reindex(corpus, index_dir)
    second = current_generation(index_dir)
    # a segment of its own (the others are hard links shared with the first generation)
    own = next(p for p in (second / FOLDER).iterdir() if not (index_dir / first / FOLDER / p.name).exists())
    damage(own / PACK)
    client = create_app(index_dir=index_dir, corpus_dir=corpus).test_client()
    with index_lock(index_dir), caplog.at_level(logging.ERROR):  # a batch job running: not rebuilt
        responses = [client.get(path) for path in ("/", "/?q=kế+hoạch", "/api/search?q=kế+hoạch", "/api/health")]
    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    health = responses[-1].get_json()
    assert health["generation"] == first and health["degraded"]
    assert second.name in health["reason"] and first in health["reason"]
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "refusing generation " + second.name in logged and PACK in logged and "locked" in logged


def test_deleted_segment_file_keeps_the_site_answering_degraded(sample_copy):
    corpus, index_dir = sample_copy
    first = current_generation(index_dir).name
    add_phrase_and_reindex(corpus, index_dir)
    second = current_generation(index_dir)
    next(second.glob("MAIN_*.trm")).unlink()
    client = create_app(index_dir=index_dir, corpus_dir=corpus).test_client()
    for path in ("/", "/?q=năng+suất", "/api/search?q=9322/QĐ-TTg", "/api/search?q=" + urllib.parse.quote("kế hoạch")):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    health = client.get("/api/health").get_json()
    assert health["generation"] == first and health["degraded"] is True and second.name in health["reason"]


def test_read_error_mid_search_answers_from_the_previous_generation(sample_copy):
    """The generation opened fine; its segment files go before a request thread reads them."""
    corpus, index_dir = sample_copy
    first = current_generation(index_dir).name
    add_phrase_and_reindex(corpus, index_dir)
    second = current_generation(index_dir)
    client = create_app(index_dir=index_dir, corpus_dir=corpus).test_client()
    assert client.get("/api/health").get_json()["generation"] == second.name
    for segment_file in second.glob("MAIN_*.pst"):
        segment_file.unlink()
    response = client.get("/api/search?q=" + urllib.parse.quote("năng suất chất lượng"))
    assert response.status_code == 200 and response.get_json()["total"] > 0
    health = client.get("/api/health").get_json()
    assert health["generation"] == first and health["degraded"] and "could not be read" in health["reason"]


def test_derived_postings_are_rebuilt_from_whoosh_and_verified(sample_copy):
    _, index_dir = sample_copy
    gen = current_generation(index_dir)
    folder = derived_file(gen).parent
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert build_derived(gen) == []  # sound: nothing rebuilt
    (folder / PACK).write_bytes(before[PACK][:-4] + b"\x00\x00\x80\x7f")  # same size
    assert build_derived(gen) == [folder.name]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    (folder / "manifest.json").unlink()
    from ingest.indexformat import open_index
    from ingest.indexformat_read import new_searcher
    from ingest.postings_file import open_derived

    with new_searcher(open_index(gen)) as searcher, pytest.raises(DamagedPostings, match="manifest"):
        open_derived(gen, searcher, rebuild=False)
    assert json.loads(before["manifest.json"])["arrays"]["text.ids"]["dtype"] == np.dtype(np.int32).str


def test_shared_scored_lists_equal_the_scores_computed_per_process(sample_copy, monkeypatch):
    """Written by the first process that opens the generation, mapped by the next."""
    from search_app import scored_lists
    from search_app.generations import IndexHandle

    monkeypatch.setattr(scored_lists, "MIN_POSTINGS", 20)  # the samples have no list of 2,000
    _, index_dir = sample_copy
    first = IndexHandle(index_dir).generation()
    assert len(first.engine.shared) > 10
    again = IndexHandle(index_dir).generation().engine  # maps what the first one wrote
    assert again.shared.keys() == first.engine.shared.keys()
    assert any(field.endswith("_folded") for field, _ in again.shared)
    for (field, term), (ids, scores) in again.shared.items():
        expected_ids, expected = again.score(again.postings, field, term)
        assert ids.tolist() == expected_ids.tolist(), (field, term)
        np.testing.assert_array_equal(scores, expected)
    assert not ids.flags.writeable  # a read-only mapping, shared through the page cache


def test_open_files_stay_bounded_across_many_new_generations(sample_copy):
    """A mapping holds a file descriptor for as long as it lives: one per segment folder, and
    the generations that are no longer served are let go (select() fails past 1024)."""
    corpus, index_dir = sample_copy
    client = create_app(index_dir=index_dir, corpus_dir=corpus).test_client()
    letter = corpus / LETTER
    counts = []
    for i in range(6):
        assert client.get("/api/search?q=" + urllib.parse.quote("hỗ trợ doanh nghiệp")).status_code == 200
        counts.append(len(os.listdir("/proc/self/fd")))
        letter.write_text(letter.read_text(encoding="utf-8") + f"\nGhi chú bổ sung số {i}.\n", encoding="utf-8")
        assert run_ingest(corpus, index_dir, progress=False).exit_status == 0
    assert max(counts) - counts[0] < 100, counts


def test_every_term_of_the_derived_postings_is_found_at_its_number(sample_copy):
    # _SegmentField.find bisects every SAMPLE-th term first, then the block: the ends of
    # blocks, the first and last terms and terms between two terms are the cases to get right.
    from ingest.indexformat import open_index
    from ingest.indexformat_read import new_searcher
    from ingest.postings_file import open_derived

    _, index_dir = sample_copy
    gen = current_generation(index_dir)
    with new_searcher(open_index(gen)) as searcher:
        derived = open_derived(gen, searcher, rebuild=False)
    checked = 0
    for field, parts in derived._fields.items():
        for _, part in parts:
            terms = [part.term(i).encode("utf-8") for i in range(part.count)]
            assert [part.find(t) for t in terms] == list(range(part.count)), field
            assert [part.find(t + b"\x00") for t in terms] == [-1] * part.count, field
            assert part.find(b"") == -1 and part.find(b"\xff") == -1
            checked += part.count
    assert checked > 5_000
