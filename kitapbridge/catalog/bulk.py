"""Set-at-a-time writes for imports: dialect upserts and PostgreSQL COPY.

Every statement here is parameterised and runs once per batch (executemany or
``INSERT … VALUES (…), (…)``), never once per record. SQLite and PostgreSQL both
speak ``INSERT … ON CONFLICT``; SQLAlchemy builds it from the dialect's insert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kitapbridge.catalog.models import IndexPhrase, IndexTerm

_MAX_IDS_PER_STATEMENT = 5000
"""Stays well below SQLite's bound-parameter limit for ``IN (…)`` lists."""


def dialect_insert(session: Session, table: Table) -> Any:
    """``INSERT`` for the session's dialect, with ``on_conflict_do_update/nothing``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def chunks(ids: Sequence[int], size: int = _MAX_IDS_PER_STATEMENT) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def delete_index_entries(session: Session, record_ids: Sequence[int]) -> None:
    """Remove the term-index rows of these records (before re-indexing or on deletion)."""
    for part in chunks(record_ids):
        session.execute(delete(IndexTerm).where(IndexTerm.record_id.in_(part)))
        session.execute(delete(IndexPhrase).where(IndexPhrase.record_id.in_(part)))


def insert_index_entries(
    session: Session,
    terms: list[tuple[str, int, int]],
    phrases: list[tuple[int, int, str]],
) -> None:
    """Add term rows ``(term, idx, record_id)`` and phrase rows ``(record_id, idx, phrase)``.

    On PostgreSQL the rows are streamed with ``COPY … FROM STDIN`` on the session's
    own connection (same transaction): several times faster than multi-row INSERT
    for the millions of rows a national import writes. The data travels as COPY
    rows, never as SQL text.
    """
    if not terms and not phrases:
        return
    if is_postgresql(session):
        cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy("COPY index_terms (term, idx, record_id) FROM STDIN") as copy:
            for row in terms:
                copy.write_row(row)
        with cursor.copy("COPY index_phrases (record_id, idx, phrase) FROM STDIN") as copy:
            for row in phrases:
                copy.write_row(row)
        return
    if terms:
        session.execute(
            IndexTerm.__table__.insert(),
            [{"term": t, "idx": i, "record_id": r} for t, i, r in terms],
        )
    if phrases:
        session.execute(
            IndexPhrase.__table__.insert(),
            [{"record_id": r, "idx": i, "phrase": p} for r, i, p in phrases],
        )
