"""The write steps of a batch run: their names, the error that names the step and the path
when one fails, and a test hook that makes a named step fail.

Test hook: `INGEST_FAIL_AT=<step>[:<n>]` makes the n-th time (default the first) a run's
process reaches `<step>` raise OSError, with the errno named by `INGEST_FAIL_ERRNO` (default EIO,
e.g. ENOSPC for a full disk). The step fails before it writes anything. Counts are per
process (parser processes count their own). Unset, `checkpoint` costs one dictionary look-up.
"""

from __future__ import annotations

import errno as errno_codes
import os
from contextlib import contextmanager
from pathlib import Path

# Every write step of a run, in the order a run reaches them. A step whose failure the run
# survives (a cache: losing it costs time, never correctness) is in SURVIVABLE.
STEPS = (
    "remove-temporaries",  # left-overs of a killed run
    "copy-generation",  # hard links of the published generation into the temporary one
    "write-extract-cache",  # cache/extract/<sha>.json
    "write-span-cache",  # cache/compounds-*/<doc_id>.pickle
    "write-segment",  # index records of a document (Whoosh segment files)
    "finish-segment",  # a parser process closes its segment
    "write-doc",  # docs/<doc_id>.json, written aside …
    "rename-doc",  # … and renamed into place
    "remove-doc",  # docs/<doc_id>.json of a document that left the corpus
    "commit-segments",  # the generation's table of contents
    "write-postings",  # the read-optimized copy of the postings (ingest/postings_file.py)
    "write-manifest",
    "rename-manifest",
    "write-catalog",
    "rename-catalog",
    "fsync-generation",  # every file and folder of the temporary generation
    "rename-generation",  # gen-N.tmp-PID → gen-N
    "fsync-index-dir",  # the rename made durable
    "write-current",  # CURRENT.tmp-PID
    "fsync-current",
    "switch-current",  # CURRENT.tmp-PID → CURRENT: the new generation is published
    "fsync-switch",  # the switch made durable
    "prune",  # generations older than the two kept
    "write-report",  # --report FILE, written aside …
    "rename-report",  # … and renamed into place
)
SURVIVABLE = frozenset({"write-extract-cache", "write-span-cache"})
# Steps reached once the new generation is published: a failure there leaves it serving.
AFTER_PUBLISH = frozenset({"fsync-switch", "prune", "write-report", "rename-report"})

FAIL_AT_ENV = "INGEST_FAIL_AT"
FAIL_ERRNO_ENV = "INGEST_FAIL_ERRNO"

_reached: dict[str, int] = {}


class WriteFailed(Exception):
    """An I/O error at a write step: the run stops (exit status 2)."""

    def __init__(self, step: str, path: str | Path, error: OSError):
        super().__init__(step, str(path), error)
        self.step, self.path, self.error = step, str(path), error

    def __str__(self) -> str:
        return f"I/O error at step {self.step} on {self.path}: {self.error.strerror or self.error}"


def reset() -> None:
    """Starts counting occurrences afresh: called at the start of every run."""
    _reached.clear()


def checkpoint(step: str, path: str | Path) -> None:
    """Raises the injected OSError when INGEST_FAIL_AT names this step (and this occurrence)."""
    spec = os.environ.get(FAIL_AT_ENV)
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != step:
        return
    _reached[step] = _reached.get(step, 0) + 1
    if _reached[step] != int(nth or 1):
        return
    code = getattr(errno_codes, os.environ.get(FAIL_ERRNO_ENV, "EIO"))
    raise OSError(code, f"{os.strerror(code)} (injected by {FAIL_AT_ENV}={spec})", str(path))


@contextmanager
def write_step(step: str, path: str | Path):
    """Runs a write step: the test hook first, and any OSError becomes WriteFailed naming the
    step and the path."""
    try:
        checkpoint(step, path)
        yield
    except OSError as exc:
        raise WriteFailed(step, path, exc) from exc
