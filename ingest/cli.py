"""`python -m ingest --corpus DIR --index DIR [--report FILE.json]`: a thin wrapper over run_ingest."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from .faults import WriteFailed, write_step
from .locking import IndexLocked
from .pipeline import UsageError, run_ingest

EXIT_OK, EXIT_SOME_FAILED, EXIT_NOTHING_DONE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument("--corpus", required=True, type=Path, help="folder of documents to index")
    parser.add_argument("--index", required=True, type=Path, help="index folder (created if missing)")
    parser.add_argument("--report", type=Path, help="write a JSON report of every file here")
    parser.add_argument("--workers", type=int, default=None, help="parallel parser processes")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_NOTHING_DONE if exc.code else EXIT_OK
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        report = run_ingest(args.corpus, args.index, workers=args.workers,
                            progress=False if args.quiet else None)
    except (UsageError, IndexLocked) as exc:
        print(f"ingest: error: {exc}", file=sys.stderr)
        return EXIT_NOTHING_DONE
    data = report.to_dict()
    if args.report:
        try:
            write_report(args.report, data)
        except WriteFailed as exc:
            print(f"ingest: error: {exc}; the report was not written, the index serves "
                  f"generation {report.generation or '(none)'}", file=sys.stderr)
            return EXIT_NOTHING_DONE
    for f in report.files:
        if f.outcome == "failed":
            print(f"ingest: failed: {f.path}: {f.reason}", file=sys.stderr)
    if report.error is not None:
        print(f"ingest: error: {report.error}; the run stopped, the index serves generation "
              f"{report.generation or '(none)'}", file=sys.stderr)
        return EXIT_NOTHING_DONE
    counts = data["counts"]
    print(
        f"ingest: {counts['indexed']} indexed, {counts['unchanged']} unchanged, "
        f"{counts['removed']} removed, {counts['failed']} failed in {report.seconds:.1f}s; "
        f"generation {report.generation or '(none)'}",
        file=sys.stderr,
    )
    return EXIT_SOME_FAILED if counts["failed"] else EXIT_OK


def write_report(path: Path, data: dict) -> None:
    """Written aside and renamed into place, so a reader never sees half a report."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        with write_step("write-report", path):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        with write_step("rename-report", path):
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
