"""The jobs: plain functions with serialisable arguments, importable by dotted path.

rq workers import them by name (``kitapbridge.queue.jobs.import_catalog``) and
the inline runner calls them directly, with the same keyword arguments. Each
job opens its own engine inside the process that runs it and disposes of it
at the end: rq forks a work-horse per job, and pooled connections must never
cross a fork (SQLAlchemy, "Using Connection Pools with Multiprocessing or
os.fork()"). A job raises on failure; the runner records it.

``progress`` is the only argument that is not serialisable: the inline runner
passes its reporter, and under rq it is left out and the job publishes its
progress in the rq job's meta.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pymarc
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.export import ExportFormat, stored_records, write_records
from kitapbridge.catalog.ingest import IncomingRecord, ingest
from kitapbridge.catalog.models import ImportRun, RunStatus
from kitapbridge.catalog.reindex import ReindexProgress, reindex
from kitapbridge.catalog.store import make_engine
from kitapbridge.config import DEFAULT_DEDUP_REPRINT_YEARS, DEFAULT_IMPORT_BATCH_SIZE
from kitapbridge.connectors import SourceSystem, open_connector
from kitapbridge.dedup.scoring import match_policy
from kitapbridge.dedup.service import run_dedup
from kitapbridge.marc import convert_record
from kitapbridge.queue.estimates import estimate_records
from kitapbridge.queue.progress import Progress, ProgressReporter, reporter_for_current_job
from kitapbridge.queue.runs import claim_run, run_summary
from kitapbridge.queue.uploads import SPOOLED_UPLOAD, discard_spooled_upload

logger = logging.getLogger(__name__)

EXPORT_PROGRESS_EVERY = 1000
"""Records between two progress reports of an export."""


def import_catalog(
    *,
    run_id: int,
    database_url: str,
    system: str,
    source: str,
    batch_size: int = DEFAULT_IMPORT_BATCH_SIZE,
    spooled_upload: bool = False,
    progress: ProgressReporter | None = None,
) -> dict[str, Any]:
    """Import a school's export or database (``source``) under the existing run ``run_id``.

    Resumable: the run's committed ``records_done`` are skipped, so a retried
    or resumed job continues after the last committed batch and ends with the
    same records and counts as an uninterrupted run. Returns the run summary
    (``runs.run_summary``), which is also the rq job's result. The run's total is
    estimated from the source when it can tell (``estimates``). A
    ``spooled_upload`` source is deleted once the run has completed; a failure
    deletes it when no retry will follow (``runs.record_run_failure``).
    """
    report = reporter_for_current_job(progress)
    engine = make_engine(database_url)
    try:
        sessions = sessionmaker(engine, expire_on_commit=False)
        with sessions.begin() as session:
            run = claim_run(session, run_id)
            if run.records_total is None and run.status != RunStatus.COMPLETED:
                run.records_total = estimate_records(SourceSystem(system), source)
            report(Progress(run.records_done, run.records_total))
        logger.info("run %s: importing %s source %s", run_id, system, source)

        def on_batch(run: ImportRun) -> None:
            report(Progress(run.records_done, run.records_total))

        records = _converted(SourceSystem(system), source)
        run = ingest(sessions, run_id, records, batch_size=batch_size, on_batch=on_batch)
    finally:
        engine.dispose()
    discard_spooled_upload({"run_id": run_id, "source": source, SPOOLED_UPLOAD: spooled_upload})
    return run_summary(run)


def export_catalog(
    *,
    database_url: str,
    output: str,
    export_format: str = ExportFormat.MARCXML,
    since: str | None = None,
    school: str | None = None,
    progress: ProgressReporter | None = None,
) -> dict[str, Any]:
    """Write the live records (changed at or after ISO 8601 ``since``; of one ``school``).

    The file appears under its name only when complete: it is written as
    ``OUTPUT.partial`` and renamed, so a crashed export never leaves a
    truncated file that looks finished. Returns the file, format and count.
    """
    report = reporter_for_current_job(progress)
    target = Path(output)
    partial = target.with_name(target.name + ".partial")
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, partial.open("wb") as out:
            changed_since = None if since is None else datetime.fromisoformat(since)
            records = stored_records(session, since=changed_since, school=school)
            written = write_records(_reported(records, report), out, ExportFormat(export_format))
        partial.replace(target)
    finally:
        engine.dispose()
    report(Progress(written, written))
    logger.info("exported %d records to %s (%s)", written, target, export_format)
    return {"output": str(target), "format": str(export_format), "records": written}


def dedup_catalog(
    *,
    database_url: str,
    full: bool = False,
    reprint_years: str = DEFAULT_DEDUP_REPRINT_YEARS,
    progress: ProgressReporter | None = None,
) -> dict[str, Any]:
    """Cluster new or changed records into editions (every record with ``full``).

    One transaction: a dedup run that dies leaves the previous clusters as they
    were, and is simply run again. ``reprint_years`` is the setting of that name
    (``Settings.dedup_reprint_years``). Returns the run's summary counts.
    """
    report = reporter_for_current_job(progress)
    report(Progress(0))
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            summary = run_dedup(session, full=full, policy=match_policy(reprint_years))
    finally:
        engine.dispose()
    report(Progress(summary.records, summary.records))
    logger.info("dedup: %d records in %d clusters", summary.records, summary.clusters)
    return {
        "records": summary.records,
        "compared": summary.compared,
        "clusters": summary.clusters,
        "multi_record_clusters": summary.multi_record_clusters,
        "review_open": summary.review_open,
        "constraint_conflicts": len(summary.conflicts),
    }


def reindex_catalog(
    *,
    database_url: str,
    batch_size: int = DEFAULT_IMPORT_BATCH_SIZE,
    progress: ProgressReporter | None = None,
) -> dict[str, Any]:
    """Rebuild the term index of every live record (after a change to the folding rules).

    Committed per batch; a reindex that dies is simply run again.
    """
    report = reporter_for_current_job(progress)
    report(Progress(0))

    def on_batch(done: ReindexProgress) -> None:
        report(Progress(done.done, done.total))

    engine = make_engine(database_url)
    try:
        final = reindex(sessionmaker(engine), batch_size=batch_size, on_batch=on_batch)
    finally:
        engine.dispose()
    report(Progress(final.done, final.total))
    logger.info("reindex: %d records", final.done)
    return {"records": final.done}


def _reported(
    records: Iterator[tuple[int, pymarc.Record]], report: ProgressReporter
) -> Iterator[tuple[int, pymarc.Record]]:
    for done, pair in enumerate(records, start=1):
        yield pair
        if done % EXPORT_PROGRESS_EVERY == 0:
            report(Progress(done))


def _converted(system: SourceSystem, source: str) -> Iterator[IncomingRecord]:
    for record in open_connector(system, source):
        yield record, convert_record(record)
