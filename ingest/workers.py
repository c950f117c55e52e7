"""Parsing jobs into indexed documents: in this process, or in parser processes that each
index what they parse into a segment of their own."""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import analysis
from .caches import SpanCache, extract_cached
from .catalog import catalog_entry
from .document import build_document, coverage
from .extract import ExtractedFile, ExtractionError
from .faults import WriteFailed
from .index import GenerationWriter, SegmentSink
from .model import Document
from .scan import DocJob
from .status_override import read_sidecar_with_status

log = logging.getLogger("ingest")


@dataclass
class Parsed:
    """What the batch job keeps of a document once it is indexed."""

    doc_id: str
    sources: list[str]
    content_hash: str
    catalog: dict
    units: int
    pages: list[tuple[str, int, bool]]  # (source, number, empty)
    in_segment: bool  # indexed by a parser process into its own segment
    warnings: list[str]  # pages left unread (an OCR timeout), per source file
    coverage: float  # share of the text's characters in exactly one indexed unit (document.coverage)


def _summary(document: Document, in_segment: bool) -> Parsed:
    return Parsed(
        document.doc_id, document.sources, document.content_hash, catalog_entry(document),
        len(document.units), [(p.source, p.number, p.empty) for p in document.pages], in_segment,
        list(document.warnings), round(coverage(document), 4),
    )


def parse_job(job: DocJob):
    """Returns a Document, or (failed relpath, reason)."""
    parts: list[tuple[str, ExtractedFile]] = []
    for f in job.files:
        if f.error:
            return f.relpath, f.error
        try:
            parts.append((f.relpath, extract_cached(f, job.cache_dir)))
        except ExtractionError as exc:
            return f.relpath, str(exc)
        except MemoryError:
            return f.relpath, "file too large to extract in memory"
        except Exception as exc:  # a parser bug must fail one file, not the batch
            return f.relpath, f"unexpected error while reading: {type(exc).__name__}: {exc}"
    overrides: dict[str, str] = {}
    status: dict = {}
    for sidecar in job.sidecars:
        try:
            fields, sidecar_status = read_sidecar_with_status(sidecar)
            overrides.update(fields)
            status = sidecar_status or status
        except Exception as exc:
            return job.files[0].relpath, f"bad metadata sidecar {sidecar.name}: {exc}"
    if all(page.empty for _, extracted in parts for page in extracted.pages):
        why = "; ".join(w for _, extracted in parts for w in extracted.warnings)  # an OCR timeout
        return job.files[0].relpath, "no text on any page (blank pages, or OCR found no text)" + (
            f": {why}" if why else "")
    try:
        document = build_document(job.doc_id, parts, job.content_hash, overrides)
    except Exception as exc:
        return job.files[0].relpath, f"unexpected error while parsing: {type(exc).__name__}: {exc}"
    document.status_override = status
    return document


def _parse_with_cache(job: DocJob):
    cache = SpanCache(job.cache_dir, job.doc_id)
    with analysis.using_span_cache(cache):
        result = parse_job(job)
    if isinstance(result, Document):
        cache.save()
    return result


def _timed_parse(job: DocJob, writer: GenerationWriter | None = None):
    """Parses a job in this process and, given the writer, indexes it here."""
    t = time.monotonic()
    result = _parse_with_cache(job)
    if isinstance(result, Document):
        try:
            if writer is not None:
                writer.add(result)
            result = _summary(result, in_segment=False)
        except WriteFailed:
            raise  # the disk, not the document: the run stops
        except Exception as exc:
            result = job.files[0].relpath, f"unexpected error while indexing: {type(exc).__name__}: {exc}"
    return job, result, time.monotonic() - t


def _job_size(job: DocJob) -> int:
    return sum(f.size for f in job.files)


def _parser_process(jobs, results, generation_dir: str) -> None:
    """A parser process: parses jobs from `jobs` and indexes each document into a segment of
    its own; sends ("job", job, Parsed or (relpath, reason), seconds) per job, then
    ("done", segment or None) — or ("write-failed", WriteFailed) when the disk fails it."""
    sink = SegmentSink(Path(generation_dir))
    try:
        while (job := jobs.get()) is not None:
            t = time.monotonic()
            result = _parse_with_cache(job)
            if isinstance(result, Document):
                try:
                    sink.add(result)
                    result = _summary(result, in_segment=True)
                except WriteFailed:
                    raise
                except Exception as exc:
                    result = job.files[0].relpath, f"unexpected error while indexing: {type(exc).__name__}: {exc}"
            results.put(("job", job, result, time.monotonic() - t))
        segment = sink.finish()
    except WriteFailed as exc:
        sink.cancel()
        results.put(("write-failed", exc))
        return
    except BaseException:
        sink.cancel()
        raise
    results.put(("done", segment))


def _in_processes(jobs: list[DocJob], workers: int, writer: GenerationWriter):
    ctx = multiprocessing.get_context("fork")
    job_queue, result_queue = ctx.Queue(), ctx.Queue()
    for job in jobs:
        job_queue.put(job)
    for _ in range(workers):
        job_queue.put(None)
    procs = [ctx.Process(target=_parser_process, args=(job_queue, result_queue, str(writer.tmp)), daemon=True)
             for _ in range(workers)]
    for proc in procs:
        proc.start()
    try:
        finished = 0
        while finished < workers:
            try:
                message = result_queue.get(timeout=1.0)
            except queue.Empty:
                dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"a parser process died (exit code {dead[0]}); nothing was published")
                continue
            if message[0] == "write-failed":
                raise message[1]
            if message[0] == "done":
                finished += 1
                if message[1] is not None:
                    writer.add_segment(message[1])
            else:
                yield message[1:]
        for proc in procs:
            proc.join()
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
                proc.join()


def parse_all(jobs: list[DocJob], workers: int | None, progress: bool | None,
              writer: GenerationWriter | None = None):
    """Yields (job, Parsed or (failed relpath, reason), seconds) for every job, largest first.
    Given the writer, every parsed document is indexed into the generation it writes; with
    more than one worker, by parser processes (forked: the index lock is not inherited, see
    ingest.locking)."""
    if not jobs:
        return
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    # Largest first, so that the last document to finish is a small one.
    jobs = sorted(jobs, key=_job_size, reverse=True)
    show_bar = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show_bar:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), unit="doc", desc="ingest", file=sys.stderr)
    try:
        if workers <= 1 or len(jobs) == 1 or writer is None:
            results = (_timed_parse(job, writer) for job in jobs)
        else:
            results = _in_processes(jobs, min(workers, len(jobs)), writer)
        done = 0
        for job, result, seconds in results:
            done += 1
            if bar is not None:
                bar.update()
            else:
                status = "ok" if isinstance(result, Parsed) else f"FAILED: {result[1]}"
                log.info("[%d/%d] %s %s (%.1fs)", done, len(jobs), job.files[0].relpath, status, seconds)
            yield job, result, seconds
    finally:
        if bar is not None:
            bar.close()
