"""Import runs as jobs see them: claiming a run, recording a failure, the summary to show.

The catalog owns the ``ImportRun`` row and its counters (``catalog.ingest``
commits them with each batch). This module adds what the job machinery needs:
a job claims its run before it works (a resumed or retried run becomes
``running`` again) and the runner records a failure with its traceback, as
final or as one attempt of several.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from kitapbridge.catalog.ingest import RunStateError, run_counts
from kitapbridge.catalog.models import ImportRun, RunStatus
from kitapbridge.catalog.store import make_engine
from kitapbridge.queue.uploads import discard_spooled_upload

logger = logging.getLogger(__name__)

MAX_RECORDED_ATTEMPTS = 10
"""Failed attempts kept in a run's report (the last ones); retries are capped at 3 anyway."""


def claim_run(session: Session, run_id: int) -> ImportRun:
    """Mark the run ``running`` for this attempt; raise ``RunStateError`` when it cannot run.

    A completed run is returned unchanged (the job then only reports it), so a
    duplicate delivery of a job is harmless.
    """
    run = session.get(ImportRun, run_id)
    if run is None:
        raise RunStateError(f"no import run {run_id}")
    if run.status != RunStatus.COMPLETED:
        run.status = RunStatus.RUNNING
        run.finished_at = None
    return run


def record_run_failure(
    job_kwargs: Mapping[str, Any], reason: str, *, traceback: str | None, will_retry: bool
) -> None:
    """Write a failed attempt of the run named in ``job_kwargs`` onto its row.

    ``reason`` is one line for people (``ConnectorError: …: no such file``);
    ``traceback`` is kept for staff, and is ``None`` when a work-horse died and
    left none. The last attempt marks the run ``failed``; an attempt that will
    be retried leaves it ``running``. Jobs without a run (dedup, export) have
    nothing to record here: rq's failed-job registry holds their traceback.
    A spooled upload is deleted after the last attempt.
    """
    if not will_retry:
        discard_spooled_upload(job_kwargs)
    run_id = job_kwargs.get("run_id")
    database_url = job_kwargs.get("database_url")
    if run_id is None or database_url is None:
        return
    engine = make_engine(str(database_url))
    try:
        with Session(engine) as session, session.begin():
            run = session.get(ImportRun, int(run_id))
            if run is None:
                logger.error("run %s: failure cannot be recorded, no such run: %s", run_id, reason)
                return
            _write_failure(run, reason, traceback, will_retry=will_retry)
    finally:
        engine.dispose()


def failure_reason(error: BaseException) -> str:
    """One line naming the exception and its message, as a run's report shows it."""
    message = str(error).strip()
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _write_failure(run: ImportRun, reason: str, traceback: str | None, *, will_retry: bool) -> None:
    now = datetime.now(UTC)
    attempts = [*run.report.get("attempts", []), {"at": now.isoformat(), "error": reason}]
    report = {**run.report, "attempts": attempts[-MAX_RECORDED_ATTEMPTS:]}
    report.update(error=reason, traceback=traceback, will_retry=will_retry)
    run.report = report
    if will_retry:
        run.status = RunStatus.RUNNING
    else:
        run.status = RunStatus.FAILED
        run.finished_at = now
    logger.info("run %s: failure recorded (%s): %s", run.id, run.status, reason)


def run_summary(run: ImportRun) -> dict[str, Any]:
    """The run as JSON for the API, the job result and the CLI report."""
    return {
        "run_id": run.id,
        "status": run.status,
        "system": run.system,
        "source": run.source_name,
        "started_by": run.started_by,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "progress": {"done": run.records_done, "total": run.records_total},
        "counts": run_counts(run),
        "report": {k: v for k, v in run.report.items() if k != "traceback"},
    }
