"""Both runners run the same job functions; a failure lands on the import run with its traceback."""

from __future__ import annotations

import pytest
from queue_support import RunnerUnderTest, open_run
from queue_test_jobs import collapse_shelf, count_shelves
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.models import ImportRun, RunStatus
from kitapbridge.queue.progress import Progress
from kitapbridge.queue.runner import RETRY_INTERVALS, JobState, RQRunner, job_queue


def test_job_result_and_progress(runner: RunnerUnderTest) -> None:
    runner.runner.submit(
        count_shelves, {"shelves": 4}, job_id="count-4", description="count four shelves"
    )
    runner.drain()

    outcome = runner.runner.outcome("count-4")
    assert outcome is not None
    assert outcome.state is JobState.FINISHED
    assert outcome.result == {"shelves": 4}
    assert outcome.error is None
    if isinstance(runner.runner, RQRunner):
        assert outcome.progress == Progress(4, 4)
    else:
        assert runner.reports == [Progress(1, 4), Progress(2, 4), Progress(3, 4), Progress(4, 4)]


def test_failure_is_recorded_on_the_run(
    runner: RunnerUnderTest, store: sessionmaker[Session], database_url: str
) -> None:
    run_id = open_run(store)
    kwargs = {"run_id": run_id, "database_url": database_url}
    runner.runner.submit(collapse_shelf, kwargs, job_id="collapse", description="collapse")
    runner.drain()

    outcome = runner.runner.outcome("collapse")
    with store() as session:
        run = session.get(ImportRun, run_id)
        assert run is not None
        assert run.report["error"] == f"ShelfCollapsed: shelf 3 of run {run_id} collapsed"
        assert 'queue_test_jobs.py", line' in run.report["traceback"]
        assert len(run.report["attempts"]) == 1
        if isinstance(runner.runner, RQRunner):
            # The first of three retries is scheduled: the run is not over.
            assert outcome is not None and outcome.state is JobState.QUEUED
            assert run.status == RunStatus.RUNNING
            assert run.report["will_retry"] is True
            assert run.finished_at is None
        else:
            assert outcome is not None and outcome.state is JobState.FAILED
            assert "ShelfCollapsed: shelf 3" in (outcome.error or "")
            assert run.status == RunStatus.FAILED
            assert run.report["will_retry"] is False
            assert run.finished_at is not None


@pytest.mark.redis
def test_rq_retries_with_backoff_then_keeps_the_job_in_the_failed_registry(
    redis_url: str, store: sessionmaker[Session], database_url: str
) -> None:
    from redis import Redis

    connection = Redis.from_url(redis_url)
    rq_runner = RQRunner(connection)
    run_id = open_run(store)
    kwargs = {"run_id": run_id, "database_url": database_url}
    rq_runner.submit(collapse_shelf, kwargs, job_id="collapse", description="collapse")
    queue = job_queue(connection)
    job = queue.fetch_job("collapse")
    assert job is not None
    assert job.retries_left == 3
    assert job.retry_intervals == list(RETRY_INTERVALS)
    # The last attempt: no retries left, so the failure is final.
    job.retries_left = 0
    job.save()
    RunnerUnderTest(rq_runner, [], connection).drain()

    assert queue.failed_job_registry.get_job_ids() == ["collapse"]
    outcome = rq_runner.outcome("collapse")
    assert outcome is not None and outcome.state is JobState.FAILED
    assert "ShelfCollapsed: shelf 3" in (outcome.error or "")
    with store() as session:
        run = session.get(ImportRun, run_id)
        assert run is not None
        assert run.status == RunStatus.FAILED
        assert run.report["will_retry"] is False
    connection.close()
