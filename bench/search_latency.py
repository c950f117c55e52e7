"""Time GET /api/search over 100 varied queries on the shared text PDFs (plus the sample corpus).

    python bench/search_latency.py [--index DIR] [--data ../shared/data]

Builds the index with the real batch job unless --index points at one already built; queries
go through the Flask app's /api/search (query parsing, Whoosh, snippets, JSON), in process.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import run_ingest  # noqa: E402
from ingest.index import current_generation, read_json  # noqa: E402
from ingest.textnorm import fold  # noqa: E402
from search_app import create_app  # noqa: E402

HAND_WRITTEN = [
    "quyền con người", "quyen con nguoi", "100/2015/QH13", "bo luat hinh su 2015", "Bộ luật tố tụng hình sự",
    "tội giết người", "toi trom cap tai san", "án treo", "tuổi chịu trách nhiệm hình sự", "quyền bào chữa",
    "tạm giam bao lâu", "hỗ trợ doanh nghiệp nhỏ chứng nhận ISO", "ho tro doanh nghiep nho chung nhan ISO",
    "QĐ 9322", "9322/qd-ttg", "kế hoạch 9071", "\"chuỗi cung ứng\"", "văn bản quy phạm pháp luật",
    "xử phạt vi phạm hành chính", "án lệ nhà đất", "Quốc hội bầu Chủ tịch nước", "quyền tự do ngôn luận",
    "bảo vệ môi trường", "UBND tỉnh", "DNNVV", "KH&CN", "thời hiệu truy cứu trách nhiệm hình sự",
    "pháp nhân thương mại phạm tội", "giảm nhẹ trách nhiệm hình sự", "khiếu kiện quyết định hành chính",
]


def build_queries(gen: Path, n: int = 100) -> list[str]:
    rng = random.Random(1322)
    headings = []
    for path in sorted((gen / "docs").glob("*.json")):
        doc = read_json(path)
        headings += [u["heading"] for u in doc["units"] if u["kind"] == "dieu" and 8 < len(u["heading"]) < 80]
    queries = list(HAND_WRITTEN)
    for heading in rng.sample(headings, min(len(headings), n - len(queries))):
        queries.append(fold(heading) if rng.random() < 0.4 else heading)
    return queries[:n]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    tmp = None
    index_dir = args.index
    if index_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="latency-"))
        corpus = tmp / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        for pdf in sorted((args.data / "pdf" / "text").glob("*.pdf")):
            shutil.copy(pdf, corpus / pdf.name)
        index_dir = tmp / "index"
        t = time.monotonic()
        report = run_ingest(corpus, index_dir, progress=False)
        pages = sum(f.pages for f in report.files)
        print(f"ingest: {len(report.files)} files, {pages} pages in {time.monotonic() - t:.1f}s")
    client = create_app(index_dir=index_dir, corpus_dir=ROOT / "corpus").test_client()
    queries = build_queries(current_generation(index_dir))
    client.get("/api/search", query_string={"q": "khởi động"})  # load underthesea once
    times = []
    for q in queries:
        t = time.perf_counter()
        response = client.get("/api/search", query_string={"q": q})
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (q, response.status_code)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"queries={len(times)} median_ms={statistics.median(times):.1f} p95_ms={p95:.1f} max_ms={times[-1]:.1f}")
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
