"""``resume_import`` under RQ: a failed job is requeued, a dead one handed back, a live one kept."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pymarc
import pytest
from queue_support import RunnerUnderTest
from redis import Redis
from rq.job import JobStatus
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.models import ImportRun, RunStatus
from kitapbridge.config import Settings
from kitapbridge.connectors import SourceSystem
from kitapbridge.queue.imports import ResumeError, import_job_id, resume_import, submit_import
from kitapbridge.queue.progress import EXECUTOR_META_KEY
from kitapbridge.queue.runner import JobState, RQRunner, job_queue

pytestmark = pytest.mark.redis


def write_export(path: Path) -> None:
    with path.open("wb") as out:
        for n, title in enumerate(["Абай жолы", "Ұлпан"], start=1):
            record = pymarc.Record(force_utf8=True)
            record.add_field(pymarc.Field(tag="001", data=f"b{n}"))
            record.add_field(
                pymarc.Field(
                    tag="245",
                    indicators=pymarc.Indicators("1", "0"),
                    subfields=[pymarc.Subfield("a", title)],
                )
            )
            out.write(record.as_marc())


@pytest.fixture
def rq_runner(redis_url: str) -> Iterator[RQRunner]:
    runner = RQRunner(Redis.from_url(redis_url))
    yield runner
    runner.close()


def queued_import(
    store: sessionmaker[Session], database_url: str, runner: RQRunner, export: Path
) -> tuple[Settings, int]:
    settings = Settings(database_url=database_url)
    submission = submit_import(
        settings,
        store,
        runner,
        isil="KZ-ALM-0042",
        system=SourceSystem.MARC,
        source=str(export),
        started_by="test",
    )
    return settings, submission.run_id


def pretend_started_by(runner: RQRunner, run_id: int, pid: int) -> None:
    """Make the queued job look as if process ``pid`` here had started it."""
    job = runner.queue.fetch_job(import_job_id(run_id))
    assert job is not None
    runner.queue.remove(job)
    job.meta[EXECUTOR_META_KEY] = {"hostname": socket.gethostname(), "pid": pid}
    job.save_meta()
    job.set_status(JobStatus.STARTED)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def run_status(store: sessionmaker[Session], run_id: int) -> ImportRun:
    with store() as session:
        run = session.get(ImportRun, run_id)
        assert run is not None
        return run


def test_a_failed_job_is_requeued_and_completes(
    store: sessionmaker[Session], database_url: str, rq_runner: RQRunner, tmp_path: Path
) -> None:
    export = tmp_path / "late.mrc"
    settings, run_id = queued_import(store, database_url, rq_runner, export)
    job = rq_runner.queue.fetch_job(import_job_id(run_id))
    assert job is not None
    job.retries_left = 0
    job.save()
    drain = RunnerUnderTest(rq_runner, [], rq_runner.connection).drain
    drain()
    assert run_status(store, run_id).status == RunStatus.FAILED

    write_export(export)  # the operator fixes the cause, then resumes
    resumed = resume_import(settings, store, rq_runner, run_id)
    assert resumed.job.state is JobState.QUEUED
    assert job_queue(rq_runner.connection).failed_job_registry.get_job_ids() == []
    drain()
    run = run_status(store, run_id)
    assert run.status == RunStatus.COMPLETED
    assert (run.records_done, run.added) == (2, 2)


def test_a_job_whose_process_here_is_alive_is_not_resumed(
    store: sessionmaker[Session], database_url: str, rq_runner: RQRunner, tmp_path: Path
) -> None:
    settings, run_id = queued_import(store, database_url, rq_runner, tmp_path / "x.mrc")
    pretend_started_by(rq_runner, run_id, os.getpid())
    with pytest.raises(ResumeError) as raised:
        resume_import(settings, store, rq_runner, run_id)
    where = f"pid {os.getpid()} on {socket.gethostname()}"
    assert str(raised.value) == f"run {run_id}: still being imported by {where}"


def test_a_job_whose_process_here_died_is_handed_back(
    store: sessionmaker[Session], database_url: str, rq_runner: RQRunner, tmp_path: Path
) -> None:
    export = tmp_path / "katalog.mrc"
    write_export(export)
    settings, run_id = queued_import(store, database_url, rq_runner, export)
    pid = dead_pid()
    pretend_started_by(rq_runner, run_id, pid)

    resumed = resume_import(settings, store, rq_runner, run_id)
    assert resumed.job.state is JobState.QUEUED
    assert rq_runner.queue.job_ids == [import_job_id(run_id)]
    run = run_status(store, run_id)
    assert run.status == RunStatus.RUNNING
    expected = f"abandoned: the process executing it (pid {pid} on {socket.gethostname()}) is gone"
    assert run.report["error"] == expected

    RunnerUnderTest(rq_runner, [], rq_runner.connection).drain()
    assert run_status(store, run_id).status == RunStatus.COMPLETED


def test_a_completed_run_is_not_resumed(
    store: sessionmaker[Session], database_url: str, rq_runner: RQRunner, tmp_path: Path
) -> None:
    export = tmp_path / "katalog.mrc"
    write_export(export)
    settings, run_id = queued_import(store, database_url, rq_runner, export)
    RunnerUnderTest(rq_runner, [], rq_runner.connection).drain()
    with pytest.raises(ResumeError) as raised:
        resume_import(settings, store, rq_runner, run_id)
    assert raised.value.reason == "already completed"


def test_a_canceled_job_is_replaced_by_a_fresh_one(
    store: sessionmaker[Session], database_url: str, rq_runner: RQRunner, tmp_path: Path
) -> None:
    export = tmp_path / "katalog.mrc"
    write_export(export)
    settings, run_id = queued_import(store, database_url, rq_runner, export)
    job = rq_runner.queue.fetch_job(import_job_id(run_id))
    assert job is not None
    job.cancel()
    assert rq_runner.queue.job_ids == []

    resumed = resume_import(settings, store, rq_runner, run_id)
    assert resumed.job.state is JobState.QUEUED
    assert rq_runner.queue.job_ids == [import_job_id(run_id)]
    RunnerUnderTest(rq_runner, [], rq_runner.connection).drain()
    assert run_status(store, run_id).status == RunStatus.COMPLETED
