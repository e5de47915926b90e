"""Whole SRU responses kept per process: replayed byte for byte while the catalog version
is unchanged, never across requests, databases or versions; ETag and 304; bounded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pymarc
import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sru_catalog import ALMATY, ASTANA, store_with_catalog

from kitapbridge.catalog.edits import edit_record
from kitapbridge.catalog.models import StoredRecord
from kitapbridge.catalog.records import marc_of
from kitapbridge.catalog.store import make_engine
from kitapbridge.config import Settings
from kitapbridge.sru_server.blueprint import EXTENSION_KEY
from kitapbridge.sru_server.response_cache import (
    CachedResponse,
    CachedSRU,
    ResponseCache,
    names_a_result_set,
)
from kitapbridge.sru_server.service import SRUService
from kitapbridge.web.app import close_app, create_app

DC = "{http://purl.org/dc/elements/1.1/}"

REQUESTS: list[tuple[str, dict[str, str]]] = [
    (path, {**base, **extra})
    for path in ("/sru", f"/sru/{ASTANA}", f"/sru/{ALMATY}", "/sru/KZ-NONE-0000")
    for base in (
        {"version": "1.2", "operation": "searchRetrieve", "query": "dc.title = қазақ"},
        {"version": "1.1", "operation": "searchRetrieve", "query": "dc.title = қазақ"},
        {"operation": "searchRetrieve", "query": 'dc.creator = "Смағұлов"', "sortKeys": ""},
        {"version": "1.2", "operation": "searchRetrieve", "query": "cql.allRecords = 1"},
    )
    for extra in (
        {},
        {"startRecord": "2", "maximumRecords": "2"},
        {"recordSchema": "marcxml", "maximumRecords": "3"},
        {"resultSetTTL": "0"},
        {"recordSchema": "info:srw/schema/1/mods-v3.6", "recordPacking": "string"},
    )
] + [
    ("/sru", {"version": "1.2", "operation": "scan", "scanClause": "dc.title = қ"}),
    ("/sru", {"version": "1.2", "operation": "scan", "scanClause": "dc.title = ф"}),
    ("/sru", {"version": "1.2", "operation": "explain"}),
    ("/sru", {}),
    ("/sru", {"version": "1.2", "operation": "searchRetrieve", "query": "dc.title ="}),
    ("/sru", {"version": "1.2", "operation": "searchRetrieve", "query": "x", "startRecord": "0"}),
    ("/sru", {"version": "9.9", "operation": "searchRetrieve", "query": "dc.title = физика"}),
]


@pytest.fixture
def apps(database_url: str) -> Iterator[tuple[Flask, Flask]]:
    """The same store behind a caching app and an app without the cache."""
    store_with_catalog(database_url)
    cached = create_app(Settings(database_url=database_url))
    uncached = create_app(Settings(database_url=database_url, sru_response_cache_bytes=0))
    yield cached, uncached
    close_app(cached)
    close_app(uncached)


def responses_of(app: Flask) -> CachedSRU:
    found: CachedSRU = app.extensions[EXTENSION_KEY][2]
    return found


def service_of(app: Flask) -> SRUService:
    found: SRUService = app.extensions[EXTENSION_KEY][0]
    return found


def counting_runs(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The requests the SRU service ran (a replayed response runs none)."""
    service = service_of(app)
    ran: list[str] = []
    for name in ("search", "scan", "check_database"):
        original = getattr(service, name)

        def counted(*args: Any, _original: Any = original, _name: str = name) -> Any:
            ran.append(_name)
            return _original(*args)

        monkeypatch.setattr(service, name, counted)
    return ran


def test_replayed_responses_are_the_bytes_the_server_makes_for_each_request(
    apps: tuple[Flask, Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    cached, uncached = apps
    client, reference = cached.test_client(), uncached.test_client()
    first = [client.get(path, query_string=params) for path, params in REQUESTS]
    ran = counting_runs(cached, monkeypatch)
    again = [client.get(path, query_string=params) for path, params in REQUESTS]
    assert ran == []  # every one replayed
    made = [reference.get(path, query_string=params) for path, params in REQUESTS]
    for request, one, two, three in zip(REQUESTS, first, again, made, strict=True):
        assert one.status_code == two.status_code == three.status_code == 200, request
        assert one.data == two.data == three.data, request
        assert one.headers["ETag"] == two.headers["ETag"] == three.headers["ETag"], request
    per_database = len(REQUESTS[:-7]) // 4
    # one request, four databases (union, two schools, unknown): four answers
    assert len({first[n * per_database].data for n in range(4)}) == 4
    assert len(responses_of(cached).cache) == len(REQUESTS)
    assert len(responses_of(uncached).cache) == 0


SEARCH = {
    "version": "1.2",
    "operation": "searchRetrieve",
    "query": "dc.title = қара",
    "recordSchema": "dc",
}


def search(client: FlaskClient, **headers: str) -> Any:
    return client.get("/sru", query_string=SEARCH, headers=headers)


def result_set_of(body: bytes) -> str:
    found = etree.fromstring(body).findtext("{*}resultSetId")
    assert found
    return found


def titles(body: bytes) -> list[str]:
    return [e.text or "" for e in etree.fromstring(body).iter(f"{DC}title")]


def test_a_change_committed_between_two_requests_changes_the_answer(
    apps: tuple[Flask, Flask], database_url: str
) -> None:
    client = apps[0].test_client()
    before = search(client)
    assert search(client).data == before.data
    engine = make_engine(database_url)
    with sessionmaker(engine, expire_on_commit=False).begin() as session:
        edit_abai_title(session)
    engine.dispose()
    after = search(client)
    assert (titles(before.data), titles(after.data)) == (
        ["Қара сөздер"],
        ["Қара сөздер: толық жинақ"],
    )
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.data == search(apps[1].test_client()).data


def edit_abai_title(session: Session) -> None:
    record_id = session.scalar(select(StoredRecord.id).where(StoredRecord.local_id == "a1"))
    assert record_id is not None
    stored = session.get(StoredRecord, record_id)
    assert stored is not None
    record = marc_of(record_id, stored.marc)
    title = record["245"]
    assert title is not None
    title.subfields = [pymarc.Subfield("a", "Қара сөздер: толық жинақ")]
    edit_record(session, record_id, record, who="librarian", why="full title")


def test_a_matching_etag_is_answered_304_on_the_first_and_the_replayed_request(
    apps: tuple[Flask, Flask],
) -> None:
    fresh = apps[1].test_client()
    first = search(fresh)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    assert first.headers["Last-Modified"]
    assert search(fresh, **{"If-None-Match": etag}).status_code == 304  # made, not replayed
    client = apps[0].test_client()
    assert search(client).headers["ETag"] == etag
    replayed = search(client, **{"If-None-Match": f'"other", {etag}'})
    assert (replayed.status_code, replayed.data) == (304, b"")
    assert replayed.headers["ETag"] == etag
    assert replayed.headers["Cache-Control"] == "no-cache"
    assert "Content-Type" not in replayed.headers
    assert search(client, **{"If-None-Match": '"other"'}).status_code == 200


def test_post_and_queries_naming_a_result_set_are_never_kept(apps: tuple[Flask, Flask]) -> None:
    client = apps[0].test_client()
    data = SEARCH
    assert client.post("/sru", data=data).status_code == 200
    first = search(client)
    result_set = result_set_of(first.data)
    refine = f"cql.resultSetId = {result_set} and dc.date > 2000"
    client.get("/sru", query_string={**data, "query": refine})
    assert len(responses_of(apps[0]).cache) == 1
    assert names_a_result_set("query=cql.resultSetId%3D%22x%22")
    assert names_a_result_set("query=cql.RESULTSETID+%3D+x")
    assert not names_a_result_set("query=dc.title%3Dresult")


def test_a_replayed_response_renews_its_result_set_and_is_not_replayed_once_it_is_gone(
    apps: tuple[Flask, Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = apps[0]
    client = cached.test_client()
    first = search(client)
    result_set = result_set_of(first.data)
    store = service_of(cached)._result_sets
    found = store.find(result_set)
    assert found is not None
    ran = counting_runs(cached, monkeypatch)
    entry = next(iter(responses_of(cached).cache._entries.values()))
    entry.renewed_at -= 60  # renewed long ago: the replay renews it now
    renewed: list[str] = []
    find = store.find
    monkeypatch.setattr(store, "find", lambda i: renewed.append(i) or find(i))
    assert search(client).data == first.data
    assert (ran, renewed) == ([], [result_set])
    assert search(client).data == first.data
    assert renewed == [result_set]  # not again within a second
    monkeypatch.setattr(store, "find", lambda i: renewed.append(i) and None)
    entry.renewed_at -= 60
    assert search(client).data == first.data  # made again: the result set too
    assert ran == ["check_database", "search"]


def kept(body: bytes) -> CachedResponse:
    return CachedResponse(1, "200 OK", [("Content-Type", "text/xml")], body, "e", None, 0.0)


def test_the_cache_stays_within_its_bytes_dropping_the_least_recently_used() -> None:
    cache = ResponseCache(max_bytes=3 * kept(b"x" * 1000).size)
    for name in "abc":
        cache.put((name, "", "", ""), kept(b"x" * 1000))
    assert cache.get(("a", "", "", "")) is not None  # a is now the most recent
    cache.put(("d", "", "", ""), kept(b"x" * 1000))
    assert [key[0] for key in cache._entries] == ["c", "a", "d"]
    assert cache.size == 3 * kept(b"x" * 1000).size <= cache.max_bytes
    cache.put(("e", "", "", ""), kept(b"x" * 10_000))  # larger than the whole cache
    assert len(cache) == 3 and cache.get(("e", "", "", "")) is None
    cache.put(("a", "", "", ""), kept(b"y" * 2000))
    assert [key[0] for key in cache._entries] == ["d", "a"]
    assert cache.size == kept(b"x" * 1000).size + kept(b"y" * 2000).size


def statements_of(app: Flask) -> list[str]:
    """SQL the SRU read pool runs through SQLAlchemy from now on (the response cache's
    own version read goes to the DBAPI connection and is not among them)."""
    from sqlalchemy import event

    from kitapbridge.web import db

    app.test_client().get("/sru", query_string={"operation": "explain"})  # the pool exists
    ran: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        ran.append(" ".join(statement.split()))

    event.listen(db.read_sessions(app).kw["bind"], "before_cursor_execute", seen)
    return ran


@pytest.mark.parametrize(
    ("path", "first_page", "next_page"),
    [
        # the hit list, the clusters' snapshots, the members' MARC; then no hit list
        ("/sru", 3, 2),
        # the school exists, the hit list, the records' versions, their MARC
        (f"/sru/{ASTANA}", 4, 3),
    ],
)
def test_a_new_query_reads_the_catalog_version_once_before_it_runs(
    apps: tuple[Flask, Flask], path: str, first_page: int, next_page: int
) -> None:
    cached, _uncached = apps
    ran = statements_of(cached)
    query = {"version": "1.2", "operation": "searchRetrieve", "query": "cql.allRecords = 1"}
    client = cached.test_client()
    assert client.get(path, query_string={**query, "maximumRecords": "1"}).status_code == 200
    assert len(ran) == first_page
    assert not any(s.startswith("SELECT catalog_changes.version") for s in ran)
    # The page's own statement reads the version too (is the result set current?) ...
    assert sum("catalog_changes" in s for s in ran) == 1
    ran.clear()
    # ... and the result set made at the version the response cache read is current.
    assert client.get(path, query_string={**query, "startRecord": "2"}).status_code == 200
    assert len(ran) == next_page
