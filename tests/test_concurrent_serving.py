"""Serving while re-indexing: a real waitress server answers client threads over HTTP while
`python -m ingest` adds and removes documents; no request fails, and the clients see the new
generation without a restart."""

import http.client
import json
import threading
import urllib.parse
from pathlib import Path

import pytest

from .conftest import run_cli

CLIENTS = 6
QUERIES = ["năng suất chất lượng", "9322/QĐ-TTg", "Điều 2", "doanh nghiệp nhỏ và vừa", "kế hoạch",
           "tăng ca", '"hỗ trợ doanh nghiệp"', "nghị quyết hội đồng nhân dân"]
NEW_DOC = "cv-9500-skhcn-thu-nghiem.txt"
NEW_PHRASE = "vườn ươm công nghệ Bắc Mẫu Sơn"
REMOVED_DOC = "nq-9012-hdnd-mau-son.pdf"


@pytest.fixture
def server(sample_copy):
    from waitress.server import create_server

    from search_app import create_app

    corpus, index_dir = sample_copy
    app = create_app(index_dir=index_dir, corpus_dir=corpus)
    srv = create_server(app, host="127.0.0.1", port=0, threads=8)
    closing = threading.Event()

    def serve():
        try:
            srv.run()
        except OSError:  # select() on the closed socket once the test closes the server
            if not closing.is_set():
                raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield corpus, index_dir, srv.effective_port
    closing.set()
    srv.close()
    thread.join(timeout=5)


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None):
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def client_loop(port: int, stop: threading.Event, stats: dict, counted: threading.Condition, seed: int) -> None:
    """Sends requests until `stop`; counts them in `stats` and notifies `counted` after each."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # keep-alive
    i = seed
    while not stop.is_set():
        q = QUERIES[i % len(QUERIES)]
        path = [f"/api/search?q={urllib.parse.quote(q)}", f"/?q={urllib.parse.quote(q)}", "/api/health",
                "/documents/qd-9322-ttg-chuong-trinh-nang-suat", "/api/documents/cv-9455-skhcn-mau-son"][i % 5]
        i += 1
        try:
            status, body = get(port, path, conn)
            ok = status == 200
            if ok and path.startswith("/api/health"):
                with counted:
                    stats["generations"].add(json.loads(body)["generation"])
        except Exception as exc:  # a dropped connection is a failed request too
            ok, status = False, repr(exc)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with counted:
            stats["requests"] += 1
            if not ok:
                stats["failures"].append((path, status))
            counted.notify_all()
    conn.close()


def reindex(corpus: Path, index_dir: Path) -> None:
    proc = run_cli("--corpus", corpus, "--index", index_dir, "--quiet")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow
def test_searches_never_fail_during_reindex(server):
    corpus, index_dir, port = server
    status, body = get(port, "/api/health")
    first_gen = json.loads(body)["generation"]
    stats = {"requests": 0, "failures": [], "generations": set()}
    counted, stop = threading.Condition(), threading.Event()
    threads = [threading.Thread(target=client_loop, args=(port, stop, stats, counted, n)) for n in range(CLIENTS)]

    def wait_for(predicate, what: str) -> None:
        with counted:
            assert counted.wait_for(predicate, timeout=60), f"timed out waiting for {what}: {stats}"

    for t in threads:
        t.start()
    try:
        wait_for(lambda: stats["requests"] >= 2 * CLIENTS, "the clients to get going")
        # 1: add a document and remove one; 2: edit one; 3: put the removed one back. Three
        # publishes, so the oldest generation is pruned while clients are on the newer ones.
        (corpus / NEW_DOC).write_text(
            "SỞ KHOA HỌC VÀ CÔNG NGHỆ\nSố: 9500/SKHCN-TĐC\nV/v thử nghiệm\n"
            f"Đề nghị các đơn vị tham gia chương trình {NEW_PHRASE} trong năm 2026.\n", encoding="utf-8")
        removed = (corpus / REMOVED_DOC).read_bytes()
        (corpus / REMOVED_DOC).unlink()
        reindex(corpus, index_dir)
        letter = corpus / "cv-9455-skhcn-mau-son.txt"
        letter.write_text(letter.read_text(encoding="utf-8") + "\nGhi chú thêm.\n", encoding="utf-8")
        reindex(corpus, index_dir)
        (corpus / REMOVED_DOC).write_bytes(removed)
        (corpus / NEW_DOC).unlink()
        (corpus / "kh-moi.txt").write_text(f"KẾ HOẠCH\nTriển khai {NEW_PHRASE} giai đoạn hai.\n", encoding="utf-8")
        reindex(corpus, index_dir)
        last_gen = (index_dir / "CURRENT").read_text().strip()
        wait_for(lambda: last_gen in stats["generations"], f"a client to see {last_gen}")
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    print(f"\n{stats['requests']} requests during 3 re-indexes, generations seen {sorted(stats['generations'])}")
    assert stats["requests"] > 50
    assert stats["failures"] == []

    # without a restart, the server serves the last generation
    status, body = get(port, "/api/health")
    health = json.loads(body)
    assert health["generation"] != first_gen and health["generation"] == (index_dir / "CURRENT").read_text().strip()
    status, body = get(port, f"/api/search?q={urllib.parse.quote(NEW_PHRASE)}")
    result = json.loads(body)
    assert result["generation"] == health["generation"]
    assert [h["doc_id"] for h in result["hits"]][:1] == ["kh-moi"]
    status, _ = get(port, "/api/documents/cv-9500-skhcn-thu-nghiem")
    assert status == 404  # removed in the last round
    status, _ = get(port, "/api/documents/nq-9012-hdnd-mau-son")
    assert status == 200
