"""Cross-validated ranking: first-pass candidates and their features dumped once per question,
the second-pass model (bench/rerank_features.py) trained on 4 folds and scored on the 5th.

    python bench/rank_cv.py alqac --law LAW.json --queries Q.json --workdir DIR [--folds 5]
    python bench/rank_cv.py clauses --file tests/data/clause_questions.toml [--folds 5]
    … --lever named [--depth 10] [--shares T D F A]   (the named-units bonus: bench/named_cv.py)

For each question the first pass runs as `search()` runs it (parse, build_query, the engine,
the best 300 clauses); `rerank_features.features` gives each candidate's feature row. Offline, a
ranking is a weight vector: candidates sorted by score, nested clauses collapsed and laid out
in the page's order (`grouping.page_of`, the same functions search() calls), then mapped to
the judged unit (ALQAC: the article; clauses: the unit path, its direct parent or child).
Training is coordinate ascent on MRR@10 from the first-pass weights (the objective counts
distinct judged keys above the best relevant one). Folds are by question (seeded shuffle).

Last lines, machine-readable (out of fold, mean and spread over folds):
    cv baseline MRR@10=… sd=… | model MRR@10=… sd=… folds=5 n=…
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.relevance import metrics  # noqa: E402

K = 10


@dataclass
class Question:
    text: str
    features: np.ndarray  # (candidates, FEATURES)
    records: np.ndarray
    doc_ids: list[str]
    anchors: list[str]
    keys: list  # judged key of each candidate (None: never relevant)
    relevant: set
    facts: list | None = None  # search_app.named_units.Facts of each candidate


def first_pass(handle, text: str):
    """(query tree, candidates) as search() computes them before the second pass."""
    from ingest import indexformat_read as fmt
    from search_app.cited_numbers import cited_numbers
    from search_app.engine import Deadline
    from search_app.query import build_query, parse_query
    from search_app.search import CANDIDATES

    gen = handle.generation()
    parsed = parse_query(text)
    cited = tuple(c.key for c in cited_numbers(gen, parsed.number_keys))
    query = build_query(parsed, cited)
    searcher, engine = handle.searcher(gen), gen.engine
    scores, matched = engine.evaluate(searcher, query, Deadline(time.monotonic() + 60))
    records = np.flatnonzero(matched & engine.live)
    record_scores = scores[records]
    if len(records) > CANDIDATES:
        best = np.argpartition(-record_scores, CANDIDATES - 1)[:CANDIDATES]
        records, record_scores = records[best], record_scores[best]
    order = np.lexsort((records, -record_scores))
    records = records[order]
    anchor_of = fmt.stored_value_reader(searcher, "anchor")
    anchors = [anchor_of(r) for r in records.tolist()]
    doc_ids = [engine.doc_ids[engine.record_doc[r]] for r in records.tolist()]
    return gen, searcher, engine, query, records, anchors, doc_ids


def dump(handle, items: list[tuple[str, set]], key_of) -> list[Question]:
    """items: (question text, relevant keys); key_of(searcher, record, doc_id, anchor) → key."""
    from bench.rerank_features import features
    from search_app.named_units import glossary_records, look

    out = []
    for text, relevant in items:
        gen, searcher, engine, query, records, anchors, doc_ids = first_pass(handle, text)
        x = features(engine, searcher, query, records, anchors)
        keys = [key_of(searcher, r, d, a) for r, d, a in zip(records.tolist(), doc_ids, anchors)]
        candidates = list(zip(records.tolist(), [0] * len(records), doc_ids, anchors))
        facts = look(searcher, gen, candidates, len(records), glossary_records(engine, searcher, records))
        out.append(Question(text, x, records, doc_ids, anchors, keys, relevant, facts))
    return out


def page_rank(q: Question, weights: np.ndarray, group: str = "document", scores=None) -> int | None:
    """Rank of the first relevant judged key in the order the page shows (exact pipeline)."""
    from search_app.grouping import page_of
    from search_app.search import PER_PAGE, _collapse_nested

    scores = q.features @ weights if scores is None else scores
    order = np.lexsort((q.records, -scores)).tolist()
    candidates = [(i, scores[i], q.doc_ids[i], q.anchors[i]) for i in order]
    kept = _collapse_nested(candidates)
    shown, page = [], 1
    while len(shown) < len(kept):
        items = page_of(kept, lambda c: c[2], page, PER_PAGE, group).items
        if not items:
            break
        shown += items
        page += 1
    seen: list = []
    for i, *_ in shown:
        key = q.keys[i]
        if key is None or key in seen:
            continue
        seen.append(key)
        if key in q.relevant:
            return len(seen)
        if len(seen) >= K:
            return None
    return None


def mrr(questions: list[Question], weights: np.ndarray, group: str = "document") -> dict:
    return metrics([page_rank(q, weights, group) for q in questions], K)


def _fast_rr(q: Question, weights: np.ndarray) -> float:
    """1/rank of the best relevant key among distinct keys by their best score (training objective)."""
    scores = q.features @ weights
    best: dict = {}
    for key, s in zip(q.keys, scores.tolist()):
        if key is not None and s > best.get(key, -np.inf):
            best[key] = s
    top = max((s for k, s in best.items() if k in q.relevant), default=None)
    if top is None:
        return 0.0
    rank = 1 + sum(1 for k, s in best.items() if k not in q.relevant and s > top)
    return 1 / rank if rank <= K else 0.0


def train(questions: list[Question], start: np.ndarray, passes: int = 2) -> np.ndarray:
    """Coordinate ascent on the mean reciprocal rank, each weight tried at a few steps."""
    from bench.rerank_features import FEATURES

    def objective(w):
        return sum(_fast_rr(q, w) for q in questions) / max(1, len(questions))

    weights = start.copy()
    best = objective(weights)
    steps = (-1.0, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 1.0)
    for _ in range(passes):
        improved = False
        for j in range(len(FEATURES)):
            scale = max(abs(weights[j]), 1.0)
            for step in steps:
                trial = weights.copy()
                trial[j] += step * scale
                value = objective(trial)
                if value > best + 1e-6:
                    best, weights, improved = value, trial, True
        if not improved:
            break
    return weights


def cross_validate(questions: list[Question], folds: int, seed: int = 14) -> dict:
    from bench.rerank_features import baseline_weights

    order = list(range(len(questions)))
    random.Random(seed).shuffle(order)
    base, model = [], []
    for f in range(folds):
        test = [questions[i] for n, i in enumerate(order) if n % folds == f]
        train_set = [questions[i] for n, i in enumerate(order) if n % folds != f]
        w = train(train_set, baseline_weights())
        base.append(mrr(test, baseline_weights())[f"MRR@{K}"])
        model.append(mrr(test, w)[f"MRR@{K}"])
        print(f"fold {f + 1}: baseline {base[-1]:.3f} model {model[-1]:.3f}", file=sys.stderr)
    return {"baseline": (float(np.mean(base)), float(np.std(base))),
            "model": (float(np.mean(model)), float(np.std(model)))}


# ---------------------------------------------------------------------------------------------


def alqac_questions(args) -> list[Question]:
    import re

    from bench.relevance import build_index
    from search_app.generations import IndexHandle

    laws = json.loads(args.law.read_text(encoding="utf-8"))
    raw = json.loads(args.queries.read_text(encoding="utf-8"))
    if args.limit:
        raw = raw[: args.limit]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="rank-cv-"))
    workdir.mkdir(parents=True, exist_ok=True)
    saved = workdir / f"features-{args.queries.stem}-{args.limit}.pkl"
    if args.reuse_dump and saved.exists():
        return pickle.loads(saved.read_bytes())
    index_dir, doc_map = build_index(laws, workdir, quiet=True)
    handle = IndexHandle(index_dir)
    dieu = re.compile(r"^dieu-(\d+[a-z]*)")

    def key_of(searcher, record, doc_id, anchor):
        m = dieu.match(anchor)
        if not m or doc_id not in doc_map:
            return None
        law_id, numbers = doc_map[doc_id]
        return (law_id, numbers.get(m.group(1), m.group(1)))

    items = [(q["text"], {(r["law_id"], str(r["article_id"])) for r in q["relevant_articles"]}) for q in raw]
    questions = dump(handle, items, key_of)
    saved.write_bytes(pickle.dumps(questions))
    return questions


def clause_index(workdir: Path) -> Path:
    from ingest import run_ingest

    index_dir = workdir / "index"
    report = run_ingest(ROOT / "corpus", index_dir, progress=False)
    if report.exit_status:
        raise SystemExit(f"ingest failed: {report.to_dict()}")
    return index_dir


def parent_path(path: str) -> str:
    return path.rsplit(" › ", 1)[0] if " › " in path else ""


def clause_questions(path: Path, workdir: Path) -> list[Question]:
    """Relevant keys: (doc, unit path), its direct parent and any direct child (matched by path)."""
    from ingest import indexformat_read as fmt
    from search_app.generations import IndexHandle

    data = tomllib.loads(path.read_text(encoding="utf-8"))["q"]
    handle = IndexHandle(clause_index(workdir))
    path_of_cache: dict[int, str] = {}

    def key_of(searcher, record, doc_id, anchor):
        if record not in path_of_cache:
            path_of_cache[record] = fmt.stored_fields(searcher, record)["path"]
        return (doc_id, path_of_cache[record])

    items = []
    for q in data:
        relevant = {(q["doc"], q["unit"])}
        if parent_path(q["unit"]):
            relevant.add((q["doc"], parent_path(q["unit"])))
        items.append((q["text"], relevant))
    questions = dump(handle, items, key_of)
    for q in questions:  # direct children of the expected unit
        doc, unit = next(iter(sorted(q.relevant, key=lambda k: -len(k[1]))))
        q.relevant |= {k for k in q.keys if k and k[0] == doc and parent_path(k[1]) == unit}
    return questions


def report(questions: list[Question], args, label: str) -> None:
    from bench.rerank_features import baseline_weights

    base = baseline_weights()
    for group in ("document", "none"):
        m = mrr(questions, base, group)
        print(f"{label} first pass group={group:8} MRR@{K}={m[f'MRR@{K}']:.3f} R@1={m['R@1']:.3f} "
              f"R@5={m['R@5']:.3f} R@{K}={m[f'R@{K}']:.3f} n={len(questions)}")
    if args.lever == "named":
        from bench.named_cv import report as named_report

        named_report(questions, args.folds, args.depth, tuple(args.shares) if args.shares else None)
    elif args.folds:
        cv = cross_validate(questions, args.folds)
        b, m = cv["baseline"], cv["model"]
        print(f"cv baseline MRR@{K}={b[0]:.3f} sd={b[1]:.3f} | model MRR@{K}={m[0]:.3f} sd={m[1]:.3f} "
              f"folds={args.folds} n={len(questions)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="set", required=True)
    a = sub.add_parser("alqac")
    a.add_argument("--law", required=True, type=Path)
    a.add_argument("--queries", required=True, type=Path)
    a.add_argument("--limit", type=int, default=0)
    a.add_argument("--workdir", type=Path)
    a.add_argument("--reuse-dump", action="store_true", help="features dumped by an earlier run in --workdir")
    c = sub.add_parser("clauses")
    c.add_argument("--file", type=Path, default=ROOT / "tests" / "data" / "clause_questions.toml")
    for p in (a, c):
        p.add_argument("--folds", type=int, default=0)
        p.add_argument("--plans-only", action="store_true", help="only the questions on plans (kh-*)")
        p.add_argument("--lever", choices=("reranker", "named"), default="reranker",
                       help="second pass cross-validated: the linear reranker or the named-units "
                            "bonus (bench/named_cv.py)")
        p.add_argument("--depth", type=int, default=10, help="--lever named: candidates looked at")
        p.add_argument("--shares", type=float, nargs=4, metavar=("TITLE", "DOC", "DEF", "ARTICLE"),
                       help="--lever named: also score these fixed shares in-sample")
    args = ap.parse_args(argv)
    if args.set == "alqac":
        questions, label = alqac_questions(args), f"alqac:{args.queries.name}"
    else:
        with tempfile.TemporaryDirectory(prefix="clauses-") as tmp:
            questions, label = clause_questions(args.file, Path(tmp)), f"clauses:{args.file.name}"
        if args.plans_only:
            questions = [q for q in questions if any(k[0].startswith("kh-") for k in q.relevant)]
    report(questions, args, label)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
