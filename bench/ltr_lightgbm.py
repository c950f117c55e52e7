"""LightGBM lambdarank over the features dumped by bench/rank_cv.py, 5 folds by question, scored
with the exact page pipeline (rank_cv.page_rank). An experiment: kept only if it wins out of fold.

    python bench/ltr_lightgbm.py FEATURES.pkl [--folds 5] [--group document|none]
"""

from __future__ import annotations

import argparse
import pickle
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.rank_cv import K, Question, page_rank  # noqa: E402
from bench.relevance import metrics  # noqa: E402


def labels(q: Question) -> np.ndarray:
    return np.array([1 if k in q.relevant else 0 for k in q.keys])


def fit(train: list[Question]):
    import lightgbm as lgb

    x = np.vstack([q.features for q in train])
    y = np.concatenate([labels(q) for q in train])
    params = {"objective": "lambdarank", "learning_rate": 0.05, "num_leaves": 15,
              "min_data_in_leaf": 20, "lambdarank_truncation_level": 20, "bagging_fraction": 0.8,
              "bagging_freq": 1, "feature_fraction": 0.8, "verbose": -1, "num_threads": 1}
    data = lgb.Dataset(x, y, group=[len(q.keys) for q in train])
    model = lgb.train(params, data, num_boost_round=200)
    return model


def evaluate(test: list[Question], model, group: str) -> float:
    ranks = []
    for q in test:
        # page_rank scores by features @ weights: give it the model's scores as one feature
        s = model.predict(q.features) if len(q.keys) else np.zeros(0)
        proxy = Question(q.text, s.reshape(-1, 1), q.records, q.doc_ids, q.anchors, q.keys, q.relevant)
        ranks.append(page_rank(proxy, np.ones(1), group))
    return metrics(ranks, K)[f"MRR@{K}"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dump", type=Path)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--group", default="document")
    args = ap.parse_args()
    questions = [q for q in pickle.loads(args.dump.read_bytes())]
    order = list(range(len(questions)))
    random.Random(14).shuffle(order)
    from bench.rank_cv import mrr
    from bench.rerank_features import baseline_weights

    base, model_scores = [], []
    for f in range(args.folds):
        test = [questions[i] for n, i in enumerate(order) if n % args.folds == f]
        train = [questions[i] for n, i in enumerate(order) if n % args.folds != f and len(questions[i].keys)]
        base.append(mrr(test, baseline_weights(), args.group)[f"MRR@{K}"])
        model_scores.append(evaluate(test, fit(train), args.group))
        print(f"fold {f + 1}: baseline {base[-1]:.3f} lightgbm {model_scores[-1]:.3f}", file=sys.stderr)
    print(f"cv baseline MRR@{K}={np.mean(base):.3f} sd={np.std(base):.3f} | lightgbm MRR@{K}="
          f"{np.mean(model_scores):.3f} sd={np.std(model_scores):.3f} folds={args.folds} n={len(questions)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
