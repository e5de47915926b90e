"""What a conversion run did, per input file, in a form staff can read and tools can parse."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kitapbridge.connectors.base import SourceRecord
from kitapbridge.marc.conversion import Conversion
from kitapbridge.marc.issues import Severity

MAX_DECISIONS_KEPT = 200
"""Decisions listed per file; the counts cover every record."""


@dataclass(frozen=True)
class Rejection:
    """A record that was not converted: where it was and why."""

    index: int
    offset: int
    reason: str


@dataclass
class FileReport:
    """Counts for one input file."""

    path: str
    input_format: str | None = None
    records_read: int = 0
    converted: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    flavours: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    unmapped: Counter[str] = field(default_factory=Counter)
    decisions: list[str] = field(default_factory=list)
    error: str | None = None
    """Set when the file as a whole could not be read (missing, not MARC)."""

    def add(self, source: SourceRecord, conversion: Conversion) -> None:
        self.records_read += 1
        self.input_format = source.raw_format
        if conversion.flavour is not None:
            self.flavours[conversion.flavour.value] += 1
        if conversion.encoding is not None:
            self.encodings[conversion.encoding] += 1
        self.unmapped.update(conversion.unmapped)
        self.warnings.update(i.code for i in conversion.issues if i.severity is Severity.WARNING)
        if len(self.decisions) < MAX_DECISIONS_KEPT:
            label = f"record {source.index} at byte {source.offset}"
            self.decisions.extend(f"{label}: {decision}" for decision in conversion.decisions)
        if conversion.rejected:
            reason = conversion.reject_reason or "no record could be read"
            self.rejected.append(Rejection(source.index, source.offset, reason))
        else:
            self.converted += 1

    def reject_unwritable(self, source: SourceRecord, reason: str) -> None:
        """A converted record the output format could not hold (ISO 2709 length limits)."""
        self.converted -= 1
        self.rejected.append(Rejection(source.index, source.offset, reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.input_format,
            "records_read": self.records_read,
            "converted": self.converted,
            "rejected": [vars(rejection) for rejection in self.rejected],
            "flavours": dict(sorted(self.flavours.items())),
            "encodings": dict(sorted(self.encodings.items())),
            "warnings": dict(sorted(self.warnings.items())),
            "unmapped": dict(sorted(self.unmapped.items())),
            "decisions": self.decisions,
            "error": self.error,
        }


@dataclass
class ConversionReport:
    """The report of one ``kitapbridge convert`` run: one ``FileReport`` per input."""

    files: list[FileReport] = field(default_factory=list)

    def start_file(self, path: Path) -> FileReport:
        report = FileReport(str(path))
        self.files.append(report)
        return report

    @property
    def records_read(self) -> int:
        return sum(f.records_read for f in self.files)

    @property
    def converted(self) -> int:
        return sum(f.converted for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(len(f.rejected) for f in self.files)

    @property
    def unreadable_files(self) -> list[FileReport]:
        return [f for f in self.files if f.error is not None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "records_read": self.records_read,
            "converted": self.converted,
            "rejected": self.rejected,
            "files": [f.as_dict() for f in self.files],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)

    def summary(self) -> str:
        """One line for the terminal."""
        return (
            f"{self.records_read} records read, {self.converted} converted, "
            f"{self.rejected} rejected, {len(self.unreadable_files)} unreadable files"
        )
