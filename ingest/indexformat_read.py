"""Reading an index for the numpy engine: whole posting lists, lexicons, field lengths and the
statistics of Whoosh's BM25F. See `indexformat.py` for the pinned Whoosh version and why
private names are used.

Every function takes a searcher (`new_searcher`): one per thread, the callers treat it as an
opaque handle. Records are numbered across segments as Whoosh numbers them; terms are str.
"""

from __future__ import annotations

import mmap
import pickle
import struct
import threading
import weakref
import zlib
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from whoosh import fields
from whoosh.codec.whoosh3 import STORED_COLUMN, W3Codec, W3LeafMatcher
from whoosh.filedb.structfile import BufferFile
from whoosh.index import IndexError as BadIndexError
from whoosh.reading import TermNotFound

from .indexformat import LENGTH_OF_CODE, length_codes

_LENGTH_OF_CODE = np.array(LENGTH_OF_CODE, dtype=np.float32)
_EMPTY_IDS = np.empty(0, dtype=np.int32)
_EMPTY_WEIGHTS = np.empty(0, dtype=np.float32)
# What reading a damaged segment raises (a truncated or missing file, a bad table of contents:
# BadIndexError): Whoosh surfaces the underlying file, struct, zlib and pickle errors as they come.
READ_ERRORS = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError, ValueError,
               IndexError, KeyError, TermNotFound, BadIndexError)


@dataclass(frozen=True)
class Segment:
    """One segment of an index: its id (unique, kept as long as the segment lives), the number
    of its first record in the index, and its record count (deleted ones included)."""
    id: str
    offset: int
    records: int


def new_searcher(index):
    """A searcher over an index (`open_index`); close it when done (also a context manager)."""
    return index.searcher()


def record_count(searcher) -> int:
    """Records in the index, deleted ones included."""
    return searcher.reader().doc_count_all()


def deleted_records(searcher) -> np.ndarray:
    parts = [np.fromiter(sub.deleted_docs_set, dtype=np.int64) + offset
             for sub, offset in searcher.reader().leaf_readers() if sub.deleted_docs_set]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def has_field(searcher, field: str) -> bool:
    return field in searcher.schema


def is_scorable(searcher, field: str) -> bool:
    """Whether the field keeps lengths (BM25); the postings of others weigh as written."""
    return searcher.schema[field].scorable


def has_term(searcher, field: str, text: str) -> bool:
    return (field, _term_bytes(searcher, field, text)) in searcher.reader()


def terms(searcher, field: str) -> Iterator[str]:
    """The terms of a field, in order."""
    for term in searcher.reader().lexicon(field):
        yield term.decode("utf-8")


def document_frequencies(searcher, field: str) -> Iterator[tuple[str, int]]:
    """(term, records holding it, deleted ones included) for every term of a field."""
    for term, info in searcher.reader().iter_field(field):
        yield term.decode("utf-8"), info.doc_frequency()


def document_frequency(searcher, field: str, text: str) -> int:
    return searcher.reader().doc_frequency(field, _term_bytes(searcher, field, text))


def total_field_length(searcher, field: str) -> int:
    """The sum of the field's lengths over all records (Whoosh's, for the average length)."""
    return searcher.reader().field_length(field)


def field_lengths(searcher, field: str) -> np.ndarray:
    """The length of the field in every record, as Whoosh stores it (one byte, approximate)."""
    reader = searcher.reader()
    codes = np.zeros(reader.doc_count_all(), dtype=np.uint8)
    for sub, offset in reader.leaf_readers():
        segment_codes = length_codes(sub._perdoc, field)
        codes[offset : offset + len(segment_codes)] = segment_codes
    return _LENGTH_OF_CODE[codes]


def postings(searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Record numbers (sorted) and weights (term frequencies) of a term, deleted records
    included: callers drop them with one mask rather than one by one."""
    term = _term_bytes(searcher, field, text)
    id_parts, weight_parts = [], []
    for sub, offset in searcher.reader().leaf_readers():
        try:
            matcher = sub._terms.matcher(field, term, sub.schema[field].format)
        except TermNotFound:
            continue
        if isinstance(matcher, W3LeafMatcher):
            ids, weights = _read_blocks(matcher)
        else:
            ids, weights = _read_one_by_one(matcher)
        id_parts.append((ids + offset).astype(np.int32))
        weight_parts.append(weights)
    if not id_parts:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def segments(searcher) -> list[Segment]:
    """The index's segments, in record order."""
    return [Segment(sub.segment().segment_id(), offset, sub.doc_count_all())
            for sub, offset in searcher.reader().leaf_readers()]


def term_fields(searcher) -> list[str]:
    """The fields whose terms are text (str ↔ UTF-8 bytes), which a query can name: the
    words, identifier and keyword fields; not numbers, dates, flags or a unique key."""
    return [name for name, field in searcher.schema.items()
            if field.format is not None and not field.unique
            and not isinstance(field, (fields.NUMERIC, fields.DATETIME, fields.BOOLEAN))]


def segment_postings(searcher, segment_id: str, field: str) -> Iterator[tuple[bytes, np.ndarray, np.ndarray]]:
    """(term as UTF-8, record numbers in the segment, weights) of every term of a field in one
    segment, in term order, deleted records included."""
    sub = _segment_reader(searcher, segment_id)
    terms = sub._terms
    if field not in terms.indexed_field_names():
        return
    field_format = sub.schema[field].format
    for (name, term), info in terms.items_from(field, b""):
        if name != field:
            return
        matcher = terms._codec.postings_reader(terms._postfile, info, field_format, term=(field, term))
        ids, weights = _read_blocks(matcher) if isinstance(matcher, W3LeafMatcher) else _read_one_by_one(matcher)
        yield term, ids, weights


def segment_field_length(searcher, segment_id: str, field: str) -> int:
    """The sum of the field's lengths over the segment's records."""
    return _segment_reader(searcher, segment_id).field_length(field)


def segment_length_codes(searcher, segment_id: str, field: str) -> np.ndarray:
    """The one-byte field length code of each record of a segment (LENGTH_OF_CODE decodes)."""
    return length_codes(_segment_reader(searcher, segment_id)._perdoc, field)


def _segment_reader(searcher, segment_id: str):
    for sub, _ in searcher.reader().leaf_readers():
        if sub.segment().segment_id() == segment_id:
            return sub
    raise KeyError(f"no segment {segment_id} in the index")


def stored_fields(searcher, record: int) -> dict:
    """The stored fields of a record, read through memory maps of its segment's stored column.
    Whoosh reads that file with a seek and a read per record, and each read releases the GIL:
    a serving thread then waits behind the other threads' Python work for every hit."""
    index = searcher._ix  # a generation's index is written once: its threads share one mapping
    mapped = _MAPPED_STORED.get(index)
    if mapped is None:
        with _MAPPING_LOCK:
            mapped = _MAPPED_STORED.get(index)
            if mapped is None:
                mapped = _MAPPED_STORED[index] = _map_stored_columns(searcher)
    offsets, columns = mapped
    i = bisect_right(offsets, record) - 1
    return columns[i][record - offsets[i]] or {}


_MAPPED_STORED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # index → its columns
_MAPPING_LOCK = threading.Lock()


class _MappedFile(BufferFile):
    """A whole file as Whoosh's BufferFile over a read-only memory map (BufferFile's own
    constructor would copy it into a BytesIO)."""

    def __init__(self, path: Path):
        with open(path, "rb") as fh:
            self._buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self._name, self.file, self.onclose = path.name, None, None
        self.is_real, self.is_closed = False, False


def _map_stored_columns(searcher) -> tuple[list[int], list]:
    offsets, columns = [], []
    for sub, offset in searcher.reader().leaf_readers():
        perdoc = sub._perdoc
        path = Path(perdoc._storage.folder) / W3Codec.column_filename(perdoc._segment, "_stored")
        offsets.append(offset)
        columns.append(STORED_COLUMN.reader(_MappedFile(path), 0, path.stat().st_size, perdoc._doccount))
    return offsets, columns


def stored_value_reader(searcher, field: str) -> Callable[[int], object]:
    """record → the stored value of one field, from its column when the field has one (a
    generation written before the field was a column is read through the stored fields)."""
    reader = searcher.reader()
    if reader.has_column(field):
        column = reader.column_reader(field)
        return column.__getitem__
    return lambda record: searcher.stored_fields(record)[field]


def _term_bytes(searcher, field: str, text: str) -> bytes:
    return searcher.schema[field].to_bytes(text)


def _read_blocks(matcher) -> tuple[np.ndarray, np.ndarray]:
    """A segment's posting list, whole blocks at a time, decoded with numpy: ids are stored
    as deltas, weights as floats, or as one float or None when all are equal."""
    id_parts, weight_parts = [], []
    while not matcher._atend:
        matcher._read_data()
        ids, weights = matcher._data[0], matcher._data[1]
        ids = np.asarray(ids, dtype=np.int64)
        if not matcher._byteids:
            ids = np.cumsum(ids)
        id_parts.append(ids)
        if weights is None or isinstance(weights, float):
            weight_parts.append(np.full(len(ids), 1.0 if weights is None else weights, dtype=np.float32))
        else:
            weight_parts.append(np.asarray(weights, dtype=np.float32))
        matcher._next_block()
    if not id_parts:
        return np.empty(0, dtype=np.int64), _EMPTY_WEIGHTS
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def _read_one_by_one(matcher) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)
