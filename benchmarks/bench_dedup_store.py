"""Dedup through the store: synthetic catalogues imported, then ``kitapbridge dedup``.

The real path a union catalogue takes: each school's records are imported into the
catalog (SQLite and PostgreSQL), then the CLI runs ``kitapbridge dedup --full`` (match
features read from MARC and stored), ``--full`` again (stored features reused) and a
plain incremental ``kitapbridge dedup`` with nothing new. Each command runs in its own
process; its wall time, CPU time (with its compare workers) and peak RSS are reported,
and precision/recall are read back from the stored clusters.

Run: ``PYTHONPATH=$PWD .venv/bin/python -m benchmarks.bench_dedup_store [SIZE]``.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict

import pymarc
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.bench_dedup import SEED, _copy, _editions, pairwise_quality
from benchmarks.bench_import import _postgres_store, _sqlite_store, _Store
from benchmarks.report import Section
from kitapbridge.catalog.ingest import IncomingRecord, ingest, start_run
from kitapbridge.catalog.models import StoredRecord
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.catalog.store import make_engine, migrate
from kitapbridge.config import DEFAULT_IMPORT_BATCH_SIZE
from kitapbridge.connectors.base import Holding, SourceRecord, SourceSystem
from kitapbridge.dedup.models import DedupMember
from kitapbridge.marc.conversion import Conversion
from kitapbridge.marc.flavour import Flavour

SIZE = 20_000
SCHOOLS = 40


def school_exports(size: int) -> tuple[dict[str, list[IncomingRecord]], list[int]]:
    """Per school ISIL, its export; and per local id (an int), the edition it copies.

    The copies of one edition go to different schools (a school's own duplicates are a
    review case, not what this measures).
    """
    rng = random.Random(SEED)
    exports: dict[str, list[IncomingRecord]] = defaultdict(list)
    truth: list[int] = []
    for edition in _editions(size, rng):
        for copy in range(rng.choice((1, 1, 2, 2, 3, 4))):
            if len(truth) == size:
                return exports, truth
            local_id = str(len(truth))
            record = _copy(edition, rng)
            record.add_ordered_field(pymarc.Field(tag="001", data=local_id))
            source = SourceRecord(
                system=SourceSystem.MARC,
                raw=record.as_marc(),
                raw_format="iso2709",
                index=len(truth),
                offset=0,
                local_id=local_id,
                holdings=[Holding(barcode=f"B{local_id}")],
            )
            school = f"KZ-{(edition.number + 7 * copy) % SCHOOLS:04d}"
            exports[school].append(
                (source, Conversion(record=record, flavour=Flavour.MARC21, encoding="utf-8"))
            )
            truth.append(edition.number)
    return exports, truth


def _import(sessions: sessionmaker[Session], exports: dict[str, list[IncomingRecord]]) -> float:
    started = time.perf_counter()
    for isil, export in sorted(exports.items()):
        with sessions.begin() as session:
            school = ensure_school(session, isil)
            run_id = start_run(session, school, SourceSystem.MARC, started_by="benchmark").id
        ingest(sessions, run_id, export, batch_size=DEFAULT_IMPORT_BATCH_SIZE)
    return time.perf_counter() - started


def _dedup_command(url: str, *options: str) -> tuple[float, float, float, str]:
    """Run ``kitapbridge dedup`` in a child; wall s, CPU s, peak RSS MiB, its summary line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-m", "kitapbridge", "dedup", *options],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"KITAPBRIDGE_DATABASE_URL": url},
    ).stdout
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # ru_maxrss of children is the largest child so far: the commands grow in that order.
    return wall, cpu, after.ru_maxrss / 1024, output.strip().splitlines()[-1]


def _quality(sessions: sessionmaker[Session], truth: list[int]) -> tuple[float, float]:
    with sessions() as session:
        rows = session.execute(
            sa.select(StoredRecord.local_id, DedupMember.cluster_id).join(
                DedupMember, DedupMember.record_id == StoredRecord.id
            )
        )
        clusters: dict[str, list[int]] = defaultdict(list)
        for local_id, cluster_id in rows:
            clusters[cluster_id].append(int(local_id))
    return pairwise_quality({k: tuple(v) for k, v in clusters.items()}, truth)


def _measure(label: str, store: _Store, size: int) -> list[list[str]]:
    exports, truth = school_exports(size)
    engine = make_engine(store.url)
    try:
        migrate(engine)
        sessions = sessionmaker(engine, expire_on_commit=False)
        imported = _import(sessions, exports)
        rows = [[label, f"{size:,}", "import (all schools)", f"{imported:.0f} s", "", "", "", ""]]
        for step, options in (
            ("dedup --full (features read from MARC)", ("--full",)),
            ("dedup --full (stored features)", ("--full",)),
            ("dedup (incremental, nothing new)", ()),
        ):
            wall, cpu, rss, summary = _dedup_command(store.url, *options)
            precision, recall = _quality(sessions, truth)
            rows.append(
                [
                    label,
                    f"{size:,}",
                    step,
                    f"{wall:.0f} s",
                    f"{cpu:.0f} s",
                    f"{rss:,.0f} MiB",
                    f"{precision:.4f} / {recall:.4f}",
                    summary,
                ]
            )
    finally:
        engine.dispose()
        store.cleanup()
    return rows


def run(size: int = SIZE) -> list[Section]:
    rows = _measure("SQLite", _sqlite_store(), size) + _measure(
        "PostgreSQL", _postgres_store(), size
    )
    return [
        Section(
            title="Dedup through the store (import, then kitapbridge dedup)",
            command="PYTHONPATH=$PWD .venv/bin/python -m benchmarks.bench_dedup_store",
            data=f"the synthetic catalogue of bench_dedup ({size:,} records) split over "
            f"{SCHOOLS} schools, imported with catalog.ingest",
            columns=[
                "store",
                "records",
                "step",
                "wall",
                "CPU",
                "peak RSS",
                "precision / recall",
                "command output",
            ],
            rows=rows,
            notes=[
                "Each dedup command is its own process (CLI start-up included); CPU is user + "
                "system of the command and its compare workers. 2-core machine shared with "
                "other jobs.",
            ],
        )
    ]


def main(argv: list[str]) -> int:
    for section in run(int(argv[0]) if argv else SIZE):
        print(section.to_markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
