"""Set-at-a-time writes for imports: dialect upserts and PostgreSQL COPY.

Every statement here is parameterised and runs once per batch (executemany or
``INSERT … VALUES (…), (…)``), never once per record. SQLite and PostgreSQL both
speak ``INSERT … ON CONFLICT``; SQLAlchemy builds it from the dialect's insert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Row, Table, column, delete, select, table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kitapbridge.catalog.models import IndexPhrase, IndexTerm

Key = TypeVar("Key", int, str)

_MAX_IDS_PER_STATEMENT = 5000
"""Stays well below SQLite's bound-parameter limit for ``IN (…)`` lists."""


def dialect_insert(session: Session, table: Table) -> Any:
    """``INSERT`` for the session's dialect, with ``on_conflict_do_update/nothing``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def upsert(
    session: Session,
    target: Table,
    rows: list[dict[str, Any]],
    *,
    conflict: Sequence[str],
    update: Sequence[str],
    returning: Sequence[str] = (),
    conflict_where: ColumnElement[bool] | None = None,
) -> Sequence[Row[Any]]:
    """``INSERT … ON CONFLICT (conflict) DO UPDATE SET update`` for all ``rows`` at once.

    On PostgreSQL the rows are first streamed with COPY into a temporary staging
    table dropped at commit, then moved with one ``INSERT … SELECT … ON CONFLICT``:
    psycopg would otherwise spend more time composing a 1000-row VALUES statement
    than the server spends executing it. SQLite gets the same statement from
    SQLAlchemy's multi-row VALUES.
    """
    if not rows:
        return []
    names = list(rows[0])
    returned = [target.c[name] for name in returning]
    if is_postgresql(session):
        staging = _stage(session, target, names, rows)
        insert: Any = postgresql.insert(target).from_select(
            names, select(*[staging.c[name] for name in names])
        )
    else:
        insert = sqlite.insert(target)
    statement = insert.on_conflict_do_update(
        index_elements=list(conflict),
        index_where=conflict_where,
        set_={name: insert.excluded[name] for name in update},
    )
    if returned:
        statement = statement.returning(*returned)
    if is_postgresql(session):
        result = session.execute(statement)
    else:
        result = session.execute(statement, rows)
    return result.all() if returned else []


def _stage(session: Session, target: Table, names: list[str], rows: list[dict[str, Any]]) -> Any:
    staging_name = f"kb_stage_{target.name}"
    column_list = ", ".join(names)  # our own column names, never data
    connection = session.connection()
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging_name} ON COMMIT DROP AS "  # noqa: S608
        f"SELECT {column_list} FROM {target.name} WITH NO DATA"
    )
    connection.exec_driver_sql(f"TRUNCATE {staging_name}")
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {staging_name} ({column_list}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])
    return table(staging_name, *[column(name) for name in names])


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def chunks(ids: Sequence[Key], size: int = _MAX_IDS_PER_STATEMENT) -> Iterable[Sequence[Key]]:
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
            for term_row in terms:
                copy.write_row(term_row)
        with cursor.copy("COPY index_phrases (record_id, idx, phrase) FROM STDIN") as copy:
            for phrase_row in phrases:
                copy.write_row(phrase_row)
        return
    if terms:
        session.execute(
            cast(Table, IndexTerm.__table__).insert(),
            [{"term": t, "idx": i, "record_id": r} for t, i, r in terms],
        )
    if phrases:
        session.execute(
            cast(Table, IndexPhrase.__table__).insert(),
            [{"record_id": r, "idx": i, "phrase": p} for r, i, p in phrases],
        )
