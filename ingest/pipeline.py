"""The batch job: scan a corpus, parse what changed, publish a new index generation.

Incremental by content hash: unchanged documents are not parsed again, changed ones replace
their records, removed files leave the index. A document that fails keeps its last good
version in the index, unless it failed for being a copy of another file. An I/O error at a
write step stops the run (`Report.error`) and leaves the published generation as it was.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

from . import faults
from .faults import WriteFailed
from .index import GenerationWriter, current_generation, read_json, remove_stale_temporaries
from .indexformat import schema_matches
from .locking import index_lock
from .report import FileOutcome, Report
from .scan import PARSER_VERSION, DocJob, SourceFile, plan_jobs, scan
from .workers import Parsed, parse_all


class UsageError(Exception):
    pass


def run_ingest(corpus: Path, index_dir: Path, workers: int | None = None, progress: bool | None = None) -> Report:
    """Bring the index at `index_dir` up to date with `corpus`. Raises IndexLocked, UsageError;
    an I/O error at a write step is `report.error` (exit status 2)."""
    if not corpus.is_dir():
        raise UsageError(f"corpus directory {corpus} does not exist")
    if index_dir.resolve() == corpus.resolve() or corpus.resolve() in index_dir.resolve().parents:
        raise UsageError("the index directory must not be inside the corpus")
    started = time.monotonic()
    faults.reset()
    report = Report(corpus=str(corpus), index=str(index_dir),
                    started=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    with index_lock(index_dir):
        try:
            _run_locked(report, corpus, index_dir, workers, progress)
        except WriteFailed as exc:
            report.error = exc
            served = current_generation(index_dir)
            report.generation = served.name if served else ""
    report.files.sort(key=lambda f: f.path)
    report.seconds = time.monotonic() - started
    return report


def _run_locked(report: Report, corpus: Path, index_dir: Path, workers: int | None,
                progress: bool | None) -> None:
    """The run, holding the index lock: scan, then parse, index and publish what changed."""
    report.removed_temporaries = remove_stale_temporaries(index_dir)
    base = current_generation(index_dir)
    # A schema change (a field added to the index) rebuilds every document into a fresh
    # generation; the published one serves until it is ready.
    rebuild = base is not None and not schema_matches(base)
    fresh = base is None or rebuild
    manifest = read_json(base / "manifest.json") if not fresh else {"files": {}, "documents": {}}
    catalog = read_json(base / "catalog.json") if not fresh else {}
    report.generation = base.name if base else ""

    t = time.monotonic()
    jobs = plan_jobs(scan(corpus, manifest["files"]), index_dir / "cache")
    report.timings["scan"] = time.monotonic() - t

    old_docs: dict[str, dict] = manifest["documents"]
    todo = [j for j in jobs.values() if old_docs.get(j.doc_id, {}).get("content_hash") != j.content_hash]
    for job in jobs.values():
        if job not in todo:
            for f in job.files:
                report.files.append(FileOutcome(f.relpath, "unchanged", job.doc_id))
    removed = [doc_id for doc_id in old_docs if doc_id not in jobs]
    for doc_id in removed:
        for relpath in old_docs[doc_id]["sources"]:
            if not any(relpath == f.relpath for j in jobs.values() for f in j.files):
                report.files.append(FileOutcome(relpath, "removed", doc_id))

    t = time.monotonic()
    # The next generation is opened before parsing: parser processes index what they
    # parse into segments of their own (two cores index in parallel, and no Document
    # travels back to this process).
    writer = GenerationWriter(index_dir, fresh=rebuild) if todo or removed else None
    try:
        report.generation = _parse_index_publish(
            report, writer, jobs, todo, removed, old_docs, catalog, workers, progress, t,
        ) or report.generation
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise


def _parse_index_publish(report: Report, writer: GenerationWriter | None, jobs: dict[str, DocJob],
                         todo: list[DocJob], removed: list[str], old_docs: dict[str, dict],
                         catalog: dict, workers: int | None, progress: bool | None, t: float) -> str:
    """Returns the name of the published generation, or "" when nothing changed."""
    parsed: list[Parsed] = []
    removed = list(removed)
    for job, result, seconds in parse_all(todo, workers, progress, writer):
        if isinstance(result, Parsed):
            parsed.append(result)
            empty = [number for _, number, is_empty in result.pages if is_empty]
            for f in job.files:
                report.files.append(FileOutcome(
                    f.relpath, "indexed", job.doc_id, seconds=seconds / len(job.files),
                    pages=sum(1 for source, _, _ in result.pages if source == f.relpath),
                    units=result.units, pages_without_text=empty if f is job.files[0] else [],
                    warnings=_file_warnings(f, result.warnings), coverage=result.coverage,
                ))
        else:
            failed_path, reason = result
            if job.doc_id in old_docs and any(f.duplicate_of for f in job.files):
                # A copy of another file now: its old text must not be served any more.
                removed.append(job.doc_id)
                reason += "; its previously indexed version left the index"
            elif job.doc_id in old_docs:
                reason += "; the previously indexed version stays searchable"
            for f in job.files:
                report.files.append(FileOutcome(
                    f.relpath, "failed", job.doc_id,
                    reason=reason if f.relpath == failed_path else f"part of a document whose file {failed_path} failed",
                ))
    report.timings["parse"] = time.monotonic() - t

    t = time.monotonic()
    if not (parsed or removed):
        if writer is not None:
            writer.abandon()
        report.timings["write"] = time.monotonic() - t
        return ""
    new_docs = dict(old_docs)
    for doc_id in removed:
        writer.remove(doc_id)
        new_docs.pop(doc_id, None)
        catalog.pop(doc_id, None)
    for doc in parsed:
        if doc.in_segment:
            writer.remove_records(doc.doc_id)  # its new records are in a parser's segment
        new_docs[doc.doc_id] = {"sources": doc.sources, "content_hash": doc.content_hash}
        catalog[doc.doc_id] = doc.catalog
    known = {f.relpath: f for j in jobs.values() for f in j.files}
    new_manifest = {
        "parser_version": PARSER_VERSION,
        "files": {
            rel: {"sha256": f.sha256, "size": f.size, "mtime_ns": f.mtime_ns}
            for rel, f in known.items() if f.sha256
        },
        "documents": new_docs,
    }
    name = writer.publish(new_manifest, catalog).name
    report.timings["write"] = time.monotonic() - t
    return name


def _file_warnings(f: SourceFile, document_warnings: list[str]) -> list[str]:
    warnings = [w.removeprefix(f"{f.relpath}: ") for w in document_warnings if w.startswith(f"{f.relpath}: ")]
    if f.lookalike_of:
        warnings.append(f"its name differs from {f.lookalike_of} only by Unicode normalization: "
                        "indexed as a document of its own")
    return warnings
