"""Jobs for the runner tests; rq imports them by dotted path, as rq's own tests/fixtures.py."""

from __future__ import annotations

from kitapbridge.errors import KitapbridgeError
from kitapbridge.queue.progress import Progress, ProgressReporter, reporter_for_current_job


class ShelfCollapsed(KitapbridgeError):
    """The failure the failing test job raises."""


def count_shelves(*, shelves: int, progress: ProgressReporter | None = None) -> dict[str, int]:
    """Report progress once per shelf and return how many were counted."""
    report = reporter_for_current_job(progress)
    for done in range(1, shelves + 1):
        report(Progress(done, shelves))
    return {"shelves": shelves}


def collapse_shelf(
    *, run_id: int, database_url: str, progress: ProgressReporter | None = None
) -> None:
    """Fail as an import job of run ``run_id`` would."""
    reporter_for_current_job(progress)(Progress(3, 10))
    raise ShelfCollapsed(f"shelf 3 of run {run_id} collapsed")
