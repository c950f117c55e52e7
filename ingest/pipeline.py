"""The batch job: scan a corpus, parse what changed, publish a new index generation.

Incremental by content hash: unchanged documents are not parsed again, changed ones replace
their records, removed files leave the index. A document that fails keeps its last good
version in the index.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import stat
import sys
import time
from array import array
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .document import build_document, doc_id_for, group_key, part_order
from .document_support import support_measures
from .extract import EXTRACT_VERSION, SUPPORTED_SUFFIXES, ExtractedFile, ExtractedPage, ExtractionError, extract
from .index import GenerationWriter, current_generation, read_json, remove_stale_temporaries, schema_matches
from .metadata import read_sidecar
from .model import Document

PARSER_VERSION = "2"  # bump when parsing changes, so every document is parsed again
SIDECAR_SUFFIX = ".meta.toml"
LOCK_FILE = "ingest.lock"

log = logging.getLogger("ingest")


class IndexLocked(Exception):
    pass


class UsageError(Exception):
    pass


@dataclass
class FileOutcome:
    path: str
    outcome: str  # indexed | unchanged | removed | failed
    doc_id: str = ""
    reason: str = ""
    seconds: float = 0.0
    pages: int = 0
    units: int = 0
    pages_without_text: list[int] = field(default_factory=list)


@dataclass
class Report:
    corpus: str
    index: str
    started: str
    generation: str = ""
    seconds: float = 0.0
    files: list[FileOutcome] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    removed_temporaries: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"indexed": 0, "unchanged": 0, "removed": 0, "failed": 0}
        for f in self.files:
            counts[f.outcome] += 1
        return counts

    @property
    def exit_status(self) -> int:
        return 1 if self.counts["failed"] else 0

    def to_dict(self) -> dict:
        return {
            "corpus": self.corpus, "index": self.index, "started": self.started,
            "generation": self.generation, "seconds": round(self.seconds, 3),
            "counts": self.counts, "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "removed_temporaries": self.removed_temporaries,
            "files": [
                {k: v for k, v in vars(f).items() if v not in ("", [], 0, 0.0) or k in ("path", "outcome")}
                for f in self.files
            ],
        }


@dataclass
class SourceFile:
    relpath: str
    path: Path
    sha256: str = ""
    size: int = 0
    mtime_ns: int = 0
    error: str = ""


@dataclass
class DocJob:
    doc_id: str
    files: list[SourceFile]
    sidecars: list[Path]
    content_hash: str
    cache_dir: Path


_HELD_LOCK_FDS: set[int] = set()


def _after_fork_in_child() -> None:
    """Parser processes forked while the lock is held must neither keep the lock (flock is
    shared by forked copies of the descriptor: a worker outliving a `kill -9`ed job would
    keep the index locked) nor outlive the job."""
    if not _HELD_LOCK_FDS:
        return
    for fd in list(_HELD_LOCK_FDS):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD_LOCK_FDS.clear()
    _die_with_parent()


def _die_with_parent() -> None:
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: orphans finish their task and exit
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


os.register_at_fork(after_in_child=_after_fork_in_child)


@contextmanager
def index_lock(index_dir: Path):
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK_FILE
    fh = open(path, "a+", encoding="utf-8")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        holder = fh.read().strip() or "unknown process"
        fh.close()
        raise IndexLocked(f"index {index_dir} is locked by another ingest job ({holder})")
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()}, started {datetime.now(timezone.utc).isoformat(timespec='seconds')}")
    fh.flush()
    _HELD_LOCK_FDS.add(fh.fileno())
    try:
        yield
    finally:
        _HELD_LOCK_FDS.discard(fh.fileno())
        fh.seek(0)
        fh.truncate()
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def run_ingest(corpus: Path, index_dir: Path, workers: int | None = None, progress: bool | None = None) -> Report:
    """Bring the index at `index_dir` up to date with `corpus`. Raises IndexLocked, UsageError."""
    if not corpus.is_dir():
        raise UsageError(f"corpus directory {corpus} does not exist")
    if index_dir.resolve() == corpus.resolve() or corpus.resolve() in index_dir.resolve().parents:
        raise UsageError("the index directory must not be inside the corpus")
    started = time.monotonic()
    report = Report(corpus=str(corpus), index=str(index_dir),
                    started=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    with index_lock(index_dir):
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
        files = scan(corpus, manifest["files"])
        jobs, sidecar_errors = plan_jobs(files, corpus, index_dir / "cache")
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
        for relpath, reason in sidecar_errors:
            report.files.append(FileOutcome(relpath, "failed", reason=reason))

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
    report.files.sort(key=lambda f: f.path)
    report.seconds = time.monotonic() - started
    return report


def _parse_index_publish(report: Report, writer: GenerationWriter | None, jobs: dict[str, DocJob],
                         todo: list[DocJob], removed: list[str], old_docs: dict[str, dict],
                         catalog: dict, workers: int | None, progress: bool | None, t: float) -> str:
    """Returns the name of the published generation, or "" when nothing changed."""
    parsed: list[Parsed] = []
    for job, result, seconds in _parse_all(todo, workers, progress, writer):
        if isinstance(result, Parsed):
            parsed.append(result)
            empty = [number for _, number, is_empty in result.pages if is_empty]
            for f in job.files:
                report.files.append(FileOutcome(
                    f.relpath, "indexed", job.doc_id, seconds=seconds / len(job.files),
                    pages=sum(1 for source, _, _ in result.pages if source == f.relpath),
                    units=result.units, pages_without_text=empty if f is job.files[0] else [],
                ))
        else:
            failed_path, reason = result
            kept = job.doc_id in old_docs
            if kept:
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


def _summary(document: Document, in_segment: bool) -> Parsed:
    return Parsed(
        document.doc_id, document.sources, document.content_hash, catalog_entry(document),
        len(document.units), [(p.source, p.number, p.empty) for p in document.pages], in_segment,
    )


def catalog_entry(document: Document) -> dict:
    from dataclasses import asdict

    return {
        **asdict(document.meta),
        "sources": document.sources,
        "pages": len(document.pages),
        "units": sum(1 for u in document.units if not u.is_container),
        "cites": sorted({r.key for r in document.references}),
        "ocr_pages": sum(1 for p in document.pages if p.ocr),
        "support": support_measures(document),
    }


def scan(corpus: Path, known: dict[str, dict]) -> list[SourceFile]:
    """Supported files under `corpus`, hashed; a file whose size and mtime are unchanged keeps
    its recorded hash."""
    found: list[SourceFile] = []
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(SUPPORTED_SUFFIXES):
                continue
            path = Path(dirpath) / name
            relpath = path.relative_to(corpus).as_posix()
            source = SourceFile(relpath, path)
            try:
                if path.is_symlink() and corpus.resolve() not in path.resolve().parents:
                    raise PermissionError("symbolic link pointing outside the corpus")
                st = path.stat()
                if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read forever
                    raise OSError("not a regular file (a pipe, socket or device)")
                source.size, source.mtime_ns = st.st_size, st.st_mtime_ns
                previous = known.get(relpath)
                if previous and previous["size"] == st.st_size and previous["mtime_ns"] == st.st_mtime_ns:
                    source.sha256 = previous["sha256"]
                else:
                    source.sha256 = _sha256(path)
            except OSError as exc:
                source.error = f"cannot read file: {exc.strerror or exc}"
            except PermissionError as exc:
                source.error = str(exc)
            found.append(source)
    return found


def plan_jobs(files: list[SourceFile], corpus: Path, cache_dir: Path):
    mark_duplicates(files)
    groups: dict[str, list[SourceFile]] = defaultdict(list)
    for f in files:
        groups[group_key(f.relpath)].append(f)
    jobs: dict[str, DocJob] = {}
    sidecar_errors: list[tuple[str, str]] = []
    for key, members in groups.items():
        members.sort(key=lambda f: part_order(f.relpath))
        doc_id = doc_id_for(key)
        if doc_id in jobs:  # "văn bản.pdf" and "van-ban.pdf" share a slug: keep both documents
            doc_id = f"{doc_id}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        digest = hashlib.sha256(f"parser {PARSER_VERSION}\n".encode())
        sidecars = []
        for f in members:
            digest.update(f"{f.relpath}\0{f.sha256}\0{f.error}\n".encode())
            sidecar = f.path.with_name(f.path.name + SIDECAR_SUFFIX)
            if sidecar.is_file():
                sidecars.append(sidecar)
                digest.update(sidecar.read_bytes())
        jobs[doc_id] = DocJob(doc_id, members, sidecars, digest.hexdigest(), cache_dir)
    return jobs, sidecar_errors


def mark_duplicates(files: list[SourceFile]) -> None:
    """A file with the same content as another (the same decision saved in two folders) is
    indexed once, under the first path in name order; the copy is reported, not indexed, so a
    search does not list the document twice."""
    first: dict[str, str] = {}
    for f in sorted(files, key=lambda f: f.relpath):
        if f.error or not f.sha256 or not f.size:
            continue
        if f.sha256 in first:
            f.error = f"duplicate of {first[f.sha256]} (identical content), which is indexed instead"
        else:
            first[f.sha256] = f.relpath


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_job(job: DocJob):
    """Runs in a worker process. Returns a Document, or (failed relpath, reason)."""
    parts: list[tuple[str, ExtractedFile]] = []
    for f in job.files:
        if f.error:
            return f.relpath, f.error
        try:
            parts.append((f.relpath, _extract_cached(f, job.cache_dir)))
        except ExtractionError as exc:
            return f.relpath, str(exc)
        except MemoryError:
            return f.relpath, "file too large to extract in memory"
        except Exception as exc:  # a parser bug must fail one file, not the batch
            return f.relpath, f"unexpected error while reading: {type(exc).__name__}: {exc}"
    overrides: dict[str, str] = {}
    for sidecar in job.sidecars:
        try:
            overrides.update(read_sidecar(sidecar))
        except Exception as exc:
            return job.files[0].relpath, f"bad metadata sidecar {sidecar.name}: {exc}"
    if all(page.empty for _, extracted in parts for page in extracted.pages):
        return job.files[0].relpath, "no text on any page (blank pages, or OCR found no text)"
    try:
        return build_document(job.doc_id, parts, job.content_hash, overrides)
    except Exception as exc:
        return job.files[0].relpath, f"unexpected error while parsing: {type(exc).__name__}: {exc}"


def _extract_cached(f: SourceFile, cache_dir: Path) -> ExtractedFile:
    """Extraction (including OCR, the slow part) is cached by file content hash and extractor
    version: a re-index never extracts or OCRs the same file twice."""
    cache_file = cache_dir / "extract" / f"{f.sha256}-v{EXTRACT_VERSION}.json"
    if cache_file.is_file():
        try:
            data = json.loads(cache_file.read_text(encoding="utf-8"))
            return ExtractedFile([ExtractedPage(**p) for p in data["pages"]], data["warnings"])
        except (ValueError, KeyError, TypeError):
            pass
    extracted = extract(f.path)
    if not extracted.cacheable:  # e.g. pages left unread because tesseract is missing
        return extracted
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache_file.with_name(f"{cache_file.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps({"pages": [vars(p) for p in extracted.pages], "warnings": extracted.warnings},
                              ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, cache_file)
    return extracted


class SpanCache:
    """Compound spans (underthesea, the slowest step of parsing) of one document's text
    segments from its previous parse, keyed by a hash of the segment text: a document with one
    article changed runs underthesea on that article only. One file per document; entries no
    longer used are dropped when it is rewritten."""

    def __init__(self, cache_dir: Path, doc_id: str):
        from . import analysis

        try:
            import underthesea

            version = getattr(underthesea, "__version__", "0")
        except ImportError:
            version = "0"
        self.path = cache_dir / f"compounds-{version}-v{analysis.SPANS_VERSION}" / f"{doc_id}.pickle"
        self.old: dict[bytes, bytes] = {}
        try:
            with open(self.path, "rb") as fh:
                self.old = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            self.old = {}
        self.used: dict[bytes, bytes] = {}
        self.added = False

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def get(self, text: str):
        key = self._key(text)
        packed = self.used.get(key)
        if packed is None:
            packed = self.old.get(key)
        if packed is None:
            return None
        self.used[key] = packed
        flat = array("I")
        flat.frombytes(packed)
        return list(zip(flat[::2], flat[1::2]))

    def put(self, text: str, spans) -> None:
        self.used[self._key(text)] = array("I", [x for span in spans for x in span]).tobytes()
        self.added = True

    def save(self) -> None:
        if not self.added and len(self.used) == len(self.old):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
            with open(tmp, "wb") as fh:
                pickle.dump(self.used, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError as exc:  # a cache that cannot be written only costs time next run
            log.warning("cannot write the tokenization cache %s: %s", self.path, exc)


def _parse_with_cache(job: DocJob):
    from . import analysis

    cache = SpanCache(job.cache_dir, job.doc_id)
    analysis.span_cache = cache
    try:
        result = parse_job(job)
    finally:
        analysis.span_cache = None
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
        except Exception as exc:
            result = job.files[0].relpath, f"unexpected error while indexing: {type(exc).__name__}: {exc}"
    return job, result, time.monotonic() - t


def _job_size(job: DocJob) -> int:
    return sum(f.size for f in job.files)


def _parser_process(jobs, results, generation_dir: str) -> None:
    """A parser process: parses jobs from `jobs` and indexes each document into a segment of
    its own; sends ("job", job, Parsed or (relpath, reason), seconds) per job, then
    ("done", segment or None)."""
    from .index import SegmentSink

    sink = SegmentSink(Path(generation_dir))
    try:
        while (job := jobs.get()) is not None:
            t = time.monotonic()
            result = _parse_with_cache(job)
            if isinstance(result, Document):
                try:
                    sink.add(result)
                    result = _summary(result, in_segment=True)
                except Exception as exc:
                    result = job.files[0].relpath, f"unexpected error while indexing: {type(exc).__name__}: {exc}"
            results.put(("job", job, result, time.monotonic() - t))
        segment = sink.finish()
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


def _parse_all(jobs: list[DocJob], workers: int | None, progress: bool | None,
               writer: GenerationWriter | None = None):
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
