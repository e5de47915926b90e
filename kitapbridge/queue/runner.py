"""Two runners, one code path: RQ on Redis in production, inline in-process on a laptop.

Both call the same plain functions of ``kitapbridge.queue.jobs`` with the same
keyword arguments. rq's own ``is_async=False`` mode still needs a Redis server,
so the inline runner is ours.

A job function just raises. The runner is the one place that turns a job's
exception into a recorded failure: the inline runner catches it itself, the
RQ runner registers ``record_job_failure`` as the job's failure callback, which
rq calls in the work-horse after an exception and in any worker's registry
clean-up when a work-horse died (``AbandonedJobError``). Either way the
traceback and status land on the job's import run (``runs.record_run_failure``).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType
from typing import Any, Protocol

from redis import Redis
from rq import Callback, Queue, Retry
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from kitapbridge.queue.progress import Progress, ProgressReporter, ignore_progress, progress_of
from kitapbridge.queue.runs import failure_reason, record_run_failure

logger = logging.getLogger(__name__)

QUEUE_NAME = "kitapbridge"
"""The one RQ queue every kitapbridge job goes to; run more workers to scale out."""

JOB_TIMEOUT = 12 * 3600
"""Seconds a job may run before rq stops it: a national import takes hours, not days."""

RESULT_TTL = 30 * 24 * 3600
"""Seconds a finished job's result (the import report) stays in Redis."""

RETRY_INTERVALS = (10, 30, 60)
"""Seconds before the first, second and third retry of a failed or abandoned job."""

JOB_SERIALIZER = JSONSerializer
"""Job arguments and results travel as JSON: serialisable by design, no pickle from Redis."""

INLINE_OUTCOMES_KEPT = 100
"""Outcomes the inline runner remembers (a long-lived web process must not grow without end)."""

JobFunction = Callable[..., Any]


class JobState(StrEnum):
    """A job's state as the runners report it (rq's states folded to what a caller acts on)."""

    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


@dataclass(frozen=True)
class JobOutcome:
    """What a runner knows about one job: its state, progress, result or traceback."""

    job_id: str
    state: JobState
    progress: Progress | None = None
    result: Any = None
    error: str | None = None

    @property
    def ended(self) -> bool:
        return self.state in (JobState.FINISHED, JobState.FAILED)


class Runner(Protocol):
    """Submits jobs and tells their state; ``job_id`` is chosen by the caller (idempotent)."""

    def submit(
        self,
        function: JobFunction,
        kwargs: Mapping[str, Any],
        *,
        job_id: str,
        description: str,
        depends_on: str | None = None,
    ) -> JobOutcome:
        """Submit a job; with ``depends_on``, it runs only after that job has finished."""
        ...

    def outcome(self, job_id: str) -> JobOutcome | None: ...

    def close(self) -> None:
        """Release the runner's connection, if it has one."""


@dataclass
class InlineRunner:
    """Runs each job at once in this process; ``progress`` receives its progress reports.

    No retries: a person is watching the command and can resume the run
    (``kitapbridge import --resume RUN``), which picks up after the last
    committed batch exactly as a retried RQ job does.
    """

    progress: ProgressReporter = ignore_progress
    outcomes: dict[str, JobOutcome] = field(default_factory=dict)

    def submit(
        self,
        function: JobFunction,
        kwargs: Mapping[str, Any],
        *,
        job_id: str,
        description: str,
        depends_on: str | None = None,
    ) -> JobOutcome:
        if depends_on is not None:
            dependency = self.outcomes.get(depends_on)
            if dependency is None or dependency.state is not JobState.FINISHED:
                # A dependency ran (inline, already) and did not finish: rq would never run it.
                error = f"not run: job {depends_on} did not finish"
                return self._remember(JobOutcome(job_id, JobState.FAILED, error=error))
        logger.info("job %s: running inline: %s", job_id, description)
        try:
            result = function(**kwargs, progress=self.progress)
        except Exception as error:  # the runner boundary: record the failure, never drop it
            text = "".join(traceback.format_exception(error))
            logger.error("job %s: failed: %s", job_id, error)
            record_run_failure(kwargs, failure_reason(error), traceback=text, will_retry=False)
            outcome = JobOutcome(job_id, JobState.FAILED, error=text)
        else:
            outcome = JobOutcome(job_id, JobState.FINISHED, result=result)
        return self._remember(outcome)

    def _remember(self, outcome: JobOutcome) -> JobOutcome:
        self.outcomes[outcome.job_id] = outcome
        while len(self.outcomes) > INLINE_OUTCOMES_KEPT:
            del self.outcomes[next(iter(self.outcomes))]
        return outcome

    def outcome(self, job_id: str) -> JobOutcome | None:
        return self.outcomes.get(job_id)

    def close(self) -> None:
        self.outcomes.clear()


class RQRunner:
    """Enqueues jobs on the ``kitapbridge`` RQ queue of the Redis ``connection`` it is given.

    Failed and abandoned jobs are retried three times, after 10, 30 and 60
    seconds (``kitapbridge worker`` runs rq's scheduler for the delayed retries);
    after that they stay in rq's failed-job registry with their traceback.
    """

    def __init__(self, connection: Redis) -> None:
        self.connection = connection
        self.queue = job_queue(connection)

    def submit(
        self,
        function: JobFunction,
        kwargs: Mapping[str, Any],
        *,
        job_id: str,
        description: str,
        depends_on: str | None = None,
    ) -> JobOutcome:
        job = self.queue.enqueue_call(
            function,
            kwargs=dict(kwargs),
            job_id=job_id,
            description=description,
            timeout=JOB_TIMEOUT,
            result_ttl=RESULT_TTL,
            retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
            on_failure=Callback(record_job_failure),
            depends_on=depends_on,
        )
        logger.info("job %s: enqueued on %s: %s", job.id, self.queue.name, description)
        return outcome_of(job)

    def outcome(self, job_id: str) -> JobOutcome | None:
        job = self.queue.fetch_job(job_id)
        return None if job is None else outcome_of(job)

    def close(self) -> None:
        self.connection.close()


def job_queue(connection: Redis) -> Queue:
    """The kitapbridge queue on ``connection``, with the JSON serializer workers expect."""
    return Queue(QUEUE_NAME, connection=connection, serializer=JOB_SERIALIZER)


_STATES = {
    JobStatus.FINISHED: JobState.FINISHED,
    JobStatus.FAILED: JobState.FAILED,
    JobStatus.STOPPED: JobState.FAILED,
    JobStatus.CANCELED: JobState.FAILED,
    JobStatus.STARTED: JobState.RUNNING,
}


def outcome_of(job: Job) -> JobOutcome:
    """An RQ job's state; a job waiting for a retry counts as queued, not failed."""
    status = job.get_status(refresh=True)
    state = _STATES.get(status, JobState.QUEUED) if status is not None else JobState.QUEUED
    result = job.return_value() if state is JobState.FINISHED else None
    error = job.exc_info if state is JobState.FAILED else None
    return JobOutcome(job.id, state, progress=progress_of(job), result=result, error=error)


def record_job_failure(
    job: Job,
    connection: Redis,
    exc_type: type[BaseException],
    exc_value: BaseException,
    tb: TracebackType | None,
) -> None:
    """rq's failure callback: record the failure on the job's import run.

    rq calls it before deciding on a retry, so ``retries_left`` still tells
    whether this was the last attempt. ``tb`` is ``None`` when the work-horse
    died and the worker's registry clean-up reports the job as abandoned.
    """
    text = "".join(traceback.format_exception(exc_type, exc_value, tb))
    will_retry = bool(job.retries_left)
    logger.warning(
        "job %s: %s%s", job.id, exc_type.__name__, ", will retry" if will_retry else ", giving up"
    )
    reason = failure_reason(exc_value)
    record_run_failure(job.kwargs, reason, traceback=text if tb else None, will_retry=will_retry)
