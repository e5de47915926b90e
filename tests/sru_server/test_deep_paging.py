"""Deep pages: slices of a kept hit list, or (results too large to keep) pages started from
a checkpoint cursor of the numbered result, never OFFSET n."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from lxml import etree
from sqlalchemy.orm import Session, sessionmaker
from sru_catalog import load_catalog

from kitapbridge.catalog.query import Cursor, MatchAll, Sort, SortKey, TermClause
from kitapbridge.catalog.search import checkpoints, search
from kitapbridge.catalog.store import close_store, make_engine, migrate
from kitapbridge.config import Settings
from kitapbridge.sru_server import service as service_module
from kitapbridge.sru_server.blueprint import EXTENSION_KEY
from kitapbridge.web.app import close_app, create_app

SRW = "{http://www.loc.gov/zing/srw/}"


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    migrate(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    load_catalog(factory)
    yield factory
    close_store(factory)


@pytest.fixture
def app(sessions: sessionmaker[Session], database_url: str) -> Iterator[Flask]:
    application = create_app(Settings(database_url=database_url))
    yield application
    close_app(application)


@pytest.mark.parametrize(
    "sort", [Sort(), Sort(SortKey.TITLE), Sort(SortKey.DATE, descending=True)], ids=str
)
def test_checkpoints_are_the_cursors_a_walk_would_reach(
    sessions: sessionmaker[Session], sort: Sort
) -> None:
    with sessions() as session:
        marks = checkpoints(session, MatchAll(), every=3, sort=sort)
        walk: dict[int, Cursor] = {}
        page = search(session, MatchAll(), limit=3, sort=sort)
        position = 3
        while page.next_cursor is not None:
            walk[position] = page.next_cursor
            page = search(session, MatchAll(), limit=3, sort=sort, after=page.next_cursor)
            position += 3
        assert sorted(marks) == [3, 6, 9]
        assert marks == walk


def test_checkpoints_of_a_term_query_and_skipping_after_one(
    sessions: sessionmaker[Session],
) -> None:
    query = TermClause("creator", "смағұлов")
    with sessions() as session:
        everything = search(session, query, limit=10).record_ids
        marks = checkpoints(session, query, every=2)
        assert sorted(marks) == [2]
        assert marks[2].record_id == everything[1]
        rest = search(session, query, limit=10, after=marks[2], offset=0).record_ids
        assert rest == everything[2:]


def page(app: Flask, start: str, maximum: str) -> etree._Element:
    response = app.test_client().get(
        "/sru",
        query_string={
            "version": "1.2",
            "operation": "searchRetrieve",
            "query": "cql.allRecords = 1 sortBy dc.title",
            "startRecord": start,
            "maximumRecords": maximum,
        },
    )
    return etree.fromstring(response.data)


def records(app: Flask, start: str, maximum: str) -> list[str]:
    return [e.text or "" for e in page(app, start, maximum).iter(f"{SRW}recordIdentifier")]


def test_a_deep_page_asked_cold_is_the_page_a_walk_reaches(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "CHECKPOINT_INTERVAL", 3)
    monkeypatch.setattr(service_module, "HIT_LIST_LIMIT", 5)  # too many hits to keep a list
    everything = records(app, "1", "10")
    assert len(everything) == 10
    deep = page(app, "8", "2")
    assert [e.text for e in deep.iter(f"{SRW}recordIdentifier")] == everything[7:9]
    service, *_ = app.extensions[EXTENSION_KEY]
    result_set = service._result_sets.find(deep.findtext(f"{SRW}resultSetId"))
    assert result_set is not None
    assert sorted(result_set.cursors) == [3, 6, 9]  # the numbered result's checkpoints
    assert records(app, "5", "3") == everything[4:7]  # from checkpoint 3, skipping 1
    assert records(app, "10", "5") == everything[9:]


def test_a_small_result_keeps_its_hit_list_and_pages_are_slices_of_it(app: Flask) -> None:
    everything = records(app, "1", "10")
    service, *_ = app.extensions[EXTENSION_KEY]
    result_set = service._result_sets.find(page(app, "1", "1").findtext(f"{SRW}resultSetId"))
    assert result_set is not None and result_set.number_of_records == 10
    assert [f"c{i}" for i in service._result_sets.hits(result_set, 0, 10)] == everything
    assert result_set.cursors == {}  # no keyset paging needed
    assert records(app, "8", "2") == everything[7:9]
    assert records(app, "10", "5") == everything[9:]
