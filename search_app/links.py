"""Links to the page being shown with some of its parameters changed (facets, pagination)."""

from __future__ import annotations

from flask import request, url_for


def url_with(endpoint: str, **changes) -> str:
    """The current query string with `changes` applied (None or "" removes a parameter); any
    change but the page number goes back to page 1."""
    params = {k: v for k, v in request.args.items() if v}
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    if "page" not in changes:
        params.pop("page", None)
    return url_for(endpoint, **params)
