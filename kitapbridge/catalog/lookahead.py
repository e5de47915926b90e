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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import Table, select
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog import bulk
from kitapbridge.catalog.indexing import WordFolder
from kitapbridge.catalog.models import StoredRecord
from kitapbridge.catalog.prepare import PreparedRecord, Rejection, duplicate, prepare_record
from kitapbridge.connectors.base import SourceRecord
from kitapbridge.marc.conversion import Conversion

NumberedRecord = tuple[int, SourceRecord, Conversion]


@dataclass
class PreparedBatch:
    """One batch of input positions, prepared: storable records and rejections."""

    first_position: int
    size: int
    prepared: list[PreparedRecord]
    rejected: list[Rejection]


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
    return PreparedBatch(batch[0][0], len(batch), prepared, rejected)


@dataclass(frozen=True)
class StoreScope:
    """Whose records a batch's local ids refer to: one school's records of one system."""

    school_id: int
    system: str


def stored_hashes(session: Session, scope: StoreScope, local_ids: list[str]) -> dict[str, str]:
    """Content hashes of the live stored records with these local ids."""
    table: Table = StoredRecord.__table__  # type: ignore[assignment]
    found: dict[str, str] = {}
    for part in bulk.chunks(local_ids):
        statement = select(table.c.local_id, table.c.content_hash).where(
            table.c.school_id == scope.school_id,
            table.c.system == scope.system,
            table.c.deleted.is_(False),
            bulk.one_of(session, table.c.local_id, part),
        )
        found.update((row.local_id, row.content_hash) for row in session.execute(statement))
    return found


def prepared_ahead(
    batches: Iterable[Sequence[NumberedRecord]],
    sessions: sessionmaker[Session],
    scope: StoreScope,
    folder: WordFolder,
) -> Iterator[PreparedBatch]:
    """``batches`` prepared (and likely-written records indexed) one batch ahead, in a thread.

    The input iterator is advanced only by the background thread, one batch at a
    time, so a generator that converts records lazily needs no locking.
    """
    iterator = iter(batches)

    def next_prepared() -> PreparedBatch | None:
        batch = next(iterator, None)
        if batch is None:
            return None
        ready = prepare_batch(batch)
        _index_likely_written(ready, sessions, scope, folder)
        return ready

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kitapbridge-prepare") as pool:
        future = pool.submit(next_prepared)
        while (ready := future.result()) is not None:
            future = pool.submit(next_prepared)
            yield ready


def _index_likely_written(
    ready: PreparedBatch,
    sessions: sessionmaker[Session],
    scope: StoreScope,
    folder: WordFolder,
) -> None:
    with sessions() as session:
        stored = stored_hashes(session, scope, [r.local_id for r in ready.prepared])
    for record in ready.prepared:
        if stored.get(record.local_id) != record.content_hash:
            record.index(folder)
