"""Preparing the next batch of an import while the current one is being written.

An import spends its time in two places that can overlap: Python work per record
(conversion in the input iterator, ISO 2709 serialisation, hashing, term
extraction) and the database executing a batch's statements. While the writer
waits for the database (psycopg and sqlite3 release the GIL while they wait), one
background thread reads and prepares the following batch. The writer stays the
only thread that writes, so each batch is still one transaction and crash safety
is unchanged.

Term extraction is the costliest step, and is useless for a record that turns out
unchanged. The preparing thread therefore asks the store, with its own read-only
session, which of the batch's records are already stored with the same content
hash, and indexes only the others. The answer is only a hint: the writer decides
(``ingest._classify``) under its transaction and indexes any written record the
hint skipped.

On PostgreSQL the preparing thread goes further and builds the rows that cost
the writer most Python time: the new records' rows, the copies' rows, and the
term and phrase rows formatted as COPY payloads. Those carry record ids, so it
draws the ids of the records it expects to be new from the table's sequence
(non-transactional; an id not used leaves a gap). The writer uses these rows
only when its own decision, taken under its transaction, is the one they were
built for (same records added, same records replaced with the same ids), and
otherwise builds them itself. The writer's thread then mostly waits for the
database while the next batch is prepared: that is where an import's two CPU
consumers overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog import bulk
from kitapbridge.catalog.holdings import HoldingRows, holding_rows
from kitapbridge.catalog.indexing import WordFolder
from kitapbridge.catalog.models import StoredRecord
from kitapbridge.catalog.prepare import PreparedRecord, Rejection, duplicate, prepare_record
from kitapbridge.connectors.base import SourceRecord
from kitapbridge.marc.conversion import Conversion

NumberedRecord = tuple[int, SourceRecord, Conversion]
RECORDS = cast(Table, StoredRecord.__table__)


@dataclass(frozen=True)
class StoreScope:
    """Whose records a batch's local ids refer to: one school's records of one system."""

    school_id: int
    system: str


@dataclass
class BatchRows:
    """The rows a batch writes that carry record ids: copies and index entries.

    Built for one decision: which records are added (under which new ids) and which
    stored ones are replaced.
    """

    added: list[tuple[str, int]]
    """Local ids and new ids of the records inserted, in batch order."""
    replaced: list[tuple[str, int]]
    """Local ids and stored ids of the records overwritten, in batch order."""
    holdings: HoldingRows
    index: bulk.IndexCopy | bulk.IndexRows
    records: NewRecordRows | None = None
    """The added records' COPY rows, when built ahead (PostgreSQL, run known)."""

    def fits(self, added: list[str], replaced: list[tuple[str, int]]) -> bool:
        """Whether these rows are the ones for the writer's own decision."""
        return [local_id for local_id, _id in self.added] == added and replaced == self.replaced


@dataclass
class NewRecordRows:
    """The added records' rows as COPY values in ``NEW_RECORD_COLUMNS`` order, for one run.

    They carry the run's id as first and last seen run: a writer under another run
    (a test writing a prepared batch as a new run) builds its own. Their times are
    the batch's read time until the writer, which takes the batch's stamp from the
    catalog's change counter under its transaction, ``restamp``s them.
    """

    run_id: int
    rows: list[list[Any]]

    def restamp(self, seen_at: datetime) -> None:
        """Set the rows' first-seen, last-seen and modified times to ``seen_at``."""
        for row in self.rows:
            row[_FIRST_SEEN_AT] = row[_LAST_SEEN_AT] = row[_MODIFIED_AT] = seen_at


RECORD_COLUMNS = (
    "school_id",
    "system",
    "local_id",
    "raw",
    "raw_format",
    "flavour",
    "encoding",
    "marc",
    "content_hash",
    "first_seen_at",
    "last_seen_at",
    "modified_at",
    "first_seen_run_id",
    "last_seen_run_id",
    "deleted",
    "sort_title",
    "sort_creator",
    "sort_year",
)
"""What an import writes of a stored record (``record_values`` in this order)."""
NEW_RECORD_COLUMNS = ("id", *RECORD_COLUMNS)
_FIRST_SEEN_AT, _LAST_SEEN_AT, _MODIFIED_AT = (
    NEW_RECORD_COLUMNS.index(name) for name in ("first_seen_at", "last_seen_at", "modified_at")
)


def record_values(
    scope: StoreScope, run_id: int, record: PreparedRecord, seen_at: datetime
) -> list[Any]:
    """A record as written (added or overwritten) by run ``run_id``, in ``RECORD_COLUMNS`` order."""
    conversion = record.conversion
    entries = record.entries
    return [
        scope.school_id,
        scope.system,
        record.local_id,
        record.source.raw,
        record.source.raw_format,
        None if conversion.flavour is None else str(conversion.flavour),
        conversion.encoding,
        record.marc,
        record.content_hash,
        seen_at,
        seen_at,
        seen_at,
        run_id,
        run_id,
        False,
        entries.sort_title,
        entries.sort_creator,
        entries.sort_year,
    ]


def new_record_rows(
    scope: StoreScope,
    run_id: int,
    written: Sequence[PreparedRecord],
    added: list[tuple[str, int]],
    seen_at: datetime,
) -> NewRecordRows:
    """The COPY rows of the ``added`` (local id, new id) among the ``written`` records."""
    new_ids = dict(added)
    rows = [
        [new_ids[record.local_id], *record_values(scope, run_id, record, seen_at)]
        for record in written
        if record.local_id in new_ids
    ]
    return NewRecordRows(run_id, rows)


@dataclass
class PreparedBatch:
    """One batch of input positions, prepared: storable records and rejections.

    ``seen_at`` is the time the import read the batch: the records' last-seen time when
    the batch writes none (a writing batch uses the catalog's commit-ordered stamp,
    ``ingest._stamp_if_written``).
    """

    first_position: int
    size: int
    prepared: list[PreparedRecord]
    rejected: list[Rejection]
    seen_at: datetime
    rows: BatchRows | None = None
    """Rows built ahead for the likely decision (PostgreSQL), or None."""


def prepare_batch(batch: Sequence[NumberedRecord]) -> PreparedBatch:
    """Serialise and hash each record; a local id repeated within the batch is rejected."""
    prepared: list[PreparedRecord] = []
    rejected: list[Rejection] = []
    first_position: dict[str, int] = {}
    for position, source, conversion in batch:
        outcome = prepare_record(position, source, conversion)
        if isinstance(outcome, Rejection):
            rejected.append(outcome)
        elif outcome.local_id in first_position:
            rejected.append(duplicate(outcome, first_position[outcome.local_id]))
        else:
            first_position[outcome.local_id] = position
            prepared.append(outcome)
    return PreparedBatch(batch[0][0], len(batch), prepared, rejected, datetime.now(UTC))


def index_rows(written: Sequence[PreparedRecord], record_ids: dict[str, int]) -> bulk.IndexRows:
    """Term rows ``(term, idx, record_id)`` and phrase rows ``(record_id, idx, phrase)``."""
    terms: list[tuple[str, int, int]] = []
    phrases: list[tuple[int, int, str]] = []
    for record in written:
        record_id = record_ids[record.local_id]
        terms.extend((term, int(idx), record_id) for idx, term in record.entries.terms)
        phrases.extend((record_id, int(idx), phrase) for idx, phrase in record.entries.phrases)
    return terms, phrases


def batch_rows(
    school_id: int,
    written: Sequence[PreparedRecord],
    added: list[tuple[str, int]],
    replaced: list[tuple[str, int]],
    *,
    copy: bulk.IndexCopyFormat | None,
) -> BatchRows:
    """The id-carrying rows of the ``written`` records (indexed, in batch order), which are
    the ``added`` ones under new ids and the ``replaced`` ones; index rows as a COPY payload
    formatted by ``copy`` when given (PostgreSQL)."""
    record_ids = dict(added)
    record_ids.update(replaced)
    index: bulk.IndexCopy | bulk.IndexRows
    if copy is None:
        index = index_rows(written, record_ids)
    else:
        index = copy.payload(
            (record_ids[r.local_id], r.entries.terms, r.entries.phrases) for r in written
        )
    return BatchRows(
        added=added,
        replaced=replaced,
        holdings=holding_rows(school_id, written, record_ids),
        index=index,
    )


class StoredVersion(NamedTuple):
    """What an import decides a record's fate by: the lookahead's guess, the writer's decision."""

    id: int
    content_hash: str
    deleted: bool
    last_seen_run_id: int | None


def stored_versions(
    session: Session, scope: StoreScope, local_ids: list[str]
) -> dict[str, StoredVersion]:
    """Id, content hash, deletion mark and last run of the stored records with these local ids."""
    found: dict[str, StoredVersion] = {}
    for part in bulk.chunks(local_ids):
        statement = select(
            RECORDS.c.local_id,
            RECORDS.c.id,
            RECORDS.c.content_hash,
            RECORDS.c.deleted,
            RECORDS.c.last_seen_run_id,
        ).where(
            RECORDS.c.school_id == scope.school_id,
            RECORDS.c.system == scope.system,
            bulk.one_of(session, RECORDS.c.local_id, part),
        )
        found.update((row[0], StoredVersion(*row[1:])) for row in session.execute(statement))
    return found


def prepared_ahead(
    batches: Iterable[Sequence[NumberedRecord]],
    sessions: sessionmaker[Session],
    scope: StoreScope,
    folder: WordFolder,
    *,
    run_id: int | None = None,
) -> Iterator[PreparedBatch]:
    """``batches`` prepared (likely-written records indexed, on PostgreSQL their rows built,
    the new records' rows too when ``run_id`` says which run writes them) one batch ahead,
    in a thread.

    The input iterator is advanced only by the background thread, one batch at a
    time, so a generator that converts records lazily needs no locking.
    """
    iterator = iter(batches)
    copy = bulk.IndexCopyFormat()  # used by the one preparing thread only

    def next_prepared() -> PreparedBatch | None:
        batch = next(iterator, None)
        if batch is None:
            return None
        ready = prepare_batch(batch)
        _prepare_likely_written(ready, sessions, scope, folder, copy, run_id)
        return ready

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kitapbridge-prepare") as pool:
        future = pool.submit(next_prepared)
        while (ready := future.result()) is not None:
            future = pool.submit(next_prepared)
            yield ready


def _prepare_likely_written(
    ready: PreparedBatch,
    sessions: sessionmaker[Session],
    scope: StoreScope,
    folder: WordFolder,
    copy: bulk.IndexCopyFormat,
    run_id: int | None,
) -> None:
    with sessions() as session:
        stored = stored_versions(session, scope, [r.local_id for r in ready.prepared])
        written: list[PreparedRecord] = []
        added: list[str] = []
        replaced: list[tuple[str, int]] = []
        for record in ready.prepared:
            old = stored.get(record.local_id)
            if old is None:
                added.append(record.local_id)
            elif old.deleted or old.content_hash != record.content_hash:
                replaced.append((record.local_id, old.id))
            else:
                continue
            record.index(folder)
            written.append(record)
        if not bulk.is_postgresql(session):
            return  # SQLite hands out ids only on insert, in the writer's transaction
        new_ids = bulk.draw_ids(session, RECORDS, len(added))
    added_ids = list(zip(added, new_ids, strict=True))
    ready.rows = batch_rows(scope.school_id, written, added_ids, replaced, copy=copy)
    if run_id is not None:
        ready.rows.records = new_record_rows(scope, run_id, written, added_ids, ready.seen_at)
