"""Converting a whole fixture file, and skipping what needs the crosswalk."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kitapbridge.marc.conversion import Conversion
from kitapbridge.marc.pipeline import convert_record
from kitapbridge.marc.reading import read_marc_file


@dataclass
class FileResult:
    conversions: list[Conversion] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)

    @property
    def converted(self) -> list[Conversion]:
        return [c for c in self.conversions if not c.rejected]

    @property
    def rejected(self) -> list[tuple[int, int, str | None]]:
        return [
            (index, offset, c.reject_reason)
            for index, (offset, c) in enumerate(zip(self.offsets, self.conversions, strict=True))
            if c.rejected
        ]


def convert_file(path: Path) -> FileResult:
    result = FileResult()
    for source in read_marc_file(path):
        result.conversions.append(convert_record(source))
        result.offsets.append(source.offset)
    return result


def crosswalk_available() -> bool:
    try:
        import kitapbridge.marc.crosswalk  # noqa: F401
    except ModuleNotFoundError:
        return False
    return True


needs_crosswalk = pytest.mark.skipif(
    not crosswalk_available(),
    reason="kitapbridge.marc.crosswalk (RUSMARC/UNIMARC → MARC21) is not in this tree yet",
)
