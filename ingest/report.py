"""The report of one ingest run: what happened to every file, and how long each step took."""

from __future__ import annotations

from dataclasses import dataclass, field

from .faults import WriteFailed


@dataclass
class FileOutcome:
    path: str
    outcome: str  # indexed | unchanged | removed | failed
    doc_id: str = ""
    reason: str = ""
    seconds: float = 0.0
    pages: int = 0
    units: int = 0
    pages_without_text: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. a page whose OCR timed out
    coverage: float | None = None  # characters of the text in exactly one indexed unit / all


@dataclass
class Report:
    corpus: str
    index: str
    started: str
    generation: str = ""
    seconds: float = 0.0
    files: list[FileOutcome] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    removed_temporaries: list[str] = field(default_factory=list)
    error: WriteFailed | None = None  # an I/O error stopped the run

    @property
    def counts(self) -> dict[str, int]:
        counts = {"indexed": 0, "unchanged": 0, "removed": 0, "failed": 0}
        for f in self.files:
            counts[f.outcome] += 1
        return counts

    @property
    def exit_status(self) -> int:
        """0 all went well, 1 some files failed, 2 an I/O error stopped the run."""
        if self.error is not None:
            return 2
        return 1 if self.counts["failed"] else 0

    def to_dict(self) -> dict:
        return {
            "corpus": self.corpus, "index": self.index, "started": self.started,
            "generation": self.generation, "seconds": round(self.seconds, 3),
            "counts": self.counts, "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "removed_temporaries": self.removed_temporaries,
            "error": None if self.error is None else {
                "step": self.error.step, "path": self.error.path, "message": str(self.error),
            },
            "files": [
                {k: v for k, v in vars(f).items()
                 if v not in ("", [], 0, 0.0, None) or k in ("path", "outcome") or (k == "coverage" and v is not None)}
                for f in self.files
            ],
        }
