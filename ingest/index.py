"""The Whoosh index: schema, records, and generations published atomically.

Layout of an index directory:

    CURRENT              name of the published generation ("gen-000007")
    gen-000007/          Whoosh segments, docs/<doc_id>.json, manifest.json, catalog.json
    cache/               extraction results keyed by file content hash
    ingest.lock          held by the running batch job

A generation is written in a temporary directory, renamed into place, and published by
replacing CURRENT; readers always open a complete generation.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
from collections import Counter
from itertools import islice
from pathlib import Path

from whoosh import fields, index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.system import pack_uint
from whoosh.writing import PostingPool

from .analysis import bigram_analyzer, compound_analyzer, exact_analyzer
from .document import meta_display_name, unit_segmented_text
from .model import Document, Unit
from .references import number_key

CURRENT_FILE = "CURRENT"
GENERATION_RE = re.compile(r"^gen-(\d{6})$")
KEEP_GENERATIONS = 2
# Whoosh writes 128 postings per block, for skipping; the search engine reads whole posting
# lists, and reads them several times faster in blocks of 1024 (bench/README.md).
POSTINGS_PER_BLOCK = 1024  # the published one and the one before, for readers still on it


class WordsField(fields.TEXT):
    """A TEXT field without positions, indexed from the tokenizer's texts directly: Whoosh's
    way (a Token object per word, then counting) was a fifth of the batch job's time."""

    def __init__(self, analyzer, stored: bool = False):
        super().__init__(analyzer=analyzer, stored=stored, phrase=False)

    def index(self, value, **kwargs):
        counts = Counter(self.analyzer.token_texts(value))
        return [(word.encode("utf-8"), n, float(n), pack_uint(n)) for word, n in counts.items()]


def schema() -> fields.Schema:
    exact, compound = exact_analyzer(), compound_analyzer()
    return fields.Schema(
        unit_id=fields.ID(stored=True, unique=True),
        doc_id=fields.ID(stored=True),
        anchor=fields.ID(stored=True, sortable=True),  # a column: search reads it per candidate
        kind=fields.ID(stored=True),
        label=fields.STORED,
        path=fields.STORED,
        heading=WordsField(exact, stored=True),
        # No positions: a phrase is found through the word pairs of the bigrams fields.
        text=WordsField(exact, stored=True),
        compounds=WordsField(compound),
        bigrams=WordsField(bigram_analyzer()),
        doc_name=WordsField(exact),
        doc_type=fields.ID(stored=True, sortable=True),
        issuer=fields.ID(stored=True, sortable=True),
        year=fields.ID(stored=True, sortable=True),
        issued=fields.ID(stored=True, sortable=True),
        number=fields.STORED,
        number_keys=fields.KEYWORD(commas=True),
        cites=fields.KEYWORD(commas=True),
        page=fields.NUMERIC(stored=True),
        page_end=fields.STORED,
        order=fields.NUMERIC(stored=True, sortable=True),
        ocr=fields.BOOLEAN(stored=True),
    )


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


def indexed_units(document: Document) -> list[Unit]:
    """Containers (Phần, Chương, Mục of a law) are outline only; every other unit is a record."""
    return [u for u in document.units if not u.is_container]


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


def schema_signature(s: fields.Schema) -> dict[str, tuple]:
    """What the records of a field depend on: its type, posting format, analyzer, storage."""
    def kind(obj) -> str | None:
        return type(obj).__name__ if obj is not None else None

    return {
        name: (kind(field), kind(field.format), repr(getattr(field, "analyzer", None)),
               field.stored, field.scorable, kind(field.column_type))
        for name, field in s.items()
    }


def schema_matches(generation: Path) -> bool:
    """False when the generation was written with other fields, formats or analyzers than
    the code's schema: the next run must rebuild the index rather than add records to it."""
    try:
        written = whoosh_index.open_dir(str(generation)).schema
    except Exception:
        return False
    return schema_signature(written) == schema_signature(schema())


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
        if self.base is not None and not fresh:
            shutil.copytree(self.base, self.tmp, copy_function=_link_or_copy)
            for lock in self.tmp.glob("*WRITELOCK*"):
                lock.unlink()
            self.ix = whoosh_index.open_dir(str(self.tmp))
        else:
            self.tmp.mkdir(parents=True)
            (self.tmp / "docs").mkdir()
            self.ix = whoosh_index.create_in(str(self.tmp), schema())
        self.writer = _segment_writer_class()(self.ix, limitmb=256)

    def remove(self, doc_id: str) -> None:
        self.writer.delete_by_term("doc_id", doc_id)
        (self.tmp / "docs" / f"{doc_id}.json").unlink(missing_ok=True)

    def remove_records(self, doc_id: str) -> None:
        """Deletes the previous records of a document re-indexed by a parser process."""
        self.writer.delete_by_term("doc_id", doc_id)

    def add_segment(self, segment) -> None:
        self.segments.append(segment)

    def add(self, document: Document) -> None:
        self.remove(document.doc_id)
        for record in records(document):
            self.writer.add_document(**record)
        _write_json(self.tmp / "docs" / f"{document.doc_id}.json", document.to_dict())

    def _commit(self) -> None:
        writer = self.writer
        if not self.segments:
            writer.commit()
            return
        # SegmentWriter.commit, with the segments of the parser processes added to the TOC
        # (as Whoosh's own MpWriter does with multisegment=True).
        final = writer._merge_segments(None, None, None)
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final + self.segments)
        writer._finish()

    def publish(self, manifest: dict, catalog: dict) -> Path:
        self._commit()
        _write_json(self.tmp / "manifest.json", manifest)
        _write_json(self.tmp / "catalog.json", catalog)
        _fsync_tree(self.tmp)
        final = self.index_dir / self.name
        os.rename(self.tmp, final)
        _fsync_dir(self.index_dir)
        tmp_current = self.index_dir / f"{CURRENT_FILE}.tmp-{os.getpid()}"
        tmp_current.write_text(self.name + "\n", encoding="utf-8")
        with open(tmp_current, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_current, self.index_dir / CURRENT_FILE)
        _fsync_dir(self.index_dir)
        prune_generations(self.index_dir)
        return final

    def abandon(self) -> None:
        try:
            self.writer.cancel()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


def prune_generations(index_dir: Path) -> None:
    current = current_generation(index_dir)
    gens = sorted(p for p in index_dir.iterdir() if GENERATION_RE.match(p.name))
    keep = set(gens[-KEEP_GENERATIONS:]) | ({current} if current else set())
    for path in gens:
        if path not in keep:
            shutil.rmtree(path, ignore_errors=True)


def remove_stale_temporaries(index_dir: Path) -> list[str]:
    """Left-overs of a job that was killed; called while holding the ingest lock."""
    removed = []
    for path in index_dir.iterdir():
        if ".tmp-" in path.name:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def read_json(path: Path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _write_json(path: Path, data) -> None:
    """Written aside and renamed over: the file may be a hard link into the published generation."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".part-{os.getpid()}-{os.urandom(4).hex()}")  # short: names near 255 bytes
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, path)


def _link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


class _PreloadedLengths:
    """Field lengths for writing postings, each field's column read at once: Whoosh's
    FieldWriter.add_postings asks the per-document reader one byte per posting, which is
    about an eighth of the indexing time."""

    def __init__(self, pdr):
        from whoosh.codec.whoosh3 import byte_to_length

        self._pdr = pdr
        self._columns: dict[str, bytes | None] = {}
        self._table = [byte_to_length(b) if b else 0 for b in range(256)]

    def doc_field_length(self, docnum, fieldname, default=0):
        column = self._columns.get(fieldname, b"")
        if column == b"":
            column = self._columns[fieldname] = self._load(fieldname)
        if column is None:
            return default
        return self._table[column[docnum]] if docnum < len(column) else 0

    def _load(self, fieldname):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        reader = self._pdr._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if reader is None:
            return None
        return bytes(reader._dbfile.get(reader._basepos, reader._count))


class _ChunkedPostingPool(PostingPool):
    """Whoosh's posting pool, writing its sorted runs to disk in pickled chunks rather than
    one pickle call per posting (a third of the indexing time on the 70,705 articles)."""

    CHUNK = 20_000

    def add(self, item):
        # item = (fieldname, term bytes, docnum, weight, value bytes); the size estimate is
        # Whoosh's, without its per-posting checks.
        self.currentsize += 158 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f, items):
        items = iter(items)
        while chunk := list(islice(items, self.CHUNK)):
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


def _segment_writer_class():
    from whoosh.writing import SegmentWriter

    class FastSegmentWriter(SegmentWriter):
        def __init__(self, ix, limitmb: int = 128, **kwargs):
            kwargs.setdefault("codec", W3Codec(blocklimit=POSTINGS_PER_BLOCK))
            # Separate files, not one compound .seg: a reader maps each file, where a compound
            # segment is copied into memory per reader (300 MB per serving thread at 70,705
            # articles).
            kwargs.setdefault("compound", False)
            super().__init__(ix, limitmb=limitmb, **kwargs)
            self.pool = _ChunkedPostingPool(self._tempstorage, self.newsegment, limitmb=limitmb)

        def _flush_segment(self):
            self.perdocwriter.close()
            pdr = self.per_document_reader() if self.codec.length_stats else None
            postings = self.pool.iter_postings()
            self.fieldwriter.add_postings(self.schema, _PreloadedLengths(pdr) if pdr else None, postings)
            self.fieldwriter.close()
            if pdr:
                pdr.close()

    return FastSegmentWriter


class SegmentSink:
    """Indexes documents into a segment of its own, in a parser process (after fork).

    Opened on the generation being written; `finish` returns the segment for
    GenerationWriter.add_segment, or None when nothing was added. Like the sub-writers of
    Whoosh's MpWriter it takes no lock and leaves the shared temporary storage alone.
    """

    def __init__(self, generation_dir: Path, limitmb: int = 256):
        self.dir = Path(generation_dir)
        self.writer = _segment_writer_class()(whoosh_index.open_dir(str(self.dir)), _lk=False, limitmb=limitmb)

    def add(self, document: Document) -> None:
        batch = list(records(document))  # a document that fails here adds nothing
        for record in batch:
            self.writer.add_document(**record)
        _write_json(self.dir / "docs" / f"{document.doc_id}.json", document.to_dict())

    def finish(self):
        if not self.writer._added:
            self.writer._close_segment()
            return None
        return self.writer._finalize_segment()

    def cancel(self) -> None:
        try:
            self.writer._close_segment()
        except Exception:
            pass


def _fsync_tree(root: Path) -> None:
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
