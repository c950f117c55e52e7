"""Cross-validated choice among first-pass settings (query weights, BM25 k1/b, the question
frame): one full `bench/relevance.py` run per setting gives each question's rank in the page's
order; the setting is chosen on 4 folds and scored on the 5th, offline.

    # one run per setting (one at a time: each is a full ALQAC run, ~2 min):
    python bench/first_pass_cv.py run --name k1=1.0 --set engine.BM25_K1=1.0 --runs DIR -- \\
        --law LAW.json --queries Q.json --workdir /tmp/alqac
    python bench/first_pass_cv.py run --name base --runs DIR -- --law … --queries … --workdir …
    # then, over every DIR/*.jsonl (or --only NAME …):
    python bench/first_pass_cv.py cv --runs DIR --baseline base [--folds 5]

`--set module.NAME=value` sets a constant of `search_app.<module>` before the run
(`engine.BM25_K1`, `engine.BM25_B`, `query.W_BIGRAM`, `query.W_HEADING`, …); the BM25 constants
are also set where `generations.py` imported them. A run writes DIR/NAME.jsonl (relevance.py's
`--misses` lines: question id, rank in page order or null) and DIR/NAME.txt (its output).

Folds are by question, made as `bench/rank_cv.py` makes them (same seed, same shuffle). On each
fold the setting with the best MRR@10 on the other four is chosen (ties: the baseline, then the
first name in sorted order) and scored on the held-out fold; the baseline is scored on the same
fold. Printed per fold: the setting chosen, baseline and model MRR@10, their difference.
Last line, machine-readable (out of fold, mean and spread over folds):
    cv baseline MRR@10=… sd=… | model MRR@10=… sd=… folds=5 n=…
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

K = 10


def apply_settings(assignments: list[str]) -> None:
    """'module.NAME=value' → search_app.module.NAME = float(value) (and generations' copy)."""
    for assignment in assignments:
        target, value = assignment.split("=", 1)
        module_name, name = target.rsplit(".", 1)
        module = importlib.import_module(f"search_app.{module_name}")
        if not hasattr(module, name):
            raise SystemExit(f"search_app.{module_name} has no {name}")
        setattr(module, name, float(value))
        generations = importlib.import_module("search_app.generations")
        if module_name == "engine" and hasattr(generations, name):
            setattr(generations, name, float(value))


def run(args) -> int:
    from bench.relevance import main as relevance_main

    apply_settings(args.set or [])
    args.runs.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        relevance_main([*args.relevance, "--misses", str(args.runs / f"{args.name}.jsonl")])
    text = f"setting {args.name}: {' '.join(args.set or []) or '(as committed)'}\n{out.getvalue()}"
    (args.runs / f"{args.name}.txt").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


def reciprocal_ranks(path: Path) -> tuple[list[str], np.ndarray]:
    ids, rr = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        ids.append(str(row["id"]))
        rank = row["rank"]
        rr.append(1 / rank if rank and rank <= K else 0.0)
    return ids, np.array(rr)


def choose(rr: dict[str, np.ndarray], rows: list[int], baseline: str) -> str:
    names = [baseline] + sorted(n for n in rr if n != baseline)
    return max(names, key=lambda n: (round(float(rr[n][rows].mean()), 9), n == baseline))


def cross_validate(rr: dict[str, np.ndarray], baseline: str, folds: int, seed: int = 14) -> dict:
    n = len(rr[baseline])
    order = list(range(n))
    random.Random(seed).shuffle(order)
    base, model, chosen = [], [], []
    for f in range(folds):
        test = [i for k, i in enumerate(order) if k % folds == f]
        train = [i for k, i in enumerate(order) if k % folds != f]
        name = choose(rr, train, baseline)
        chosen.append(name)
        base.append(float(rr[baseline][test].mean()))
        model.append(float(rr[name][test].mean()))
        print(f"fold {f + 1}: chose {name:24} baseline {base[-1]:.3f} model {model[-1]:.3f} "
              f"delta {model[-1] - base[-1]:+.3f}")
    return {"baseline": (float(np.mean(base)), float(np.std(base))),
            "model": (float(np.mean(model)), float(np.std(model))), "chosen": chosen}


def cv(args) -> int:
    paths = sorted(args.runs.glob("*.jsonl"))
    if args.only:
        paths = [p for p in paths if p.stem in set(args.only) | {args.baseline}]
    rr: dict[str, np.ndarray] = {}
    ids0 = None
    for path in paths:
        ids, values = reciprocal_ranks(path)
        if ids0 is not None and ids != ids0:
            raise SystemExit(f"{path.name}: not the same questions as the others")
        ids0 = ids
        rr[path.stem] = values
    if args.baseline not in rr:
        raise SystemExit(f"no run named {args.baseline} in {args.runs}")
    base_rr = rr[args.baseline]
    for name, values in sorted(rr.items(), key=lambda kv: -kv[1].mean()):
        up, down = int((values > base_rr).sum()), int((values < base_rr).sum())
        print(f"in sample {name:24} MRR@{K}={values.mean():.3f} (vs {args.baseline}: {up} up, {down} down)")
    result = cross_validate(rr, args.baseline, args.folds)
    b, m = result["baseline"], result["model"]
    print(f"cv baseline MRR@{K}={b[0]:.3f} sd={b[1]:.3f} | model MRR@{K}={m[0]:.3f} sd={m[1]:.3f} "
          f"folds={args.folds} n={len(rr[args.baseline])}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="one relevance.py run under a setting")
    r.add_argument("--name", required=True)
    r.add_argument("--set", action="append", metavar="MODULE.NAME=VALUE")
    r.add_argument("--runs", required=True, type=Path)
    r.add_argument("relevance", nargs=argparse.REMAINDER, help="-- then bench/relevance.py's arguments")
    c = sub.add_parser("cv", help="choose among the runs on 4 folds, score on the 5th")
    c.add_argument("--runs", required=True, type=Path)
    c.add_argument("--baseline", required=True)
    c.add_argument("--only", nargs="*", help="only these runs (and the baseline)")
    c.add_argument("--folds", type=int, default=5)
    args = ap.parse_args(argv)
    if args.command == "run":
        args.relevance = [a for a in args.relevance if a != "--"] if args.relevance else []
        return run(args)
    return cv(args)


if __name__ == "__main__":
    raise SystemExit(main())
