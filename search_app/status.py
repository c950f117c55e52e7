"""Whether each document of the corpus is in force on a given day, and which of its units other
documents amended or repealed, computed from the validity facts of all documents together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ingest.validity_model import Relation, ValidityFacts, name_key

LABELS = {
    "in_force": "Còn hiệu lực",
    "not_yet": "Chưa có hiệu lực",
    "expired": "Hết hiệu lực",
    "partly": "Hết hiệu lực một phần",
}
ENDING = ("replaces", "repeals")
CHANGING = ("replaces", "repeals", "amends")
MARK_LABELS = {  # on the changed unit, then on the clause that changes it
    "amends": ("Được sửa đổi, bổ sung bởi", "Sửa đổi, bổ sung"),
    "repeals": ("Bị bãi bỏ bởi", "Bãi bỏ"),
    "replaces": ("Bị thay thế bởi", "Thay thế"),
}


@dataclass
class Status:
    code: str  # in_force | not_yet | expired | partly
    since: str | None = None  # ISO: from when the code holds (or will hold, for not_yet)
    by: str | None = None  # number of the document that did it
    by_doc: str | None = None  # its doc key when it is in the corpus
    proof: str | None = None  # citation of the clause that proves it, or the override's reason
    until: str | None = None  # ISO: an end already announced (a replacement from a later date)
    source: str = "text"  # text | override

    @property
    def label(self) -> str:
        return LABELS[self.code]

    def to_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "since": self.since, "by": self.by,
                "by_doc": self.by_doc, "proof": self.proof, "until": self.until, "source": self.source}


@dataclass
class Edge:
    """One relation, resolved: `source` (a doc key) does `type` to `target`."""

    source: str
    type: str
    target_doc: str | None  # doc key when the target is in the corpus
    relation: Relation
    source_facts: ValidityFacts = field(repr=False)

    @property
    def target_id(self) -> str:
        """The doc key, else the number key, else the name key of the target."""
        return self.target_doc or self.relation.target_key or name_key(self.relation.target_name)

    def since(self) -> str | None:
        """When the change applies: its own date, else the source's effective or issued date."""
        facts = self.source_facts
        return (self.relation.since or (facts.effective.date if facts.effective else None)
                or facts.issued or None)


class RelationIndex:
    """Every relation of the corpus resolved to its target, in both directions."""

    def __init__(self, docs: dict[str, ValidityFacts]):
        self.docs = docs
        self.by_key = {f.key: k for k, f in docs.items() if f.key}
        self.by_name: dict[str, list[str]] = {}
        for k, f in docs.items():
            if f.title and not f.number:
                self.by_name.setdefault(name_key(f"{f.doc_type} {f.title}"), []).append(k)
        self.outgoing: dict[str, list[Edge]] = {}
        self.incoming: dict[str, list[Edge]] = {}
        for k, f in docs.items():
            for relation in f.relations:
                edge = Edge(k, relation.type, self.resolve(relation), relation, f)
                if edge.target_doc == k:
                    continue
                self.outgoing.setdefault(k, []).append(edge)
                self.incoming.setdefault(edge.target_id, []).append(edge)

    def resolve(self, relation: Relation) -> str | None:
        """The doc key of a relation's target, by number, else by name (and date when written)."""
        if relation.target_key:
            return self.by_key.get(relation.target_key)
        candidates = self.by_name.get(name_key(relation.target_name), [])
        if relation.target_date:
            candidates = [k for k in candidates if self.docs[k].issued.startswith(relation.target_date)
                          or relation.target_date.startswith(self.docs[k].issued[:4] or "-")]
        return candidates[0] if len(candidates) == 1 else None


def compute_status(docs: dict[str, ValidityFacts], as_of: date, overrides: dict[str, dict] | None = None,
                   index: RelationIndex | None = None) -> dict[str, Status]:
    """The status of every document on `as_of`, keyed by doc key; documents cited as replaced,
    repealed or amended that are not in the corpus are keyed by their number key.
    `overrides`: doc key → {"code": …, "reason": …, optional "since", "by"} (sidecar), which wins."""
    index = index or RelationIndex(docs)
    day = as_of.isoformat()
    out = {key: _status(key, facts, index.incoming.get(key, []), day) for key, facts in docs.items()}
    for target, edges in index.incoming.items():
        if target in docs or not any(e.relation.target_key == target for e in edges):
            continue
        status = _status(target, None, edges, day)
        if status.code != "in_force":
            out[target] = status
    for key, override in (overrides or {}).items():
        if override.get("code") in LABELS:
            out[key] = Status(override["code"], override.get("since"), override.get("by"), None,
                              override.get("reason"), source="override")
    return out


def _status(key: str, facts: ValidityFacts | None, incoming: list[Edge], day: str) -> Status:
    changes = sorted((e for e in incoming if e.type in CHANGING), key=lambda e: e.since() or "")
    applied = [e for e in changes if (e.since() or "") <= day]
    ended = [e for e in applied if e.type in ENDING and not e.relation.target_units]
    if ended:
        return _by("expired", ended[0])
    if facts and facts.expires:
        ends = _first_day_out(facts.expires.date, facts.expires.through)
        if ends <= day:
            return Status("expired", ends, proof=facts.expires.proof_unit.citation)
    if facts and (start := _start(facts)) and start > day:
        return Status("not_yet", start, proof=facts.effective.proof_unit.citation if facts.effective else None)
    pending = [e for e in changes if e not in applied and e.type in ENDING and not e.relation.target_units]
    until = pending[0].since() if pending else (
        _first_day_out(facts.expires.date, facts.expires.through) if facts and facts.expires else None)
    if applied:
        status = _by("partly", applied[-1])
    else:
        start = _start(facts) if facts else None
        status = Status("in_force", start, proof=facts.effective.proof_unit.citation
                        if facts and facts.effective else None)
    status.until = until
    return status


def _by(code: str, edge: Edge) -> Status:
    facts = edge.source_facts
    return Status(code, edge.since(), facts.number or facts.name, edge.source,
                  edge.relation.proof_unit.citation)


def _start(facts: ValidityFacts) -> str | None:
    return facts.effective.date if facts.effective else (facts.issued or None)


def _first_day_out(iso: str, through: bool) -> str:
    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat() if through else iso


@dataclass
class UnitMark:
    """A change made to one unit, as shown on the changed unit and on the changing clause."""

    type: str  # amends | repeals | replaces
    unit: str  # the changed unit's label: "Khoản 2 Điều 3"
    target_doc: str | None
    target_key: str
    target_number: str
    by_doc: str
    by_number: str
    proof_anchor: str
    proof_label: str
    proof_citation: str
    since: str | None
    target_type: str = ""  # "Quyết định" when the changing clause names the type

    @property
    def text(self) -> str:
        """ "Được sửa đổi, bổ sung bởi Khoản 2 Điều 1 Quyết định 9123/QĐ-UBND"."""
        return f"{MARK_LABELS[self.type][0]} {self.proof_label} {self.by_number}".replace("  ", " ")

    @property
    def reverse_text(self) -> str:
        """ "Sửa đổi, bổ sung Khoản 2 Điều 3 Quyết định 9002/QĐ-UBND"."""
        return " ".join(w for w in (MARK_LABELS[self.type][1], self.unit, self.target_type, self.target_number) if w)

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__} | {
            "text": self.text, "reverse_text": self.reverse_text}


@dataclass
class Marks:
    units: dict[str, dict[str, list[UnitMark]]]  # changed doc (key or number key) → unit label → marks
    clauses: dict[str, dict[str, list[UnitMark]]]  # changing doc key → proof anchor → marks


def compute_marks(docs: dict[str, ValidityFacts], index: RelationIndex | None = None) -> Marks:
    """Per-unit marks: which units of a document are changed by which clause of which document."""
    index = index or RelationIndex(docs)
    marks = Marks({}, {})
    for source, edges in index.outgoing.items():
        facts = docs[source]
        for edge in edges:
            r = edge.relation
            if edge.type not in CHANGING or not r.target_units:
                continue
            for unit in r.target_units:
                mark = UnitMark(edge.type, unit, edge.target_doc, r.target_key, r.target_number, source,
                                f"{facts.doc_type} {facts.number}".strip() or facts.name, r.proof_unit.anchor,
                                r.proof_unit.label, r.proof_unit.citation, edge.since(), r.target_type)
                marks.units.setdefault(edge.target_id, {}).setdefault(unit, []).append(mark)
                marks.clauses.setdefault(source, {}).setdefault(r.proof_unit.anchor, []).append(mark)
    return marks
