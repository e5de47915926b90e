"""Running parsed SRU requests against the catalog: the "run" step between parse and render.

``SRUService`` holds the session factory and the result-set store; each call opens
one session (one unit of work per request), asks the database's ``Catalog``
(``catalogs``) for hits, counts, pages and rendered records, and returns the plain
results the response writers render. No SQL is written here.

A new query's result set keeps its whole hit list when it has at most
``HIT_LIST_LIMIT`` hits, so every page of it (any depth, any sort) is a slice; a
larger result pages by keyset cursors remembered at page ends and checkpoints.

The union database (``/sru``) answers with clusters (``kitapbridge.dedup.union_search``):
a cluster is a hit when any member is, ``rec.id`` and ``recordIdentifier`` are cluster
ids, and each record is the cluster's display record (one 852 per holding school).
``/sru/<ISIL>`` searches one school's converted records, identified by stored record id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog import query as catalog_query_model
from kitapbridge.catalog import search as catalog_search
from kitapbridge.catalog.query import EmptyTermError, QueryError, UnsupportedMaskingError
from kitapbridge.catalog.schools import find_school
from kitapbridge.cql import SearchClause
from kitapbridge.sru_server import diagnostics as diag
from kitapbridge.sru_server.catalog_search import CatalogPlan, plan
from kitapbridge.sru_server.catalogs import Catalog, SchoolCatalog, UnionCatalog, state_at
from kitapbridge.sru_server.facets import FACET_MAXIMUM_RECORDS, check_facets, count_facets
from kitapbridge.sru_server.query_check import catalog_clause, catalog_query
from kitapbridge.sru_server.rendered_records import RenderedRecords
from kitapbridge.sru_server.request import FacetRequest, ScanRequest, SearchRetrieveRequest
from kitapbridge.sru_server.result_sets import HIT_LIST_LIMIT, ResultSet, ResultSets
from kitapbridge.sru_server.results import (
    Facet,
    RetrievedRecord,
    ScanTerm,
    SearchResult,
    SurrogateDiagnostic,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

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

    def __init__(
        self,
        sessions: Callable[[], sessionmaker[Session]],
        result_sets: ResultSets,
        renderings: RenderedRecords | None = None,
    ) -> None:
        """``sessions`` gives the process's session factory (``web.db.sessions``: one
        engine per application and process, made after any fork)."""
        self._store = sessions
        self._result_sets = result_sets
        renderings = renderings if renderings is not None else RenderedRecords()
        self._union = UnionCatalog(renderings)
        self._schools = SchoolCatalog(renderings)

    def _sessions(self) -> Session:
        return self._store()()

    def check_database(self, database: Database) -> None:
        """Raise diagnostic 235 unless the database (school) exists."""
        if database.school is None:
            return
        school = database.school
        if not _once_more_if_disconnected(lambda: self._school_exists(school)):
            raise diag.DatabaseDoesNotExist(school)

    def _school_exists(self, isil: str) -> bool:
        with self._sessions() as session:
            return find_school(session, isil) is not None

    def search(
        self,
        request: SearchRetrieveRequest,
        database: Database,
        catalog_version: int | None = None,
    ) -> SearchResult:
        """One page of a searchRetrieve, from the result set of its query (made if new).

        ``catalog_version``: the catalog's change version read before the request ran
        (by the response cache), the state a new result set is made at; read here if
        not given. An earlier reading is safe: a change committed since makes the
        result set look older than it is, and the next request remakes it.
        """
        return _once_more_if_disconnected(lambda: self._search(request, database, catalog_version))

    def _search(
        self, request: SearchRetrieveRequest, database: Database, catalog_version: int | None
    ) -> SearchResult:
        catalog_plan = plan(
            catalog_query(request.query, proximity=True),
            lambda rid: self._result_set_query(rid, database),
        )
        facet_requests = check_facets(request.facets)
        school, matches_nothing = _school(database, catalog_plan)
        catalog = self._union if database.union else self._schools
        records: tuple[RetrievedRecord | SurrogateDiagnostic, ...] = ()
        facets: tuple[Facet, ...] = ()
        notes: tuple[diag.SRUDiagnostic, ...] = ()
        key = (
            f"{database.union}|{school}|{matches_nothing}|{catalog_plan.sort}|{catalog_plan.query}"
        )
        with self._sessions() as session:
            search = _Search(
                session.connection(),
                catalog,
                catalog_plan,
                school,
                self._result_sets,
                None if catalog_version is None else state_at(catalog_version),
            )
            window = (request.start_record - 1, request.maximum_records)
            result_set = self._result_sets.get(key, window)
            if result_set is not None:
                records, current = search.page_if_current(result_set, request)
                if not current:
                    result_set = None
            if result_set is None:
                result_set = search.create(key, request.result_set_ttl, matches_nothing)
                if request.start_record <= result_set.number_of_records:
                    records = search.page(result_set, request)[0]
            total = result_set.number_of_records
            if request.start_record > max(total, 1):
                raise diag.FirstRecordOutOfRange(None)
            if facet_requests and total:
                facets, notes = search.facets(result_set, facet_requests)
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
        found = _once_more_if_disconnected(lambda: self._scan(clause, limit))
        terms = [ScanTerm(term.term, term.records) for term in found]
        if request.response_position == 0 and terms:
            terms = terms[1:] if len(terms) > request.maximum_terms else terms
        return terms[: request.maximum_terms]

    def _scan(self, clause: SearchClause, limit: int) -> list[catalog_search.ScanTerm]:
        with self._sessions() as session:
            return catalog_search.scan(session, clause.index, clause.term, limit=limit)


def _once_more_if_disconnected(run: Callable[[], T]) -> T:
    """``run()``, and once more if its database connection had been dropped by the server.

    The read pool does not ping connections on checkout (``web.db.read_sessions``); the
    first statement on a dropped one fails, SQLAlchemy invalidates the pool, and the
    retry gets a fresh connection. Everything ``run`` writes (result sets in Redis) is
    keyed by the query, so running it twice is harmless.
    """
    try:
        return run()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        logger.warning("SRU: database connection lost (%s); running the request again", error)
        return run()


@dataclass(slots=True)
class _Search:
    """One query over one database on one connection: its result set and pages."""

    connection: Connection
    catalog: Catalog
    plan: CatalogPlan
    school: str | None
    result_sets: ResultSets
    known_state: str | None
    """``Catalog.state`` as read before this request ran, if it was."""

    def create(self, key: str, ttl: int | None, matches_nothing: bool) -> ResultSet:
        """The result set of a query not seen recently: its hit list, or its count."""
        query = self.plan.query
        hits: list[int] | None = []
        state = self.known_state
        if state is None:  # before the hits: a change in between makes the set look stale
            state = self.catalog.state(self.connection)
        try:
            if not matches_nothing:
                hits = self.catalog.hits(
                    self.connection, query, self.plan.sort, self.school, HIT_LIST_LIMIT
                )
            total = (
                len(hits)
                if hits is not None
                else self.catalog.count(self.connection, query, self.school)
            )
        except QueryError as error:
            raise _diagnostic(error) from error
        return self.result_sets.create(
            key,
            total,
            ttl,
            query=None if matches_nothing else query,
            school=self.school,
            hits=hits,
            state=state,
        )

    def page_if_current(
        self, result_set: ResultSet, request: SearchRetrieveRequest
    ) -> tuple[tuple[RetrievedRecord | SurrogateDiagnostic, ...], bool]:
        """The requested page of a kept result set, and whether the catalog is unchanged
        since it was made (read by the page's own statement: no extra round trip)."""
        records, seen = self.page(result_set, request)
        if seen is None:
            seen = self.catalog.state(self.connection)
        return records, seen == result_set.state

    def page(
        self, result_set: ResultSet, request: SearchRetrieveRequest
    ) -> tuple[tuple[RetrievedRecord | SurrogateDiagnostic, ...], str | None]:
        """Records ``startRecord`` … of the result set (none past its end), and the
        catalog's state as the statement reading them saw it."""
        start, count = request.start_record, request.maximum_records
        if not count or start > result_set.number_of_records:
            return (), None
        ids = self.result_sets.hits(result_set, start - 1, count)
        if ids is None:
            ids = self._keyset_page(result_set, start - 1, count)
        records, seen = self.catalog.retrieve(self.connection, ids, start, request.schema)
        return tuple(records), seen

    def facets(
        self, result_set: ResultSet, requests: list[tuple[FacetRequest, str]]
    ) -> tuple[tuple[Facet, ...], tuple[diag.SRUDiagnostic, ...]]:
        total = result_set.number_of_records
        if total > FACET_MAXIMUM_RECORDS:
            note = diag.TooManyMatchingRecords(
                str(FACET_MAXIMUM_RECORDS),
                f"Facets are computed for results of at most {FACET_MAXIMUM_RECORDS} records",
            )
            return (), (note,)
        ids = self.result_sets.hits(result_set, 0, total)
        if ids is None:
            ids = self._keyset_page(result_set, 0, total)
        return count_facets(requests, self.catalog.marc_records(self.connection, ids)), ()

    def _keyset_page(self, result_set: ResultSet, before: int, count: int) -> list[int]:
        """A page of a result too large to keep as a list: from the nearest known cursor."""
        try:
            cursor, skip = self._start(result_set, before)
            ids, next_cursor = self.catalog.page(
                self.connection,
                self.plan.query,
                self.plan.sort,
                self.school,
                limit=count,
                offset=skip,
                after=cursor,
            )
        except QueryError as error:
            raise _diagnostic(error) from error
        if next_cursor is not None and not self.plan.sort.then:
            self.result_sets.remember_cursor(result_set, before + len(ids), next_cursor)
        return ids

    def _start(
        self, result_set: ResultSet, before: int
    ) -> tuple[catalog_query_model.Cursor | None, int]:
        """Where a page after ``before`` records starts: a cursor and how many to skip after it.

        The previous page's cursor when a client walks in order; else the nearest
        checkpoint at or before the position (numbering the result once, see
        ``catalog.search.checkpoints``); OFFSET only for shallow positions.
        """
        if before == 0:
            return None, 0
        if self.plan.sort.then:
            return None, before  # cursors follow one key: a rare case (over HIT_LIST_LIMIT)
        cursor = self.result_sets.cursor(result_set, before)
        if cursor is not None:
            return cursor, 0
        if before < CHECKPOINT_INTERVAL:
            return None, before
        mark = before // CHECKPOINT_INTERVAL * CHECKPOINT_INTERVAL
        cursor = self.result_sets.cursor(result_set, mark)
        if cursor is None:
            marks = self.catalog.checkpoints(
                self.connection, self.plan.query, self.plan.sort, self.school, CHECKPOINT_INTERVAL
            )
            self.result_sets.remember_cursors(result_set, marks)
            cursor = marks.get(mark)
        return (cursor, before - mark) if cursor is not None else (None, before)


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
