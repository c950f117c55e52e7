"""A metadata sidecar read whole: its metadata fields, and the status it imposes on the document
("status = \"expired\"" with a reason) when the text does not say it."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from datetime import date
from pathlib import Path

from .model import DocMeta

STATUS_CODES = ("in_force", "not_yet", "expired", "partly")  # as search_app.status.LABELS
STATUS_KEYS = {"status": "code", "status_reason": "reason", "status_since": "since", "status_by": "by"}


def read_sidecar_with_status(path: Path) -> tuple[dict[str, str], dict]:
    """(metadata fields, status override) of `X.pdf.meta.toml`. The override is {} or
    {"code", "reason", "since", "by"} ("since"/"by" None when absent). Unknown keys, an unknown
    status, a status without its reason or a reason without a status are errors."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    status = {STATUS_KEYS[k]: str(data.pop(k)).strip() for k in list(data) if k in STATUS_KEYS}
    allowed = {f.name for f in fields(DocMeta)}
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown field(s) {sorted(unknown)}; allowed: {sorted(allowed | set(STATUS_KEYS))}")
    return {k: str(v) for k, v in data.items()}, status_override(status)


def status_override(status: dict[str, str]) -> dict:
    if not status:
        return {}
    if status.get("code") not in STATUS_CODES:
        raise ValueError(f"status must be one of {', '.join(STATUS_CODES)}")
    if not status.get("reason"):
        raise ValueError("status needs status_reason (why the text's status is overridden)")
    since = status.get("since") or None
    if since:
        try:
            date.fromisoformat(since)
        except ValueError:
            raise ValueError(f"status_since must be a date YYYY-MM-DD, not {since!r}") from None
    return {"code": status["code"], "reason": status["reason"], "since": since, "by": status.get("by") or None}
