"""The one place that knows the Whoosh index format: fields, schema, field-length column.

Written against whoosh-reloaded 2.7.5 (pinned in pyproject.toml; `tests/test_indexformat.py`
fails when another version is installed). Whoosh writes and stores the index; nothing outside
`ingest/indexformat*.py` imports it. Three modules share the format:

* this one: the schema and the field that turns an analysis tokenizer into Whoosh postings,
  opening an index, and the per-record field lengths (read once, here, for writer and reader);
* `indexformat_write.py`: the segment writer (bigger posting blocks, chunked posting pool, the
  segments of parser processes joined to one commit);
* `indexformat_read.py`: posting lists, lexicons and statistics for the numpy engine.

Why private names: Whoosh's public API reads a posting list one posting at a time and a field
length one record at a time, in Python; the writer and the engine read whole posting blocks
(`W3LeafMatcher._read_data`) and whole length columns (`_lenfield`, `LENGTHS_COLUMN`,
`_cached_reader`, `_dbfile`) instead, and the batch job commits segments written by other
processes (`SegmentWriter._finalize_segment`, `_commit_toc`). These names are Whoosh's
internals, not its API, which is why the version is pinned.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from whoosh import fields, index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length

from .analysis import VietnameseTokenizer, bigram_analyzer, compound_analyzer, exact_analyzer

WHOOSH_DISTRIBUTION = "whoosh-reloaded"  # its version is pinned in pyproject.toml
# Whoosh stores a record's field length as one byte, a logarithmic approximation.
LENGTH_OF_CODE = [byte_to_length(code) for code in range(256)]


class WordsField(fields.TEXT):
    """A TEXT field without positions over an analysis tokenizer, indexed from the token
    texts directly: Whoosh's way (a Token object per word, then counting) was a fifth of the
    batch job's time. Whoosh reaches the tokenizer only through `index`."""

    def __init__(self, analyzer: VietnameseTokenizer, stored: bool = False):
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
        attachment=fields.STORED,  # "Quy định ban hành kèm theo": how a unit of an attachment is cited
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


def open_index(path: Path):
    """The Whoosh index of a generation directory."""
    return whoosh_index.open_dir(str(path))


def create_index(path: Path):
    """A new, empty index with the code's schema in an existing directory."""
    return whoosh_index.create_in(str(path), schema())


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
        written = open_index(generation).schema
    except Exception:
        return False
    return schema_signature(written) == schema_signature(schema())


def length_codes(per_doc_reader, field: str) -> np.ndarray:
    """The one-byte field length of every record of a segment (0: no length written), from
    its per-document reader; decode with LENGTH_OF_CODE."""
    doc_count = per_doc_reader.doc_count_all()
    codes = np.zeros(doc_count, dtype=np.uint8)
    column = per_doc_reader._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if column is not None:
        count = min(column._count, doc_count)
        codes[:count] = np.frombuffer(column._dbfile.get(column._basepos, count), dtype=np.uint8)
    return codes
