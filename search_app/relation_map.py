"""The relationship map ("Lược đồ") of one document, rendered on the server as plain HTML: the
document in the middle, the documents it rests on to one side and those acting on it to the
other, in labelled groups. No script and no inline style (the CSP forbids both): the classes
are styled by the .relation-map rules of static/style.css (no inline style: the CSP forbids it)."""

from __future__ import annotations

from typing import Callable

from markupsafe import Markup, escape

from ingest.validity_model import ValidityFacts

from .status import RelationIndex, Status

# (direction, relation types, group title, side of the map)
GROUPS = (
    ("out", ("based_on",), "Căn cứ ban hành", "upstream"),
    ("out", ("guides", "implements"), "Văn bản được hướng dẫn, thực hiện", "upstream"),
    ("out", ("consolidates",), "Văn bản được hợp nhất", "upstream"),
    ("out", ("replaces", "repeals", "amends"), "Văn bản bị sửa đổi, thay thế, bãi bỏ", "upstream"),
    ("in", ("replaces", "repeals", "amends"), "Sửa đổi, thay thế, bãi bỏ văn bản này", "downstream"),
    ("in", ("guides", "implements"), "Hướng dẫn, thực hiện văn bản này", "downstream"),
    ("in", ("consolidates",), "Văn bản hợp nhất", "downstream"),
    ("in", ("based_on",), "Lấy văn bản này làm căn cứ", "downstream"),
)
TYPE_LABELS = {
    "replaces": "thay thế", "repeals": "bãi bỏ", "amends": "sửa đổi, bổ sung", "guides": "hướng dẫn",
    "implements": "thực hiện", "based_on": "căn cứ", "consolidates": "hợp nhất",
}
def edges(doc_key: str, docs: dict[str, ValidityFacts], *, index: RelationIndex | None = None,
          doc_url: Callable[[str], str] | None = None, ref_url: Callable[[str], str] | None = None,
          statuses: dict[str, Status] | None = None) -> list[dict]:
    """Every relation from and to one document. `doc_key` is a doc key of `docs`, or the number
    key of a cited document that is not in the corpus. `doc_url(doc_key)` and `ref_url(number_key)`
    give the links; a node without either has "url": None."""
    index = index or RelationIndex(docs)
    out = []
    for edge in index.outgoing.get(doc_key, []):
        r = edge.relation
        other = edge.target_doc
        facts = docs.get(other) if other else None
        name = facts.name if facts else (f"{r.target_type} {r.target_number}".strip() if r.target_number else r.target_name)
        out.append(_edge_dict("out", edge, other, r.target_key, r.target_number or (facts.number if facts else ""),
                              name, doc_url, ref_url, statuses))
    for edge in index.incoming.get(doc_key, []):
        facts = docs[edge.source]
        out.append(_edge_dict("in", edge, edge.source, facts.key, facts.number, facts.name, doc_url, ref_url, statuses))
    return out


def render_relation_map(doc_key: str, docs: dict[str, ValidityFacts], *, index: RelationIndex | None = None,
                        doc_url: Callable[[str], str] | None = None, ref_url: Callable[[str], str] | None = None,
                        statuses: dict[str, Status] | None = None, center_name: str = "") -> Markup:
    """The map as escaped HTML; empty when the document has no relation."""
    items = edges(doc_key, docs, index=index, doc_url=doc_url, ref_url=ref_url, statuses=statuses)
    if not items:
        return Markup("")
    facts = docs.get(doc_key)
    name = center_name or (facts.name if facts else doc_key)
    sides = {"upstream": [], "downstream": []}
    for direction, types, title, side in GROUPS:
        members = [e for e in items if e["direction"] == direction and e["type"] in types]
        if members:
            sides[side].append(_group_html(title, members))
    center_status = statuses.get(doc_key) if statuses else None
    center = escape(name)
    if center_status:
        center += Markup('<br><span class="status">{}</span>').format(center_status.label)
    return Markup(
        '<section class="relation-map" aria-label="Lược đồ quan hệ">'
        '<div class="side upstream">{}</div><div class="center">{}</div><div class="side downstream">{}</div>'
        "</section>"
    ).format(Markup("").join(sides["upstream"]), center, Markup("").join(sides["downstream"]))


def _edge_dict(direction, edge, other_doc, other_key, other_number, name, doc_url, ref_url, statuses) -> dict:
    r = edge.relation
    url = None
    if other_doc and doc_url:
        url = doc_url(other_doc)
    elif other_key and ref_url:
        url = ref_url(other_key)
    status = statuses.get(other_doc or other_key) if statuses else None
    return {
        "direction": direction, "type": r.type, "relation": TYPE_LABELS[r.type],
        "doc_id": other_doc, "key": other_key or None, "number": other_number or None, "name": name,
        "units": list(r.target_units), "proof": r.proof_unit.to_dict(), "since": edge.since(), "url": url,
        "status": status.to_dict() if status else None,
    }


def _group_html(title: str, members: list[dict]) -> Markup:
    rows = []
    for e in members:
        node = escape(e["name"])
        if e["url"]:
            node = Markup('<a href="{}">{}</a>').format(e["url"], e["name"])
        detail = e["relation"] + (" " + ", ".join(e["units"]) if e["units"] else "")
        extra = Markup(' <span class="relation">({})</span>').format(detail)
        if e["status"]:
            extra += Markup(' <span class="status">{}</span>').format(e["status"]["label"])
        rows.append(Markup("<li>{}{}</li>").format(node, extra))
    return Markup('<div class="group"><h3>{}</h3><ul>{}</ul></div>').format(title, Markup("").join(rows))

