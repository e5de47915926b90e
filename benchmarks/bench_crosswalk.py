"""RUSMARC → MARC21 crosswalk: throughput and how much of the source is mapped vs kept in 995."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pymarc

from benchmarks.report import Section
from kitapbridge.marc.crosswalk import crosswalk_to_marc21
from kitapbridge.marc.flavour import Flavour

FIXTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "marc"
#: (file, encoding) — real RUSMARC exports of NLR (ИРБИС, CP1251) and RSL/NLR (UTF-8).
SOURCES = [
    ("rusmarc-loge-gh/TEST1.ISO", "cp1251"),
    ("seed-format-marc/data/7_rusmarc.mrc", "utf-8"),
    ("seed-format-marc/data/NLR009673669.mrc", "utf-8"),
    ("seed-format-marc/data/NLR009673670.mrc", "utf-8"),
    ("seed-format-marc/data/01007496813.iso", "utf-8"),
    ("seed-format-marc/data/ISBN-978-5-901202-50-0/01003120729.iso", "utf-8"),
    ("seed-format-marc/data/history_xvii/RuMoRGB/01002988236_rusmarc.iso", "utf-8"),
]
ROUNDS = 20


def _records() -> list[pymarc.Record]:
    records: list[pymarc.Record] = []
    for name, encoding in SOURCES:
        with (FIXTURES / name).open("rb") as handle:
            options = {"force_utf8": True} if encoding == "utf-8" else {"file_encoding": encoding}
            reader = pymarc.MARCReader(handle, to_unicode=True, permissive=True, **options)
            records.extend(record for record in reader if record is not None)
    return records


def run() -> list[Section]:
    records = _records()
    fields = sum(len(record.get_fields()) for record in records)
    kept: Counter[str] = Counter()
    issues: Counter[str] = Counter()
    started = time.perf_counter()
    for round_number in range(ROUNDS):
        for record in records:
            result = crosswalk_to_marc21(record, Flavour.RUSMARC)
            if round_number == 0:
                kept.update(result.unmapped)
                issues.update(issue.code for issue in result.issues)
    elapsed = time.perf_counter() - started
    converted = len(records) * ROUNDS
    return [
        Section(
            title="RUSMARC → MARC21 crosswalk",
            command="python -m benchmarks.run crosswalk",
            data=f"{len(records)} real RUSMARC records ({fields} fields) × {ROUNDS} rounds",
            columns=["records/s", "ms/record", "fields kept in 995", "issues (by code)"],
            rows=[
                [
                    f"{converted / elapsed:,.0f}",
                    f"{1000 * elapsed / converted:.2f}",
                    f"{sum(kept.values())} of {fields} ({', '.join(sorted(kept))})",
                    ", ".join(f"{code} {n}" for code, n in sorted(issues.items())),
                ]
            ],
            notes=["Fields are read with pymarc.MARCReader (not the tolerant reader)."],
        )
    ]
