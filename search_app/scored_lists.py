"""The longest posting lists of a generation, scored once and shared by every server process:
written next to the generation's derived postings by the first process that opens it, mapped
read-only by all of them.

A common syllable matches most records; scoring its list (gathering lengths, BM25F, adding up
the accented spellings of a folded form) is most of a query's time, and the same in every
process. Kept per process, the scored lists cost a gigabyte each (bench/README.md, scale);
written once, they are pages of the OS cache that the processes share.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path

import numpy as np

from ingest.postings_file import FOLDER, DamagedPostings, open_arrays, write_arrays
from ingest.textnorm import fold

log = logging.getLogger(__name__)

SHARED_FIELDS = ("text", "bigrams", "heading", "compounds", "doc_name")
MIN_POSTINGS = 2000  # shorter lists score in well under a millisecond
DEFAULT_SHARED_MB = 512  # bench/README.md (scale) measures it


def shared_mb_from_env() -> int:
    raw = os.environ.get("SEARCH_SHARED_MB", str(DEFAULT_SHARED_MB))
    if not raw.strip().isdigit():
        raise ValueError(f"SEARCH_SHARED_MB must be a whole number of megabytes, not {raw!r}")
    return int(raw)


def shared_scored_lists(engine, generation_dir: Path, folded_fields: dict[str, str]) -> dict:
    """(field, term) → (record numbers, scores) of the generation's longest lists, mapped from
    the generation folder; computed and written there first if no process has yet (one at a
    time: a lock file). An empty dict when the folder is read-only or the budget is 0."""
    budget = shared_mb_from_env() * 2**20
    if not budget or engine.postings is None:
        return {}
    # named by what its content depends on: another setting finds its own
    folder = Path(generation_dir) / FOLDER / f"scored-k{engine.k1}-b{engine.b}-{budget >> 20}mb-min{MIN_POSTINGS}"
    try:
        return _mapped(folder)
    except DamagedPostings:
        pass
    if not os.access(folder.parent, os.W_OK):
        log.warning("%s is read-only: no shared scored lists (each process scores its own)", folder.parent)
        return {}
    with open(folder.with_name(folder.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be writing them: wait for it
        try:
            return _mapped(folder)
        except DamagedPostings:
            started = time.monotonic()
            ids, scores, keys = _scored(engine, budget, folded_fields)
            write_arrays(folder, {"ids": ids, "scores": scores}, {"keys": keys})
            log.info("scored %d lists (%d MB) of %s in %.1fs", len(keys), (ids.nbytes + scores.nbytes) >> 20,
                     Path(generation_dir).name, time.monotonic() - started)
            return _mapped(folder)


def _mapped(folder: Path) -> dict:
    meta, arrays = open_arrays(folder)
    ids, scores = arrays["ids"], arrays["scores"]
    return {(field, term): (ids[start:end], scores[start:end]) for field, term, start, end in meta["keys"]}


def _scored(engine, budget: int, folded_fields: dict[str, str]):
    """The longest lists first (folded forms counted by their longest spelling) until `budget`."""
    source, folded_of = engine.postings, {source: folded for folded, source in folded_fields.items()}
    wanted: list[tuple[int, str, str]] = []
    for field in SHARED_FIELDS:
        if not source.has_field(field):
            continue
        long_terms = source.long_terms(field, MIN_POSTINGS)
        wanted += [(count, field, term) for term, count in long_terms]
        if field in folded_of:
            longest: dict[str, int] = {}
            for term, count in long_terms:
                longest[fold(term)] = max(count, longest.get(fold(term), 0))
            wanted += [(count, folded_of[field], term) for term, count in longest.items()]
    wanted.sort(key=lambda item: (-item[0], item[1], item[2]))
    id_parts, score_parts, keys, start = [], [], [], 0
    for _, field, term in wanted:
        ids, scores = engine.score(source, field, term)
        if 8 * (start + len(ids)) > budget:
            break
        id_parts.append(ids)
        score_parts.append(scores)
        keys.append((field, term, start, start + len(ids)))
        start += len(ids)
    if not keys:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32), []
    return (np.concatenate(id_parts).astype(np.int32), np.concatenate(score_parts).astype(np.float32), keys)
