"""A worker SIGKILLed in the middle of a 20,000-record import; a restarted worker finishes it.

The import must end exactly as an uninterrupted run of the same file: the same
counts and the same stored records. The killed work-horse leaves its job in
rq's started-job registry; the new ``kitapbridge worker`` sees at start-up
that the process executing it is gone and hands the job back, and the import
resumes after its last committed batch.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pymarc
import pytest
from redis import Redis
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.models import ImportRun, RunStatus, School, StoredRecord
from kitapbridge.catalog.store import make_engine, migrate
from kitapbridge.config import Settings
from kitapbridge.connectors import SourceSystem
from kitapbridge.queue.imports import import_job_id, submit_import
from kitapbridge.queue.progress import EXECUTOR_META_KEY
from kitapbridge.queue.runner import InlineRunner, RQRunner, job_queue

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RECORDS = 20_000
BATCH = 500
GIVE_UP_SECONDS = 600
"""A guard against hanging forever, not a timing assertion."""

pytestmark = [pytest.mark.slow, pytest.mark.redis]


def write_catalog(path: Path, count: int) -> None:
    """``count`` MARC21 records with Kazakh titles, 001 = local id."""
    with path.open("wb") as out:
        for n in range(count):
            record = pymarc.Record(force_utf8=True)
            record.leader = pymarc.Leader("00000nam a2200000 i 4500")
            record.add_field(pymarc.Field(tag="001", data=f"kz{n:06d}"))
            record.add_field(
                pymarc.Field(
                    tag="245",
                    indicators=pymarc.Indicators("1", "0"),
                    subfields=[
                        pymarc.Subfield("a", f"Қазақ әдебиеті, {n}-том :"),
                        pymarc.Subfield("b", "өлеңдер мен ғұмырнамалар"),
                    ],
                )
            )
            record.add_field(
                pymarc.Field(
                    tag="100",
                    indicators=pymarc.Indicators("1", " "),
                    subfields=[pymarc.Subfield("a", f"Әуезов, Мұхтар {n % 97}")],
                )
            )
            out.write(record.as_marc())


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    migrate(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def start_worker(redis_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KITAPBRIDGE_REDIS_URL": redis_url, "PYTHONPATH": str(PROJECT_ROOT)}
    with log.open("ab") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "kitapbridge", "-v", "worker"],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            # Its own process group with the RQ scheduler it forks, so that a crash can
            # take both, as a machine crash would (killing the worker alone orphans the
            # scheduler, which then outlives the test run).
            start_new_session=True,
        )


def wait_for_run(
    sessions: sessionmaker[Session], run_id: int, *, until: str, low: int = 0, high: int = RECORDS
) -> ImportRun:
    """Poll the run row until it has ``until`` status, or records done in [low, high]."""
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while time.monotonic() < deadline:
        with sessions() as session:
            run = session.get(ImportRun, run_id)
            assert run is not None
            if run.status == until or (until == "progress" and low <= run.records_done <= high):
                return run
            if run.status in (RunStatus.COMPLETED, RunStatus.FAILED):
                pytest.fail(f"run {run_id} ended ({run.status}) before {until}: {run.report}")
        time.sleep(0.1)
    pytest.fail(f"run {run_id} did not reach {until} in {GIVE_UP_SECONDS}s")


def stored_records(sessions: sessionmaker[Session], isil: str) -> list[tuple[str, str, bytes]]:
    with sessions() as session:
        statement = (
            select(StoredRecord.local_id, StoredRecord.content_hash, StoredRecord.marc)
            .join(School, School.id == StoredRecord.school_id)
            .where(School.isil == isil, StoredRecord.deleted.is_(False))
            .order_by(StoredRecord.local_id)
        )
        return [tuple(row) for row in session.execute(statement)]


def test_killed_worker_run_is_resumed_to_the_same_result(
    tmp_path: Path, database_url: str, redis_url: str, sessions: sessionmaker[Session]
) -> None:
    export = tmp_path / "kz-alm-0042.mrc"
    write_catalog(export, RECORDS)
    settings = Settings(database_url=database_url, redis_url=redis_url, import_batch_size=BATCH)
    common = {"system": SourceSystem.MARC, "source": str(export), "started_by": "test"}

    clean = submit_import(settings, sessions, InlineRunner(), isil="KZ-CLEAN-0001", **common)
    with sessions() as session:
        clean_run = session.get(ImportRun, clean.run_id)
        assert clean_run is not None and clean_run.status == RunStatus.COMPLETED
        clean_counts = clean_run.report["counts"]
    assert clean_counts == {
        "seen": RECORDS,
        "added": RECORDS,
        "updated": 0,
        "unchanged": 0,
        "restored": 0,
        "deleted": 0,
        "quarantined": 0,
    }

    connection = Redis.from_url(redis_url)
    log = tmp_path / "workers.log"
    first = start_worker(redis_url, log)
    second: subprocess.Popen[bytes] | None = None
    try:
        rq_runner = RQRunner(connection)
        crashed = submit_import(settings, sessions, rq_runner, isil="KZ-ALM-0042", **common)
        low, high = RECORDS // 5, RECORDS * 4 // 5
        wait_for_run(sessions, crashed.run_id, until="progress", low=low, high=high)
        job = job_queue(connection).fetch_job(import_job_id(crashed.run_id))
        assert job is not None
        horse_pid = job.get_meta(refresh=True)[EXECUTOR_META_KEY]["pid"]
        assert horse_pid != first.pid
        # A machine crash takes the worker and its work-horse (own process group) together.
        os.killpg(first.pid, signal.SIGKILL)
        os.kill(horse_pid, signal.SIGKILL)
        first.wait()
        with sessions() as session:
            interrupted = session.get(ImportRun, crashed.run_id)
            assert interrupted is not None and interrupted.status == RunStatus.RUNNING
            done_at_crash = interrupted.records_done
        assert low <= done_at_crash < RECORDS
        assert done_at_crash % BATCH == 0

        second = start_worker(redis_url, log)
        finished = wait_for_run(sessions, crashed.run_id, until=RunStatus.COMPLETED)
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait()
        connection.close()

    assert finished.report["counts"] == clean_counts
    assert [a["error"] for a in finished.report["attempts"]] == [
        f"abandoned: the process executing it (pid {horse_pid} on {os.uname().nodename}) is gone"
    ]
    assert stored_records(sessions, "KZ-ALM-0042") == stored_records(sessions, "KZ-CLEAN-0001")
    assert "requeued 1 abandoned job(s): import-run-" in log.read_text()
