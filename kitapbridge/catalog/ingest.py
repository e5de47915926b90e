"""Importing a school's converted records: idempotent, incremental and crash-safe.

Usage (what ``kitapbridge import`` and the import job do)::

    with sessions.begin() as session:
        school = ensure_school(session, "KZ-ALM-0042")
        run = start_run(session, school, SourceSystem.MARC, started_by="cli", source_name=path)
    run = ingest(sessions, run.id, converted_pairs, batch_size=settings.import_batch_size)

``ingest`` is the one function in ``catalog/`` that opens and commits its own
transactions, deliberately: one per batch of ``batch_size`` input records. Each
transaction holds the records, their holdings, term-index rows, quarantine rows
*and* the run's counters and ``records_done``. A run killed at any point (even
``kill -9``) therefore stands exactly at a batch boundary; calling ``ingest``
again with the same run id and the same input skips ``records_done`` records and
continues, ending in the same state and the same counts as an uninterrupted run.

On PostgreSQL the batch transactions commit without waiting for their WAL to
reach the disk (``synchronous_commit = off``, for those transactions only). A
crash of the *database server* may then forget the last few batches, but only
whole transactions, each with its own ``records_done``: the run stands at an
earlier batch boundary and a resume redoes those batches. The final transaction
(deletion sweep, ``completed``) waits for the disk as usual, because what follows
it (the job's result, deleting a spooled upload) must not outlive it.

Incremental: a record whose content hash is unchanged is only marked seen; a
changed one is updated and its previous version kept in ``record_versions``; a
record missing from a *full* export is marked deleted (never erased) by the
sweep that runs once, in the final transaction of a completed run, and comes back
(``restored``) when a later export contains it again. A record that fails
conversion but exists in the store is marked seen, so a converter problem never
deletes a good stored record.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any, cast

from sqlalchemy import Table, literal, select, update
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog import bulk, changes
from kitapbridge.catalog.holdings import replace_holdings
from kitapbridge.catalog.indexing import WordFolder
from kitapbridge.catalog.lookahead import (
    NEW_RECORD_COLUMNS,
    RECORD_COLUMNS,
    BatchRows,
    PreparedBatch,
    StoredVersion,
    StoreScope,
    batch_rows,
    new_record_rows,
    prepared_ahead,
    record_values,
    stored_versions,
)
from kitapbridge.catalog.models import (
    ImportRun,
    QuarantinedRecord,
    RecordVersion,
    RunStatus,
    School,
    StoredRecord,
)
from kitapbridge.catalog.prepare import MAX_LOCAL_ID_LENGTH, PreparedRecord, Rejection, duplicate
from kitapbridge.connectors.base import SourceRecord, SourceSystem
from kitapbridge.errors import KitapbridgeError
from kitapbridge.marc.conversion import Conversion

logger = logging.getLogger(__name__)

RECORDS = cast(Table, StoredRecord.__table__)
MAX_REPORTED_WARNINGS = 100
COUNTERS = ("added", "updated", "unchanged", "restored", "deleted", "quarantined")

IncomingRecord = tuple[SourceRecord, Conversion]
"""What the conversion step hands to the store: the record as read and its MARC21 outcome."""


class RunStateError(KitapbridgeError):
    """An import run that cannot be (re)started: unknown id, or already finished differently."""


def start_run(
    session: Session,
    school: School,
    system: SourceSystem,
    *,
    started_by: str,
    source_name: str = "",
    full: bool = True,
    records_total: int | None = None,
) -> ImportRun:
    """Register a new import run (status ``running``); its id is what a resume refers to."""
    run = ImportRun(
        school_id=school.id,
        system=str(system),
        source_name=source_name,
        started_by=started_by,
        full=full,
        status=RunStatus.RUNNING,
        started_at=datetime.now(UTC),
        records_total=records_total,
        records_done=0,
        report={},
        **dict.fromkeys(COUNTERS, 0),
    )
    session.add(run)
    session.flush()
    return run


def ingest(
    sessions: sessionmaker[Session],
    run_id: int,
    records: Iterable[IncomingRecord],
    *,
    batch_size: int,
    on_batch: Callable[[ImportRun], None] | None = None,
) -> ImportRun:
    """Store ``records`` under run ``run_id``, committing once per batch; resume if interrupted.

    Returns the completed run. ``on_batch`` is called after each commit (progress bars,
    job progress). An exception marks the run ``failed`` and propagates; the run can
    still be resumed by calling ``ingest`` again.
    """
    with sessions.begin() as session:
        run = _resumable_run(session, run_id)
        if run.status == RunStatus.COMPLETED:
            return run
        run.status = RunStatus.RUNNING
        done = run.records_done
        scope = StoreScope(run.school_id, run.system)
        database_server = bulk.is_postgresql(session)
    if done:
        logger.info("run %s: resuming after %d records", run_id, done)
    folder = WordFolder()
    batches = _batches(records, skip=done, size=batch_size)
    try:
        with _collected_between_batches(), _prompt_thread_switches(database_server):
            for number, ready in enumerate(
                prepared_ahead(batches, sessions, scope, folder, run_id=run_id)
            ):
                with sessions.begin() as session:
                    bulk.commit_without_waiting_for_disk(session)
                    run = _resumable_run(session, run_id, at_position=ready.first_position)
                    write_batch(session, run, ready, folder)
                if number % _BATCHES_PER_COLLECTION == 0:
                    gc.collect(0 if number % _BATCHES_PER_OLDER_COLLECTION else 1)
                if number == 0:
                    with sessions.begin() as session:
                        bulk.refresh_statistics(session)
                if on_batch is not None:
                    on_batch(run)
        with sessions.begin() as session:
            run = _resumable_run(session, run_id)
            finish_run(session, run)
    except Exception as error:
        _mark_failed(sessions, run_id, error)
        raise
    logger.info("run %s completed: %s", run_id, run.report.get("counts"))
    return run


_BATCHES_PER_COLLECTION = 10
"""Each collection also traverses the next batch, already being prepared: one in ten suffices."""
_BATCHES_PER_OLDER_COLLECTION = 100
"""A cycle still alive at a young collection moves to the middle generation; collecting
that one too now and then keeps a million-record import from holding such cycles to
its end, and costs little: it never reaches the oldest generation (input and caches)."""


@contextmanager
def _prompt_thread_switches(database_server: bool) -> Iterator[None]:
    """Give the GIL back to the writer soon after each of its database calls returns.

    With a database server the writer spends most of a batch waiting for it (a dozen
    round trips) while the preparing thread runs Python. A thread returning from a
    wait gets the GIL only when the running thread reaches its switch interval (5 ms
    by default), and meanwhile the database idles. At 0.5 ms the first import of
    100,000 records on PostgreSQL took 28.3–28.8 s instead of 32.1–32.3 s (wall,
    alternating runs on one loaded machine). The interval is process-wide; it is
    restored when the import ends. SQLite executes in the writer's own thread, which
    then has little to wait for: the default stays.
    """
    if not database_server:
        yield
        return
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, WRITER_SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


WRITER_SWITCH_INTERVAL = 0.0005
"""Seconds; 0.2 to 1 ms measured alike, 5 ms left the database idle a quarter of the time."""


@contextmanager
def _collected_between_batches() -> Iterator[None]:
    """Run the cyclic garbage collector on the youngest objects between batches only.

    A batch allocates hundreds of thousands of small containers (term tuples, rows)
    that reference counting frees once the batch is written. The automatic collector
    instead ran every 700 allocations, mid-batch, and its older generations then
    traversed everything the process holds (the input, caches): 40 % of an import's
    Python CPU at 100,000 records. ``gc.collect(0)`` between batches finds the few
    cycles a written batch leaves (SQLAlchemy's transaction objects) while the
    youngest generation holds little else, and never starts a full collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_batch(session: Session, run: ImportRun, ready: PreparedBatch, folder: WordFolder) -> None:
    """Write one prepared batch under ``run`` (no commit).

    The id-carrying rows the lookahead built are used when they were built for the
    decision taken here, under this transaction; otherwise they are built now.
    """
    prepared, rejected = ready.prepared, list(ready.rejected)
    scope = StoreScope(run.school_id, run.system)
    local_ids = [p.local_id for p in prepared] + _rejected_ids(rejected)
    existing = stored_versions(session, scope, local_ids)
    plan = _classify(run, prepared, existing, rejected)
    seen_at = _stamp_if_written(session, plan, ready.seen_at)
    for record in plan.written:
        record.index(folder)  # a no-op for the records the lookahead already indexed
    _keep_versions(session, run, plan.changed_ids, seen_at)
    rows = ready.rows
    if rows is not None and not rows.fits([r.local_id for r in plan.added], plan.replaced_keys):
        rows = None
    added = _insert_records(session, scope, run, plan, seen_at, rows)
    _overwrite_records(session, scope, run, plan, seen_at)
    if rows is None:
        copy = bulk.IndexCopyFormat() if bulk.is_postgresql(session) else None
        rows = batch_rows(run.school_id, plan.written, added, plan.replaced_keys, copy=copy)
    _mark_seen(session, run, plan.unchanged_ids + _seen_rejected(existing, rejected), seen_at)
    bulk.delete_index_entries(session, plan.replaced_ids)
    bulk.write_index_rows(session, rows.index)
    replace_holdings(session, run.school_id, rows.holdings, plan.replaced_ids)
    _quarantine(session, run, rejected)
    plan.counts["quarantined"] += len(rejected)
    _count(run, plan.counts, ready.size, rows.holdings.warnings)


def _stamp_if_written(session: Session, plan: _BatchPlan, read_at: datetime) -> datetime:
    """The moment to stamp the batch's records with: from the catalog's change counter
    (commit order, see ``catalog.changes``) when the batch writes any, else when it was
    read (a batch of unchanged records only marks them seen: no new catalog version)."""
    return changes.stamp(session).at if plan.written else read_at


@dataclass
class _BatchPlan:
    """What to do with each prepared record of a batch, decided against the store."""

    written: list[PreparedRecord] = field(default_factory=list)
    """Added, updated or restored: (re)written with holdings and index entries."""
    added: list[PreparedRecord] = field(default_factory=list)
    """Of those, the ones not stored at all yet."""
    replaced: list[tuple[PreparedRecord, int]] = field(default_factory=list)
    """The others (updated or restored), with their stored ids."""
    changed_ids: list[int] = field(default_factory=list)
    """Of those, the ones whose content changed: their current version goes to history."""
    unchanged_ids: list[int] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def replaced_ids(self) -> list[int]:
        return [record_id for _record, record_id in self.replaced]

    @property
    def replaced_keys(self) -> list[tuple[str, int]]:
        return [(record.local_id, record_id) for record, record_id in self.replaced]


def _classify(
    run: ImportRun,
    prepared: list[PreparedRecord],
    existing: dict[str, StoredVersion],
    rejected: list[Rejection],
) -> _BatchPlan:
    """Added, updated, restored or unchanged; a local id this run already stored in an
    earlier batch is a duplicate in the export and joins ``rejected``."""
    plan = _BatchPlan()
    for record in prepared:
        old = existing.get(record.local_id)
        if old is None:
            plan.counts["added"] += 1
            plan.written.append(record)
            plan.added.append(record)
        elif old.last_seen_run_id == run.id:
            rejected.append(duplicate(record))
        elif old.deleted or old.content_hash != record.content_hash:
            plan.counts["restored" if old.deleted else "updated"] += 1
            plan.written.append(record)
            plan.replaced.append((record, old.id))
            if old.content_hash != record.content_hash:
                plan.changed_ids.append(old.id)
        else:
            plan.counts["unchanged"] += 1
            plan.unchanged_ids.append(old.id)
    return plan


def finish_run(session: Session, run: ImportRun) -> None:
    """Complete the run: the deletion sweep of a full export, final counts, status (no commit)."""
    now = datetime.now(UTC)
    if run.full:
        run.deleted += _sweep_deletions(session, run, now)
    run.status = RunStatus.COMPLETED
    run.finished_at = now
    run.report = {**run.report, "counts": run_counts(run)}


def run_counts(run: ImportRun) -> dict[str, int]:
    """The run's counters as a plain dict (``seen`` = input records consumed)."""
    return {"seen": run.records_done, **{name: getattr(run, name) for name in COUNTERS}}


def _resumable_run(session: Session, run_id: int, at_position: int | None = None) -> ImportRun:
    """The run, locked for this transaction; check it is where this process left it.

    Two processes resuming one run would each count the same records; the row lock
    (PostgreSQL) or the single writer (SQLite) plus this check stops the second one.
    """
    run = session.get(ImportRun, run_id, with_for_update=at_position is not None)
    if run is None:
        raise RunStateError(f"no import run {run_id}")
    if at_position is not None and run.records_done != at_position:
        raise RunStateError(
            f"run {run_id} is at record {run.records_done}, not {at_position}: "
            "another process is importing it"
        )
    return run


def _batches(
    records: Iterable[IncomingRecord], *, skip: int, size: int
) -> Iterator[list[tuple[int, SourceRecord, Conversion]]]:
    numbered = islice(
        ((position, source, conversion) for position, (source, conversion) in enumerate(records)),
        skip,
        None,
    )
    while batch := list(islice(numbered, size)):
        yield batch


def _rejected_ids(rejected: list[Rejection]) -> list[str]:
    return [r.source.local_id for r in rejected if r.source.local_id]


def _keep_versions(session: Session, run: ImportRun, record_ids: list[int], now: datetime) -> None:
    """Copy the current versions of records about to be replaced into ``record_versions``."""
    columns = ["record_id", "raw", "marc", "content_hash", "valid_from", "replaced_at"]
    for part in bulk.chunks(record_ids):
        current = select(
            RECORDS.c.id,
            RECORDS.c.raw,
            RECORDS.c.marc,
            RECORDS.c.content_hash,
            RECORDS.c.modified_at,
            literal(now, RECORDS.c.modified_at.type),
            literal(run.id, RECORDS.c.id.type),
        ).where(bulk.one_of(session, RECORDS.c.id, part))
        versions = cast(Table, RecordVersion.__table__)
        session.execute(versions.insert().from_select([*columns, "replaced_by_run_id"], current))


def _insert_records(
    session: Session,
    scope: StoreScope,
    run: ImportRun,
    plan: _BatchPlan,
    seen_at: datetime,
    rows: BatchRows | None,
) -> list[tuple[str, int]]:
    """Insert the added records; their local ids and new ids.

    On PostgreSQL the ids are the ones drawn ahead with ``rows``, or drawn now;
    SQLite hands them out on insert.
    """
    local_ids = [record.local_id for record in plan.added]
    if not bulk.is_postgresql(session):
        new_rows = [_record_row(scope, run, record, seen_at) for record in plan.added]
        new_ids = bulk.insert_returning_ids(session, RECORDS, new_rows)
        return list(zip(local_ids, new_ids, strict=True))
    if rows is not None:
        added = rows.added
    else:
        added = list(zip(local_ids, bulk.draw_ids(session, RECORDS, len(local_ids)), strict=True))
    records = rows.records if rows is not None else None
    if records is None or records.run_id != run.id:
        records = new_record_rows(scope, run.id, plan.added, added, seen_at)
    else:
        records.restamp(seen_at)
    bulk.copy_rows(session, RECORDS, NEW_RECORD_COLUMNS, records.rows)
    return added


def _overwrite_records(
    session: Session, scope: StoreScope, run: ImportRun, plan: _BatchPlan, seen_at: datetime
) -> None:
    """Overwrite the changed or restored records (their ids stay)."""
    if not plan.replaced:
        return
    replaced = [_record_row(scope, run, record, seen_at) for record, _id in plan.replaced]
    keep = {"school_id", "system", "local_id", "first_seen_at", "first_seen_run_id"}
    bulk.upsert(
        session,
        RECORDS,
        replaced,
        conflict=("school_id", "system", "local_id"),
        update=[name for name in replaced[0] if name not in keep],
    )


def _record_row(
    scope: StoreScope, run: ImportRun, record: PreparedRecord, seen_at: datetime
) -> dict[str, Any]:
    return dict(zip(RECORD_COLUMNS, record_values(scope, run.id, record, seen_at), strict=True))


def _seen_rejected(existing: dict[str, StoredVersion], rejected: list[Rejection]) -> list[int]:
    # A stored record whose new version failed conversion stays as it was, and is not
    # swept as deleted: the school did not remove it.
    return [existing[i].id for i in _rejected_ids(rejected) if i in existing]


def _mark_seen(session: Session, run: ImportRun, record_ids: list[int], now: datetime) -> None:
    for part in bulk.chunks(record_ids):
        session.execute(
            update(RECORDS)
            .where(bulk.one_of(session, RECORDS.c.id, part))
            .values(last_seen_run_id=run.id, last_seen_at=now)
        )


def _quarantine(session: Session, run: ImportRun, rejected: list[Rejection]) -> None:
    if not rejected:
        return
    rows = [
        {
            "run_id": run.id,
            "school_id": run.school_id,
            "record_index": r.position,
            "byte_offset": r.source.offset,
            "local_id": (r.source.local_id or "")[:MAX_LOCAL_ID_LENGTH] or None,
            "raw": r.source.raw,
            "reason": r.reason,
            "issues": {
                "issues": [
                    {
                        "code": i.code,
                        "message": i.message,
                        "severity": str(i.severity),
                        "tag": i.tag,
                    }
                    for i in r.conversion.issues
                ],
                "decisions": list(r.conversion.decisions),
            },
        }
        for r in rejected
    ]
    session.execute(cast(Table, QuarantinedRecord.__table__).insert(), rows)


def _count(run: ImportRun, counts: Counter[str], consumed: int, warnings: list[str]) -> None:
    run.records_done += consumed
    for name, value in counts.items():
        setattr(run, name, getattr(run, name) + value)
    if warnings:
        kept = list(run.report.get("warnings", []))
        kept.extend(warnings[: max(0, MAX_REPORTED_WARNINGS - len(kept))])
        run.report = {
            **run.report,
            "warnings": kept,
            "warning_count": run.report.get("warning_count", 0) + len(warnings),
        }


def _sweep_deletions(session: Session, run: ImportRun, now: datetime) -> int:
    """Mark deleted every live record of the school and system this full run did not see."""
    gone = select(RECORDS.c.id).where(
        RECORDS.c.school_id == run.school_id,
        RECORDS.c.system == run.system,
        RECORDS.c.deleted.is_(False),
        RECORDS.c.last_seen_run_id != run.id,
    )
    ids = list(session.scalars(gone))
    if ids:
        now = changes.stamp(session).at
    for part in bulk.chunks(ids):
        session.execute(
            update(RECORDS)
            .where(bulk.one_of(session, RECORDS.c.id, part))
            .values(deleted=True, modified_at=now)
        )
    bulk.delete_index_entries(session, ids)
    return len(ids)


def _mark_failed(sessions: sessionmaker[Session], run_id: int, error: Exception) -> None:
    logger.error("run %s failed: %s", run_id, error)
    with sessions.begin() as session:
        run = session.get(ImportRun, run_id)
        if run is not None:
            run.status = RunStatus.FAILED
            run.report = {**run.report, "error": f"{type(error).__name__}: {error}"}
