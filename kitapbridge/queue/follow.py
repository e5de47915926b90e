"""Following a job from a terminal: a tqdm bar fed by progress reports, and waiting for the end."""

from __future__ import annotations

import time

from tqdm import tqdm

from kitapbridge.queue.progress import Progress
from kitapbridge.queue.runner import JobOutcome, Runner

POLL_SECONDS = 1.0
"""How often ``wait_for_job`` asks Redis about a queued job."""


class ProgressBar:
    """A ``ProgressReporter`` drawing a tqdm bar on stderr (hidden when stderr is no terminal)."""

    def __init__(self, description: str) -> None:
        self.bar = tqdm(desc=description, unit=" records", disable=None, dynamic_ncols=True)

    def __call__(self, progress: Progress) -> None:
        if progress.total is not None and self.bar.total != progress.total:
            self.bar.total = progress.total
        self.bar.update(progress.done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def wait_for_job(
    runner: Runner, job_id: str, progress: ProgressBar, *, poll_seconds: float = POLL_SECONDS
) -> JobOutcome | None:
    """Poll the job until it has ended, showing its progress; ``None`` if the job vanished.

    A job that failed but will be retried is not ended: rq shows it as
    scheduled or queued until its last attempt.
    """
    while True:
        outcome = runner.outcome(job_id)
        if outcome is None:
            return None
        if outcome.progress is not None:
            progress(outcome.progress)
        if outcome.ended:
            return outcome
        time.sleep(poll_seconds)
