"""Support extraction and finder benchmark on the labelled VĂN BẢN MẪU set.

    python bench/support.py [--labels tests/data/support_labelled.toml] [--verbose]

Every clause of every labelled document goes through `ingest.support.extract_document` (so
relative levels are resolved as in ingest); its measures are aligned with the expected ones in
order of the text. A clause scores max(expected, found) slots, so a measure found in a clause that
grants nothing, or a missing one, counts as wrong in every accuracy. rate_acc needs rate and
rate_kind right, cap_acc the VND cap, per_acc the set of per-units; beneficiary_f1 is micro F1
over beneficiary codes. finder_top1: share of questions whose first measure from
`search_app.support_finder.find` is the expected one. The last line is machine-readable:
    measures=82 rate_acc=… cap_acc=… per_acc=… beneficiary_f1=… finder_top1=…
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.support import UnitContext, extract_document  # noqa: E402
from search_app.support_finder import Profile, find  # noqa: E402

LABELS = ROOT / "tests" / "data" / "support_labelled.toml"
_PROFILE_FIELDS = ("size", "sector", "employees", "revenue_vnd", "capital_vnd", "women_owned",
                   "many_female_workers", "social_enterprise", "startup", "cooperative", "household",
                   "industry")


def document_measures(doc: dict) -> list[dict]:
    conditions = [(c["citation"], c["text"]) for c in doc.get("conditions", [])]
    procedures = [c["text"] for c in doc["clause"] if "nộp" in c["text"]]
    units = [(clause["text"], UnitContext(
        label=clause["label"], citation=f"{clause['label']} — {doc['id']}", doc_id=doc["id"],
        anchor=clause["id"], effective=doc.get("effective", ""), province=doc.get("province", ""),
        title=doc["title"], parents=[clause["parent"]] if clause.get("parent") else [],
        scope=doc.get("scope", ""), conditions=conditions, procedures=procedures))
        for clause in doc["clause"]]
    return [m.to_dict() for m in extract_document(units)]


def score(path: Path = LABELS, verbose: bool = False) -> dict:
    data = tomllib.loads(path.read_text("utf-8"))
    slots = expected_total = rate_ok = cap_ok = per_ok = tp = fp = fn = 0
    all_measures: list[dict] = []
    for doc in data["doc"]:
        found = document_measures(doc)
        all_measures += found
        for clause in doc["clause"]:
            got = [m for m in found if m["anchor"] == clause["id"]]
            want = clause["expect"]
            expected_total += len(want)
            slots += max(len(want), len(got))
            for i in range(max(len(want), len(got))):
                w = want[i] if i < len(want) else None
                g = got[i] if i < len(got) else None
                w_ben, g_ben = set(w["ben"]) if w else set(), set(g["beneficiaries"]) if g else set()
                tp, fp, fn = tp + len(w_ben & g_ben), fp + len(g_ben - w_ben), fn + len(w_ben - g_ben)
                if not (w and g):
                    if verbose:
                        print(f"{doc['id']}:{clause['id']}#{i + 1} {'missing' if w else 'extra'}: {g or w}")
                    continue
                checks = (
                    w.get("rate") == g["rate_percent"] and (w.get("rate") is None or w["rate_kind"] == g["rate_kind"]),
                    w.get("cap") == g["cap_vnd"],
                    set(w["per"]) == set(g["per"]))
                rate_ok, cap_ok, per_ok = rate_ok + checks[0], cap_ok + checks[1], per_ok + checks[2]
                if verbose and not (all(checks) and w_ben == g_ben):
                    print(f"{doc['id']}:{clause['id']}#{i + 1} want {w}\n   got rate={g['rate_percent']} "
                          f"{g['rate_kind']} cap={g['cap_vnd']} per={g['per']} ben={g['beneficiaries']}")
    top1 = 0
    for q in data["question"]:
        profile = Profile(**{k: q[k] for k in _PROFILE_FIELDS if k in q})
        result = find(all_measures, profile, q["need"], date.fromisoformat(q["as_of"]),
                      q.get("province") or None, include_expired=q.get("include_expired", False))
        first = result.measures[0]["id"] if result.measures else ""
        top1 += first == q["expected"]
        if verbose and first != q["expected"]:
            print(f"{q['id']} want {q['expected']} got {[(m['id'], m['fit']) for m in result.measures[:4]]}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"measures": expected_total, "rate_acc": rate_ok / slots, "cap_acc": cap_ok / slots,
            "per_acc": per_ok / slots,
            "beneficiary_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "finder_top1": top1 / len(data["question"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    result = score(args.labels, args.verbose)
    print(" ".join(f"{k}={v}" if isinstance(v, int) else f"{k}={v:.3f}" for k, v in result.items()))


if __name__ == "__main__":
    main()
