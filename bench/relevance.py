"""Relevance benchmark on ALQAC-format data, through the real ingest job and the real search().

    python bench/relevance.py --law LAW.json --queries QUESTIONS.json [--k 10] [--limit N]

Each law becomes one .txt document (type line and title first, so the metadata reader takes
them; then one "Điều N." heading line per article with the article text under it). The batch
job (`ingest.run_ingest`) indexes them into a temporary index; every question goes through
`search_app.search.search()` exactly as the web app and the API call it; hits are mapped back
to (law, article) — a Khoản or Điểm counts as its Điều. The same run scores the floor: plain
BM25 (k1 1.2, b 0.75) over lowercased syllables of the article text, written here in plain
Python so it depends on nothing in the project.

The last line is machine-readable:
    MRR@10=0.853 R@1=0.770 R@5=0.930 R@10=0.970 n=729 floor_MRR@10=0.789
(R@k: share of questions with a relevant article among the first k articles; MRR@10: mean of
1/rank of the first relevant article, 0 beyond rank 10.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# ---------------------------------------------------------------------------------------------
# The floor: plain BM25 over lowercased syllables of the article text (independent of Whoosh).

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def floor_tokens(text: str) -> list[str]:
    return _WORD_RE.findall(unicodedata.normalize("NFC", text).lower())


class PlainBM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.tfs = [Counter(d) for d in docs]
        self.lens = [len(d) for d in docs]
        self.avgdl = sum(self.lens) / max(1, len(docs))
        df: Counter[str] = Counter()
        for tf in self.tfs:
            df.update(tf.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.postings: dict[str, list[int]] = {}
        for i, tf in enumerate(self.tfs):
            for t in tf:
                self.postings.setdefault(t, []).append(i)

    def top(self, query: list[str], k: int) -> list[int]:
        scores: dict[int, float] = {}
        for t in dict.fromkeys(query):  # each query term once
            idf = self.idf.get(t)
            if idf is None:
                continue
            for i in self.postings[t]:
                f = self.tfs[i][t]
                norm = self.k1 * (1 - self.b + self.b * self.lens[i] / self.avgdl)
                scores[i] = scores.get(i, 0.0) + idf * f * (self.k1 + 1) / (f + norm)
        return [i for i, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


# ---------------------------------------------------------------------------------------------
# Laws → corpus documents.

DOC_TYPES = ("Văn bản hợp nhất", "Bộ luật", "Luật", "Hiến pháp", "Pháp lệnh", "Nghị định",
             "Nghị quyết", "Thông tư", "Quyết định")
_TITLE_END_RE = re.compile(r"[.;:!?…]\s*$")


def article_numbers(articles: list[dict]) -> list[int]:
    """The "Điều N" number written for each article: its own id when the ids are plain
    integers counting up from 1 in small steps, else 1, 2, 3, … (the mapping is kept)."""
    ids = [str(a["id"]).strip() for a in articles]
    if all(i.isdigit() for i in ids):
        nums = [int(i) for i in ids]
        if nums and nums[0] == 1 and all(0 < b - a <= 5 for a, b in zip(nums, nums[1:])):
            return nums
    return list(range(1, len(articles) + 1))


def _structure_safe(lines: list[str]) -> list[str]:
    """Article text lines that the structure parser would read as a new Điều/Chương/Mục/Phần
    (or as the end of the body) are joined to the line before them."""
    from ingest.structure import BODY_END_RE, CHUONG_RE, DIEU_RE, MUC_RE, PHAN_RE

    out: list[str] = []
    for line in lines:
        risky = any(r.match(line) for r in (DIEU_RE, CHUONG_RE, MUC_RE, PHAN_RE, BODY_END_RE))
        if risky and out:
            out[-1] = f"{out[-1]} {line}"
        elif risky:
            out.append(f"- {line}")
        else:
            out.append(line)
    return out


def law_document(law: dict) -> tuple[str, list[int]]:
    name = " ".join(str(law["id"]).split())
    doc_type = next((t for t in DOC_TYPES if name.lower().startswith(t.lower())), "")
    title = name[len(doc_type):].strip(" ,:-") if doc_type else name
    head = [doc_type.upper()] if doc_type else []
    if title:
        head.append(title.upper())
    out = head + [""]
    numbers = article_numbers(law["articles"])
    for number, article in zip(numbers, law["articles"]):
        lines = [" ".join(l.split()) for l in unicodedata.normalize("NFC", article["text"]).splitlines()]
        lines = [l for l in lines if l]
        first = lines[0] if lines else ""
        if first and len(first) <= 200 and not _TITLE_END_RE.search(first) and first[:1].isupper():
            out.append(f"Điều {number}. {first}")  # the article's title
            lines = lines[1:]
        else:
            out.append(f"Điều {number}.")
        out.extend(_structure_safe(lines))
    return "\n".join(out) + "\n", numbers


def check_structure(path: Path, expected: list[int]) -> None:
    """The parser must read exactly one Điều per article, numbered as written."""
    from ingest.extract import extract
    from ingest.structure import Line, parse_units

    extracted = extract(path)
    lines, offset = [], 0
    for page_no, page in enumerate(extracted.pages, 1):
        for text in page.lines:
            lines.append(Line(text, offset, page_no))
            offset += len(text) + 1
    got = [u.number for u in parse_units(lines, offset) if u.kind == "dieu"]
    if got != [str(n) for n in expected]:
        raise SystemExit(f"structure check failed for {path.name}: {len(got)} Điều read, "
                         f"{len(expected)} articles written")


def slug(name: str) -> str:
    from ingest.textnorm import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(name).lower()).strip("-") or "law"


# ---------------------------------------------------------------------------------------------


def metrics(ranks: list[int | None], k: int) -> dict[str, float]:
    n = len(ranks) or 1
    out = {f"R@{c}": sum(1 for r in ranks if r is not None and r <= c) / n for c in (1, 5, k)}
    out[f"MRR@{k}"] = sum(1 / r for r in ranks if r is not None and r <= k) / n
    return out


def first_rank(ranked: list, relevant: set) -> int | None:
    for i, key in enumerate(ranked, 1):
        if key in relevant:
            return i
    return None


def build_index(laws: list[dict], workdir: Path, quiet: bool) -> tuple[Path, dict]:
    """Write the corpus and run the real batch job. Returns (index dir, doc_id → (law, {N: id}))."""
    from ingest import run_ingest

    corpus, index_dir = workdir / "corpus", workdir / "index"
    fingerprint = hashlib.sha256()
    for src in sorted((ROOT / "ingest").glob("*.py")):
        fingerprint.update(src.read_bytes())
    stamp = workdir / "ingest-code.sha256"
    if stamp.exists() and stamp.read_text() != fingerprint.hexdigest():
        shutil.rmtree(index_dir, ignore_errors=True)  # ingest code changed: index again
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    doc_map: dict[str, tuple[str, dict[str, str]]] = {}
    used: set[str] = set()
    for law in laws:
        name = slug(str(law["id"]))
        while name in used:
            name += "-x"
        used.add(name)
        text, numbers = law_document(law)
        path = corpus / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        check_structure(path, numbers)
        doc_map[name] = (law["id"], {str(n): str(a["id"]) for n, a in zip(numbers, law["articles"])})
    t = time.monotonic()
    report = run_ingest(corpus, index_dir, progress=False)
    stamp.write_text(fingerprint.hexdigest())
    if report.exit_status:
        raise SystemExit(f"ingest failed: {report.to_dict()}")
    if not quiet:
        print(f"ingest: {report.counts} in {time.monotonic() - t:.1f}s", file=sys.stderr)
    from ingest.index import current_generation, read_json

    catalog = read_json(current_generation(index_dir) / "catalog.json")
    for doc_id in doc_map:
        if doc_id not in catalog:
            raise SystemExit(f"law document {doc_id} missing from the index")
    return index_dir, doc_map


_DIEU_ANCHOR_RE = re.compile(r"^dieu-(\d+[a-z]*)")


TIMED_OUT: list[str] = []  # questions whose search hit the time limit (ranked what it had)


def ours_ranked(handle, question: str, doc_map: dict, k: int) -> list[tuple[str, str]]:
    from search_app.search import PER_PAGE, search

    result = search(handle, question, per_page=max(PER_PAGE, k))
    if result.timed_out:
        TIMED_OUT.append(question)
    ranked: list[tuple[str, str]] = []
    for hit in result.hits:
        m = _DIEU_ANCHOR_RE.match(hit.anchor)
        if not m or hit.doc_id not in doc_map:
            continue
        law_id, numbers = doc_map[hit.doc_id]
        key = (law_id, numbers.get(m.group(1), m.group(1)))
        if key not in ranked:
            ranked.append(key)
        if len(ranked) >= k:
            break
    return ranked


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--law", type=Path)
    ap.add_argument("--queries", type=Path)
    ap.add_argument("--clauses", type=Path, help="clause questions (TOML) over corpus/: bench/clause_relevance.py")
    ap.add_argument("--plans-only", action="store_true", help="with --clauses: only the questions on plans")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--limit", type=int, default=0, help="only the first N questions")
    ap.add_argument("--only-needed-laws", action="store_true",
                    help="index only the laws the (limited) questions point to (faster; the floor "
                         "then ranks within the same smaller set)")
    ap.add_argument("--workdir", type=Path,
                    help="keep corpus and index here and reuse them (re-indexed when ingest code changes)")
    ap.add_argument("--misses", type=Path, help="write per-question ranks as JSON lines here")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.clauses:
        from bench.clause_relevance import run as run_clauses

        print(run_clauses(args.clauses, args.k, args.plans_only, quiet=args.quiet))
        return 0
    if not (args.law and args.queries):
        ap.error("--law and --queries (or --clauses)")

    laws = json.loads(args.law.read_text(encoding="utf-8"))
    questions = json.loads(args.queries.read_text(encoding="utf-8"))
    if args.limit:
        questions = questions[: args.limit]
    if args.only_needed_laws:
        needed = {r["law_id"] for q in questions for r in q["relevant_articles"]}
        laws = [law for law in laws if law["id"] in needed]
    law_ids = {law["id"] for law in laws}
    questions = [q for q in questions if any(r["law_id"] in law_ids for r in q["relevant_articles"])]

    # Floor.
    keys = [(law["id"], str(a["id"])) for law in laws for a in law["articles"]]
    bm25 = PlainBM25([floor_tokens(a["text"]) for law in laws for a in law["articles"]])
    floor_ranks = []
    for q in questions:
        relevant = {(r["law_id"], str(r["article_id"])) for r in q["relevant_articles"]}
        floor_ranks.append(first_rank([keys[i] for i in bm25.top(floor_tokens(q["text"]), args.k)], relevant))
    floor = metrics(floor_ranks, args.k)

    # Ours, through the real pipeline.
    tmp = None
    workdir = args.workdir
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="relevance-")
        workdir = Path(tmp.name)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        index_dir, doc_map = build_index(laws, workdir, args.quiet)
        from search_app.generations import IndexHandle

        handle = IndexHandle(index_dir)
        ranks = []
        t = time.monotonic()
        misses = open(args.misses, "w", encoding="utf-8") if args.misses else None
        for q, fr in zip(questions, floor_ranks):
            relevant = {(r["law_id"], str(r["article_id"])) for r in q["relevant_articles"]}
            ranked = ours_ranked(handle, q["text"], doc_map, args.k)
            ranks.append(first_rank(ranked, relevant))
            if misses:
                misses.write(json.dumps({"id": q["question_id"], "rank": ranks[-1], "floor": fr,
                                         "text": q["text"], "relevant": sorted(relevant),
                                         "top": ranked[:3]}, ensure_ascii=False) + "\n")
        if misses:
            misses.close()
        seconds = time.monotonic() - t
    finally:
        if tmp is not None:
            tmp.cleanup()
    ours = metrics(ranks, args.k)
    k = args.k
    if not args.quiet:
        print(f"laws {len(laws)}, articles {len(keys)}, questions {len(questions)}, "
              f"{seconds / max(1, len(questions)) * 1000:.0f} ms/question, "
              f"{len(TIMED_OUT)} hit the search time limit")
        for label, m in (("floor (plain BM25)", floor), ("ours (search())", ours)):
            print(f"{label:20} MRR@{k}={m[f'MRR@{k}']:.3f} R@1={m['R@1']:.3f} R@5={m['R@5']:.3f} R@{k}={m[f'R@{k}']:.3f}")
    print(f"MRR@{k}={ours[f'MRR@{k}']:.3f} R@1={ours['R@1']:.3f} R@5={ours['R@5']:.3f} "
          f"R@{k}={ours[f'R@{k}']:.3f} n={len(questions)} floor_MRR@{k}={floor[f'MRR@{k}']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
