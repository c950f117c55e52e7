"""Ingest pipeline: Vietnamese government documents → a Whoosh index of cited clauses."""

from .pipeline import IndexLocked, Report, UsageError, run_ingest

__all__ = ["IndexLocked", "Report", "UsageError", "run_ingest"]
