"""How a running job tells the world how far it has got.

A job calls its ``ProgressReporter`` with the records done so far and the
total when known. The runner decides where that goes: RQ's ``job.meta``
(visible to anyone holding the job id, on any machine) or the inline runner's
callback (a tqdm bar on the command line). The import run row in the catalog
carries its own committed counters, written by the ingest in the same
transaction as the records, so the HTTP API can show progress without Redis.
"""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass
from typing import Protocol

from rq import get_current_job
from rq.job import Job

PROGRESS_META_KEY = "progress"
"""The ``job.meta`` key under which an RQ job publishes its ``Progress``."""

EXECUTOR_META_KEY = "executor"
"""The ``job.meta`` key naming the host and process executing the job (crash recovery)."""


@dataclass(frozen=True)
class Progress:
    """Records done of ``total`` (``None`` while the source has not been counted)."""

    done: int
    total: int | None = None

    @property
    def fraction(self) -> float | None:
        """Share done, 0.0 to 1.0; ``None`` while the total is unknown."""
        if not self.total:
            return None
        return min(self.done / self.total, 1.0)


class ProgressReporter(Protocol):
    """Receives progress; implementations must be cheap enough to call once per batch."""

    def __call__(self, progress: Progress) -> None: ...


def ignore_progress(progress: Progress) -> None:
    """The reporter for a job run where nobody is watching (a direct call in a test)."""


class RQJobProgress:
    """Publishes progress in the running RQ job's ``meta`` and saves only that field."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def __call__(self, progress: Progress) -> None:
        self.job.meta[PROGRESS_META_KEY] = asdict(progress)
        self.job.save_meta()


def announce_executor(job: Job) -> None:
    """Record which host and process run ``job``, so recovery can tell a dead one.

    rq's work-horse is a child in its own process group and rq does not store
    its pid; without it a restarted worker could not tell a crashed import from
    one whose horse still runs.
    """
    job.meta[EXECUTOR_META_KEY] = {"hostname": socket.gethostname(), "pid": os.getpid()}
    job.save_meta()


def reporter_for_current_job(given: ProgressReporter | None) -> ProgressReporter:
    """Where a starting job reports progress: ``given`` (inline), else its rq job's meta.

    Under rq this also records the executing process (``announce_executor``);
    outside any runner (a direct call) progress goes nowhere.
    """
    if given is not None:
        return given
    job = get_current_job()
    if job is None:
        return ignore_progress
    announce_executor(job)
    return RQJobProgress(job)


def progress_of(job: Job) -> Progress | None:
    """The last progress an RQ job published, or ``None`` before its first report."""
    raw = job.get_meta(refresh=True).get(PROGRESS_META_KEY)
    if raw is None:
        return None
    return Progress(done=int(raw["done"]), total=raw.get("total"))
