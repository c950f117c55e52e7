"""Writing records into Whoosh segments: bigger posting blocks, a faster posting pool, and
the segments of parser processes joined to one commit. See `indexformat.py` for the pinned
Whoosh version and why private names are used."""

from __future__ import annotations

import pickle
from itertools import islice
from pathlib import Path

from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import PostingPool, SegmentWriter

from .indexformat import LENGTH_OF_CODE, create_index, length_codes, open_index

# Whoosh writes 128 postings per block, for skipping; the search engine reads whole posting
# lists, and reads them several times faster in blocks of 1024 (bench/README.md).
POSTINGS_PER_BLOCK = 1024


class RecordWriter:
    """Adds records to an index directory as one new segment, and deletes records.

    `commit` publishes the segment (with those of other writers) in the index's table of
    contents; a writer opened with `lock=False` in a parser process instead hands its segment
    back with `finish_segment`, like the sub-writers of Whoosh's MpWriter (no lock, and the
    shared temporary storage left alone).
    """

    def __init__(self, index_dir: Path, create: bool = False, lock: bool = True, limitmb: int = 256):
        index = create_index(index_dir) if create else open_index(index_dir)
        self._writer = _FastSegmentWriter(index, limitmb=limitmb, _lk=lock)

    def add(self, record: dict) -> None:
        self._writer.add_document(**record)

    def delete_document(self, doc_id: str) -> None:
        """Deletes every record of a document, in this segment and the committed ones."""
        self._writer.delete_by_term("doc_id", doc_id)

    def commit(self, segments: list = ()) -> None:
        """Writes this writer's segment and publishes it with `segments` (finished by other
        writers) and the deletions."""
        writer = self._writer
        if not segments:
            writer.commit()
            return
        # SegmentWriter.commit, with the other segments added to the table of contents (as
        # Whoosh's own MpWriter does with multisegment=True).
        final = writer._merge_segments(None, None, None)
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final + list(segments))
        writer._finish()

    def cancel(self) -> None:
        self._writer.cancel()

    def finish_segment(self):
        """The written segment, for another writer's `commit`; None when nothing was added.
        The segment is a picklable object: parser processes send it through a queue."""
        if not self._writer._added:
            self._writer._close_segment()
            return None
        return self._writer._finalize_segment()

    def cancel_segment(self) -> None:
        self._writer._close_segment()


class _SegmentLengths:
    """Field lengths for writing postings, each field's column read at once: Whoosh's
    FieldWriter.add_postings asks the per-document reader one byte per posting, which is
    about an eighth of the indexing time."""

    def __init__(self, per_doc_reader):
        self._per_doc_reader = per_doc_reader
        self._codes: dict[str, bytes] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        codes = self._codes.get(fieldname)
        if codes is None:
            codes = self._codes[fieldname] = length_codes(self._per_doc_reader, fieldname).tobytes()
        return LENGTH_OF_CODE[codes[docnum]] if docnum < len(codes) else default


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


class _FastSegmentWriter(SegmentWriter):
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
        self.fieldwriter.add_postings(self.schema, _SegmentLengths(pdr) if pdr else None, postings)
        self.fieldwriter.close()
        if pdr:
            pdr.close()
