"""Ingest speed on the shared text-layer PDFs: full run, no-change re-run, index size.

    python bench/ingest_pdfs.py [--data ../shared/data] [--workers N]

Last line: `files=13 pages=785 ingest_s=60.1 pages_per_s=13.1 noop_s=0.05 index_mb=40.2`
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import run_ingest  # noqa: E402


def tree_mb(path: Path, exclude: str = "cache") -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and exclude not in p.parts) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--workers", type=int)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for pdf in sorted((args.data / "pdf" / "text").glob("*.pdf")):
            shutil.copy(pdf, corpus / pdf.name)
        index_dir = Path(tmp) / "index"
        t = time.monotonic()
        report = run_ingest(corpus, index_dir, workers=args.workers, progress=False)
        full = time.monotonic() - t
        assert report.exit_status == 0, report.to_dict()
        pages = sum(f.pages for f in report.files)
        t = time.monotonic()
        noop = run_ingest(corpus, index_dir, workers=args.workers, progress=False)
        noop_s = time.monotonic() - t
        assert noop.counts["unchanged"] == len(report.files)
        print(f"timings: {report.to_dict()['timings']}")
        print(
            f"files={len(report.files)} pages={pages} ingest_s={full:.1f} pages_per_s={pages / full:.1f} "
            f"noop_s={noop_s:.2f} index_mb={tree_mb(index_dir):.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
