"""The catalog's change counter: versions and record stamps in commit order.

Every transaction that changes what SRU, Z39.50 or OAI-PMH can answer (an import
batch that writes records or copies, the deletion sweep, a staff edit, a reindex
batch, a dedup run or staff decision, a new school) calls ``stamp`` before its first
write. ``stamp`` updates the one row of ``catalog_changes``; the row lock it takes is
held until the transaction ends, so the next writer's ``stamp`` waits for this one's
commit. Hence:

* a reader that sees version *v* sees every change with a version below *v*
  (caches of responses and result sets are keyed on ``current_version``);
* ``stamped_at`` values, used as the records' ``modified_at`` and the clusters'
  stamps, grow in commit order: a harvester that asked ``rec.lastModificationDate >``
  the latest date it saw cannot miss a record committed after its query, because that
  record is stamped later than anything visible to the query.

The lock is held for a whole write transaction (an import batch: tens to hundreds of
milliseconds). Writers of the catalog therefore commit one at a time; their reads
and the import's preparing thread are not under it, and on the two-core servers we
deploy concurrent import batches compete for the same disk and CPU anyway. Readers
never take it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, ScalarSelect, Table, func, select, text, update
from sqlalchemy.orm import Session

from kitapbridge.catalog.models import CatalogChanges

CHANGES = cast(Table, CatalogChanges.__table__)
ROW_ID = 1
_TICK = timedelta(microseconds=1)

_BUMP_POSTGRESQL = (
    update(CHANGES)
    .where(CHANGES.c.id == ROW_ID)
    .values(
        version=CHANGES.c.version + 1,
        stamped_at=func.greatest(
            CHANGES.c.stamped_at + text("interval '1 microsecond'"), func.clock_timestamp()
        ),
    )
    .returning(CHANGES.c.version, CHANGES.c.stamped_at)
)
_BUMP_SQLITE = (
    update(CHANGES)
    .where(CHANGES.c.id == ROW_ID)
    .values(version=CHANGES.c.version + 1)
    .returning(CHANGES.c.version, CHANGES.c.stamped_at)
)
_CURRENT_VERSION = select(CHANGES.c.version).where(CHANGES.c.id == ROW_ID)


@dataclass(frozen=True, slots=True)
class CatalogStamp:
    """What ``stamp`` hands a writer: the catalog's new version and the moment to stamp
    its changes with (UTC, later than every stamp committed before)."""

    version: int
    at: datetime


def stamp(session: Session | Connection) -> CatalogStamp:
    """Bump the catalog's version in this transaction; call before the first write.

    Calling it twice in one transaction is harmless (the second waits for nothing: the
    row is already this transaction's) and gives a later stamp.
    """
    connection = session.connection() if isinstance(session, Session) else session
    if connection.dialect.name == "postgresql":
        version, at = connection.execute(_BUMP_POSTGRESQL).one()
        return CatalogStamp(version, at)
    # SQLite has one writer at a time: the UPDATE takes the database's write lock,
    # which is held to the commit like PostgreSQL's row lock; the clock is Python's.
    version, previous = connection.execute(_BUMP_SQLITE).one()
    at = max(_utc(previous) + _TICK, datetime.now(UTC))
    connection.execute(update(CHANGES).where(CHANGES.c.id == ROW_ID).values(stamped_at=at))
    return CatalogStamp(version, at)


@dataclass(frozen=True, slots=True)
class CatalogVersion:
    """The last change committed: its version and its stamp (UTC)."""

    version: int
    stamped_at: datetime


_CURRENT = select(CHANGES.c.version, CHANGES.c.stamped_at).where(CHANGES.c.id == ROW_ID)


def current(connection: Connection) -> CatalogVersion:
    """The catalog's version and stamp as this transaction sees them."""
    version, stamped_at = connection.execute(_CURRENT).one()
    return CatalogVersion(version, _utc(stamped_at))


CURRENT_SQL = "SELECT version, stamped_at FROM catalog_changes WHERE id = 1"
"""``current`` as SQL text, for a caller on a bare DBAPI connection (the SRU response cache:
a fifth of a millisecond of CPU less per request than through a SQLAlchemy ``Connection``)."""


def current_on(dbapi_connection: Any) -> CatalogVersion:
    """``current`` read on a DBAPI connection (no transaction is left open on an
    autocommit one; SQLite's driver begins none for a SELECT)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(CURRENT_SQL)
        version, stamped_at = cursor.fetchone()
    finally:
        cursor.close()
    if isinstance(stamped_at, str):  # SQLite keeps the ISO text SQLAlchemy wrote
        stamped_at = datetime.fromisoformat(stamped_at)
    return CatalogVersion(int(version), _utc(stamped_at))


def current_version(connection: Connection) -> int:
    """The version of the last change committed (as this transaction sees it)."""
    return int(connection.execute(_CURRENT_VERSION).scalar_one())


def version_column() -> ScalarSelect[Any]:
    """``current_version`` as a scalar subquery, to read it in another statement's row."""
    return _CURRENT_VERSION.scalar_subquery()


def _utc(moment: datetime) -> datetime:
    # SQLite gives back the naive UTC value it was given.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
