"""bench/scale.py runs end to end on the first 2,000 articles of the Bộ pháp điển: the real
batch job (full, no-change and 1% change runs), search(), gunicorn (a worker per core) under 8
clients, SQLite FTS5 and tantivy — and prints its machine-readable last line. The figures themselves are a
benchmark (bench/README.md), not asserted here; the query and HTTP phases are shortened."""

import re
import subprocess
import sys

import pytest

from .conftest import ROOT, shared

pytestmark = pytest.mark.slow

KEYS = ["articles", "ingest_s", "noop_s", "change1pct_s", "index_mb", "peak_mb", "p50_ms", "p95_ms",
        "max_ms", "ref_p95_ms", "tantivy_p95_ms", "rps", "p99_ms", "errors", "workers", "rss_mb", "pss_mb", "private_mb",
        "first_ms"]
NUMBER = re.compile(r"^\d+(\.\d+)?$")


def test_scale_bench_on_2000_articles(tmp_path):
    data = shared("phapdien", "articles.jsonl.gz")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--data", str(data), "--limit", "2000",
         "--work", str(tmp_path / "work"), "--queries", "60", "--http-seconds", "4"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    last = proc.stdout.strip().splitlines()[-1]
    pairs = [item.split("=", 1) for item in last.split(" ")]
    assert [k for k, _ in pairs] == KEYS, last
    values = dict(pairs)
    assert all(NUMBER.match(v) for v in values.values()), last
    assert values["articles"] == "2000"
    assert values["errors"] == "0", proc.stderr[-4000:]
    assert float(values["rps"]) > 0 and float(values["ingest_s"]) > 0
    assert int(values["workers"]) >= 1 and float(values["rss_mb"]) >= float(values["private_mb"]) > 0
    # One Điều unit per article: the corpus is written so the structure parser reads it.
    assert "2000 Điều units for 2000 articles" in proc.stderr
