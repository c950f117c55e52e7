"""The report of one ingest run: what happened to every file, and how long each step took."""

from __future__ import annotations

from dataclasses import dataclass, field


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

    @property
    def counts(self) -> dict[str, int]:
        counts = {"indexed": 0, "unchanged": 0, "removed": 0, "failed": 0}
        for f in self.files:
            counts[f.outcome] += 1
        return counts

    @property
    def exit_status(self) -> int:
        return 1 if self.counts["failed"] else 0

    def to_dict(self) -> dict:
        return {
            "corpus": self.corpus, "index": self.index, "started": self.started,
            "generation": self.generation, "seconds": round(self.seconds, 3),
            "counts": self.counts, "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "removed_temporaries": self.removed_temporaries,
            "files": [
                {k: v for k, v in vars(f).items() if v not in ("", [], 0, 0.0) or k in ("path", "outcome")}
                for f in self.files
            ],
        }
