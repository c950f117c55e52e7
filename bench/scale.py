"""Scale benchmark: the Bộ pháp điển (70,705 articles) through the real batch job and search.

    python bench/scale.py [--limit N] [--work DIR] [--workers W]
                          [--http-seconds S] [--queries N] [--json FILE]

1. Corpus. ../shared/data/phapdien/articles.jsonl.gz holds {id, title, text, file}. Every
   source `file` (a đề mục of the code, 254 of them) becomes one .txt document, its articles
   in file order. Pháp điển prints an article as "Điều 1.1.LQ.1. Phạm vi điều chỉnh"; our
   structure parser reads an article heading as "Điều <n>." with n in sequence (a dotted id
   is not a heading to it), so each article is written as

       Điều <k>. Điều 1.1.LQ.1. Phạm vi điều chỉnh
       <text: the source note "(Điều 1 Luật số 32/2004/QH11 …)", then the article>

   with k = 1, 2, … in the document: the unit is "Điều k", its heading is pháp điển's own
   heading line, id and title. (Some titles are empty or begin with "1." or "(": the "Điều"
   of the id keeps the heading recognizable after any line.) A line of an article's text that the parser would take for
   a heading or the end of the body (a quoted "Chương 2", "Luật này đã được Quốc hội …",
   "Nơi nhận:") is joined to the line before it; markdown links the source repo added are
   reduced to their text. A sidecar `X.txt.meta.toml` gives the document type and title
   (the đề mục). The run checks that the index holds exactly one Điều unit per article.
2. Batch job. `python -m ingest --corpus … --index …` (the real CLI over run_ingest) in a
   child process: full ingest from an empty index (cold: no extraction or tokenization
   cache), a re-run with no change, a re-run after changing 1% of the documents. Peak memory
   is the highest sum of RSS over the job and its worker processes (sampled from /proc every
   0.2 s), and at least the job's own and its largest child's ru_maxrss.
3. Queries. A fixed set (≥ 300, seeded) built from the data: article titles with and without
   diacritics, document numbers from the source notes (full, partial, typed as words),
   quoted phrases, rare words, very common words, free word runs. Each goes through
   `search_app.search.search()` — the function the web app and the API call — once the
   generation is warm (its longest posting lists cached, as the web app does on opening it).
   The first query is timed from a new IndexHandle (opening the generation included), once
   on the new generation (which scores its longest lists for every server process:
   `search_app/scored_lists.py`) and once more as a server started on it finds them.
4. HTTP. gunicorn serving `search_app:create_app` on 127.0.0.1 as `make run` does (a worker
   per core unless --serve-workers, `bench/load.py`'s threads per worker), once /api/health
   says it is open, 8 client threads with http.client on /api/search for a fixed time; then
   the resident memory of each worker (VmRSS, which counts the shared mapped postings in
   every worker that touched them, and PSS, which divides them among the workers).
5. Reference. The same articles and queries in SQLite FTS5 (stdlib sqlite3, unicode61 with
   diacritics removed, bm25, 300 candidates) and in tantivy (the `bench` extra: simple
   tokenizer, lowercase, ASCII folding, BM25, 300 candidates) so the figures read as ratios.

The last line is machine-readable:
    articles=70705 ingest_s=512 noop_s=2.1 change1pct_s=20 index_mb=310 peak_mb=2100 p50_ms=9 p95_ms=31 max_ms=640 ref_p95_ms=0.4 tantivy_p95_ms=0.3 rps=85 p99_ms=120 errors=0 workers=2 rss_mb=300 pss_mb=150 private_mb=120 first_ms=400
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SHARED_DATA = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))
DEFAULT_DATA = SHARED_DATA / "phapdien" / "articles.jsonl.gz"

from ingest.structure import BODY_END_RE, CHUONG_RE, DIEU_RE, MUC_RE, PHAN_RE  # noqa: E402
from ingest.textnorm import fold  # noqa: E402

MD_LINK_RE = re.compile(r"\[([^\]\n]*)\]\((?:https?://|/)[^)\s]*\)")
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
NOTE_NUMBER_RE = re.compile(
    r"(Luật|Bộ luật|Nghị định|Thông tư liên tịch|Thông tư|Quyết định|Pháp lệnh|Nghị quyết)"
    r"\s+số\s+(\d{1,4}/\d{4}/[A-ZĐa-zđ0-9-]+|\d{1,4}/[A-ZĐ][A-ZĐa-zđ0-9-]+)"
)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# 1. The corpus


def load_articles(path: Path, limit: int | None) -> list[dict]:
    articles = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and len(articles) >= limit:
                break
            articles.append(json.loads(line))
    return articles


def _is_structure_line(line: str) -> bool:
    """A line the structure parser could take for a heading or the end of the body."""
    if BODY_END_RE.match(line) or PHAN_RE.match(line) or CHUONG_RE.match(line) or MUC_RE.match(line):
        return True
    m = DIEU_RE.match(line)
    if m:
        rest = (m.group("rest") or "").strip()
        return rest == "" or rest[:1].isupper() or rest[:1] in "(“\""
    return False


def article_lines(article: dict, k: int) -> list[str]:
    title = " ".join(article["title"].split())
    heading = f"Điều {k}. Điều {article['id']}. {title}".rstrip()
    body = MD_LINK_RE.sub(r"\1", article["text"])
    lines: list[str] = [heading]
    for raw in body.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if _is_structure_line(line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return lines


def group_documents(articles: list[dict]) -> dict[str, list[dict]]:
    docs: dict[str, list[dict]] = {}
    for a in articles:
        docs.setdefault(a["file"], []).append(a)
    return docs


def doc_title(source: str, articles: list[dict]) -> str:
    slug = Path(source).stem
    prefixes = Counter(".".join(a["id"].split(".")[:2]) for a in articles)
    words = slug.replace("-", " ")
    return f"Đề mục {prefixes.most_common(1)[0][0]} pháp điển: {words}"


def doc_relpath(source: str) -> str:
    rel = source.removeprefix("van-ban/")
    return str(Path(rel).with_suffix(".txt"))


def write_document(corpus: Path, source: str, articles: list[dict], marker: str = "") -> Path:
    path = corpus / doc_relpath(source)
    path.parent.mkdir(parents=True, exist_ok=True)
    title = doc_title(source, articles)
    lines = [f"BỘ PHÁP ĐIỂN — {title}"]
    for k, article in enumerate(articles, 1):
        lines.extend(article_lines(article, k))
        if marker and k == (len(articles) + 1) // 2:
            lines.append(marker)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sidecar = path.with_name(path.name + ".meta.toml")
    sidecar.write_text(
        f'doc_type = "Pháp điển"\ntitle = {json.dumps(title, ensure_ascii=False)}\n', encoding="utf-8"
    )
    return path


def write_corpus(corpus: Path, docs: dict[str, list[dict]]) -> None:
    if corpus.exists():
        shutil.rmtree(corpus)
    corpus.mkdir(parents=True)
    for source, articles in docs.items():
        write_document(corpus, source, articles)


def changed_sources(docs: dict[str, list[dict]]) -> list[str]:
    """1% of the documents (at least one), spread evenly over the list."""
    sources = list(docs)
    n = max(1, math.ceil(len(sources) / 100))
    return [sources[int((i + 0.5) * len(sources) / n)] for i in range(n)]


# ---------------------------------------------------------------------------------------------
# 2. The batch job, measured from outside


def _descendants_rss_kb(root_pid: int) -> int:
    children: dict[int, list[int]] = defaultdict(list)
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
            ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
            with open(f"/proc/{entry}/statm", "rb") as fh:
                rss[int(entry)] = int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, ValueError, IndexError):
            continue
        children[ppid].append(int(entry))
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run_batch_job(corpus: Path, index: Path, workers: int | None, report_path: Path) -> dict:
    cmd = [sys.executable, "-m", "ingest", "--corpus", str(corpus), "--index", str(index),
           "--quiet", "--report", str(report_path)]
    if workers:
        cmd += ["--workers", str(workers)]
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_kb = 0
    stop = threading.Event()

    def sample():
        nonlocal peak_kb
        while not stop.is_set():
            peak_kb = max(peak_kb, _descendants_rss_kb(proc.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.monotonic() - started
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_maxrss_kb = after.ru_maxrss
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ingest failed ({proc.returncode}):\n{err[-4000:]}")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    failed = [f for f in report["files"] if f["outcome"] == "failed"]
    if failed:
        raise SystemExit(f"ingest: {len(failed)} files failed, e.g. {failed[0]}")
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "job_seconds": report["seconds"],
        "timings": report["timings"],
        "counts": report["counts"],
        "peak_mb": max(peak_kb, children_maxrss_kb) / 1024,
        "stderr_tail": err.strip().splitlines()[-1:] if err.strip() else [],
    }


def dir_mb(path: Path) -> float:
    total = 0
    for dirpath, _, filenames in os.walk(path):
        for name in filenames:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total / 1e6


def check_units(index: Path, docs: dict[str, list[dict]]) -> tuple[int, int, list[str]]:
    """(Điều units in the index, articles, documents whose count differs)."""
    from ingest.document import doc_id_for, group_key
    from ingest.index import current_generation, read_json

    gen = current_generation(index)
    found = expected = 0
    wrong = []
    for source, articles in docs.items():
        doc_id = doc_id_for(group_key(doc_relpath(source)))
        data = read_json(gen / "docs" / f"{doc_id}.json")
        n = sum(1 for u in data["units"] if u["kind"] == "dieu")
        found += n
        expected += len(articles)
        if n != len(articles):
            wrong.append(f"{doc_id}: {n} Điều units for {len(articles)} articles")
    return found, expected, wrong


# ---------------------------------------------------------------------------------------------
# 3. The queries


COMMON_FALLBACK = ["quy định", "trách nhiệm", "cơ quan", "thực hiện", "người", "của", "và", "được"]


def build_queries(articles: list[dict], n: int, seed: int = 20240) -> list[tuple[str, str]]:
    """(kind, query) pairs, deterministic for a given article list."""
    rng = random.Random(seed)
    texts = [MD_LINK_RE.sub(r"\1", a["text"]) for a in articles]
    df: Counter[str] = Counter()
    for a, text in zip(articles, texts):
        df.update({w.lower() for w in WORD_RE.findall(a["title"] + " " + text) if not w.isdigit()})
    share = max(1, n // 10)
    queries: list[tuple[str, str]] = []

    titles = sorted({a["title"].strip() for a in articles if len(a["title"].split()) >= 2})
    rng.shuffle(titles)
    for t in titles[: share * 2]:
        queries.append(("title", t))
    for t in titles[share * 2 : share * 3]:
        queries.append(("title_folded", fold(t).lower()))

    numbers = sorted({(m.group(1), m.group(2)) for text in texts for m in NOTE_NUMBER_RE.finditer(text[:400])})
    rng.shuffle(numbers)
    for i, (kind, num) in enumerate(numbers[:share]):
        if i % 3 == 0:
            queries.append(("number", num))
        elif i % 3 == 1:
            queries.append(("number_typed", f"{kind} {num}"))
        else:
            short = "/".join(num.split("/")[:2]) if num.count("/") >= 2 else num.split("/")[0]
            queries.append(("number_folded", f"{fold(kind).lower()} {short}"))

    bodies = [t for t in texts if len(WORD_RE.findall(t)) > 40]
    for _ in range(share):
        words = WORD_RE.findall(rng.choice(bodies))
        i = rng.randrange(10, len(words) - 6)
        queries.append(("phrase", '"' + " ".join(words[i : i + rng.randint(2, 4)]) + '"'))

    rare = sorted(w for w, c in df.items() if c <= 2 and len(w) >= 4 and not w.isascii())
    rng.shuffle(rare)
    for w in rare[:share]:
        queries.append(("rare", w))

    common = [w for w, _ in df.most_common(share)] or COMMON_FALLBACK
    for w in COMMON_FALLBACK + common:
        if sum(1 for k, _ in queries if k == "common") >= share:
            break
        queries.append(("common", w))

    while len(queries) < n:
        words = WORD_RE.findall(rng.choice(bodies))
        i = rng.randrange(0, len(words) - 8)
        q = " ".join(words[i : i + rng.randint(3, 7)]).lower()
        queries.append(("words_folded", fold(q)) if len(queries) % 2 else ("words", q))
    return queries[:n] if len(queries) > n else queries


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def run_queries(index: Path, queries: list[tuple[str, str]]) -> dict:
    from search_app.generations import IndexHandle
    from search_app.search import search

    handle = IndexHandle(index)
    t = time.perf_counter()
    search(handle, queries[0][1])  # the first open of a new generation: its longest lists scored
    new_generation_s = time.perf_counter() - t
    t = time.perf_counter()
    search(IndexHandle(index), queries[0][1])  # a server started on it: the scored lists written
    first_s = time.perf_counter() - t
    warm_s = handle.wait_until_warm(timeout=600)
    times, timed_out, empty = [], 0, 0
    by_kind: dict[str, list[float]] = defaultdict(list)
    slowest = (0.0, "")
    for kind, q in queries:
        t = time.perf_counter()
        result = search(handle, q)
        dt = time.perf_counter() - t
        times.append(dt)
        by_kind[kind].append(dt)
        timed_out += result.timed_out
        empty += result.total == 0
        if dt > slowest[0]:
            slowest = (dt, q)
    return {
        "p50_ms": percentile(times, 50) * 1000, "p95_ms": percentile(times, 95) * 1000,
        "max_ms": max(times) * 1000, "timed_out": timed_out, "empty": empty,
        "slowest": slowest[1], "warm_s": warm_s, "first_s": first_s, "new_generation_s": new_generation_s,
        "by_kind_p95_ms": {k: round(percentile(v, 95) * 1000, 1) for k, v in sorted(by_kind.items())},
    }


# ---------------------------------------------------------------------------------------------
# 4. HTTP


def http_load(index: Path, corpus: Path, queries: list[tuple[str, str]], seconds: float,
              clients: int = 8, workers: int | None = None) -> dict:
    """The same gunicorn command as `make run`, loaded by bench/load.py with the query set."""
    import load

    port = load.free_port()
    server = load.serve(str(index), str(corpus), port, start_timeout=600, workers=workers)
    try:
        paths = [("search_json", f"/api/search?q={urllib.parse.quote(q)}") for _, q in queries]
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _, path in paths[:8]:
            warm.request("GET", path)
            warm.getresponse().read()
        warm.close()
        result = load.run("127.0.0.1", port, clients, seconds, paths)
        memory = [load.memory_mb(pid) for pid in load.worker_pids(server)]
        return {
            "requests": result["requests"], "rps": result["req_per_s"], "p50_ms": result["p50_ms"],
            "p99_ms": result["p99_ms"], "errors": result["errors"], "seconds": result["seconds"],
            "workers": len(memory), "memory": memory,
            "rss_mb": max(m["rss_mb"] for m in memory), "pss_mb": max(m["pss_mb"] for m in memory),
            "private_mb": max(m["private_mb"] for m in memory),
        }
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---------------------------------------------------------------------------------------------
# 5. Reference engine: SQLite FTS5


def fts_query(q: str) -> str:
    phrases = re.findall(r"[\"“”]([^\"“”]*)[\"“”]", q)
    rest = re.sub(r"[\"“”][^\"“”]*[\"“”]", " ", q)
    words = [w.lower() for w in WORD_RE.findall(rest)]
    required = [" ".join(WORD_RE.findall(p)).lower() for p in phrases if WORD_RE.findall(p)]
    should = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
    if required:
        must = " AND ".join(f'"{p}"' for p in required)
        return must if not should else must  # FTS5 has no "should" with AND: the phrase decides
    return should


def reference(articles: list[dict], queries: list[tuple[str, str]], db_path: Path) -> dict:
    db_path.unlink(missing_ok=True)
    con = sqlite3.connect(db_path)
    t = time.monotonic()
    con.execute(
        "CREATE VIRTUAL TABLE art USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')"
    )
    con.executemany(
        "INSERT INTO art(title, body) VALUES (?, ?)",
        ((f"{a['title']} ({a['id']})", MD_LINK_RE.sub(r"\1", a["text"])) for a in articles),
    )
    con.commit()
    con.execute("INSERT INTO art(art) VALUES ('optimize')")
    con.commit()
    ingest_s = time.monotonic() - t
    times = []
    for _, q in queries:
        match = fts_query(q)
        t = time.perf_counter()
        if match:  # 300 candidates by bm25, as search() reads; snippets for the first page
            ids = [r[0] for r in con.execute(
                "SELECT rowid FROM art WHERE art MATCH ? ORDER BY rank LIMIT 300", (match,))]
            if ids:
                con.execute(
                    "SELECT rowid, title, snippet(art, 1, '<mark>', '</mark>', '…', 40) FROM art "
                    f"WHERE art MATCH ? AND rowid IN ({','.join(map(str, ids[:20]))})", (match,)
                ).fetchall()
        times.append(time.perf_counter() - t)
    con.close()
    return {
        "ingest_s": ingest_s, "size_mb": db_path.stat().st_size / 1e6,
        "p50_ms": percentile(times, 50) * 1000, "p95_ms": percentile(times, 95) * 1000,
        "max_ms": max(times) * 1000,
    }


def tantivy_reference(articles: list[dict], queries: list[tuple[str, str]], folder: Path) -> dict:
    """The same articles and queries in tantivy: FTS5's query, 300 candidates, snippets for
    the first 20."""
    import tantivy

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    builder = tantivy.SchemaBuilder()
    for name in ("title", "body"):
        builder.add_text_field(name, stored=True, tokenizer_name="folded")
    schema = builder.build()
    t = time.monotonic()
    index = tantivy.Index(schema, path=str(folder))
    index.register_tokenizer("folded", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                             .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold()).build())
    writer = index.writer(heap_size=256 * 2**20)
    for a in articles:
        writer.add_document(tantivy.Document(title=f"{a['title']} ({a['id']})", body=MD_LINK_RE.sub(r"\1", a["text"])))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    ingest_s = time.monotonic() - t
    searcher = index.searcher()
    times = []
    for _, q in queries:
        match = fts_query(q)
        t = time.perf_counter()
        if match:
            query = index.parse_query(match, ["title", "body"])
            hits = searcher.search(query, 300).hits
            if hits:
                snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
                for _, address in hits[:20]:
                    snippets.snippet_from_doc(searcher.doc(address)).to_html()
        times.append(time.perf_counter() - t)
    return {
        "ingest_s": ingest_s, "size_mb": dir_mb(folder),
        "p50_ms": percentile(times, 50) * 1000, "p95_ms": percentile(times, 95) * 1000,
        "max_ms": max(times) * 1000,
    }


# ---------------------------------------------------------------------------------------------


def fmt(x: float) -> str:
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}".rstrip("0").rstrip(".")
    return f"{x:.2f}".rstrip("0").rstrip(".") if x >= 0.01 else f"{x:.3f}".rstrip("0").rstrip(".") or "0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--workers", type=int, default=None, help="ingest worker processes")
    parser.add_argument("--queries", type=int, default=350, help="number of fixed queries (≥ 300)")
    parser.add_argument("--http-seconds", type=float, default=30.0, help="length of the HTTP load")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--serve-workers", type=int, default=None,
                        help="gunicorn workers for the HTTP load (default: one per core, as `make run`)")
    parser.add_argument("--json", type=Path, default=None, help="write all figures here")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)

    if not args.data.exists():
        log(f"scale: data not found: {args.data}")
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="scale-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus, index = work / "corpus", work / "index"
    figures: dict = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform()}}
    try:
        t = time.monotonic()
        articles = load_articles(args.data, args.limit)
        docs = group_documents(articles)
        write_corpus(corpus, docs)
        log(f"scale: {len(articles)} articles in {len(docs)} documents written in {time.monotonic() - t:.1f}s")
        figures["articles"], figures["documents"] = len(articles), len(docs)

        if index.exists():
            shutil.rmtree(index)
        full = run_batch_job(corpus, index, args.workers, work / "report-full.json")
        log(f"scale: full ingest {full['seconds']:.1f}s (CPU {full['cpu_seconds']:.0f}s) {full['timings']} peak {full['peak_mb']:.0f} MB")
        found, expected, wrong = check_units(index, docs)
        figures["units_check"] = {"dieu_units": found, "articles": expected, "wrong": wrong[:20]}
        log(f"scale: {found} Điều units for {expected} articles" + (f"; differ: {wrong[:5]}" if wrong else ""))
        noop = run_batch_job(corpus, index, args.workers, work / "report-noop.json")
        log(f"scale: no-change re-run {noop['seconds']:.2f}s {noop['timings']}")
        changed = changed_sources(docs)
        for i, source in enumerate(changed):
            write_document(corpus, source, docs[source], marker=f"Ghi chú thử nghiệm số {i + 1} của bài đo quy mô.")
        change = run_batch_job(corpus, index, args.workers, work / "report-change.json")
        log(f"scale: 1% change ({len(changed)} documents) {change['seconds']:.1f}s (CPU {change['cpu_seconds']:.0f}s) {change['timings']} "
            f"peak {change['peak_mb']:.0f} MB")
        from ingest.index import current_generation

        gen = current_generation(index)
        index_mb = dir_mb(gen)
        whoosh_mb = sum(p.stat().st_size for p in gen.iterdir() if p.is_file()) / 1e6
        figures["ingest"] = {"full": full, "noop": noop, "change": change, "changed_documents": len(changed),
                             "index_mb": index_mb, "whoosh_mb": whoosh_mb,
                             "index_dir_mb": dir_mb(index)}
        log(f"scale: generation {index_mb:.0f} MB (Whoosh files {whoosh_mb:.0f} MB), index folder {dir_mb(index):.0f} MB")

        queries = build_queries(articles, max(args.queries, 1))
        figures["queries"] = {"n": len(queries), "kinds": dict(Counter(k for k, _ in queries))}
        q = run_queries(index, queries)
        figures["search"] = q
        log(f"scale: {len(queries)} queries p50 {q['p50_ms']:.1f} ms p95 {q['p95_ms']:.1f} ms "
            f"max {q['max_ms']:.0f} ms timed out {q['timed_out']} empty {q['empty']}; slowest {q['slowest']!r}")
        log(f"scale: p95 by kind {q['by_kind_p95_ms']}")

        ref = reference(articles, queries, work / "reference.sqlite")
        figures["reference"] = ref
        log(f"scale: FTS5 build {ref['ingest_s']:.1f}s {ref['size_mb']:.0f} MB p50 {ref['p50_ms']:.2f} ms "
            f"p95 {ref['p95_ms']:.2f} ms max {ref['max_ms']:.1f} ms")
        tan = tantivy_reference(articles, queries, work / "reference-tantivy")
        figures["tantivy"] = tan
        log(f"scale: tantivy build {tan['ingest_s']:.1f}s {tan['size_mb']:.0f} MB p50 {tan['p50_ms']:.2f} ms "
            f"p95 {tan['p95_ms']:.2f} ms max {tan['max_ms']:.1f} ms")
        log(f"scale: first query after start {q['first_s'] * 1000:.0f} ms; first query on a new generation "
            f"{q['new_generation_s']:.2f}s (opened in {q['warm_s']:.2f}s, its longest lists scored for all servers)")

        if args.http_seconds > 0:
            h = http_load(index, corpus, queries, args.http_seconds, args.clients, args.serve_workers)
        else:
            h = {"requests": 0, "rps": 0.0, "p50_ms": 0.0, "p99_ms": 0.0, "errors": 0, "seconds": 0.0,
                 "workers": 0, "rss_mb": 0.0, "pss_mb": 0.0, "private_mb": 0.0}
        figures["http"] = h
        log(f"scale: HTTP {h['requests']} requests in {h['seconds']:.1f}s: {h['rps']:.1f} req/s "
            f"p50 {h['p50_ms']:.0f} ms p99 {h['p99_ms']:.0f} ms errors {h['errors']}; {h['workers']} workers, "
            f"largest RSS {h['rss_mb']:.0f} MB, PSS {h['pss_mb']:.0f} MB, private {h['private_mb']:.0f} MB; "
            f"load average {os.getloadavg()}")

        peak = max(full["peak_mb"], noop["peak_mb"], change["peak_mb"])
        line = (
            f"articles={len(articles)} ingest_s={fmt(full['seconds'])} noop_s={fmt(noop['seconds'])} "
            f"change1pct_s={fmt(change['seconds'])} index_mb={fmt(index_mb)} peak_mb={fmt(peak)} "
            f"p50_ms={fmt(q['p50_ms'])} p95_ms={fmt(q['p95_ms'])} max_ms={fmt(q['max_ms'])} "
            f"ref_p95_ms={fmt(ref['p95_ms'])} tantivy_p95_ms={fmt(tan['p95_ms'])} rps={fmt(h['rps'])} "
            f"p99_ms={fmt(h['p99_ms'])} errors={h['errors']} workers={h['workers']} rss_mb={fmt(h['rss_mb'])} "
            f"pss_mb={fmt(h['pss_mb'])} private_mb={fmt(h['private_mb'])} first_ms={fmt(q['first_s'] * 1000)}"
        )
        figures["load_average"] = os.getloadavg()
        figures["line"] = line
        if args.json:
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
        if wrong:
            log(f"scale: WARNING: {len(wrong)} documents do not have one Điều unit per article")
        print(line, flush=True)
        return 0 if not wrong else 1
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
