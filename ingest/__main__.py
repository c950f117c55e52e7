"""`python -m ingest`: the batch job's command line (ingest/cli.py)."""

from .cli import main

raise SystemExit(main())
