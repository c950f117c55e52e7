"""How a clause is cited: "Điểm a Khoản 2 Điều 1 — Quyết định 1322/QĐ-TTg ngày 31/8/2020, tr. 2"."""

from __future__ import annotations

from .document import meta_display_name
from .model import DocMeta


def format_date(iso: str) -> str:
    """ "2020-08-31" → "31/8/2020"."""
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{int(d)}/{int(m)}/{y}"


def citation(label: str, meta: DocMeta, page: int | None, attachment: str = "") -> str:
    """ "Điểm a Khoản 2 Điều 1 — Quyết định 1322/QĐ-TTg ngày 31/8/2020, tr. 2"; a unit of an
    attachment is cited through it, as Vietnamese documents do: "Điểm đ Khoản 1 Điều 3 Quy định
    ban hành kèm theo Quyết định 4321/QĐ-UBND ngày 2/2/2026, tr. 2"."""
    doc = meta_display_name(meta)
    if meta.issued:
        doc += f" ngày {format_date(meta.issued)}"
    if attachment:
        text = " ".join(filter(None, [label, attachment, doc]))
        return f"{text}, tr. {page}" if page else text
    text = f"{label} — {doc}" if label and label not in ("Phần mở đầu",) else doc
    if label == "Phần mở đầu":
        text = f"Phần mở đầu — {doc}"
    return f"{text}, tr. {page}" if page else text
