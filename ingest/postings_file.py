"""The generation's postings laid out for reading: flat arrays per segment and field, opened
memory-mapped so every server process shares one copy in the page cache.

Layout, inside a generation directory (written before it is published, removed with it):

    postings/<segment id>/manifest.json   segment id, records, per field: terms, postings,
                                          total length, scorable; per file: size and CRC-32;
                                          per array: dtype, shape and offset in arrays.bin
    postings/<segment id>/arrays.bin      the arrays below, back to back, 64-byte aligned:
        <field>.terms        uint8: the field's terms (UTF-8), in order
        <field>.term_starts  int64: where term i starts in .terms (n + 1)
        <field>.post_starts  int64: where term i's postings start (n + 1)
        <field>.ids          int32: record numbers in the segment
        <field>.tfs          float32: term frequencies (Whoosh's weights)
        <field>.lengths      uint8: the field length code of each record
        <field>.folded       int32: term numbers in the order of their accent-folded form
                             (words fields): the spellings of "hoa_binh" are one range

One file per folder, mapped once: a mapping holds a file descriptor for as long as it lives,
and a server keeps two generations open.

About 450 lines: one format written, verified and read in one place, with the same questions
answered from a Whoosh searcher (WhooshPostings) for an index without derived files.

Whoosh stays the index of record: the files are derived from its segments (read through
`indexformat_read`) and rebuilt from them. One folder per segment: Whoosh never changes a
segment, so a new generation (hard links of the previous one) rebuilds only its new segments.
"""

from __future__ import annotations

import heapq
import json
import logging
import mmap
import os
import shutil
import zlib
from bisect import bisect_right
from pathlib import Path
from typing import Iterator

import numpy as np

from . import indexformat_read as fmt
from .indexformat import LENGTH_OF_CODE, open_index
from .textnorm import fold

log = logging.getLogger(__name__)

FOLDER = "postings"
MANIFEST = "manifest.json"
FORMAT = 3  # 2: folded order of the words fields; 3: one arrays.bin per folder
PACK = "arrays.bin"
_ALIGN = 64
SAMPLE = 32  # terms per block of a field's term index kept in memory (see _SegmentField.find)
_LENGTH_OF_CODE = np.array(LENGTH_OF_CODE, dtype=np.float32)
_EMPTY_IDS = np.empty(0, dtype=np.int32)
_EMPTY_TFS = np.empty(0, dtype=np.float32)


class DamagedPostings(Exception):
    """A derived postings file is missing, of the wrong size or checksum, or unreadable."""


# Writing


def build_derived(generation_dir: Path) -> list[str]:
    """Writes the postings folder of every segment of the generation that lacks a sound one,
    and removes those of segments no longer in it. Returns the segment ids built."""
    generation_dir = Path(generation_dir)
    root = generation_dir / FOLDER
    root.mkdir(exist_ok=True)
    built = []
    with fmt.new_searcher(open_index(generation_dir)) as searcher:
        segments = fmt.segments(searcher)
        for segment in segments:
            folder = root / segment.id
            try:
                verify_segment(folder, segment)
            except DamagedPostings:
                _write_segment(searcher, segment, folder)
                built.append(segment.id)
    wanted = {s.id for s in segments}
    for path in root.iterdir():  # merged-away segments, and what servers derived for the last generation
        if path.name not in wanted:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    return built


def _write_segment(searcher, segment: fmt.Segment, folder: Path) -> None:
    """Written in a folder aside and renamed into place: a folder present is complete."""
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    manifest = {"format": FORMAT, "segment_id": segment.id, "records": segment.records, "fields": {}}
    packed: dict[str, np.ndarray] = {}
    for field in fmt.term_fields(searcher):
        terms, ids, tfs, term_ends, post_ends = [], [], [], [], []
        for term, term_ids, weights in fmt.segment_postings(searcher, segment.id, field):
            terms.append(term)
            ids.append(term_ids)
            tfs.append(weights)
            term_ends.append(len(term))
            post_ends.append(len(term_ids))
        if not terms:
            continue
        scorable = fmt.is_scorable(searcher, field)
        arrays = {
            "terms": np.frombuffer(b"".join(terms), dtype=np.uint8),
            "term_starts": np.concatenate([[0], np.cumsum(term_ends)]).astype(np.int64),
            "post_starts": np.concatenate([[0], np.cumsum(post_ends)]).astype(np.int64),
            "ids": np.concatenate(ids).astype(np.int32),
            "tfs": np.concatenate(tfs).astype(np.float32),
        }
        if scorable:
            arrays["lengths"] = fmt.segment_length_codes(searcher, segment.id, field)
            folded = [fold(term.decode("utf-8")) for term in terms]
            arrays["folded"] = np.array(sorted(range(len(terms)), key=folded.__getitem__), dtype=np.int32)
        packed.update((f"{field}.{kind}", array) for kind, array in arrays.items())
        manifest["fields"][field] = {
            "terms": len(terms), "postings": int(arrays["post_starts"][-1]), "scorable": scorable,
            "total_length": fmt.segment_field_length(searcher, segment.id, field) if scorable else 0,
        }
    manifest["arrays"] = _write_pack(tmp / PACK, packed)
    manifest["files"] = {PACK: _file_facts(tmp / PACK)}
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    if folder.exists():  # a damaged folder: set aside first, the rename needs the name free
        damaged = folder.with_name(f"{folder.name}.damaged-{os.getpid()}")
        os.rename(folder, damaged)
        shutil.rmtree(damaged, ignore_errors=True)
    os.rename(tmp, folder)


def _write_pack(path: Path, arrays: dict[str, np.ndarray]) -> dict[str, dict]:
    """The arrays back to back in one file; name → dtype, shape and offset."""
    entries, offset = {}, 0
    with open(path, "wb") as fh:
        for name, array in arrays.items():
            array = np.ascontiguousarray(array)
            fh.write(b"\0" * (-offset % _ALIGN))
            offset += -offset % _ALIGN
            entries[name] = {"dtype": array.dtype.str, "shape": list(array.shape), "offset": offset}
            fh.write(array.tobytes())
            offset += array.nbytes
    return entries


def _open_pack(folder: Path, entries: dict[str, dict]) -> dict[str, np.ndarray]:
    """Read-only arrays over one mapping of the folder's pack (`_write_pack`)."""
    path = folder / PACK
    if not entries or path.stat().st_size == 0:
        return {name: np.zeros(e["shape"], dtype=e["dtype"]) for name, e in entries.items()}
    with open(path, "rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    arrays = {}
    for name, e in entries.items():
        dtype = np.dtype(e["dtype"])
        count = int(np.prod(e["shape"], dtype=np.int64))
        arrays[name] = np.frombuffer(mapped, dtype=dtype, count=count, offset=e["offset"]).reshape(e["shape"])
    return arrays


def _file_facts(path: Path) -> dict:
    return {"size": path.stat().st_size, "crc32": _crc32(path)}


def _crc32(path: Path) -> int:
    crc = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            crc = zlib.crc32(chunk, crc)
    return crc


def write_arrays(folder: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Flat arrays with a manifest (`meta`, sizes, checksums), written aside and renamed into
    place: what a server derives once per generation for the others (`open_arrays`)."""
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    entries = _write_pack(tmp / PACK, arrays)
    (tmp / MANIFEST).write_text(json.dumps({"format": FORMAT, "meta": meta, "arrays": entries,
                                            "files": {PACK: _file_facts(tmp / PACK)}}, ensure_ascii=False),
                                encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.rename(tmp, folder)


def open_arrays(folder: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """(meta, name → read-only mapped array) of `write_arrays`, verified; DamagedPostings if not."""
    manifest = _verified_manifest(folder)
    if manifest.get("format") != FORMAT:
        raise DamagedPostings(f"{folder}: written in another format")
    return manifest["meta"], _open_pack(folder, manifest["arrays"])


# Checking


def _verified_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DamagedPostings(f"{folder}: no {MANIFEST}") from None
    except (OSError, ValueError) as exc:
        raise DamagedPostings(f"{folder / MANIFEST}: unreadable ({exc})") from None
    for name, facts in manifest["files"].items():
        path = folder / name
        try:
            size = path.stat().st_size
        except OSError:
            raise DamagedPostings(f"{path}: missing") from None
        if size != facts["size"]:
            raise DamagedPostings(f"{path}: {size} bytes, {facts['size']} written")
        if _crc32(path) != facts["crc32"]:
            raise DamagedPostings(f"{path}: checksum differs from the one written")
    return manifest


def verify_segment(folder: Path, segment: fmt.Segment) -> dict:
    """The manifest of a segment's postings folder once every file has the size and checksum
    it lists; raises DamagedPostings naming what is wrong."""
    manifest = _verified_manifest(folder)
    if manifest.get("format") != FORMAT or manifest.get("segment_id") != segment.id \
            or manifest.get("records") != segment.records:
        raise DamagedPostings(f"{folder}: built from another segment or format than {segment.id}")
    return manifest


# Reading


class _SegmentField:
    """One field of one segment, memory-mapped."""

    def __init__(self, arrays: dict[str, np.ndarray], field: str, facts: dict):
        def load(kind):  # plain arrays over the mapping: numpy's memmap class is slow to slice
            return arrays[f"{field}.{kind}"]

        self.terms, self.term_starts, self.post_starts = load("terms"), load("term_starts"), load("post_starts")
        self.ids, self.tfs = load("ids"), load("tfs")
        self.lengths = load("lengths") if facts["scorable"] else None
        self.folded_order = memoryview(load("folded")) if facts["scorable"] else None
        self.count = facts["terms"]
        self.total_length = facts["total_length"]
        # Memory views of the same mapped pages: indexing one costs a tenth of a numpy memmap's.
        self._blob, self._term_starts = memoryview(self.terms), memoryview(self.term_starts)
        self._post_starts = memoryview(self.post_starts)
        self._sampled: list[bytes] | None = None  # every SAMPLE-th term: `find` bisects it in C first

    def all_terms(self) -> Iterator[bytes]:
        blob, starts = self.terms.tobytes(), self.term_starts.tolist()
        return (blob[starts[i] : starts[i + 1]] for i in range(self.count))

    def find(self, term: bytes) -> int:
        """The number of `term` in the field's term order, or -1 (a binary search: among every
        SAMPLE-th term, then within their block)."""
        blob, starts = self._blob, self._term_starts
        if self._sampled is None:
            self._sampled = [bytes(blob[starts[i] : starts[i + 1]]) for i in range(0, self.count, SAMPLE)]
        block = bisect_right(self._sampled, term) - 1
        if block < 0:
            return -1
        lo, hi = block * SAMPLE, min(block * SAMPLE + SAMPLE, self.count)
        while lo < hi:
            mid = (lo + hi) // 2
            if bytes(blob[starts[mid] : starts[mid + 1]]) < term:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < self.count and bytes(blob[starts[lo] : starts[lo + 1]]) == term else -1

    def term(self, i: int) -> str:
        return bytes(self._blob[self._term_starts[i] : self._term_starts[i + 1]]).decode("utf-8")

    def spellings(self, folded: str) -> list[str]:
        """The terms whose accent-folded form is `folded` (a binary search in folded order)."""
        order, lo, hi = self.folded_order, 0, self.count
        while lo < hi:
            mid = (lo + hi) // 2
            if fold(self.term(order[mid])) < folded:
                lo = mid + 1
            else:
                hi = mid
        found = []
        while lo < self.count and fold(term := self.term(order[lo])) == folded:
            found.append(term)
            lo += 1
        return found

    def postings(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self._post_starts[i], self._post_starts[i + 1]
        return self.ids[start:end], self.tfs[start:end]


class DerivedPostings:
    """The postings of a generation from its derived files, for the engine: the same questions
    as `indexformat_read` asks a searcher, answered from the mapped arrays. Thread-safe."""

    def __init__(self, segments: list[fmt.Segment], manifests: list[dict], folders: list[Path], deleted: np.ndarray):
        self.size = sum(s.records for s in segments)
        self._deleted = deleted
        self._offsets = [s.offset for s in segments]
        self._fields: dict[str, list[tuple[int, _SegmentField]]] = {}
        self._scorable: dict[str, bool] = {}
        for segment, manifest, folder in zip(segments, manifests, folders):
            arrays = _open_pack(folder, manifest["arrays"])
            for field, facts in manifest["fields"].items():
                self._fields.setdefault(field, []).append((segment.offset, _SegmentField(arrays, field, facts)))
                self._scorable[field] = facts["scorable"]

    def record_count(self) -> int:
        return self.size

    def deleted_records(self) -> np.ndarray:
        return self._deleted

    def has_field(self, field: str) -> bool:
        return field in self._fields

    def is_scorable(self, field: str) -> bool:
        return self._scorable.get(field, False)

    def has_term(self, field: str, text: str) -> bool:
        term = text.encode("utf-8")
        return any(part.find(term) >= 0 for _, part in self._fields.get(field, ()))

    def terms(self, field: str) -> Iterator[str]:
        """The terms of a field, in order, each once."""
        parts = [part.all_terms() for _, part in self._fields.get(field, ())]
        previous = None
        for term in heapq.merge(*parts):
            if term != previous:
                yield term.decode("utf-8")
                previous = term

    def spellings(self, field: str, folded: str) -> list[str] | None:
        """The terms of a words field that fold to `folded`, in order (None: not a words field)."""
        parts = self._fields.get(field, ())
        if not parts or parts[0][1].folded_order is None:
            return None
        return sorted({term for _, part in parts for term in part.spellings(folded)})

    def long_terms(self, field: str, min_postings: int) -> list[tuple[str, int]]:
        """(term, postings) of the terms of a field with at least `min_postings` postings."""
        parts = self._fields.get(field, ())
        candidates = set()
        for _, part in parts:  # a term long enough overall is long enough in one segment
            lengths = np.diff(part.post_starts)
            candidates.update(part.term(int(i)) for i in np.flatnonzero(lengths >= min_postings // len(parts)))
        found = []
        for term in sorted(candidates):
            key, count = term.encode("utf-8"), 0
            for _, part in parts:
                if (i := part.find(key)) >= 0:
                    count += part._post_starts[i + 1] - part._post_starts[i]
            if count >= min_postings:
                found.append((term, count))
        return found

    def record_terms(self, field: str) -> tuple[list[str], np.ndarray]:
        """For a field of one term per record (doc_id, anchor): its terms, and the number of
        each record's term in that list (-1: none)."""
        terms = list(self.terms(field))
        number = {term: i for i, term in enumerate(terms)}
        per_record = np.full(self.size, -1, dtype=np.int32)
        for offset, part in self._fields.get(field, ()):
            global_number = np.array([number[part.term(i)] for i in range(part.count)], dtype=np.int32)
            per_record[offset + part.ids] = np.repeat(global_number, np.diff(part.post_starts))
        return terms, per_record

    def total_field_length(self, field: str) -> int:
        return sum(part.total_length for _, part in self._fields.get(field, ()))

    def field_lengths(self, field: str) -> np.ndarray:
        lengths = np.zeros(self.size, dtype=np.float32)
        for offset, part in self._fields.get(field, ()):
            if part.lengths is not None:
                lengths[offset : offset + len(part.lengths)] = _LENGTH_OF_CODE[part.lengths]
        return lengths

    def postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Record numbers (sorted) and term frequencies, deleted records included. A term of
        one segment starting at record 0 is the mapped arrays themselves (read-only)."""
        term = text.encode("utf-8")
        id_parts, tf_parts = [], []
        for offset, part in self._fields.get(field, ()):
            if (i := part.find(term)) >= 0:
                ids, tfs = part.postings(i)
                id_parts.append(ids + np.int32(offset) if offset else ids)
                tf_parts.append(tfs)
        if not id_parts:
            return _EMPTY_IDS, _EMPTY_TFS
        if len(id_parts) == 1:
            return id_parts[0], tf_parts[0]
        return np.concatenate(id_parts), np.concatenate(tf_parts)


def open_derived(generation_dir: Path, searcher, rebuild: bool) -> DerivedPostings:
    """The derived postings of a generation, verified against its segments (`searcher`: of
    the generation's Whoosh index). A missing or damaged folder is rebuilt when `rebuild`,
    else DamagedPostings is raised naming it."""
    generation_dir = Path(generation_dir)
    segments = fmt.segments(searcher)
    manifests, folders = [], []
    for segment in segments:
        folder = generation_dir / FOLDER / segment.id
        try:
            manifest = verify_segment(folder, segment)
        except DamagedPostings as exc:
            if not rebuild:
                raise
            log.warning("rebuilding the derived postings of %s: %s", generation_dir.name, exc)
            _write_segment(searcher, segment, folder)
            manifest = verify_segment(folder, segment)
        manifests.append(manifest)
        folders.append(folder)
    return DerivedPostings(segments, manifests, folders, fmt.deleted_records(searcher).astype(np.int64))


class WhooshPostings:
    """The same questions as DerivedPostings, asked of a Whoosh searcher (an index without
    derived files: tests building their own schema)."""

    def __init__(self, searcher):
        self.searcher = searcher

    def record_count(self) -> int:
        return fmt.record_count(self.searcher)

    def deleted_records(self) -> np.ndarray:
        return fmt.deleted_records(self.searcher)

    def has_field(self, field: str) -> bool:
        return fmt.has_field(self.searcher, field)

    def is_scorable(self, field: str) -> bool:
        return fmt.is_scorable(self.searcher, field)

    def has_term(self, field: str, text: str) -> bool:
        return fmt.has_term(self.searcher, field, text)

    def terms(self, field: str) -> Iterator[str]:
        return fmt.terms(self.searcher, field)

    def record_terms(self, field: str) -> tuple[list[str], np.ndarray]:
        terms = list(fmt.terms(self.searcher, field)) if self.has_field(field) else []
        per_record = np.full(self.record_count(), -1, dtype=np.int32)
        for i, term in enumerate(terms):
            per_record[fmt.postings(self.searcher, field, term)[0]] = i
        return terms, per_record

    def spellings(self, field: str, folded: str) -> None:
        return None  # no folded order: the engine finds them from the syllables

    def total_field_length(self, field: str) -> int:
        return fmt.total_field_length(self.searcher, field)

    def field_lengths(self, field: str) -> np.ndarray:
        return fmt.field_lengths(self.searcher, field)

    def postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        return fmt.postings(self.searcher, field, text)
