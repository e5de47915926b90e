"""Result sets in Redis: a second worker (another app instance) pages and refines them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis
from flask import Flask
from lxml import etree
from sru_catalog import store_with_catalog

from kitapbridge.catalog.query import (
    BooleanClause,
    BooleanOperator,
    Cursor,
    MatchAll,
    RangeClause,
    RangeField,
    Relation,
    TermClause,
)
from kitapbridge.config import Settings
from kitapbridge.sru_server import service as service_module
from kitapbridge.sru_server.result_sets import ResultSetStore, open_result_sets
from kitapbridge.sru_server.result_sets_redis import (
    HITS_SUFFIX,
    KEY_PREFIX,
    RedisResultSetStore,
    decode_query,
    encode_query,
)
from kitapbridge.web.app import close_app, create_app

SRW = "{http://www.loc.gov/zing/srw/}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture
def workers(database_url: str, redis_url: str) -> Iterator[tuple[Flask, Flask]]:
    """Two app instances over one database and one Redis, as two gunicorn workers are."""
    store_with_catalog(database_url)
    settings = Settings(database_url=database_url, redis_url=redis_url)
    apps = (create_app(settings), create_app(settings))
    yield apps
    for app in apps:
        close_app(app)


def search(app: Flask, query: str, **params: str) -> etree._Element:
    response = app.test_client().get(
        "/sru",
        query_string={"version": "1.2", "operation": "searchRetrieve", "query": query, **params},
    )
    return etree.fromstring(response.data)


def titles(root: etree._Element) -> list[str]:
    return [e.text or "" for e in root.iter(f"{DC}title")]


@pytest.mark.parametrize("kept", ["hit list", "cursors"])
def test_second_worker_pages_and_refines_a_result_set_of_the_first(
    workers: tuple[Flask, Flask], redis_url: str, kept: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if kept == "cursors":  # a result too large to keep as a list pages by keyset cursor
        monkeypatch.setattr(service_module, "HIT_LIST_LIMIT", 5)
    first, second = workers
    query = "cql.allRecords = 1 sortBy dc.title"
    page_one = search(first, query, maximumRecords="4", recordSchema="dc")
    identifier = page_one.findtext(f"{SRW}resultSetId")
    assert page_one.findtext(f"{SRW}numberOfRecords") == "10"
    assert identifier
    # The hit list, or the cursor after record 4, is in Redis, not in the first worker.
    client = redis.Redis.from_url(redis_url)
    if kept == "cursors":
        assert client.hget(KEY_PREFIX + identifier, "c:4") is not None
        assert not client.exists(KEY_PREFIX + identifier + HITS_SUFFIX)
    else:
        assert client.hget(KEY_PREFIX + identifier, "c:4") is None
        assert client.strlen(KEY_PREFIX + identifier + HITS_SUFFIX) == 10 * 8
    page_two = search(second, query, maximumRecords="4", startRecord="5", recordSchema="dc")
    alone = search(first, query, maximumRecords="10", recordSchema="dc")
    assert titles(page_one) + titles(page_two) == titles(alone)[:8]
    assert page_two.findtext(f"{SRW}nextRecordPosition") == "9"
    refined = search(second, f'cql.resultSetId = "{identifier}" and dc.date > 2021')
    assert refined.findtext(f"{SRW}numberOfRecords") == "2"
    assert refined.find(f".//{SRW}diagnostics") is None


def test_settings_decide_where_result_sets_live(redis_url: str) -> None:
    assert isinstance(open_result_sets(Settings(redis_url=redis_url)), RedisResultSetStore)
    assert isinstance(open_result_sets(Settings(redis_url=None)), ResultSetStore)


def test_redis_result_sets_expire_and_honour_the_client_ttl(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    store = RedisResultSetStore(client, ttl=300)
    kept = store.create("dc.title=физика", 42, ttl=60, school="KZ-AST-SCH001")
    store.remember_cursor(kept, 10, Cursor("fizika", 77))
    found = store.find(kept.identifier)
    assert found is not None
    assert (found.number_of_records, found.ttl, found.school) == (42, 60, "KZ-AST-SCH001")
    assert store.cursor(found, 10) == Cursor("fizika", 77)
    assert store.cursor(found, 20) is None
    assert 0 < client.ttl(KEY_PREFIX + kept.identifier) <= 60
    assert store.create("b", 1, ttl=3600).ttl == 300
    dropped = store.create("c", 1, ttl=0, hits=[5])
    assert store.find(dropped.identifier) is None
    assert store.hits(dropped, 0, 10) == [5]  # still answers the request that made it
    client.delete(KEY_PREFIX + kept.identifier)
    assert store.get("dc.title=физика") is None
    store.remember_cursor(kept, 20, Cursor("x", 1))  # never resurrects an expired set
    assert not client.exists(KEY_PREFIX + kept.identifier)


def test_redis_hit_lists_are_sliced_and_live_as_long_as_their_result_set(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    store = RedisResultSetStore(client, ttl=300)
    ids = [7, 3, 2**40, 11, 5]
    created = store.create("dc.title=алгебра", 5, ttl=60, hits=ids)
    found = store.find(created.identifier)
    assert found is not None and found.has_hits and found.hits is None
    assert store.hits(found, 0, 2) == [7, 3]
    assert store.hits(found, 2, 10) == [2**40, 11, 5]
    assert store.hits(found, 5, 10) == []
    hit_list = KEY_PREFIX + created.identifier + HITS_SUFFIX
    client.expire(hit_list, 5)
    assert store.find(created.identifier) is not None  # a use restarts both idle times
    assert 5 < client.ttl(hit_list) <= 60
    without = store.find(store.create("dc.title=химия", 40).identifier)
    assert without is not None and not without.has_hits
    assert store.hits(without, 0, 10) is None


def test_redis_reads_the_page_of_the_hit_list_with_the_result_set(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    store = RedisResultSetStore(client, ttl=300)
    ids = [7, 3, 2**40, 11, 5]
    store.create("dc.title=алгебра", 5, ttl=60, hits=ids)
    found = store.get("dc.title=алгебра", (1, 3))
    assert found is not None and found.window == (1, 3, [3, 2**40, 11])
    client.delete(KEY_PREFIX + found.identifier + HITS_SUFFIX)  # the window needs no Redis
    assert store.hits(found, 1, 3) == [3, 2**40, 11]
    assert store.hits(found, 0, 2) is None  # another slice is read, and the list is gone
    at_end = store.get("dc.title=алгебра", (4, 10))
    assert at_end is not None and at_end.window == (4, 10, None)  # expired: page by cursor
    store.create("dc.title=алгебра", 5, ttl=60, hits=ids)
    past = store.get("dc.title=алгебра", (5, 10))
    assert past is not None and past.window == (5, 10, [])
    none_asked = store.get("dc.title=алгебра", (0, 0))
    assert none_asked is not None and none_asked.window is None
    store.create("dc.title=химия", 40)
    counted = store.get("dc.title=химия", (0, 10))
    assert counted is not None and counted.window is None and not counted.has_hits


def test_catalog_queries_round_trip_through_json() -> None:
    query = BooleanClause(
        BooleanOperator.NOT,
        BooleanClause(
            BooleanOperator.AND,
            TermClause("title", "қазақ тілі", Relation.ADJ),
            RangeClause(RangeField.DATE, low=2010, high_inclusive=False),
        ),
        BooleanClause(
            BooleanOperator.OR,
            MatchAll(),
            RangeClause(RangeField.MODIFIED, high=datetime(2026, 1, 2, 3, 4, tzinfo=UTC)),
        ),
    )
    assert decode_query(encode_query(query)) == query
