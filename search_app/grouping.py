"""The order the search page shows ranked clauses in: at most a few clauses per document on the
first page, documents in order of their best clause; or pure score order (`group=none`)."""

from __future__ import annotations

from dataclasses import dataclass, field

GROUPS = ("document", "none")
PER_DOCUMENT = 3  # clauses of one document on the first page; the rest behind "+ N …"


@dataclass
class Page:
    items: list  # the page's candidates, in the order shown
    more: dict[str, int] = field(default_factory=dict)  # doc_id → its clauses not on page 1
    pages: int = 0  # how many pages the ranked clauses fill


def page_of(ranked: list, doc_of, page: int, per_page: int, group: str = "document") -> Page:
    """`ranked`: candidates best first; `doc_of(candidate)` → its document. Grouped, page 1 takes
    the best clauses with at most PER_DOCUMENT per document (so a long plan cannot push the best
    clause of the next document off the page) and may be shorter than `per_page`; the later
    pages hold everything else in score order. Each page is grouped by document, documents in
    order of their best clause on it."""
    if group == "none":
        start = (page - 1) * per_page
        return Page(ranked[start : start + per_page], pages=-(-len(ranked) // per_page))
    first: list = []
    taken: dict[str, int] = {}
    for candidate in ranked:
        if len(first) == per_page:
            break
        doc = doc_of(candidate)
        if taken.get(doc, 0) < PER_DOCUMENT:
            taken[doc] = taken.get(doc, 0) + 1
            first.append(candidate)
    on_first = {id(c) for c in first}
    pages = (1 if first else 0) + -(-(len(ranked) - len(first)) // per_page)
    if page == 1:
        more: dict[str, int] = {}
        for candidate in ranked:
            doc = doc_of(candidate)
            if id(candidate) not in on_first and doc in taken:
                more[doc] = more.get(doc, 0) + 1
        return Page(grouped(first, doc_of), more, pages)
    rest = [c for c in ranked if id(c) not in on_first]
    start = (page - 2) * per_page
    return Page(grouped(rest[start : start + per_page], doc_of), pages=pages)


def grouped(items: list, doc_of) -> list:
    """Clauses of each document together, documents in order of their best clause."""
    order: dict[str, int] = {}
    for i, item in enumerate(items):
        order.setdefault(doc_of(item), i)
    return [item for _, item in sorted(enumerate(items), key=lambda ii: (order[doc_of(ii[1])], ii[0]))]
