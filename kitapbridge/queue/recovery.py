"""Handing the jobs of a crashed worker back to the queue.

When a worker machine loses power or its worker is SIGKILLed, rq leaves the
job in the started-job registry. rq's own clean-up notices only once the
execution's heartbeat has expired (a minute and more later), at a worker's
next maintenance pass (every ten minutes), and then schedules the retry with
the job's back-off, which needs a scheduler whose lock the dead worker may
still hold for another minute. A worker restarted on the same machine need
not wait for any of that: every job records the host and pid of the process
executing it (``progress.announce_executor``), so when that process is gone
the job is certainly abandoned and goes straight back to the front of the
queue. Its import resumes after the last committed batch.

Jobs of other machines are left to rq's heartbeat expiry and retry: from here
a dead machine cannot be told from a busy one.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from rq import Queue
from rq.job import Job

from kitapbridge.queue.progress import EXECUTOR_META_KEY
from kitapbridge.queue.runs import record_run_failure

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Executor:
    """The process that executes (or executed) a job."""

    hostname: str
    pid: int

    @classmethod
    def of(cls, job: Job) -> Executor | None:
        raw = job.get_meta(refresh=False).get(EXECUTOR_META_KEY)
        if not raw:
            return None
        return cls(hostname=str(raw["hostname"]), pid=int(raw["pid"]))

    def __str__(self) -> str:
        return f"pid {self.pid} on {self.hostname}"

    def is_local(self) -> bool:
        return self.hostname == socket.gethostname()


def process_is_alive(pid: int) -> bool:
    """Whether ``pid`` is a running (not zombie) process on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed process whose parent has not reaped it yet still answers kill(0);
    # in a container without an init that reaps orphans it may stay a zombie.
    stat = Path(f"/proc/{pid}/stat")
    try:
        state = stat.read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in {"Z", "X"}


def executor_is_dead(job: Job) -> bool:
    """True only when the job ran on this machine and that process no longer exists.

    Jobs of other machines are left to rq's heartbeat expiry: from here we cannot
    tell a dead machine from a busy one.
    """
    executor = Executor.of(job)
    return executor is not None and executor.is_local() and not process_is_alive(executor.pid)


def requeue_abandoned_jobs(queue: Queue) -> list[str]:
    """Put back at the front of the queue every started job whose process here has died.

    Returns the ids of the jobs handed back. Runs at ``kitapbridge worker``
    start-up and from ``kitapbridge import --resume``.
    """
    registry = queue.started_job_registry
    abandoned: list[str] = []
    for job_id, _execution_id in registry.get_job_and_execution_ids():
        job = queue.fetch_job(job_id)
        if job is None or not executor_is_dead(job):
            continue
        requeue_abandoned_job(queue, job)
        abandoned.append(job_id)
    return abandoned


def requeue_abandoned_job(queue: Queue, job: Job) -> None:
    """Record the abandonment on the job's run and enqueue the job again, at the front."""
    executor = Executor.of(job)
    reason = f"abandoned: the process executing it ({executor}) is gone"
    logger.warning("job %s: %s; handing it back to the queue", job.id, reason)
    record_run_failure(job.kwargs, reason, traceback=None, will_retry=True)
    with queue.connection.pipeline() as pipeline:
        for execution in job.get_executions():
            execution.delete(job, pipeline)
        pipeline.execute()
    queue.enqueue_job(job, at_front=True)
