"""Result sets in Redis, shared by every worker process of the SRU server.

Production runs several stateless gunicorn workers; a harvester's next page may
land on any of them. Each result set is one Redis hash that expires after its
idle time (``EXPIRE`` renewed on every use, like ``resultSetIdleTime``):

- ``records``, ``ttl``, ``school`` and ``query`` (the catalog query as JSON, for
  ``cql.resultSetId``);
- ``c:<position>`` → the keyset cursor after that record (``Cursor.token()``), so
  a page started on one worker continues on another without an OFFSET.

Only what the catalog query model can express is stored, as JSON: never pickles,
since whatever reads Redis must not be able to run code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import redis

from kitapbridge.catalog.query import (
    BooleanClause,
    BooleanOperator,
    Cursor,
    MatchAll,
    Query,
    QueryError,
    RangeClause,
    RangeField,
    Relation,
    TermClause,
)
from kitapbridge.sru_server.result_sets import ResultSet, result_set_identifier

KEY_PREFIX = "kitapbridge:sru:result-set:"


class RedisResultSetStore:
    """``ResultSets`` kept in Redis with a TTL per result set."""

    def __init__(self, client: redis.Redis, ttl: int) -> None:
        self.ttl = ttl
        self._redis = client

    @classmethod
    def from_url(cls, url: str, ttl: int) -> RedisResultSetStore:
        """A store on the Redis at ``url`` (one connection pool per process)."""
        client: redis.Redis = redis.Redis.from_url(url)
        return cls(client, ttl)

    def get(self, key: str) -> ResultSet | None:
        """The live result set for this query key, its idle time restarted."""
        return self.find(result_set_identifier(key))

    def find(self, identifier: str) -> ResultSet | None:
        """The live result set with this id, its idle time restarted; None if absent/expired."""
        name = KEY_PREFIX + identifier
        records, ttl, school, query = self._redis.hmget(name, ["records", "ttl", "school", "query"])
        if records is None or ttl is None:
            return None
        idle = int(ttl)
        self._redis.expire(name, idle)  # idle time restarts with every use
        return ResultSet(
            identifier,
            int(records),
            idle,
            expires_at=0.0,  # Redis expires the entry itself
            query=decode_query(json.loads(query)) if query else None,
            school=_text(school) if school else None,
        )

    def create(
        self,
        key: str,
        number_of_records: int,
        ttl: int | None = None,
        *,
        query: Query | None = None,
        school: str | None = None,
    ) -> ResultSet:
        """A new result set for this key (replacing any previous one and its cursors)."""
        kept = self.ttl if ttl is None else min(ttl, self.ttl)
        entry = ResultSet(result_set_identifier(key), number_of_records, kept, 0.0, query, school)
        name = KEY_PREFIX + entry.identifier
        if kept <= 0:
            self._redis.delete(name)  # resultSetTTL=0: the client wants none kept
            return entry
        pipeline = self._redis.pipeline(transaction=True)
        pipeline.delete(name)
        pipeline.hset(name, "records", number_of_records)
        pipeline.hset(name, "ttl", kept)
        if school is not None:
            pipeline.hset(name, "school", school)
        if query is not None:
            pipeline.hset(name, "query", json.dumps(encode_query(query), ensure_ascii=False))
        pipeline.expire(name, kept)
        pipeline.execute()
        return entry

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


def encode_query(query: Query) -> dict[str, Any]:
    """A catalog query as JSON-ready data (inverse of ``decode_query``)."""
    if isinstance(query, MatchAll):
        return {"all": True}
    if isinstance(query, TermClause):
        return {"index": query.index, "text": query.text, "relation": query.relation.value}
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
