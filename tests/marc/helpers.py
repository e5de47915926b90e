"""Converting a whole fixture file, and skipping what needs the crosswalk."""

from __future__ import annotations

import shutil
import subprocess
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


needs_yaz = pytest.mark.skipif(
    shutil.which("yaz-marcdump") is None, reason="yaz-marcdump is not installed"
)


def yaz_accepts(path: Path) -> str:
    """Assert ``yaz-marcdump -n`` reads the ISO 2709 file without a word; its line dump."""
    check = subprocess.run(["yaz-marcdump", "-n", str(path)], capture_output=True, check=False)
    assert (check.returncode, check.stdout, check.stderr) == (0, b"", b"")
    dump = subprocess.run(
        ["yaz-marcdump", "-i", "marc", "-o", "line", str(path)], capture_output=True, check=True
    )
    return dump.stdout.decode("utf-8")


def record_count(line_dump: str) -> int:
    """Records in a yaz line dump: blocks separated by a blank line."""
    return len([block for block in line_dump.split("\n\n") if block.strip()])
