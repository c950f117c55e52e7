"""The index's records, and its generations published atomically.

Layout of an index directory:

    CURRENT              name of the published generation ("gen-000007")
    gen-000007/          index segments, postings/ (derived from them: postings_file.py),
                         docs/<doc_id>.json, manifest.json, catalog.json
    cache/               extraction results keyed by file content hash
    ingest.lock          held by the running batch job

A generation is written in a temporary directory, renamed into place, and published by
replacing CURRENT; readers always open a complete generation. The segment format (Whoosh)
is `indexformat.py`'s.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from .document import meta_display_name, unit_segmented_text
from .faults import WriteFailed, write_step
# The schemas of generations written before the format moved to indexformat.py were pickled
# naming ingest.index.WordsField: they still open.
from .indexformat import WordsField  # noqa: F401
from .indexformat_write import RecordWriter
from .model import Document, Unit
from .postings_file import build_derived
from .references import number_key

CURRENT_FILE = "CURRENT"
GENERATION_RE = re.compile(r"^gen-(\d{6})$")
KEEP_GENERATIONS = 2  # the published one and the one before, for readers still on it


def number_lookup_keys(number: str) -> list[str]:
    """Keys under which a số/ký hiệu is found: "1322/QĐ-TTg" → 1322/QD-TTG, 1322/QD, 1322."""
    if not number:
        return []
    key = number_key(number)
    parts = key.split("/")
    keys = [key, parts[0]]
    if len(parts) >= 2:
        keys.append(f"{parts[0]}/{parts[1].split('-')[0]}")
    if len(parts) >= 3:
        keys.append(f"{parts[0]}/{parts[2].split('-')[0]}")
    return list(dict.fromkeys(keys))


def records(document: Document):
    meta = document.meta
    name = " ".join(filter(None, [meta_display_name(meta), meta.title, meta.year, meta.issuer]))
    keys = ",".join(number_lookup_keys(meta.number))
    open_units: list[Unit] = []  # ancestors of the current unit
    for order, unit in enumerate(document.units):
        while open_units and open_units[-1].end < unit.end:
            open_units.pop()
        ancestors = [a for a in open_units if a.start <= unit.start and unit.end <= a.end]
        open_units = ancestors + [unit]
        if unit.is_container:
            continue
        text = document.unit_text(unit)
        # A clause is also found by the titles around it: its article, chapter and section.
        titles = [a.heading for a in ancestors if a.heading] + [unit.heading]
        heading = " ".join(filter(None, [unit.path if unit.kind not in ("body", "preamble") else "", *titles]))
        yield dict(
            unit_id=f"{document.doc_id}#{unit.anchor}",
            doc_id=document.doc_id,
            anchor=unit.anchor,
            kind=unit.kind,
            label=unit.label,
            attachment=unit.attachment,
            path=unit.path,
            heading=heading,
            text=text,
            compounds=unit_segmented_text(document, unit),
            bigrams=text,
            doc_name=name,
            doc_type=meta.doc_type,
            issuer=meta.issuer,
            year=meta.year,
            issued=meta.issued,
            number=meta.number,
            number_keys=keys,
            cites=",".join(sorted({r.key for r in unit.references})),
            page=unit.page,
            page_end=unit.page_end,
            order=order,
            ocr=any(p.ocr for p in document.pages[unit.page - 1 : unit.page_end]),
        )


def current_generation(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = index_dir / name
    return path if GENERATION_RE.match(name) and path.is_dir() else None


def next_generation_name(index_dir: Path) -> str:
    numbers = [int(m.group(1)) for p in index_dir.iterdir() if (m := GENERATION_RE.match(p.name))]
    return f"gen-{max(numbers, default=0) + 1:06d}"


class GenerationWriter:
    """Builds the next generation from a copy of the current one.

    The copy is made of hard links: Whoosh never changes a segment file once written (deletions
    live in the TOC) and every other file here is replaced, never rewritten in place
    (`_write_json`), so the published generation is not touched. Documents are added either
    here (`add`) or by parser processes, each writing its own segment (`SegmentSink`) that
    `add_segment` joins to the commit.
    """

    def __init__(self, index_dir: Path, fresh: bool = False):
        self.index_dir = index_dir
        self.base = current_generation(index_dir)
        self.name = next_generation_name(index_dir)
        self.tmp = index_dir / f"{self.name}.tmp-{os.getpid()}"
        self.segments: list = []  # written by SegmentSinks in parser processes
        try:
            with write_step("copy-generation", self.tmp):
                if self.base is not None and not fresh:
                    shutil.copytree(self.base, self.tmp, copy_function=_link_or_copy)
                    for lock in self.tmp.glob("*WRITELOCK*"):
                        lock.unlink()
                    self.writer = RecordWriter(self.tmp)
                else:
                    self.tmp.mkdir(parents=True)
                    (self.tmp / "docs").mkdir()
                    self.writer = RecordWriter(self.tmp, create=True)
        except WriteFailed:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise

    def remove(self, doc_id: str) -> None:
        self.writer.delete_document(doc_id)
        path = self.tmp / "docs" / f"{doc_id}.json"
        with write_step("remove-doc", path):
            path.unlink(missing_ok=True)

    def remove_records(self, doc_id: str) -> None:
        """Deletes the previous records of a document re-indexed by a parser process."""
        self.writer.delete_document(doc_id)

    def add_segment(self, segment) -> None:
        self.segments.append(segment)

    def add(self, document: Document) -> None:
        self.remove(document.doc_id)
        batch = list(records(document))  # a document that fails here adds nothing
        with write_step("write-segment", self.tmp):
            for record in batch:
                self.writer.add(record)
        _write_json(self.tmp / "docs" / f"{document.doc_id}.json", document.to_dict(), "doc")

    def publish(self, manifest: dict, catalog: dict) -> Path:
        """Raises WriteFailed naming the step and path of an I/O error; up to the switch of
        CURRENT, the published generation is left as it was."""
        with write_step("commit-segments", self.tmp):
            self.writer.commit(self.segments)
        with write_step("write-postings", self.tmp):
            build_derived(self.tmp)  # the postings laid out for the servers: published with the segments
        _write_json(self.tmp / "manifest.json", manifest, "manifest")
        _write_json(self.tmp / "catalog.json", catalog, "catalog")
        _fsync_tree(self.tmp)
        final = self.index_dir / self.name
        with write_step("rename-generation", final):
            os.rename(self.tmp, final)
        tmp_current = self.index_dir / f"{CURRENT_FILE}.tmp-{os.getpid()}"
        try:
            _fsync(self.index_dir, "fsync-index-dir")
            with write_step("write-current", tmp_current):
                tmp_current.write_text(self.name + "\n", encoding="utf-8")
            with write_step("fsync-current", tmp_current), open(tmp_current, "rb") as fh:
                os.fsync(fh.fileno())
            with write_step("switch-current", self.index_dir / CURRENT_FILE):
                os.replace(tmp_current, self.index_dir / CURRENT_FILE)
        except WriteFailed:
            # Not published: the renamed generation goes, so that no complete-looking
            # generation newer than CURRENT is left behind.
            if current_generation(self.index_dir) != final:
                shutil.rmtree(final, ignore_errors=True)
                tmp_current.unlink(missing_ok=True)
            raise
        _fsync(self.index_dir, "fsync-switch")
        with write_step("prune", self.index_dir):
            prune_generations(self.index_dir)
        return final

    def abandon(self) -> None:
        try:
            self.writer.cancel()
        except Exception:  # after a failed or finished commit there may be nothing to cancel
            pass
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


def prune_generations(index_dir: Path) -> None:
    current = current_generation(index_dir)
    gens = sorted(p for p in index_dir.iterdir() if GENERATION_RE.match(p.name))
    keep = set(gens[-KEEP_GENERATIONS:]) | ({current} if current else set())
    for path in gens:
        if path not in keep:
            shutil.rmtree(path)


def remove_stale_temporaries(index_dir: Path) -> list[str]:
    """Left-overs of a job that was killed (a parser process stopped while writing a cache file
    leaves one under cache/); called while holding the ingest lock. Names relative to
    `index_dir`."""
    removed = []
    cache = index_dir / "cache"
    in_cache = sorted(cache.rglob("*.tmp-*")) if cache.is_dir() else []
    for path in [*index_dir.iterdir(), *in_cache]:
        if ".tmp-" in path.name:
            with write_step("remove-temporaries", path):
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
            removed.append(str(path.relative_to(index_dir)))
    return removed


def read_json(path: Path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _write_json(path: Path, data, what: str) -> None:
    """Written aside and renamed over: the file may be a hard link into the published
    generation. `what` names the write steps (write-<what>, rename-<what>)."""
    tmp = path.with_name(f".part-{os.getpid()}-{os.urandom(4).hex()}")  # short: names near 255 bytes
    with write_step(f"write-{what}", path):
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
    with write_step(f"rename-{what}", path):
        os.replace(tmp, path)


def _link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


class SegmentSink:
    """Indexes documents into a segment of its own, in a parser process (after fork).

    Opened on the generation being written; `finish` returns the segment for
    GenerationWriter.add_segment, or None when nothing was added. It takes no lock: the
    generation belongs to the batch job that started the process.
    """

    def __init__(self, generation_dir: Path, limitmb: int = 256):
        self.dir = Path(generation_dir)
        self.writer = RecordWriter(self.dir, lock=False, limitmb=limitmb)

    def add(self, document: Document) -> None:
        batch = list(records(document))  # a document that fails here adds nothing
        with write_step("write-segment", self.dir):
            for record in batch:
                self.writer.add(record)
        _write_json(self.dir / "docs" / f"{document.doc_id}.json", document.to_dict(), "doc")

    def finish(self):
        with write_step("finish-segment", self.dir):
            return self.writer.finish_segment()

    def cancel(self) -> None:
        try:
            self.writer.cancel_segment()
        except Exception:
            pass


def _fsync_tree(root: Path) -> None:
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            _fsync(os.path.join(dirpath, name), "fsync-generation")
        _fsync(dirpath, "fsync-generation")


def _fsync(path, step: str) -> None:
    with write_step(step, path):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
