"""The validity of a generation's documents: their status on a given day, the relations between
them and the marks on amended or repealed units, built once per generation (statuses once per
day, since they change with the date)."""

from __future__ import annotations

import threading
from datetime import date
from typing import Callable

import numpy as np
from markupsafe import Markup

from ingest.model import CatalogEntry
from ingest.references import number_key
from ingest.validity_model import ValidityFacts

from .cited_numbers import ref_url
from .relation_map import edges, render_relation_map
from .status import RelationIndex, Status, UnitMark, compute_marks, compute_status

STATUS_CODES = ("in_force", "partly", "not_yet", "expired")  # the codes of status.LABELS, as lists order them
DAYS_KEPT = 4  # statuses of the last days asked (today, and an as_of or two)


def configured_day(config) -> date | None:
    """The day statuses are shown for: the app's STATUS_AS_OF ("YYYY-MM-DD", for tests and
    demonstrations), else None, which is today."""
    fixed = config.get("STATUS_AS_OF")
    return date.fromisoformat(fixed) if fixed else None


def doc_url(doc_id: str) -> str:
    return f"/documents/{doc_id}"


def facts_of(entry: CatalogEntry) -> ValidityFacts:
    """The stored validity facts; for an entry of an older catalog, those its metadata give."""
    if entry.validity:
        return ValidityFacts.from_dict(entry.validity)
    meta = entry.meta
    return ValidityFacts(key=number_key(meta.number) if meta.number else "", number=meta.number,
                         doc_type=meta.doc_type, title=meta.title, issued=meta.issued)


class CorpusValidity:
    def __init__(self, catalog: dict[str, CatalogEntry], doc_ids: list[str],
                 read_units: Callable[[str], list[dict]]):
        """`doc_ids`: the engine's documents in index order, for `codes`. `read_units(doc_id)`:
        a document's stored units (with "label" and "anchor"), read when a clause links to the
        unit of another document it changes."""
        self.read_units = read_units
        self.docs = {doc_id: facts_of(entry) for doc_id, entry in catalog.items()}
        self.overrides = {doc_id: entry.status_override for doc_id, entry in catalog.items() if entry.status_override}
        self.index = RelationIndex(self.docs)
        self.marks = compute_marks(self.docs, self.index)
        self.doc_ids = list(doc_ids)
        self._lock = threading.Lock()
        self._days: dict[date, tuple[dict[str, Status], np.ndarray]] = {}

    def _day(self, as_of: date | None) -> tuple[dict[str, Status], np.ndarray]:
        day = as_of or date.today()
        with self._lock:
            cached = self._days.get(day)
        if cached is None:
            statuses = compute_status(self.docs, day, self.overrides, self.index)
            codes = np.array([statuses[d].code if d in statuses else "in_force" for d in self.doc_ids],
                             dtype=object)
            cached = (statuses, codes)
            with self._lock:
                self._days[day] = cached
                while len(self._days) > DAYS_KEPT:
                    del self._days[min(self._days)]
        return cached

    def statuses(self, as_of: date | None = None) -> dict[str, Status]:
        """doc_id (or the number key of a document cited as changed, not in the corpus) → Status."""
        return self._day(as_of)[0]

    def status(self, key: str, as_of: date | None = None) -> Status | None:
        return self.statuses(as_of).get(key)

    def codes(self, as_of: date | None = None) -> np.ndarray:
        """The status code of each engine document, in index order (for filters and facets)."""
        return self._day(as_of)[1]

    def edges(self, key: str, as_of: date | None = None) -> list[dict]:
        """The relations from and to a document (doc_id, or number key when not in the corpus)."""
        return edges(key, self.docs, index=self.index, doc_url=doc_url, ref_url=ref_url,
                     statuses=self.statuses(as_of))

    def relation_map(self, doc_id: str, center_name: str, as_of: date | None = None) -> Markup:
        return render_relation_map(doc_id, self.docs, index=self.index, doc_url=doc_url, ref_url=ref_url,
                                   statuses=self.statuses(as_of), center_name=center_name)

    def unit_marks(self, doc_id: str, units: list[dict]) -> dict[str, dict[str, list[dict]]]:
        """anchor → {"changed_by": […], "changes": […]} for the units of one document (its stored
        units): the changes other documents make to the unit, and the changes the unit makes to
        other documents, each with a link to the other clause."""
        out: dict[str, dict[str, list[dict]]] = {}
        facts = self.docs.get(doc_id)
        changed = self.marks.units.get(doc_id, {})
        if not changed and facts and facts.key:
            changed = self.marks.units.get(facts.key, {})
        for label, marks in changed.items():
            anchor = _anchor_of(label, units)
            if anchor:
                out.setdefault(anchor, {"changed_by": [], "changes": []})["changed_by"] += [
                    _mark_dict(m, m.text, doc_url(m.by_doc), m.proof_anchor) for m in marks]
        for anchor, marks in self.marks.clauses.get(doc_id, {}).items():
            links = []
            for m in marks:
                target_anchor = _anchor_of(m.unit, self.read_units(m.target_doc)) if m.target_doc else None
                url = doc_url(m.target_doc) if m.target_doc else ref_url(m.target_key) if m.target_key else None
                links.append(_mark_dict(m, m.reverse_text, url, target_anchor))
            out.setdefault(anchor, {"changed_by": [], "changes": []})["changes"] += links
        return out


def _anchor_of(label: str, units: list[dict]) -> str | None:
    """The unit a changing clause names by label. A label found both in the document's own
    articles and in an attachment (the Quy định it issues) is the attachment's: amending
    decisions change the attached rules, the issuing decision's articles are seldom cited."""
    found = [u for u in units if u.get("label") == label]
    if len(found) > 1:
        found = [u for u in found if u.get("attachment")] or found
    return found[0]["anchor"] if found else None


def _mark_dict(mark: UnitMark, text: str, doc_link: str | None, anchor: str | None) -> dict:
    return {
        "type": mark.type, "text": text, "unit": mark.unit, "since": mark.since,
        "by_doc": mark.by_doc, "by_number": mark.by_number, "proof": mark.proof_citation,
        "target_doc": mark.target_doc, "target_number": mark.target_number,
        "url": f"{doc_link}#{anchor}" if doc_link and anchor else doc_link,
    }
