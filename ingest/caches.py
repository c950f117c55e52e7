"""The batch job's caches under `<index>/cache`: extracted text by file content, and compound
spans by text segment. Losing either costs time, never correctness."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
from array import array
from pathlib import Path

from . import analysis
from .extract import EXTRACT_VERSION, ExtractedFile, ExtractedPage, extract
from .faults import checkpoint
from .scan import SourceFile

log = logging.getLogger("ingest")


def extract_cached(f: SourceFile, cache_dir: Path) -> ExtractedFile:
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
    data = json.dumps({"pages": [vars(p) for p in extracted.pages], "warnings": extracted.warnings},
                      ensure_ascii=False)
    _write_aside(cache_file, data.encode("utf-8"), "write-extract-cache", "extraction cache")
    return extracted


def _write_aside(path: Path, data: bytes, step: str, what: str) -> None:
    """Writes a cache file aside and renames it into place. A cache that cannot be written
    (a full disk) only costs time next run: a warning, and no partial file left."""
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        checkpoint(step, path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write the %s %s: %s", what, path, exc.strerror or exc)
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


class SpanCache:
    """Compound spans (underthesea, the slowest step of parsing) of one document's text
    segments from its previous parse, keyed by a hash of the segment text: a document with one
    article changed runs underthesea on that article only. One file per document; entries no
    longer used are dropped when it is rewritten. Handed to the analyzer with
    `analysis.using_span_cache`."""

    def __init__(self, cache_dir: Path, doc_id: str):
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

    def get(self, text: str) -> list[tuple[int, int]] | None:
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

    def put(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.used[self._key(text)] = array("I", [x for span in spans for x in span]).tobytes()
        self.added = True

    def save(self) -> None:
        if not self.added and len(self.used) == len(self.old):
            return
        data = pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL)
        _write_aside(self.path, data, "write-span-cache", "tokenization cache")
