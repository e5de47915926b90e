"""Result sets: the hit count and page-boundary cursors of recent searches.

SRU is stateless: a client paging through a result sends the same query again
with a larger ``startRecord``. Remembering, per result set, how many records it
has and the keyset cursor at each page boundary lets the next page start with
``WHERE (sort, id) > cursor`` instead of ``OFFSET n`` (so page 9,000 costs what
page 1 costs) and skips the COUNT. Entries live ``resultSetTTL`` seconds after
their last use (SRU ``resultSetIdleTime``).

Two stores share one interface (``ResultSets``): ``ResultSetStore`` keeps them
in the process (the embedded, single-process deployment) and
``result_sets_redis.RedisResultSetStore`` keeps them in Redis, so every gunicorn
worker sees the result sets, ``resultSetId``s and cursors the others made.
``open_result_sets(settings)`` picks Redis whenever ``redis_url`` is configured.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from kitapbridge.catalog.query import Cursor, Query
from kitapbridge.config import Settings

DEFAULT_CAPACITY = 10_000
"""Result sets kept at most; the least recently used are dropped first."""
HIT_LIST_LIMIT = 100_000
"""Results up to this size keep every hit's id (8 bytes each): any page of them is a
slice, at any depth and for any sort. Larger results page by keyset cursors."""


@dataclass(slots=True)
class ResultSet:
    """One remembered result: its id, size and the cursors after given positions."""

    identifier: str
    number_of_records: int
    ttl: int
    """Seconds of idleness after which the result set is forgotten."""
    expires_at: float
    query: Query | None = None
    """The catalog query behind it, for ``cql.resultSetId`` references."""
    school: str | None = None
    """The school filter it ran with."""
    cursors: dict[int, Cursor] = field(default_factory=dict)
    """Position p → cursor after record p (the next page starts at p + 1)."""
    hits: Sequence[int] | None = None
    """Every hit's id in result order, when the store holds them in this process."""
    has_hits: bool = False
    """The store keeps the hit list (in Redis ``hits`` may be None: read slices of it)."""
    state: str | None = None
    """The catalog's state when the hits were found (``Catalog.state``): a page read at
    another state means the result is stale and is made again."""
    window: tuple[int, int, list[int] | None] | None = None
    """(start, count, ids): hits ``start`` … ``start + count - 1`` read with the result set
    (Redis answers the find and the page's slice in one round trip); ids None when the hit
    list expired meanwhile."""


class ResultSets(Protocol):
    """Where result sets live: what ``SRUService`` needs of a store."""

    ttl: int
    """The longest idle time granted, in seconds (the configured maximum)."""

    def get(self, key: str, window: tuple[int, int] | None = None) -> ResultSet | None:
        """The live result set of a query key; ``window`` = (start, count) of the hits the
        caller will page next, which a store may read along (``ResultSet.window``)."""
        ...

    def find(self, identifier: str) -> ResultSet | None: ...

    def create(
        self,
        key: str,
        number_of_records: int,
        ttl: int | None = None,
        *,
        query: Query | None = None,
        school: str | None = None,
        hits: Sequence[int] | None = None,
        state: str | None = None,
    ) -> ResultSet: ...

    def hits(self, entry: ResultSet, start: int, count: int) -> list[int] | None: ...

    def cursor(self, entry: ResultSet, position: int) -> Cursor | None: ...

    def remember_cursor(self, entry: ResultSet, position: int, cursor: Cursor) -> None: ...

    def remember_cursors(self, entry: ResultSet, cursors: Mapping[int, Cursor]) -> None: ...


def result_set_identifier(key: str) -> str:
    """The result set id of a query key (stable across processes and restarts)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def open_result_sets(settings: Settings) -> ResultSets:
    """Redis when ``redis_url`` is set (several workers), else an in-process store."""
    if settings.redis_url:
        from kitapbridge.sru_server.result_sets_redis import RedisResultSetStore

        return RedisResultSetStore.from_url(settings.redis_url, settings.sru_result_set_ttl)
    return ResultSetStore(settings.sru_result_set_ttl)


class ResultSetStore:
    """A thread-safe LRU of result sets keyed by the query that produced them (one process)."""

    def __init__(
        self,
        ttl: int,
        capacity: int = DEFAULT_CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self._capacity = capacity
        self._clock = clock
        self._entries: OrderedDict[str, ResultSet] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def identifier(key: str) -> str:
        """The result set id of a query key (stable, so re-running a query reuses it)."""
        return result_set_identifier(key)

    def get(self, key: str, window: tuple[int, int] | None = None) -> ResultSet | None:
        """The live result set for this key, its idle time restarted; None if absent/expired.

        ``window`` is not needed here: the entry holds its whole hit list."""
        return self.find(self.identifier(key))

    def find(self, identifier: str) -> ResultSet | None:
        """The live result set with this id, its idle time restarted; None if absent/expired."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(identifier)
            if entry is None:
                return None
            if entry.expires_at <= now:
                del self._entries[identifier]
                return None
            entry.expires_at = now + entry.ttl
            self._entries.move_to_end(identifier)
            return entry

    def create(
        self,
        key: str,
        number_of_records: int,
        ttl: int | None = None,
        *,
        query: Query | None = None,
        school: str | None = None,
        hits: Sequence[int] | None = None,
        state: str | None = None,
    ) -> ResultSet:
        """A new result set for this key (replacing any previous one).

        ``ttl`` is the client's ``resultSetTTL``, honoured up to the configured maximum;
        ``hits`` is every hit's id in order, when the result is small enough to keep.
        """
        kept = self.ttl if ttl is None else min(ttl, self.ttl)
        entry = ResultSet(
            self.identifier(key),
            number_of_records,
            kept,
            self._clock() + kept,
            query,
            school,
            hits=list(hits) if hits is not None else None,
            has_hits=hits is not None,
            state=state,
        )
        with self._lock:
            self._entries[entry.identifier] = entry
            self._entries.move_to_end(entry.identifier)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
        return entry

    def hits(self, entry: ResultSet, start: int, count: int) -> list[int] | None:
        """The ids of hits ``start`` … ``start + count - 1`` (0-based); None without a hit list."""
        return list(entry.hits[start : start + count]) if entry.hits is not None else None

    def cursor(self, entry: ResultSet, position: int) -> Cursor | None:
        """The cursor after record ``position``, if a page ended there."""
        with self._lock:
            return entry.cursors.get(position)

    def remember_cursor(self, entry: ResultSet, position: int, cursor: Cursor) -> None:
        """Record that the record at ``position`` ends where ``cursor`` points."""
        with self._lock:
            entry.cursors[position] = cursor

    def remember_cursors(self, entry: ResultSet, cursors: Mapping[int, Cursor]) -> None:
        """Record several positions' cursors at once (``catalog.search.checkpoints``)."""
        with self._lock:
            entry.cursors.update(cursors)
