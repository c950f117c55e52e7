"""The query tree the engine scores: a few frozen dataclasses, built by `query.build_query`.

Field names are the index's fields plus those that exist only at query time (the accent-folded
`text_folded`, `heading_folded`, `doc_name_folded`, `bigrams_folded`: see engine.FOLDED_FIELDS).
A node's `boost` multiplies its score; it is positive, so a matching record's score is too
(the engine marks matches by it).
"""

from __future__ import annotations

from dataclasses import dataclass


class _Boosted:
    def __post_init__(self):
        if not self.boost > 0:
            raise ValueError(f"{type(self).__name__}: boost must be positive, not {self.boost!r}")


@dataclass(frozen=True)
class Term(_Boosted):
    """Records holding `text` in `field`, scored by BM25F (an unscorable field, by weight)."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase(_Boosted):
    """Records holding the words one after the other, scored as the sum of the words."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class AnyOf(_Boosted):
    """Records matching any child, scored by the sum of the children that match."""

    children: tuple[Query, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class AllOf(_Boosted):
    """Records matching every child, scored by the sum of the children."""

    children: tuple[Query, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class WithOptional(_Boosted):
    """Records matching `required`, scored by it plus `optional` where that matches too."""

    required: Query
    optional: Query
    boost: float = 1.0


@dataclass(frozen=True)
class Everything(_Boosted):
    """Every live record, scored 0 (a search by filters only)."""

    boost: float = 1.0


Query = Term | Phrase | AnyOf | AllOf | WithOptional | Everything
