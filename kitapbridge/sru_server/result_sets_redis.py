"""Result sets in Redis, shared by every worker process of the SRU server.

Production runs several stateless gunicorn workers; a harvester's next page may
land on any of them. Each result set is one Redis hash that expires after its
idle time (``EXPIRE`` renewed on every use, like ``resultSetIdleTime``):

- ``records``, ``ttl``, ``school``, ``state`` (``Catalog.state`` when it was made)
  and ``query`` (the catalog query as JSON, for ``cql.resultSetId``);
- ``c:<position>`` → the keyset cursor after that record (``Cursor.token()``), so
  a page started on one worker continues on another without an OFFSET;
- ``hits`` = 1 when the result is small enough to keep every hit's id: they are the
  string ``<key>:hits``, 8 bytes (big-endian) per id, so a page is one ``GETRANGE``.

Finding a result set, restarting its idle time and reading the requested page of its
hit list is one round trip (a Lua script).

Only what the catalog query model can express is stored, as JSON: never pickles,
since whatever reads Redis must not be able to run code.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import redis

from kitapbridge.catalog.query import (
    BooleanClause,
    BooleanOperator,
    Comparison,
    Cursor,
    MatchAll,
    ProximityClause,
    Query,
    QueryError,
    RangeClause,
    RangeField,
    Relation,
    TermClause,
)
from kitapbridge.sru_server.result_sets import ResultSet, result_set_identifier

KEY_PREFIX = "kitapbridge:sru:result-set:"
HITS_SUFFIX = ":hits"
_ID = struct.Struct(">q")

# HMGET, EXPIRE (of the hash and of its hit list) and, when ARGV gives a byte range,
# GETRANGE of the hit list, in one round trip: a page of a kept result costs one call.
_FIND_SCRIPT = """
local found = redis.call('HMGET', KEYS[1], 'records', 'ttl', 'school', 'query', 'hits', 'state')
if found[1] and found[2] then
  redis.call('EXPIRE', KEYS[1], found[2])
  if found[5] then
    redis.call('EXPIRE', KEYS[2], found[2])
    if ARGV[1] then found[7] = redis.call('GETRANGE', KEYS[2], ARGV[1], ARGV[2]) end
  end
end
return found
"""


class RedisResultSetStore:
    """``ResultSets`` kept in Redis with a TTL per result set."""

    def __init__(self, client: redis.Redis, ttl: int) -> None:
        self.ttl = ttl
        self._redis = client
        self._find = client.register_script(_FIND_SCRIPT)

    @classmethod
    def from_url(cls, url: str, ttl: int) -> RedisResultSetStore:
        """A store on the Redis at ``url`` (one connection pool per process)."""
        client: redis.Redis = redis.Redis.from_url(url)
        return cls(client, ttl)

    def get(self, key: str, window: tuple[int, int] | None = None) -> ResultSet | None:
        """The live result set for this query key, its idle time restarted, with hits
        ``window`` = (start, count) read along when it keeps its hit list."""
        return self.find(result_set_identifier(key), window)

    def find(self, identifier: str, window: tuple[int, int] | None = None) -> ResultSet | None:
        """The live result set with this id, its idle time restarted; None if absent/expired."""
        name = KEY_PREFIX + identifier
        byte_range = _byte_range(*window) if window is not None and window[1] > 0 else ()
        # The idle time restarts with every use.
        found = self._find(keys=[name, name + HITS_SUFFIX], args=byte_range)
        records, ttl, school, query, hits, state = found[:6]
        if records is None or ttl is None:
            return None
        entry = ResultSet(
            identifier,
            int(records),
            int(ttl),
            expires_at=0.0,  # Redis expires the entry itself
            query=decode_query(json.loads(query)) if query else None,
            school=_text(school) if school else None,
            has_hits=hits is not None,
            state=_text(state) if state is not None else None,
        )
        if window is not None and len(found) > 6:
            entry.window = (*window, self._ids(entry, window[0], found[6]))
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
        """A new result set for this key (replacing any previous one and its cursors)."""
        kept = self.ttl if ttl is None else min(ttl, self.ttl)
        entry = ResultSet(
            result_set_identifier(key),
            number_of_records,
            kept,
            0.0,
            query,
            school,
            hits=list(hits) if hits is not None else None,
            has_hits=hits is not None,
            state=state,
        )
        name = KEY_PREFIX + entry.identifier
        if kept <= 0:
            self._redis.delete(name, name + HITS_SUFFIX)  # resultSetTTL=0: keep none
            return entry
        pipeline = self._redis.pipeline(transaction=True)
        pipeline.delete(name, name + HITS_SUFFIX)
        pipeline.hset(name, "records", number_of_records)
        pipeline.hset(name, "ttl", kept)
        if school is not None:
            pipeline.hset(name, "school", school)
        if state is not None:
            pipeline.hset(name, "state", state)
        if query is not None:
            pipeline.hset(name, "query", json.dumps(encode_query(query), ensure_ascii=False))
        if hits is not None:
            pipeline.hset(name, "hits", 1)
            # One pack call for the whole list: packing id by id cost a new result set of
            # ten thousand hits about 2 ms of CPU.
            pipeline.set(name + HITS_SUFFIX, struct.pack(f">{len(hits)}q", *hits), ex=kept)
        pipeline.expire(name, kept)
        pipeline.execute()
        return entry

    def hits(self, entry: ResultSet, start: int, count: int) -> list[int] | None:
        """The ids of hits ``start`` … ``start + count - 1`` (0-based); None without a hit list."""
        if entry.hits is not None:
            return list(entry.hits[start : start + count])
        if not entry.has_hits or count <= 0:
            return None if not entry.has_hits else []
        if entry.window is not None and entry.window[:2] == (start, count):
            return entry.window[2]
        name = KEY_PREFIX + entry.identifier + HITS_SUFFIX
        return self._ids(entry, start, self._redis.getrange(name, *_byte_range(start, count)))

    @staticmethod
    def _ids(entry: ResultSet, start: int, packed: bytes | str) -> list[int] | None:
        """Hit ids from a GETRANGE of the hit list; None when it expired meanwhile."""
        if isinstance(packed, str):  # a client decoding replies: the ids are not text
            raise TypeError("the Redis client must not decode responses")
        if not packed and start < entry.number_of_records:
            return None  # expired between find and now: page by cursor instead
        return [value for (value,) in _ID.iter_unpack(packed)]

    def cursor(self, entry: ResultSet, position: int) -> Cursor | None:
        """The cursor after record ``position``, if any worker ended a page there."""
        token = self._redis.hget(KEY_PREFIX + entry.identifier, f"c:{position}")
        return Cursor.from_token(_text(token)) if token else None

    def remember_cursor(self, entry: ResultSet, position: int, cursor: Cursor) -> None:
        """Record that the record at ``position`` ends where ``cursor`` points."""
        if entry.ttl <= 0:
            return
        name = KEY_PREFIX + entry.identifier
        # Only onto a live hash: a cursor must not resurrect an expired result set
        # without its record count.
        if self._redis.exists(name):
            self._redis.hset(name, f"c:{position}", cursor.token())

    def remember_cursors(self, entry: ResultSet, cursors: Mapping[int, Cursor]) -> None:
        """Record several positions' cursors in one round trip."""
        name = KEY_PREFIX + entry.identifier
        if entry.ttl <= 0 or not cursors or not self._redis.exists(name):
            return
        pipeline = self._redis.pipeline(transaction=False)
        for position, cursor in cursors.items():
            pipeline.hset(name, f"c:{position}", cursor.token())
        pipeline.execute()


def _byte_range(start: int, count: int) -> tuple[int, int]:
    """GETRANGE's inclusive byte bounds of hits ``start`` … ``start + count - 1``."""
    return start * _ID.size, (start + count) * _ID.size - 1


def encode_query(query: Query) -> dict[str, Any]:
    """A catalog query as JSON-ready data (inverse of ``decode_query``)."""
    if isinstance(query, MatchAll):
        return {"all": True}
    if isinstance(query, TermClause):
        return {"index": query.index, "text": query.text, "relation": query.relation.value}
    if isinstance(query, ProximityClause):
        return {
            "prox": query.index,
            "left": query.left,
            "right": query.right,
            "comparison": query.comparison.value,
            "distance": query.distance,
            "ordered": query.ordered,
        }
    if isinstance(query, RangeClause):
        return {
            "range": query.field.value,
            "low": _encode_bound(query.low),
            "high": _encode_bound(query.high),
            "low_inclusive": query.low_inclusive,
            "high_inclusive": query.high_inclusive,
        }
    return {
        "operator": query.operator.value,
        "left": encode_query(query.left),
        "right": encode_query(query.right),
    }


def decode_query(data: dict[str, Any]) -> Query:
    """The catalog query ``encode_query`` wrote; ``QueryError`` for anything else."""
    try:
        if data.get("all"):
            return MatchAll()
        if "index" in data:
            return TermClause(data["index"], data["text"], Relation(data["relation"]))
        if "prox" in data:
            return ProximityClause(
                data["prox"],
                data["left"],
                data["right"],
                Comparison(data["comparison"]),
                int(data["distance"]),
                bool(data["ordered"]),
            )
        if "range" in data:
            return RangeClause(
                RangeField(data["range"]),
                _decode_bound(data["low"]),
                _decode_bound(data["high"]),
                bool(data["low_inclusive"]),
                bool(data["high_inclusive"]),
            )
        return BooleanClause(
            BooleanOperator(data["operator"]),
            decode_query(data["left"]),
            decode_query(data["right"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise QueryError(f"not a stored catalog query: {data!r}") from error


def _encode_bound(value: int | datetime | None) -> int | dict[str, str] | None:
    return {"at": value.isoformat()} if isinstance(value, datetime) else value


def _decode_bound(value: Any) -> int | datetime | None:
    if isinstance(value, dict):
        return datetime.fromisoformat(value["at"])
    if value is None or isinstance(value, int):
        return value
    raise ValueError(f"not a range bound: {value!r}")


def _text(value: bytes | str) -> str:
    """A Redis reply as text, whether or not the client decodes responses."""
    return value.decode("utf-8") if isinstance(value, bytes) else value
