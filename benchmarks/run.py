"""Run every benchmark (or the ones named) and rewrite BENCHMARKS.md.

Each ``benchmarks/bench_*.py`` module exposes ``run() -> list[Section]``.
Sections of benchmarks not run this time are kept from the previous file.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

from benchmarks.report import Section, write_benchmarks_md

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "BENCHMARKS.md"


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in Path(__file__).parent.glob("bench_*.py"))


def _previous_sections() -> dict[str, str]:
    if not OUTPUT.exists():
        return {}
    chunks = re.split(r"(?m)^## ", OUTPUT.read_text())[1:]
    return {chunk.splitlines()[0]: "## " + chunk for chunk in chunks}


def main(argv: list[str]) -> int:
    names = argv or available()
    sections: list[Section] = []
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"running benchmarks.bench_{name} …", flush=True)
        for section in module.run():
            print(section.to_markdown(), flush=True)
            sections.append(section)
    kept = _previous_sections()
    for section in sections:
        kept.pop(section.title, None)
    write_benchmarks_md(OUTPUT, sections)
    if argv and kept:
        with OUTPUT.open("a") as handle:
            handle.write("\n" + "\n".join(kept.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
