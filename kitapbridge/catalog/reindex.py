"""Rebuilding the term index and sort keys of every live record from its stored MARC21.

Import indexes only the records it writes, so a change to the folding rules
(``kitapbridge.text``) or to the index definitions reaches the records already in
the store only through a reindex. One transaction per batch, in record-id order:
a reindex killed midway leaves every batch either old or new, and running it
again finishes the job (each batch replaces its records' rows).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog import bulk, changes
from kitapbridge.catalog.indexing import WordFolder, index_record
from kitapbridge.catalog.models import IndexPhrase, IndexTerm, StoredRecord
from kitapbridge.catalog.records import marc_of

logger = logging.getLogger(__name__)
RECORDS = cast(Table, StoredRecord.__table__)


@dataclass(frozen=True)
class ReindexProgress:
    """Live records re-indexed so far, of ``total``."""

    done: int
    total: int


def reindex(
    sessions: sessionmaker[Session],
    *,
    batch_size: int,
    on_batch: Callable[[ReindexProgress], None] | None = None,
) -> ReindexProgress:
    """Re-extract the index entries of every live record; drop those of deleted ones.

    Like ``ingest``, this opens and commits its own transactions, one per batch.
    """
    with sessions.begin() as session:
        changes.stamp(session)
        _drop_entries_of_deleted_records(session)
        total = session.scalar(
            select(func.count()).select_from(StoredRecord).where(StoredRecord.deleted.is_(False))
        )
    progress = ReindexProgress(0, total or 0)
    folder = WordFolder()
    last_id = 0
    while True:
        with sessions.begin() as session:
            rows = session.execute(
                select(StoredRecord.id, StoredRecord.marc)
                .where(StoredRecord.deleted.is_(False), StoredRecord.id > last_id)
                .order_by(StoredRecord.id)
                .limit(batch_size)
            )
            batch = [(record_id, marc) for record_id, marc in rows]
            if not batch:
                return progress
            _reindex_batch(session, batch, folder)
        last_id = batch[-1][0]
        progress = ReindexProgress(progress.done + len(batch), progress.total)
        logger.info("reindex: %d of %d records", progress.done, progress.total)
        if on_batch is not None:
            on_batch(progress)


def _reindex_batch(session: Session, batch: list[tuple[int, bytes]], folder: WordFolder) -> None:
    terms: list[tuple[str, int, int]] = []
    phrases: list[tuple[int, int, str]] = []
    sort_keys = []
    for record_id, marc in batch:
        entries = index_record(marc_of(record_id, marc), folder)
        terms.extend((term, int(idx), record_id) for idx, term in entries.terms)
        phrases.extend((record_id, int(idx), phrase) for idx, phrase in entries.phrases)
        sort_keys.append(
            {
                "record_id": record_id,
                "sort_title": entries.sort_title,
                "sort_creator": entries.sort_creator,
                "sort_year": entries.sort_year,
            }
        )
    changes.stamp(session)  # sort keys and index entries change what searches find
    bulk.delete_index_entries(session, [record_id for record_id, _ in batch])
    bulk.insert_index_entries(session, terms, phrases)
    session.connection().execute(
        update(RECORDS)
        .where(RECORDS.c.id == bindparam("record_id"))
        .values(
            sort_title=bindparam("sort_title"),
            sort_creator=bindparam("sort_creator"),
            sort_year=bindparam("sort_year"),
        ),
        sort_keys,
    )


def _drop_entries_of_deleted_records(session: Session) -> None:
    deleted = select(StoredRecord.id).where(StoredRecord.deleted.is_(True))
    session.execute(delete(IndexTerm).where(IndexTerm.record_id.in_(deleted)))
    session.execute(delete(IndexPhrase).where(IndexPhrase.record_id.in_(deleted)))
