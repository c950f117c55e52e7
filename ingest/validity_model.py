"""The validity facts of a document, stored as JSON with each index generation: when it takes
effect, when it ends, and its relations to other documents."""

from __future__ import annotations

from dataclasses import dataclass, field

from .textnorm import fold, normalize

RELATION_TYPES = ("replaces", "repeals", "amends", "guides", "implements", "based_on", "consolidates")


@dataclass
class UnitText:
    """A unit's own words (without its sub-units), with how it is cited."""

    anchor: str  # "dieu-1.khoan-2": dotted by ancestry, so the parent is the prefix
    label: str  # "Khoản 2 Điều 1"
    text: str
    citation: str = ""  # "Khoản 2 Điều 1 — Quyết định 9001/QĐ-UBND ngày 1/3/2026, tr. 1"
    kind: str = ""  # model.Unit.kind; "preamble", "body" and "" may hold "Căn cứ" lines


@dataclass
class ProofUnit:
    anchor: str  # "" for the title (trích yếu)
    label: str
    citation: str

    def to_dict(self) -> dict:
        return {"anchor": self.anchor, "label": self.label, "citation": self.citation}

    @classmethod
    def from_dict(cls, data: dict) -> "ProofUnit":
        return cls(data["anchor"], data["label"], data["citation"])


@dataclass
class DateFact:
    date: str  # ISO
    proof_unit: ProofUnit
    through: bool = False  # True: `date` is the last day in force; False: the first day it applies

    def to_dict(self) -> dict:
        return {"date": self.date, "through": self.through, "proof_unit": self.proof_unit.to_dict()}

    @classmethod
    def from_dict(cls, data: dict | None) -> "DateFact | None":
        if not data:
            return None
        return cls(data["date"], ProofUnit.from_dict(data["proof_unit"]), data.get("through", False))


@dataclass
class Relation:
    type: str  # one of RELATION_TYPES
    target_key: str  # number_key of the cited number; "" when cited by name only
    target_number: str
    target_units: list[str]  # ["Điều 5", "Khoản 2 Điều 7"]; [] = the whole document
    proof_unit: ProofUnit
    since: str | None = None  # ISO; changes default to the citing document's effective date
    target_name: str = ""  # "Luật Tổ chức chính quyền địa phương" when cited without a number
    target_date: str = ""  # ISO date or year written next to a name-only citation
    target_type: str = ""  # "Nghị quyết" when the citation names the type

    def to_dict(self) -> dict:
        return {
            "type": self.type, "target_key": self.target_key, "target_number": self.target_number,
            "target_name": self.target_name, "target_date": self.target_date, "target_type": self.target_type,
            "target_units": list(self.target_units), "proof_unit": self.proof_unit.to_dict(),
            "since": self.since,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Relation":
        return cls(
            type=data["type"], target_key=data["target_key"], target_number=data["target_number"],
            target_units=list(data["target_units"]), proof_unit=ProofUnit.from_dict(data["proof_unit"]),
            since=data.get("since"), target_name=data.get("target_name", ""),
            target_date=data.get("target_date", ""), target_type=data.get("target_type", ""),
        )


@dataclass
class ValidityFacts:
    key: str  # number_key of the document's own number ("" when it has none)
    number: str
    doc_type: str
    title: str
    issued: str  # ISO or ""
    effective: DateFact | None = None
    expires: DateFact | None = None
    relations: list[Relation] = field(default_factory=list)

    @property
    def name(self) -> str:
        """ "Nghị quyết 9777/2026/NQ-HĐND", or the type and title when there is no number."""
        return f"{self.doc_type} {self.number or self.title}".strip()

    def to_dict(self) -> dict:
        return {
            "key": self.key, "number": self.number, "doc_type": self.doc_type, "title": self.title,
            "issued": self.issued,
            "effective": self.effective.to_dict() if self.effective else None,
            "expires": self.expires.to_dict() if self.expires else None,
            "relations": [r.to_dict() for r in self.relations],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ValidityFacts":
        return cls(
            key=data["key"], number=data["number"], doc_type=data["doc_type"], title=data["title"],
            issued=data["issued"], effective=DateFact.from_dict(data.get("effective")),
            expires=DateFact.from_dict(data.get("expires")),
            relations=[Relation.from_dict(r) for r in data.get("relations", [])],
        )


def name_key(name: str) -> str:
    """Key of a document cited by name: "Luật Tổ chức  chính quyền địa phương" → "luat to chuc …"."""
    return " ".join(fold(normalize(name)).lower().split())
