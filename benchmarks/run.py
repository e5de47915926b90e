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
    fresh = {section.title: section.to_markdown() for section in sections}
    previous = _previous_sections() if argv else {}
    # Sections run now replace their old text in place; the others keep theirs and their order.
    titles = list(previous) + [title for title in fresh if title not in previous]
    write_benchmarks_md(OUTPUT, [fresh.get(title) or previous[title] for title in titles])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
