"""The two kinds of SRU database, behind one interface the paging routine drives.

``UnionCatalog`` (``/sru``) answers with clusters (``kitapbridge.dedup.union_search``):
hits are cluster anchors, records are display records. ``SchoolCatalog``
(``/sru/<ISIL>``) answers with one school's stored records (``catalog.search``).
Both give a result's hit list, count, keyset pages and checkpoints, and turn hit ids
into rendered records, reusing renderings of unchanged records (``RenderedRecords``).
They read through the request session's Core ``Connection``: statements through the
ORM ``Session`` cost several times the CPU, and these only read rows.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence
from typing import Protocol

from pymarc import Record
from sqlalchemy import Connection

from kitapbridge.catalog import changes
from kitapbridge.catalog import search as catalog_search
from kitapbridge.catalog.query import Cursor, Query, Sort
from kitapbridge.catalog.records import StoredRecordError, marc_of
from kitapbridge.dedup import union_search
from kitapbridge.sru_server import diagnostics as diag
from kitapbridge.sru_server.record_schemas import RecordSchema
from kitapbridge.sru_server.rendered_records import RenderedRecords, serialized
from kitapbridge.sru_server.results import RetrievedRecord, SurrogateDiagnostic

logger = logging.getLogger(__name__)

Retrieved = RetrievedRecord | SurrogateDiagnostic


def state_at(version: int) -> str:
    """``Catalog.state`` at this catalog change version (``catalog.changes``)."""
    return repr(version)


class Catalog(Protocol):
    """What the SRU service asks of a database, whatever its hits are."""

    def state(self, connection: Connection) -> str:
        """When what the database's results depend on last changed (part of a result set's
        key: a query after a change gets a new result set, never a stale one)."""
        ...

    def hits(
        self, connection: Connection, query: Query, sort: Sort, school: str | None, limit: int
    ) -> list[int] | None: ...

    def count(self, connection: Connection, query: Query, school: str | None) -> int: ...

    def page(
        self,
        connection: Connection,
        query: Query,
        sort: Sort,
        school: str | None,
        *,
        limit: int,
        offset: int,
        after: Cursor | None,
    ) -> tuple[list[int], Cursor | None]: ...

    def checkpoints(
        self, connection: Connection, query: Query, sort: Sort, school: str | None, every: int
    ) -> dict[int, Cursor]: ...

    def retrieve(
        self, connection: Connection, ids: Sequence[int], first: int, schema: RecordSchema
    ) -> tuple[list[Retrieved], str | None]:
        """The records at positions ``first``…, and ``state()`` as the same statement saw
        it (None when no row came back)."""
        ...

    def marc_records(self, connection: Connection, ids: Sequence[int]) -> list[Record]: ...


class UnionCatalog:
    """The union catalog: hits are clusters (by anchor), records their display records."""

    def __init__(self, renderings: RenderedRecords) -> None:
        self._renderings = renderings

    def state(self, connection: Connection) -> str:
        return state_at(changes.current_version(connection))

    def hits(
        self, connection: Connection, query: Query, sort: Sort, school: str | None, limit: int
    ) -> list[int] | None:
        return union_search.cluster_hits(connection, query, limit=limit, sort=sort, school=school)

    def count(self, connection: Connection, query: Query, school: str | None) -> int:
        return union_search.count_clusters(connection, query, school=school)

    def page(
        self,
        connection: Connection,
        query: Query,
        sort: Sort,
        school: str | None,
        *,
        limit: int,
        offset: int,
        after: Cursor | None,
    ) -> tuple[list[int], Cursor | None]:
        found = union_search.search_clusters(
            connection, query, limit=limit, sort=sort, offset=offset, after=after, school=school
        )
        return [int(c[1:]) for c in found.cluster_ids], found.next_cursor

    def checkpoints(
        self, connection: Connection, query: Query, sort: Sort, school: str | None, every: int
    ) -> dict[int, Cursor]:
        return union_search.cluster_checkpoints(
            connection, query, every=every, sort=sort, school=school
        )

    def retrieve(
        self, connection: Connection, ids: Sequence[int], first: int, schema: RecordSchema
    ) -> tuple[list[Retrieved], str | None]:
        """Display records of these clusters, rendered (or reused) in ``schema``."""
        cluster_ids = [f"c{anchor}" for anchor in ids]
        snapshots, seen = union_search.cluster_snapshots_as_of(connection, cluster_ids)
        cached = {
            c: self._renderings.get(snapshots[c].version, schema.identifier) for c in cluster_ids
        }
        missing = [snapshots[c] for c in cluster_ids if cached[c] is None]
        marc = union_search.member_marc(connection, missing)
        records: list[Retrieved] = []
        for position, cluster_id in enumerate(cluster_ids, start=first):
            snapshot = snapshots[cluster_id]
            rendering = cached[cluster_id]
            if rendering is not None:
                records.append(RetrievedRecord(position, cluster_id, None, rendering))
                continue
            if not snapshot.members:  # every member deleted since the result was made
                records.append(SurrogateDiagnostic(position, diag.RecordTemporarilyUnavailable()))
                continue
            try:
                record = union_search.display_record(snapshot, marc)
            except StoredRecordError as error:
                logger.error("SRU: cluster %s unreadable: %s", cluster_id, error.reason)
                records.append(SurrogateDiagnostic(position, diag.RecordTemporarilyUnavailable()))
                continue
            records.append(
                render(self._renderings, position, cluster_id, record, snapshot.version, schema)
            )
        return records, state_at(seen) if seen is not None else None

    def marc_records(self, connection: Connection, ids: Sequence[int]) -> list[Record]:
        snapshots = union_search.cluster_snapshots(connection, [f"c{anchor}" for anchor in ids])
        marc = union_search.member_marc(connection, snapshots.values())
        found = []
        for cluster_id, snapshot in snapshots.items():
            try:
                if snapshot.members:
                    found.append(union_search.display_record(snapshot, marc))
            except StoredRecordError as error:
                logger.error("SRU facets: cluster %s unreadable: %s", cluster_id, error.reason)
        return found


class SchoolCatalog:
    """One school's catalog: hits are stored records, shown as stored."""

    def __init__(self, renderings: RenderedRecords) -> None:
        self._renderings = renderings

    def state(self, connection: Connection) -> str:
        return state_at(changes.current_version(connection))

    def hits(
        self, connection: Connection, query: Query, sort: Sort, school: str | None, limit: int
    ) -> list[int] | None:
        return catalog_search.hits(connection, query, limit=limit, sort=sort, school=school)

    def count(self, connection: Connection, query: Query, school: str | None) -> int:
        return catalog_search.count(connection, query, school=school)

    def page(
        self,
        connection: Connection,
        query: Query,
        sort: Sort,
        school: str | None,
        *,
        limit: int,
        offset: int,
        after: Cursor | None,
    ) -> tuple[list[int], Cursor | None]:
        found = catalog_search.search(
            connection, query, limit=limit, sort=sort, offset=offset, after=after, school=school
        )
        return found.record_ids, found.next_cursor

    def checkpoints(
        self, connection: Connection, query: Query, sort: Sort, school: str | None, every: int
    ) -> dict[int, Cursor]:
        return catalog_search.checkpoints(connection, query, every=every, sort=sort, school=school)

    def retrieve(
        self, connection: Connection, ids: Sequence[int], first: int, schema: RecordSchema
    ) -> tuple[list[Retrieved], str | None]:
        """Stored records, rendered (or reused) in ``schema``; MARC read only when needed."""
        versions, seen_version = catalog_search.record_versions(connection, ids)
        seen = state_at(seen_version) if versions and seen_version is not None else None
        cached = {
            i: self._renderings.get(("record", i, versions[i]), schema.identifier)
            for i in ids
            if i in versions
        }
        missing = [i for i in ids if i in versions and cached[i] is None]
        marc = catalog_search.stored_marc(connection, missing)
        records: list[Retrieved] = []
        for position, record_id in enumerate(ids, start=first):
            rendering = cached.get(record_id)
            if rendering is not None:
                records.append(RetrievedRecord(position, str(record_id), None, rendering))
                continue
            if record_id not in marc:  # deleted since the result was made
                records.append(SurrogateDiagnostic(position, diag.RecordTemporarilyUnavailable()))
                continue
            try:
                record = marc_of(record_id, marc[record_id])
            except StoredRecordError as error:
                logger.error("SRU: stored record %s unreadable: %s", record_id, error.reason)
                records.append(SurrogateDiagnostic(position, diag.RecordTemporarilyUnavailable()))
                continue
            version = ("record", record_id, versions[record_id])
            records.append(
                render(self._renderings, position, str(record_id), record, version, schema)
            )
        return records, seen

    def marc_records(self, connection: Connection, ids: Sequence[int]) -> list[Record]:
        marc = catalog_search.stored_marc(connection, ids)
        found = []
        for record_id in ids:
            if record_id not in marc:
                continue
            try:
                found.append(marc_of(record_id, marc[record_id]))
            except StoredRecordError as error:
                logger.error("SRU facets: stored record %s unreadable: %s", record_id, error.reason)
        return found


def render(
    renderings: RenderedRecords,
    position: int,
    identifier: str,
    record: Record,
    version: Hashable,
    schema: RecordSchema,
) -> Retrieved:
    """``record`` rendered in ``schema`` and kept for reuse; diagnostic 67 if it cannot be."""
    try:
        rendering = serialized(schema.render(record))
    except Exception:  # a crosswalk failing on one record must not fail the page
        logger.exception("SRU: record %s cannot be rendered as %s", identifier, schema.name)
        return SurrogateDiagnostic(position, diag.RecordNotInSchema(schema.identifier))
    renderings.put(version, schema.identifier, rendering)
    return RetrievedRecord(position, identifier, record, rendering)
