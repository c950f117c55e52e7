"""The index generation being served: opened once, reopened when the batch job publishes a
new one, its engine warmed in the background."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np

from ingest.index import current_generation, read_json
from ingest.indexformat import open_index
from ingest.indexformat_read import new_searcher
from ingest.model import CatalogEntry
from ingest.references import number_key

from .corpus_validity import CorpusValidity
from .engine import BM25_B, BM25_K1, WARM_SHARE, Engine

log = logging.getLogger(__name__)


@dataclass
class Generation:
    name: str
    path: Path
    index: object  # ingest.indexformat.open_index
    catalog: dict[str, CatalogEntry]
    cited_by: dict[str, list[str]]  # number key → doc_ids citing it
    by_number: dict[str, str]  # number key → doc_id
    engine: Engine
    issued_rank: np.ndarray  # per engine document index: rank of its date of issue
    warmed: threading.Event = field(default_factory=threading.Event)
    warm_seconds: float = 0.0

    def entry(self, doc_id: str) -> CatalogEntry:
        """The catalog entry of a document of the index (empty if the catalog lacks it)."""
        return self.catalog.get(doc_id) or CatalogEntry.from_dict(doc_id, {})

    @cached_property
    def support_measures(self) -> list[dict]:
        """The support measures of every document of the catalog (collected once per generation)."""
        return [measure for entry in self.catalog.values() for measure in entry.support]

    @cached_property
    def validity(self):
        """The statuses and relations of the generation's documents (built on first use)."""
        return CorpusValidity(self.catalog, self.engine.doc_ids,
                              lambda doc_id: read_json(self.path / "docs" / f"{doc_id}.json")["units"])

    def status(self, doc_id: str, as_of: date | None = None):
        """The search_app.status.Status of a document on `as_of` (default today)."""
        return self.validity.status(doc_id, as_of)


class IndexHandle:
    """The published generation, reopened when the batch job publishes a new one."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._local = threading.local()

    def generation(self) -> Generation | None:
        path = current_generation(self.index_dir)
        if path is None:
            return None
        gen = self._generation
        if gen is None or gen.path != path:
            with self._lock:
                if self._generation is None or self._generation.path != path:
                    self._generation = _open_generation(path)
                    threading.Thread(target=self._warm, args=(self._generation,), daemon=True,
                                     name=f"warm-{path.name}").start()
                gen = self._generation
        return gen

    def _warm(self, gen: Generation) -> None:
        """Fills the new generation's postings cache in the background; it serves meanwhile."""
        started = time.monotonic()
        try:
            with new_searcher(gen.index) as searcher:
                gen.engine.warm(searcher, int(gen.engine.cache.max_bytes * WARM_SHARE),
                                keep_going=lambda: self._generation is gen)
        except Exception:  # a generation removed under us: the next one is warmed instead
            log.warning("warming %s failed", gen.name, exc_info=True)
        finally:
            gen.warm_seconds = time.monotonic() - started
            gen.warmed.set()

    def wait_until_warm(self, timeout: float | None = None) -> float | None:
        """Seconds the published generation took to warm, once it has (None on timeout)."""
        gen = self.generation()
        if gen is None or not gen.warmed.wait(timeout):
            return None
        return gen.warm_seconds

    def searcher(self, gen: Generation):
        """This thread's searcher of the generation (kept until the generation changes)."""
        cached = getattr(self._local, "searcher", None)
        if cached is not None and cached[0] == gen.name:
            return cached[1]
        if cached is not None:
            cached[1].close()
        searcher = new_searcher(gen.index)
        self._local.searcher = (gen.name, searcher)
        return searcher

    def document(self, doc_id: str) -> dict | None:
        gen = self.generation()
        if gen is None or doc_id not in gen.catalog:
            return None
        return read_json(gen.path / "docs" / f"{doc_id}.json")


def _open_generation(path: Path) -> Generation:
    catalog = {doc_id: CatalogEntry.from_dict(doc_id, data)
               for doc_id, data in read_json(path / "catalog.json").items()}
    cited_by: dict[str, list[str]] = {}
    by_number: dict[str, str] = {}
    for doc_id, entry in catalog.items():
        for key in entry.cites:
            cited_by.setdefault(key, []).append(doc_id)
        if entry.meta.number:
            by_number[number_key(entry.meta.number)] = doc_id
    index = open_index(path)
    with new_searcher(index) as searcher:
        engine = Engine(searcher, k1=BM25_K1, b=BM25_B)
    issued = [catalog[doc_id].meta.issued if doc_id in catalog else "" for doc_id in engine.doc_ids]
    issued_rank = np.zeros(len(issued), dtype=np.int32)
    for rank, i in enumerate(sorted(range(len(issued)), key=issued.__getitem__)):
        issued_rank[i] = rank
    return Generation(path.name, path, index, catalog, cited_by, by_number, engine, issued_rank)
