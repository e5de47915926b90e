"""What the job queue costs: one import run inline, and the same run through RQ and a worker.

Both import the same synthetic ISO 2709 export into a fresh SQLite store with
the same job function. The RQ figure is wall time from enqueue to the run's
completion with one ``kitapbridge worker --burst`` process (start-up, fork of
the work-horse, Redis round trips included), so the ratio is the queue's
overhead on a realistic job. Needs Redis (``KITAPBRIDGE_BENCH_REDIS_URL``,
default database 15, which the test suite never uses); without it only the
inline row is measured.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from benchmarks.report import Section
from benchmarks.synthetic_catalog import marc_record
from kitapbridge.catalog.models import ImportRun, RunStatus
from kitapbridge.catalog.store import close_store, make_engine, migrate, open_store
from kitapbridge.config import Settings
from kitapbridge.connectors import SourceSystem
from kitapbridge.queue.imports import submit_import
from kitapbridge.queue.runner import InlineRunner, RQRunner

RECORDS = 5_000
REPEATS = 3
REDIS_URL = os.environ.get("KITAPBRIDGE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parent.parent


def _write_export(path: Path) -> None:
    with path.open("wb") as out:
        for n in range(RECORDS):
            out.write(marc_record(n).as_marc())


def _fresh_settings(folder: Path, name: str, redis_url: str | None) -> Settings:
    database_url = f"sqlite:///{folder / name}"
    engine = make_engine(database_url)
    migrate(engine)
    engine.dispose()
    return Settings(database_url=database_url, redis_url=redis_url)


def _inline_seconds(folder: Path, export: Path, repeat: int) -> float:
    settings = _fresh_settings(folder, f"inline-{repeat}.db", None)
    sessions = open_store(settings)
    started = time.perf_counter()
    submit_import(
        settings,
        sessions,
        InlineRunner(),
        isil="KZ-BENCH-0001",
        system=SourceSystem.MARC,
        source=str(export),
        started_by="bench",
    )
    elapsed = time.perf_counter() - started
    close_store(sessions)
    return elapsed


def _rq_seconds(folder: Path, export: Path, repeat: int, connection: Redis) -> float:
    settings = _fresh_settings(folder, f"rq-{repeat}.db", REDIS_URL)
    sessions = open_store(settings)
    env = {**os.environ, "KITAPBRIDGE_REDIS_URL": REDIS_URL, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    submission = submit_import(
        settings,
        sessions,
        RQRunner(connection),
        isil="KZ-BENCH-0001",
        system=SourceSystem.MARC,
        source=str(export),
        started_by="bench",
    )
    subprocess.run([sys.executable, "-m", "kitapbridge", "worker", "--burst"], env=env, check=True)
    elapsed = time.perf_counter() - started
    with sessions() as session:
        run = session.get(ImportRun, submission.run_id)
        assert run is not None and run.status == RunStatus.COMPLETED, run
    close_store(sessions)
    return elapsed


def run() -> list[Section]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export = folder / "export.mrc"
        _write_export(export)
        inline = [_inline_seconds(folder, export, r) for r in range(REPEATS)]
        rows = [["inline (in-process)", f"{statistics.median(inline):.2f}", "1.00"]]
        notes: list[str] = []
        connection = Redis.from_url(REDIS_URL)
        try:
            connection.flushdb()
            queued = [_rq_seconds(folder, export, r, connection) for r in range(REPEATS)]
            ratio = statistics.median(queued) / statistics.median(inline)
            rows.append(["RQ + 1 worker", f"{statistics.median(queued):.2f}", f"{ratio:.2f}"])
            connection.flushdb()
        except RedisConnectionError as error:
            notes.append(f"RQ not measured: Redis unreachable at {REDIS_URL} ({error})")
        finally:
            connection.close()
    rate = RECORDS / statistics.median(inline)
    notes.append(f"inline throughput: {rate:,.0f} records/s (decode, convert, store, index)")
    return [
        Section(
            title="Job queue: one import run inline and through RQ",
            command="python -m benchmarks.run queue",
            data=f"{RECORDS:,} synthetic MARC21 records (ISO 2709), fresh SQLite store, "
            f"median of {REPEATS}",
            columns=["runner", "seconds", "ratio to inline"],
            rows=rows,
            notes=notes,
        )
    ]
