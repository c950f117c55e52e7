"""Load run: N concurrent HTTP clients for a fixed time over a fixed query mix.

    # against a server started with `make run` (gunicorn, a worker per core, 127.0.0.1:8000)
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --clients 8 --seconds 60

    # or let the script start the same gunicorn command on a free port (--workers 0: waitress,
    # `make run-dev`)
    .venv/bin/python bench/load.py --serve --index index --corpus corpus

Each client keeps one HTTP/1.1 connection and walks the mix in a fixed order from its own
offset, so two runs send the same requests. Prints req/s, latency percentiles and errors
(any status other than 200, or a dropped connection), overall and per kind of request.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SEARCHES = [
    "năng suất chất lượng", "nang suat chat luong", "hỗ trợ doanh nghiệp nhỏ và vừa",
    "chứng nhận ISO 9001", "9322/QĐ-TTg", "QĐ 9322", "kế hoạch 9116", '"nâng cao năng suất"',
    "tăng ca", "thông tư 901", "trách nhiệm của Ủy ban nhân dân tỉnh", "kinh phí thực hiện",
    "đào tạo chuyên gia năng suất", "chuyển đổi số", "nghị quyết hội đồng nhân dân", "khoa học và công nghệ",
]


def request_mix() -> list[tuple[str, str]]:
    """(kind, path): 70% searches (HTML and JSON, some filtered or paged), 20% document pages,
    10% health/API."""
    mix: list[tuple[str, str]] = []
    for i, q in enumerate(SEARCHES):
        quoted = urllib.parse.quote(q)
        mix.append(("search_html", f"/?q={quoted}"))
        mix.append(("search_json", f"/api/search?q={quoted}"))
        if i % 4 == 0:
            mix.append(("search_json", f"/api/search?q={quoted}&page=2&per_page=10"))
        if i % 4 == 1:
            mix.append(("search_json", f"/api/search?q={quoted}&sort=newest"))
    return mix


def document_paths(conn: http.client.HTTPConnection) -> list[tuple[str, str]]:
    conn.request("GET", "/api/search?q=" + urllib.parse.quote("điều") + "&per_page=50")
    data = json.loads(conn.getresponse().read())
    doc_ids = sorted({h["doc_id"] for h in data.get("hits", [])})
    paths = []
    for doc_id in doc_ids:
        paths.append(("document_html", f"/documents/{doc_id}"))
        paths.append(("document_json", f"/api/documents/{doc_id}"))
    return paths


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def full_mix(host: str, port: int) -> list[tuple[str, str]]:
    """The searches of request_mix() with document pages (20%) and health (10%) interleaved
    at fixed positions."""
    probe = http.client.HTTPConnection(host, port, timeout=30)
    docs = document_paths(probe)
    probe.close()
    full: list[tuple[str, str]] = []
    for i, item in enumerate(request_mix()):
        full.append(item)
        if docs and i % 3 == 0:
            full.append(docs[(i // 3) % len(docs)])
        if i % 7 == 0:
            full.append(("health", "/api/health"))
    return full


def run(host: str, port: int, clients: int, seconds: float,
        requests: list[tuple[str, str]] | None = None) -> dict:
    """`clients` threads send `requests` ((kind, path) pairs; default: full_mix()) in a loop
    until `seconds` have passed."""
    full = requests or full_mix(host, port)

    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    start_barrier = threading.Barrier(clients)

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        i = n * len(full) // clients
        local_lat: dict[str, list[float]] = defaultdict(list)
        local_err: dict[str, list[str]] = defaultdict(list)
        start_barrier.wait()
        while time.monotonic() < deadline:
            kind, path = full[i % len(full)]
            i += 1
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            elapsed = time.perf_counter() - t
            local_lat[kind].append(elapsed)
            if status != 200:
                local_err[kind].append(f"{status} {path}")
        conn.close()
        with lock:
            for k, v in local_lat.items():
                latencies[k].extend(v)
            for k, v in local_err.items():
                errors[k].extend(v)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started

    def summary(values: list[float], errs: int) -> dict:
        values = sorted(values)
        return {
            "requests": len(values), "errors": errs,
            "p50_ms": round(percentile(values, 50) * 1000, 1), "p90_ms": round(percentile(values, 90) * 1000, 1),
            "p99_ms": round(percentile(values, 99) * 1000, 1), "max_ms": round(values[-1] * 1000, 1) if values else None,
        }

    everything = [v for vs in latencies.values() for v in vs]
    total_errors = sum(len(v) for v in errors.values())
    return {
        "clients": clients, "seconds": round(wall, 1),
        "req_per_s": round(len(everything) / wall, 1),
        **summary(everything, total_errors),
        "by_kind": {k: summary(v, len(errors.get(k, []))) for k, v in sorted(latencies.items())},
        "error_samples": [e for v in errors.values() for e in v][:10],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DEFAULT_THREADS = 4  # per gunicorn worker, as `make run` (bench/README.md, scale)


def server_command(port: int, workers: int, threads: int = DEFAULT_THREADS) -> list[str]:
    """`make run`'s command (keep it the same as the Makefile's): gunicorn with `workers`
    processes; 0 workers: `make run-dev`'s single waitress process."""
    if workers == 0:
        return [sys.executable, "-m", "waitress", "--host=127.0.0.1", f"--port={port}", "--threads=8",
                "--call", "search_app:create_app"]
    return [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(workers), "--worker-class", "gthread",
            "--threads", str(threads), "--keep-alive", "0", "--bind", f"127.0.0.1:{port}",
            "search_app:create_app(OPEN_AT_START=True)"]


def serve(index: str, corpus: str, port: int, start_timeout: float = 30, workers: int | None = None,
          threads: int = DEFAULT_THREADS) -> subprocess.Popen:
    """The `make run` server command (a worker per core unless `workers`), once /api/health
    says its index is open."""
    env = {**os.environ, "INDEX_DIR": index, "CORPUS_DIR": corpus}
    workers = (os.cpu_count() or 1) if workers is None else workers
    proc = subprocess.Popen(server_command(port, workers, threads), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + start_timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/health")
            response = conn.getresponse()
            if response.status == 200 and json.loads(response.read()).get("warm"):
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start: " + proc.stderr.read().decode(errors="replace")[-2000:])


def worker_pids(server: subprocess.Popen) -> list[int]:
    """The processes answering requests: gunicorn's workers (the master's children), or the
    waitress process itself."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            if int(stat[stat.rindex(b")") + 2 :].split()[1]) == server.pid:
                children.append(int(entry))
    return sorted(children) or [server.pid]


def memory_mb(pid: int) -> dict:
    """Resident memory of a process: VmRSS (shared pages of mapped files counted in full in
    every process that touched them), PSS (shared pages divided among the processes) and the
    private part (RssAnon: the process's own heap, never shared)."""
    def field(path: str, name: str) -> float:
        with open(path, encoding="ascii") as fh:
            for line in fh:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) / 1024
        return 0.0

    return {"rss_mb": field(f"/proc/{pid}/status", "VmRSS"),
            "rss_file_mb": field(f"/proc/{pid}/status", "RssFile"),
            "private_mb": field(f"/proc/{pid}/status", "RssAnon"),
            "pss_mb": field(f"/proc/{pid}/smaps_rollup", "Pss")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="server to load (default %(default)s)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--serve", action="store_true", help="start `make run`'s gunicorn command on a free port")
    parser.add_argument("--workers", type=int, default=None, help="with --serve: worker processes (default: a per core; 0: waitress)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS, help="with --serve: threads per worker")
    parser.add_argument("--index", default="index")
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args()

    server = None
    if args.serve:
        port = free_port()
        server = serve(args.index, args.corpus, port, workers=args.workers, threads=args.threads)
        host = "127.0.0.1"
    else:
        url = urllib.parse.urlsplit(args.url)
        host, port = url.hostname or "127.0.0.1", url.port or 80
    try:
        result = run(host, port, args.clients, args.seconds)
        if server is not None:
            result["workers"] = {pid: memory_mb(pid) for pid in worker_pids(server)}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"{result['clients']} clients, {result['seconds']}s: {result['requests']} requests, "
              f"{result['req_per_s']} req/s, p50 {result['p50_ms']} ms, p90 {result['p90_ms']} ms, "
              f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms, errors {result['errors']}")
        for kind, s in result["by_kind"].items():
            print(f"  {kind:14} {s['requests']:6} req  p50 {s['p50_ms']:7} ms  p99 {s['p99_ms']:7} ms  errors {s['errors']}")
        for sample in result["error_samples"]:
            print("  error:", sample)
        for pid, memory in result.get("workers", {}).items():
            print(f"  worker {pid}: RSS {memory['rss_mb']:.0f} MB (mapped files {memory['rss_file_mb']:.0f} MB), "
                  f"PSS {memory['pss_mb']:.0f} MB")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
