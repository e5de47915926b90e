"""Starting and resuming imports: the service behind ``kitapbridge import`` and the HTTP API.

An import is an ``ImportRun`` row (created here, before any work, so its id
can be handed out at once) plus one job, ``jobs.import_catalog``, whose rq job
id is derived from the run id (``import-run-17``). That makes submitting
idempotent and lets ``--resume`` find the job of a run without another table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from rq.job import JobStatus
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.ingest import start_run
from kitapbridge.catalog.models import ImportRun, RunStatus, School
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.config import Settings
from kitapbridge.connectors import SourceSystem
from kitapbridge.errors import KitapbridgeError
from kitapbridge.queue.jobs import dedup_catalog, import_catalog
from kitapbridge.queue.progress import ProgressReporter, ignore_progress
from kitapbridge.queue.recovery import Executor, executor_is_dead, requeue_abandoned_job
from kitapbridge.queue.runner import InlineRunner, JobOutcome, RQRunner, Runner
from kitapbridge.queue.uploads import SPOOLED_UPLOAD, is_spooled_upload

logger = logging.getLogger(__name__)


class ResumeError(KitapbridgeError):
    """A run that cannot be resumed now: completed, unknown, or still being worked on."""

    def __init__(self, run_id: int, reason: str) -> None:
        super().__init__(f"run {run_id}: {reason}")
        self.run_id = run_id
        self.reason = reason


@dataclass(frozen=True)
class ImportSubmission:
    """A submitted import: its run and what the runner said about its job."""

    run_id: int
    job: JobOutcome
    dedup: JobOutcome | None = None
    """The incremental dedup job queued to follow a completed import, when asked for."""


def make_runner(settings: Settings, progress: ProgressReporter = ignore_progress) -> Runner:
    """RQ on ``settings.redis_url``, or the inline runner when no Redis is configured."""
    if settings.redis_url:
        return RQRunner(Redis.from_url(settings.redis_url))
    return InlineRunner(progress=progress)


def import_job_id(run_id: int) -> str:
    """The rq job id of run ``run_id``'s import job."""
    return f"import-run-{run_id}"


def display_source(source: str) -> str:
    """The source as stored on the run and shown to people: database URLs without password."""
    if "://" not in source:
        return str(Path(source).resolve())
    try:
        return make_url(source).render_as_string(hide_password=True)
    except ArgumentError:
        return source.split("://", 1)[0] + "://…"


def submit_import(
    settings: Settings,
    sessions: sessionmaker[Session],
    runner: Runner,
    *,
    isil: str,
    system: SourceSystem,
    source: str,
    started_by: str,
    name: str | None = None,
    dedup: bool = False,
) -> ImportSubmission:
    """Register the school if new, open a run and submit its import job.

    With the inline runner this returns when the run has ended; with RQ as
    soon as the job is queued. With ``dedup``, an incremental dedup job follows
    the import once it has completed (``submit_dedup_after``).
    """
    with sessions.begin() as session:
        school = ensure_school(session, isil, name=name, source_system=str(system))
        run = start_run(
            session, school, system, started_by=started_by, source_name=display_source(source)
        )
        run_id = run.id
    logger.info("run %s: %s import of %s for %s", run_id, system, display_source(source), isil)
    job = _submit_job(settings, runner, run_id, system, source, isil)
    follow_up = submit_dedup_after(settings, runner, run_id) if dedup else None
    return ImportSubmission(run_id, job, follow_up)


def dedup_job_id(run_id: int) -> str:
    """The rq job id of the dedup job that follows run ``run_id``."""
    return f"dedup-after-run-{run_id}"


def submit_dedup_after(settings: Settings, runner: Runner, run_id: int) -> JobOutcome:
    """Queue an incremental dedup to run once run ``run_id``'s import job has finished.

    The new and changed records of the school are clustered with the whole
    catalog (``kitapbridge dedup`` without ``--full``). It depends on the import
    job: under RQ it waits for it and never runs if the import fails for good;
    inline the import has already ended, and the dedup runs only if it finished.
    """
    return runner.submit(
        dedup_catalog,
        {
            "database_url": settings.database_url,
            "full": False,
            "reprint_years": settings.dedup_reprint_years,
        },
        job_id=dedup_job_id(run_id),
        description=f"incremental dedup after import run {run_id}",
        depends_on=import_job_id(run_id),
    )


def resume_import(
    settings: Settings,
    sessions: sessionmaker[Session],
    runner: Runner,
    run_id: int,
    *,
    source: str | None = None,
) -> ImportSubmission:
    """Continue run ``run_id`` after its last committed batch.

    ``source`` is needed only when the run's stored source cannot be used as
    it is (a database URL, stored without its password). Under RQ an existing
    job is reused with its own arguments: a queued one is left alone, a failed
    one requeued, and one whose process on this machine died is handed back.
    A job still running elsewhere raises ``ResumeError``, as does a completed run.
    """
    with sessions.begin() as session:
        run = session.get(ImportRun, run_id)
        if run is None:
            raise ResumeError(run_id, "no such import run")
        if run.status == RunStatus.COMPLETED:
            raise ResumeError(run_id, "already completed")
        system, stored_source = SourceSystem(run.system), run.source_name
        isil = run_school_isil(session, run)
    if isinstance(runner, RQRunner):
        outcome = _resume_rq_job(runner, run_id)
        if outcome is not None:
            return ImportSubmission(run_id, outcome)
    job = _submit_job(settings, runner, run_id, system, source or stored_source, isil)
    return ImportSubmission(run_id, job)


def run_school_isil(session: Session, run: ImportRun) -> str:
    """The ISIL of the school the run imports for."""
    school = session.get(School, run.school_id)
    return school.isil if school is not None else "?"


def _submit_job(
    settings: Settings, runner: Runner, run_id: int, system: SourceSystem, source: str, isil: str
) -> JobOutcome:
    kwargs = {
        "run_id": run_id,
        "database_url": settings.database_url,
        "system": str(system),
        "source": source,
        "batch_size": settings.import_batch_size,
        SPOOLED_UPLOAD: is_spooled_upload(settings, source),
    }
    description = f"{system} import of {display_source(source)} for {isil} (run {run_id})"
    return runner.submit(
        import_catalog, kwargs, job_id=import_job_id(run_id), description=description
    )


def _resume_rq_job(runner: RQRunner, run_id: int) -> JobOutcome | None:
    """Bring back the run's existing rq job; ``None`` when there is none to bring back."""
    queue = runner.queue
    job = queue.fetch_job(import_job_id(run_id))
    if job is None:
        return None
    status = job.get_status(refresh=True)
    if status in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
        logger.info("run %s: job %s is already %s", run_id, job.id, status)
    elif status == JobStatus.STARTED:
        if not executor_is_dead(job):
            raise ResumeError(run_id, f"still being imported by {Executor.of(job) or 'a worker'}")
        requeue_abandoned_job(queue, job)
    elif status in (JobStatus.FAILED, JobStatus.STOPPED):
        # rq keeps failed and stopped jobs alike in the failed-job registry.
        queue.failed_job_registry.requeue(job, at_front=True)
    else:
        # Canceled, or finished in rq while the catalog's run is not completed (its row was
        # reset by hand): a fresh job with the same id takes over.
        job.delete()
        return None
    return runner.outcome(job.id)


__all__ = [
    "ImportSubmission",
    "ResumeError",
    "dedup_job_id",
    "display_source",
    "import_job_id",
    "make_runner",
    "resume_import",
    "submit_dedup_after",
    "submit_import",
]
