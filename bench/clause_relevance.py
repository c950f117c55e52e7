"""Clause-level relevance on the sample corpus: questions with an expected unit path, through
the real batch job and the real search().

    python bench/clause_relevance.py [--file tests/data/clause_questions.toml] [--plans-only]
    python bench/relevance.py --clauses FILE            (the same)

corpus/ is indexed into a temporary index with `ingest.run_ingest`; each question goes through
`search_app.search.search()` in the order the page shows (pages 1, 2, … until 10 units); a hit
counts when it is the expected unit, its direct parent or a direct child (same document, by
outline path: "Quy định › Chương II › Điều 4 › Khoản 1"). The floor is plain BM25 over the
text of every indexed unit (bench/relevance.py's). Last line, as bench/relevance.py's:
    MRR@10=… R@1=… R@5=… R@10=… n=… floor_MRR@10=…
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.relevance import PlainBM25, first_rank, floor_tokens, metrics  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "clause_questions.toml"


def parent(path: str) -> str:
    return path.rsplit(" › ", 1)[0] if " › " in path else ""


def is_hit(doc: str, path: str, question: dict) -> bool:
    return doc == question["doc"] and question["unit"] in (path, parent(path)) or (
        doc == question["doc"] and path == parent(question["unit"]))


def load(path: Path, plans_only: bool = False) -> list[dict]:
    questions = tomllib.loads(path.read_text(encoding="utf-8"))["q"]
    return [q for q in questions if not plans_only or q["doc"].startswith("kh-")]


def ranked_units(handle, text: str, k: int, group: str = "document") -> list[tuple[str, str]]:
    from search_app.search import PER_PAGE, search

    units: list[tuple[str, str]] = []
    page = 1
    while len(units) < k:
        result = search(handle, text, page=page, per_page=PER_PAGE, group=group)
        for hit in result.hits:
            if (hit.doc_id, hit.path) not in units:
                units.append((hit.doc_id, hit.path))
        if page >= result.pages:
            break
        page += 1
    return units[:k]


def run(path: Path, k: int = 10, plans_only: bool = False, group: str = "document", quiet: bool = False) -> str:
    from ingest import indexformat_read as fmt
    from ingest import run_ingest
    from search_app.generations import IndexHandle

    questions = load(path, plans_only)
    with tempfile.TemporaryDirectory(prefix="clauses-") as tmp:
        report = run_ingest(ROOT / "corpus", Path(tmp) / "index", progress=False)
        if report.exit_status:
            raise SystemExit(f"ingest failed: {report.to_dict()}")
        handle = IndexHandle(Path(tmp) / "index")
        gen = handle.generation()
        searcher = handle.searcher(gen)
        live = [r for r in range(fmt.record_count(searcher)) if gen.engine.live[r]]
        stored = [fmt.stored_fields(searcher, r) for r in live]
        keys = [(s["doc_id"], s["path"]) for s in stored]
        bm25 = PlainBM25([floor_tokens(s["text"]) for s in stored])
        ranks, floor_ranks = [], []
        for q in questions:
            relevant = {key for key in keys if is_hit(*key, q)}
            floor_units = list(dict.fromkeys(keys[i] for i in bm25.top(floor_tokens(q["text"]), 3 * k)))[:k]
            floor_ranks.append(first_rank(floor_units, relevant))
            ranked = ranked_units(handle, q["text"], k, group)
            ranks.append(first_rank(ranked, relevant))
            if not quiet and ranks[-1] != 1:
                print(f"rank {ranks[-1]}: {q['text']} → want {q['unit']} ({q['doc']}); got {ranked[:2]}")
    ours, floor = metrics(ranks, k), metrics(floor_ranks, k)
    return (f"MRR@{k}={ours[f'MRR@{k}']:.3f} R@1={ours['R@1']:.3f} R@5={ours['R@5']:.3f} "
            f"R@{k}={ours[f'R@{k}']:.3f} n={len(questions)} floor_MRR@{k}={floor[f'MRR@{k}']:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file", type=Path, default=QUESTIONS)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--plans-only", action="store_true", help="only the questions on plans (kh-*)")
    ap.add_argument("--group", default="document", choices=("document", "none"))
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    print(run(args.file, args.k, args.plans_only, args.group, args.quiet))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
