"""Cross-validation of the named-units bonus (search_app/named_units.py) over the candidates
bench/rank_cv.py dumps: its four shares chosen on 4 folds by coordinate ascent on MRR@10 in
the page's order, scored on the 5th.

    python bench/rank_cv.py alqac … --folds 5 --lever named
    python bench/rank_cv.py clauses --folds 5 --lever named
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace

import numpy as np

from bench.relevance import metrics

K = 10
GRID = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)


def named_scores(q, weights: tuple[float, float, float, float], depth: int) -> np.ndarray:
    """The first-pass scores with the bonuses search() adds (named_units.rerank)."""
    from bench.rerank_features import baseline_weights
    from search_app.named_units import bonuses

    scores = q.features @ baseline_weights()
    if not len(scores) or not any(weights):
        return scores
    order = np.lexsort((q.records, -scores))
    found = named_of(q)
    # As named_units.rerank: titles only within the first `depth` (the rest are not read).
    head = [found[i] if n < depth else replace(found[i], title=0) for n, i in enumerate(order.tolist())]
    out = scores.copy()
    out[order] += bonuses(head, float(scores[order[0]]), weights)
    return out


_NAMED: dict[int, list] = {}


def named_of(q) -> list:
    """named_units.Named of each candidate of q (computed once)."""
    from search_app.named_units import key, named

    if id(q) not in _NAMED:
        question_key = key(q.text)
        _NAMED[id(q)] = [named(question_key, f) for f in q.facts]
    return _NAMED[id(q)]


def mean_rr(questions, weights, depth: int, group: str = "document") -> dict:
    from bench.rank_cv import page_rank

    return metrics([page_rank(q, None, group, named_scores(q, weights, depth)) for q in questions], K)


def train(questions, depth: int, passes: int = 2) -> tuple[float, float, float, float]:
    """Coordinate ascent over the grid, one share at a time, from all three at 0."""
    weights = [0.0, 0.0, 0.0, 0.0]
    best = mean_rr(questions, tuple(weights), depth)[f"MRR@{K}"]
    for _ in range(passes):
        improved = False
        for j in range(4):
            for value in GRID:
                trial = list(weights)
                trial[j] = value
                score = mean_rr(questions, tuple(trial), depth)[f"MRR@{K}"]
                if score > best + 1e-9:
                    best, weights, improved = score, trial, True
        if not improved:
            break
    return tuple(weights)


def cross_validate(questions, folds: int, depth: int, seed: int = 14, fixed=None) -> dict:
    """Folds as bench/rank_cv.py makes them (same seed, same shuffle). `fixed`: shares chosen
    elsewhere (on another set), also scored per fold."""
    order = list(range(len(questions)))
    random.Random(seed).shuffle(order)
    base, model, chosen, given = [], [], [], []
    for f in range(folds):
        test = [questions[i] for n, i in enumerate(order) if n % folds == f]
        train_set = [questions[i] for n, i in enumerate(order) if n % folds != f]
        w = train(train_set, depth)
        base.append(mean_rr(test, (0.0, 0.0, 0.0, 0.0), depth)[f"MRR@{K}"])
        model.append(mean_rr(test, w, depth)[f"MRR@{K}"])
        chosen.append(w)
        if fixed is not None:
            given.append(mean_rr(test, fixed, depth)[f"MRR@{K}"])
        print(f"fold {f + 1}: shares (title, document, definition, article) {w} baseline {base[-1]:.3f} "
              f"named {model[-1]:.3f}", file=sys.stderr)
    return {"baseline": (float(np.mean(base)), float(np.std(base))),
            "model": (float(np.mean(model)), float(np.std(model))), "chosen": chosen,
            "fixed": (float(np.mean(given)), float(np.std(given))) if given else None}


def report(questions, folds: int, depth: int, fixed: tuple[float, float, float, float] | None) -> None:
    if fixed is not None:
        for group in ("document", "none"):
            m = mean_rr(questions, fixed, depth, group)
            print(f"named {fixed} depth={depth} group={group:8} MRR@{K}={m[f'MRR@{K}']:.3f} R@1={m['R@1']:.3f} "
                  f"R@5={m['R@5']:.3f} R@{K}={m[f'R@{K}']:.3f} n={len(questions)}")
    if folds:
        cv = cross_validate(questions, folds, depth, fixed=fixed)
        b, m = cv["baseline"], cv["model"]
        if cv["fixed"]:
            print(f"cv shares {fixed} over the same folds: MRR@{K}={cv['fixed'][0]:.3f} sd={cv['fixed'][1]:.3f}")
        print(f"cv baseline MRR@{K}={b[0]:.3f} sd={b[1]:.3f} | named MRR@{K}={m[0]:.3f} sd={m[1]:.3f} "
              f"folds={folds} depth={depth} n={len(questions)}")
