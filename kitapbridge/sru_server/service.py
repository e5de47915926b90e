"""Running parsed SRU requests against the catalog: the "run" step between parse and render.

``SRUService`` holds the session factory and the result-set store; each call opens
one session (one unit of work per request), asks ``kitapbridge.catalog.search``
for counts, pages and scan terms, and returns the plain results the response
writers render. No SQL is written here.

The union database (``/sru``) answers with clusters (``kitapbridge.dedup.union_search``):
a cluster is a hit when any member is, ``rec.id`` and ``recordIdentifier`` are cluster
ids, and each record is the cluster's display record (one 852 per holding school).
``/sru/<ISIL>`` searches one school's converted records, identified by stored record id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pymarc import Record
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog import query as catalog_query_model
from kitapbridge.catalog import search as catalog_search
from kitapbridge.catalog.query import EmptyTermError, QueryError, UnsupportedMaskingError
from kitapbridge.catalog.records import StoredRecordError, marc_of
from kitapbridge.catalog.schools import find_school
from kitapbridge.catalog.store import close_store
from kitapbridge.dedup import union_search
from kitapbridge.sru_server import diagnostics as diag
from kitapbridge.sru_server.catalog_search import CatalogPlan, plan
from kitapbridge.sru_server.facets import FACET_MAXIMUM_RECORDS, check_facets, count_facets
from kitapbridge.sru_server.query_check import catalog_clause, catalog_query
from kitapbridge.sru_server.request import FacetRequest, ScanRequest, SearchRetrieveRequest
from kitapbridge.sru_server.result_sets import ResultSet, ResultSets
from kitapbridge.sru_server.results import (
    Facet,
    RetrievedRecord,
    ScanTerm,
    SearchResult,
    SurrogateDiagnostic,
)

logger = logging.getLogger(__name__)

CHECKPOINT_INTERVAL = 500
"""Positions between remembered cursors of a numbered result (deep paging skips fewer)."""


@dataclass(frozen=True, slots=True)
class Database:
    """An SRU database: the union catalog (``school=None``) or one school's catalog."""

    path: str
    school: str | None = None

    @property
    def union(self) -> bool:
        """The union catalog: one record per cluster."""
        return self.school is None


class SRUService:
    """Explain facts, searches and scans over the catalog for the SRU blueprint."""

    def __init__(self, sessions: sessionmaker[Session], result_sets: ResultSets) -> None:
        self._sessions = sessions
        self._result_sets = result_sets

    def close(self) -> None:
        """Release the database connections (application shutdown, tests)."""
        close_store(self._sessions)

    def check_database(self, database: Database) -> None:
        """Raise diagnostic 235 unless the database (school) exists."""
        if database.school is None:
            return
        with self._sessions() as session:
            if find_school(session, database.school) is None:
                raise diag.DatabaseDoesNotExist(database.school)

    def search(self, request: SearchRetrieveRequest, database: Database) -> SearchResult:
        """One page of a searchRetrieve, with the cursor of the next page remembered."""
        catalog_plan = plan(
            catalog_query(request.query), lambda rid: self._result_set_query(rid, database)
        )
        facet_requests = check_facets(request.facets)
        school, matches_nothing = _school(database, catalog_plan)
        key = (
            f"{database.union}|{school}|{matches_nothing}|{catalog_plan.sort}|{catalog_plan.query}"
        )
        records: tuple[RetrievedRecord | SurrogateDiagnostic, ...] = ()
        facets: tuple[Facet, ...] = ()
        notes: tuple[diag.SRUDiagnostic, ...] = ()
        with self._sessions() as session:
            result_set = self._result_sets.get(key)
            if result_set is None:
                total = (
                    0
                    if matches_nothing
                    else self._count(session, catalog_plan, school, database.union)
                )
                result_set = self._result_sets.create(
                    key,
                    total,
                    request.result_set_ttl,
                    query=None if matches_nothing else catalog_plan.query,
                    school=school,
                )
            total = result_set.number_of_records
            if request.start_record > max(total, 1):
                raise diag.FirstRecordOutOfRange(None)
            if request.maximum_records and total:
                records = self._page(session, request, catalog_plan, database, result_set)
            if facet_requests and total:
                facets, notes = self._facets(session, catalog_plan, database, total, facet_requests)
        last = request.start_record + len(records) - 1
        return SearchResult(
            number_of_records=total,
            records=records,
            next_record_position=last + 1 if records and last < total else None,
            result_set_id=result_set.identifier if result_set.ttl else None,
            result_set_ttl=result_set.ttl,
            facets=facets,
            diagnostics=notes,
        )

    def _result_set_query(self, identifier: str, database: Database) -> catalog_query_model.Query:
        """The query of a live result set of this database, for ``cql.resultSetId``."""
        found = self._result_sets.find(identifier)
        if found is None or found.query is None or found.school != database.school:
            raise diag.ResultSetDoesNotExist(identifier)
        return found.query

    @staticmethod
    def _facets(
        session: Session,
        catalog_plan: CatalogPlan,
        database: Database,
        total: int,
        requests: list[tuple[FacetRequest, str]],
    ) -> tuple[tuple[Facet, ...], tuple[diag.SRUDiagnostic, ...]]:
        if total > FACET_MAXIMUM_RECORDS:
            note = diag.TooManyMatchingRecords(
                str(FACET_MAXIMUM_RECORDS),
                f"Facets are computed for results of at most {FACET_MAXIMUM_RECORDS} records",
            )
            return (), (note,)
        school = database.school or catalog_plan.school
        if database.union:
            clusters = union_search.search_clusters(
                session, catalog_plan.query, limit=total, school=school
            )
            marc = [
                record
                for _, record in _display_records(session, clusters.cluster_ids)
                if record is not None
            ]
            return count_facets(requests, marc), ()
        page = catalog_search.search(session, catalog_plan.query, limit=total, school=school)
        stored = catalog_search.fetch_records(session, page.record_ids)
        marc = []
        for row in stored:
            try:
                marc.append(marc_of(row.id, row.marc))
            except StoredRecordError as error:
                logger.error("SRU facets: stored record %s unreadable: %s", row.id, error.reason)
        return count_facets(requests, marc), ()

    @staticmethod
    def _count(session: Session, catalog_plan: CatalogPlan, school: str | None, union: bool) -> int:
        try:
            if union:
                return union_search.count_clusters(session, catalog_plan.query, school=school)
            return catalog_search.count(session, catalog_plan.query, school=school)
        except QueryError as error:
            raise _diagnostic(error) from error

    def _page(
        self,
        session: Session,
        request: SearchRetrieveRequest,
        catalog_plan: CatalogPlan,
        database: Database,
        result_set: ResultSet,
    ) -> tuple[RetrievedRecord | SurrogateDiagnostic, ...]:
        if database.union:
            return self._cluster_page(session, request, catalog_plan, database, result_set)
        school = database.school or catalog_plan.school
        before = request.start_record - 1
        try:
            cursor, skip = self._start(session, catalog_plan, database, result_set, before)
            page = catalog_search.search(
                session,
                catalog_plan.query,
                limit=request.maximum_records,
                sort=catalog_plan.sort,
                offset=skip,
                after=cursor,
                school=school,
            )
        except QueryError as error:
            raise _diagnostic(error) from error
        if page.next_cursor is not None:
            position = before + len(page.record_ids)
            self._result_sets.remember_cursor(result_set, position, page.next_cursor)
        stored = catalog_search.fetch_records(session, page.record_ids)
        records: list[RetrievedRecord | SurrogateDiagnostic] = []
        for position, row in enumerate(stored, start=request.start_record):
            try:
                records.append(RetrievedRecord(position, str(row.id), marc_of(row.id, row.marc)))
            except StoredRecordError as error:
                logger.error("SRU: stored record %s unreadable: %s", row.id, error.reason)
                records.append(SurrogateDiagnostic(position, diag.RecordTemporarilyUnavailable()))
        return tuple(records)

    def _cluster_page(
        self,
        session: Session,
        request: SearchRetrieveRequest,
        catalog_plan: CatalogPlan,
        database: Database,
        result_set: ResultSet,
    ) -> tuple[RetrievedRecord | SurrogateDiagnostic, ...]:
        """A page of the union database: display records of clusters, by cluster id."""
        before = request.start_record - 1
        try:
            cursor, skip = self._start(session, catalog_plan, database, result_set, before)
            page = union_search.search_clusters(
                session,
                catalog_plan.query,
                limit=request.maximum_records,
                sort=catalog_plan.sort,
                offset=skip,
                after=cursor,
                school=catalog_plan.school,
            )
        except QueryError as error:
            raise _diagnostic(error) from error
        if page.next_cursor is not None:
            position = before + len(page.cluster_ids)
            self._result_sets.remember_cursor(result_set, position, page.next_cursor)
        records: list[RetrievedRecord | SurrogateDiagnostic] = []
        displayed = _display_records(session, page.cluster_ids)
        for position, (cluster_id, record) in enumerate(displayed, start=request.start_record):
            if record is None:
                records.append(SurrogateDiagnostic(position, diag.RecordTemporarilyUnavailable()))
            else:
                records.append(RetrievedRecord(position, cluster_id, record))
        return tuple(records)

    def _start(
        self,
        session: Session,
        catalog_plan: CatalogPlan,
        database: Database,
        result_set: ResultSet,
        before: int,
    ) -> tuple[catalog_query_model.Cursor | None, int]:
        """Where a page after ``before`` records starts: a cursor and how many to skip after it.

        The previous page's cursor when a client walks in order; else the nearest
        checkpoint at or before the position (numbering the result once, see
        ``catalog.search.checkpoints``); OFFSET only for shallow positions.
        """
        if before == 0:
            return None, 0
        cursor = self._result_sets.cursor(result_set, before)
        if cursor is not None:
            return cursor, 0
        if before < CHECKPOINT_INTERVAL:
            return None, before
        mark = before // CHECKPOINT_INTERVAL * CHECKPOINT_INTERVAL
        cursor = self._result_sets.cursor(result_set, mark)
        if cursor is None:
            marks = _checkpoints(session, catalog_plan, database)
            self._result_sets.remember_cursors(result_set, marks)
            cursor = marks.get(mark)
        return (cursor, before - mark) if cursor is not None else (None, before)

    def scan(self, request: ScanRequest, database: Database) -> list[ScanTerm]:
        """Index terms from the scan clause's term on, with their record counts."""
        if database.school is not None:
            # The term index counts records of every school; per-school counts would lie.
            raise diag.UnsupportedOperation("scan", "Scan is served by the union database /sru")
        clause, definition = catalog_clause(request.scan_clause)
        if not definition.scan:
            raise diag.UnsupportedIndex(request.scan_clause.index, "Index cannot be scanned")
        if request.response_position > 1:
            raise diag.ResponsePositionOutOfRange(
                None, "Only terms from the scan term onwards can be listed"
            )
        limit = request.maximum_terms + (1 if request.response_position == 0 else 0)
        with self._sessions() as session:
            found = catalog_search.scan(session, clause.index, clause.term, limit=limit)
        terms = [ScanTerm(term.term, term.records) for term in found]
        if request.response_position == 0 and terms:
            terms = terms[1:] if len(terms) > request.maximum_terms else terms
        return terms[: request.maximum_terms]


def _checkpoints(
    session: Session, catalog_plan: CatalogPlan, database: Database
) -> dict[int, catalog_query_model.Cursor]:
    school = database.school or catalog_plan.school
    if database.union:
        return union_search.cluster_checkpoints(
            session,
            catalog_plan.query,
            every=CHECKPOINT_INTERVAL,
            sort=catalog_plan.sort,
            school=school,
        )
    return catalog_search.checkpoints(
        session,
        catalog_plan.query,
        every=CHECKPOINT_INTERVAL,
        sort=catalog_plan.sort,
        school=school,
    )


def _display_records(session: Session, cluster_ids: list[str]) -> list[tuple[str, Record | None]]:
    """Each cluster's display record, or None when a member cannot be read (logged)."""
    members = union_search.cluster_members(session, cluster_ids)
    retired = union_search.retired_ids_of(session, cluster_ids)
    found: list[tuple[str, Record | None]] = []
    for cluster_id in cluster_ids:
        try:
            record: Record | None = union_search.display_record_of(
                session, cluster_id, members[cluster_id], retired.get(cluster_id, ())
            )
        except StoredRecordError as error:
            logger.error("SRU: cluster %s unreadable: %s", cluster_id, error.reason)
            record = None
        found.append((cluster_id, record))
    return found


def _school(database: Database, catalog_plan: CatalogPlan) -> tuple[str | None, bool]:
    """The school filter, and whether database and query name two different schools."""
    both = database.school and catalog_plan.school
    return database.school or catalog_plan.school, bool(
        both and database.school != catalog_plan.school
    )


def _diagnostic(error: QueryError) -> diag.SRUDiagnostic:
    if isinstance(error, UnsupportedMaskingError):
        return diag.MaskingCharacterNotSupported(error.term)
    if isinstance(error, EmptyTermError):
        return diag.EmptyTermUnsupported(None, "No searchable word in the term")
    return diag.QueryFeatureUnsupported(str(error))
