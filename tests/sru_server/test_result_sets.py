"""Result sets: idle expiry, the client's resultSetTTL, LRU capacity and remembered cursors."""

from __future__ import annotations

from kitapbridge.catalog.query import Cursor
from kitapbridge.sru_server.result_sets import ResultSetStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_result_set_lives_while_used_and_expires_when_idle() -> None:
    clock = Clock()
    store = ResultSetStore(ttl=300, clock=clock)
    created = store.create("dc.title=физика", 42)
    store.remember_cursor(created, 10, Cursor(2019, 77))
    clock.now += 299
    found = store.get("dc.title=физика")
    assert found is created and found.cursors == {10: Cursor(2019, 77)}
    clock.now += 299  # idle time restarted by the last use
    assert store.get("dc.title=физика") is created
    clock.now += 300
    assert store.get("dc.title=физика") is None


def test_client_ttl_is_honoured_up_to_the_configured_maximum() -> None:
    clock = Clock()
    store = ResultSetStore(ttl=300, clock=clock)
    assert store.create("a", 1, ttl=60).ttl == 60
    assert store.create("b", 1, ttl=3600).ttl == 300
    assert store.create("c", 1, ttl=0).ttl == 0
    clock.now += 61
    assert store.get("a") is None
    assert store.get("b") is not None
    assert store.get("c") is None


def test_least_recently_used_result_sets_are_dropped_first() -> None:
    store = ResultSetStore(ttl=300, capacity=2, clock=Clock())
    store.create("first", 1)
    store.create("second", 2)
    assert store.get("first") is not None
    store.create("third", 3)
    assert store.get("second") is None
    assert [store.get(k) is not None for k in ("first", "third")] == [True, True]


def test_identifier_is_stable_per_query() -> None:
    assert ResultSetStore.identifier("q") == ResultSetStore.identifier("q")
    assert ResultSetStore.identifier("q") != ResultSetStore.identifier("r")
    assert len(ResultSetStore.identifier("q")) == 20


def test_a_result_set_keeps_its_hit_list_and_answers_slices() -> None:
    store = ResultSetStore(ttl=300, clock=Clock())
    with_hits = store.create("dc.title=физика", 4, hits=[9, 4, 6, 1])
    assert store.hits(with_hits, 1, 2) == [4, 6]
    assert store.hits(with_hits, 3, 10) == [1]
    without = store.create("cql.allRecords=1", 500_000)
    assert store.hits(without, 0, 10) is None
