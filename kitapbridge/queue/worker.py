"""``kitapbridge worker``: an rq worker on the kitapbridge queue, with crash recovery.

Run as many as you like, on as many machines as share the Redis server and
the database. Each forks a work-horse per job (rq's ``Worker``), runs rq's
scheduler for delayed retries, and at start-up hands back the jobs of a
worker that died on this machine (``recovery.requeue_abandoned_jobs``).
"""

from __future__ import annotations

import logging
from typing import Any

from redis import Redis
from rq import Worker
from rq.job import Job

from kitapbridge.queue.recovery import requeue_abandoned_jobs
from kitapbridge.queue.runner import JOB_SERIALIZER, job_queue
from kitapbridge.queue.runs import record_run_failure

logger = logging.getLogger(__name__)


class KitapbridgeWorker(Worker):
    """rq's forking worker that also records a killed work-horse on the job's import run.

    rq reports an exception raised by a job through the job's failure callback,
    but a work-horse killed from outside (the kernel's OOM killer, a signal)
    only through this hook.
    """

    def handle_work_horse_killed(self, job: Job, retpid: int, ret_val: int, rusage: Any) -> None:
        reason = f"work-horse {retpid} terminated unexpectedly (wait status {ret_val})"
        record_run_failure(job.kwargs, reason, traceback=None, will_retry=job.should_retry)


def run_worker(
    connection: Redis, *, burst: bool = False, name: str | None = None, logging_level: str = "INFO"
) -> bool:
    """Work the kitapbridge queue until stopped (or until it is empty, with ``burst``).

    Returns whether any job was processed.
    """
    queue = job_queue(connection)
    recovered = requeue_abandoned_jobs(queue)
    if recovered:
        logger.warning("requeued %d abandoned job(s): %s", len(recovered), ", ".join(recovered))
    worker = KitapbridgeWorker([queue], connection=connection, serializer=JOB_SERIALIZER, name=name)
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level=logging_level))
