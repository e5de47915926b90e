"""The shape every benchmark returns, and how BENCHMARKS.md is written from them."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass
class Section:
    """One benchmark's result: a titled table plus the command and data size behind it."""

    title: str
    command: str
    data: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)

    def to_markdown(self) -> str:
        lines = [f"## {self.title}", "", f"- data: {self.data}", f"- command: `{self.command}`", ""]
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "---|" * len(self.columns))
        lines.extend("| " + " | ".join(row) + " |" for row in self.rows)
        if self.notes:
            lines.append("")
            lines.extend(f"- {note}" for note in self.notes)
        return "\n".join(lines) + "\n"


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}"


def git_revision() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_benchmarks_md(path: Path, sections: list[str]) -> None:
    """Write the header and the sections (already rendered), one blank line apart."""
    header = [
        "# Benchmarks",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {machine_description()}",
        f"- revision: {git_revision()}",
        "- reproduce: `make bench` (or `python -m benchmarks.run NAME` for one section)",
        "",
        "Timings vary with machine load; ratios against a peer measured in the same run"
        " are the figures to compare.",
        "",
    ]
    path.write_text("\n".join(header) + "\n".join(text.strip() + "\n" for text in sections))
