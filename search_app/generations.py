"""The index generation being served: opened once, reopened when the batch job publishes a
new one; a generation that cannot be opened or read gives way to the newest earlier one."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np

from ingest.index import CURRENT_FILE, GENERATION_RE, current_generation, read_json
from ingest.indexformat import open_index
from ingest.indexformat_read import READ_ERRORS, new_searcher
from ingest.locking import IndexLocked, index_lock
from ingest.model import CatalogEntry
from ingest.postings_file import DamagedPostings, open_derived
from ingest.references import number_key

from .corpus_validity import CorpusValidity
from .engine import BM25_B, BM25_K1, FOLDED_FIELDS, Engine
from .scored_lists import shared_scored_lists

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
    warmed: threading.Event = field(default_factory=threading.Event)  # set once open
    warm_seconds: float = 0.0  # to open it (the derived postings verified and mapped)

    def entry(self, doc_id: str) -> CatalogEntry:
        """The catalog entry of a document of the index (empty if the catalog lacks it)."""
        return self.catalog.get(doc_id) or CatalogEntry.from_dict(doc_id, {})

    @cached_property
    def facet_codes(self) -> dict[str, tuple[list[str], np.ndarray]]:
        """Per facet (type, issuer, year): its values ("" first) and each engine document's
        value as a number into them, so that counting a facet is one bincount."""
        out = {}
        for name, attribute in (("type", "doc_type"), ("issuer", "issuer"), ("year", "year")):
            per_doc = [getattr(self.entry(doc_id).meta, attribute) or "" for doc_id in self.engine.doc_ids]
            values = sorted(set(per_doc) | {""})
            number = {value: i for i, value in enumerate(values)}
            out[name] = (values, np.array([number[v] for v in per_doc], dtype=np.int32))
        return out

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
    """The published generation, reopened when the batch job publishes a new one. When it
    cannot be opened, or a search hits a read error in it (`refuse`), the newest earlier
    generation that opens is served and `degraded` names why, until the next publish."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._published: Path | None = None  # the CURRENT the served generation stands for
        self._stamp: tuple | None = None  # CURRENT's inode, mtime and size when it was read
        self.degraded: str | None = None
        self._local = threading.local()

    def generation(self) -> Generation | None:
        stamp = _stamp(self.index_dir / CURRENT_FILE)
        if stamp is not None and stamp == self._stamp:  # one stat per request, not open + read
            return self._generation
        path = current_generation(self.index_dir)
        if path is None:
            return None
        if path != self._published:
            with self._lock:
                if path != self._published:
                    self._generation, self.degraded = self._open_or_fall_back(path)
                    self._published = path
        self._stamp = stamp
        return self._generation

    def refuse(self, gen: Generation, error: BaseException) -> Generation | None:
        """Stops serving `gen` after a read error in it; the generation served instead."""
        with self._lock:
            if self._generation is gen:
                log.error("refusing generation %s: read error: %s: %s", gen.name, type(error).__name__, error)
                self._generation = self._fall_back(gen.path)
                self.degraded = _reason(f"{gen.name} could not be read", self._generation)
            return self._generation

    def _open_or_fall_back(self, path: Path) -> tuple[Generation | None, str | None]:
        try:
            return _open_generation(path), None
        except (DamagedPostings, *READ_ERRORS) as exc:
            log.error("refusing generation %s: cannot be opened: %s: %s", path.name, type(exc).__name__, exc)
            fallback = self._fall_back(path)
            return fallback, _reason(f"{path.name} could not be opened", fallback)

    def _fall_back(self, refused: Path) -> Generation | None:
        """The newest generation before `refused` that opens (None if none does)."""
        earlier = sorted((p for p in self.index_dir.iterdir()
                          if GENERATION_RE.match(p.name) and p.name < refused.name), reverse=True)
        for path in earlier:
            try:
                gen = _open_generation(path)
            except (DamagedPostings, *READ_ERRORS) as exc:
                log.error("fallback generation %s cannot be opened either: %s", path.name, exc)
                continue
            log.warning("serving %s instead of %s", path.name, refused.name)
            return gen
        return None

    def wait_until_warm(self, timeout: float | None = None) -> float | None:
        """Seconds the served generation took to open (None if there is none)."""
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


def _stamp(path: Path) -> tuple | None:
    """Changes whenever the batch job publishes (CURRENT is replaced, a new inode)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def _reason(what: str, served: Generation | None) -> str:
    """Why the site is degraded, for /api/health: names generations, not files or errors
    (those are in the log)."""
    return f"{what}; " + (f"serving {served.name}" if served else "no earlier generation to serve")


def _open_generation(path: Path) -> Generation:
    started = time.monotonic()
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
        engine = Engine(searcher, k1=BM25_K1, b=BM25_B, postings=_derived_postings(path, searcher))
    engine.shared = shared_scored_lists(engine, path, FOLDED_FIELDS)
    issued = [catalog[doc_id].meta.issued if doc_id in catalog else "" for doc_id in engine.doc_ids]
    issued_rank = np.zeros(len(issued), dtype=np.int32)
    for rank, i in enumerate(sorted(range(len(issued)), key=issued.__getitem__)):
        issued_rank[i] = rank
    gen = Generation(path.name, path, index, catalog, cited_by, by_number, engine, issued_rank)
    gen.warm_seconds = time.monotonic() - started
    gen.warmed.set()
    log.info("opened %s in %.2fs", path.name, gen.warm_seconds)
    return gen


def _derived_postings(path: Path, searcher):
    """The generation's derived postings, verified; rebuilt when damaged or missing if the
    generation can be written and the index lock taken (no batch job running), else
    DamagedPostings saying why not."""
    try:
        return open_derived(path, searcher, rebuild=False)
    except DamagedPostings as exc:
        damage = exc
    if not os.access(path, os.W_OK):
        raise DamagedPostings(f"{damage}; not rebuilt: {path} is read-only")
    try:
        with index_lock(path.parent):
            return open_derived(path, searcher, rebuild=True)
    except IndexLocked as exc:
        raise DamagedPostings(f"{damage}; not rebuilt: {exc}") from None
