"""Ingest pipeline: Vietnamese government documents → a Whoosh index of cited clauses.

The batch job (ingest.pipeline) is loaded only when one of its names is asked for: the web
server imports ingest.textnorm and friends without it."""

_BATCH_NAMES = {
    "IndexLocked": "ingest.locking",
    "Report": "ingest.report",
    "UsageError": "ingest.pipeline",
    "run_ingest": "ingest.pipeline",
}

__all__ = list(_BATCH_NAMES)


def __getattr__(name: str):
    if name not in _BATCH_NAMES:
        raise AttributeError(f"module 'ingest' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_BATCH_NAMES[name]), name)
