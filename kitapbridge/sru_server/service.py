"""Running parsed SRU requests against the catalog: the "run" step between parse and render.

``SRUService`` holds the session factory and the result-set store; each call opens
one session (one unit of work per request), asks ``kitapbridge.catalog.search``
for counts, pages and scan terms, and returns the plain results the response
writers render. No SQL is written here.

The union database (``/sru``) searches every school's records; until clusters
land in the catalog each source record is its own cluster, so ``rec.id`` and
``recordIdentifier`` are the stored record ids. ``/sru/<ISIL>`` restricts every
search to one school.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog import query as catalog_query_model
from kitapbridge.catalog import search as catalog_search
from kitapbridge.catalog.query import EmptyTermError, QueryError, UnsupportedMaskingError
from kitapbridge.catalog.records import StoredRecordError, marc_of
from kitapbridge.catalog.schools import find_school
from kitapbridge.catalog.store import close_store
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
        key = f"{school}|{matches_nothing}|{catalog_plan.sort}|{catalog_plan.query}"
        records: tuple[RetrievedRecord | SurrogateDiagnostic, ...] = ()
        facets: tuple[Facet, ...] = ()
        notes: tuple[diag.SRUDiagnostic, ...] = ()
        with self._sessions() as session:
            result_set = self._result_sets.get(key)
            if result_set is None:
                total = 0 if matches_nothing else self._count(session, catalog_plan, school)
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
                records = self._page(session, request, catalog_plan, school, result_set)
            if facet_requests and total:
                facets, notes = self._facets(session, catalog_plan, school, total, facet_requests)
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
        school: str | None,
        total: int,
        requests: list[tuple[FacetRequest, str]],
    ) -> tuple[tuple[Facet, ...], tuple[diag.SRUDiagnostic, ...]]:
        if total > FACET_MAXIMUM_RECORDS:
            note = diag.TooManyMatchingRecords(
                str(FACET_MAXIMUM_RECORDS),
                f"Facets are computed for results of at most {FACET_MAXIMUM_RECORDS} records",
            )
            return (), (note,)
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
    def _count(session: Session, catalog_plan: CatalogPlan, school: str | None) -> int:
        try:
            return catalog_search.count(session, catalog_plan.query, school=school)
        except QueryError as error:
            raise _diagnostic(error) from error

    def _page(
        self,
        session: Session,
        request: SearchRetrieveRequest,
        catalog_plan: CatalogPlan,
        school: str | None,
        result_set: ResultSet,
    ) -> tuple[RetrievedRecord | SurrogateDiagnostic, ...]:
        before = request.start_record - 1
        try:
            cursor, skip = self._start(session, catalog_plan, school, result_set, before)
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

    def _start(
        self,
        session: Session,
        catalog_plan: CatalogPlan,
        school: str | None,
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
            marks = catalog_search.checkpoints(
                session,
                catalog_plan.query,
                every=CHECKPOINT_INTERVAL,
                sort=catalog_plan.sort,
                school=school,
            )
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
