"""Whole SRU responses, kept per process and served again while the catalog is unchanged.

A GET of ``/sru`` or ``/sru/<ISIL>`` is answered from what the request says (path,
query string, and the host and scheme Explain and diagnostics name), the server's
configuration (fixed for the application) and the catalog as of its change version
(``catalog.changes``). ``CachedSRU`` wraps the application's WSGI callable: it reads
the version (one small statement), and when the response kept for the same request
was made at that version it replays it without entering Flask, SQLAlchemy's ORM,
the result-set store or lxml. Otherwise the request runs as usual and the view keeps
its response (``keep``) under the version read before it ran, so a change committed
while it ran only makes the entry look older than it is.

Parts of a response that do not follow from the catalog:

* ``resultSetId`` with ``resultSetIdleTime``/``resultSetTTL``: the id is stable per
  query and the idle time a constant, but the set must still be alive when the
  client uses the id, and each use restarts its idle time. A replayed response
  naming a result set therefore renews it in the result-set store (at most once per
  ``RESULT_SET_RENEWAL`` seconds per entry and process) and is not replayed if the
  set is gone or kept for another idle time;
* a query naming ``cql.resultSetId`` depends on that set being alive: never kept.

POST requests and responses other than 200 are not kept. ``ETag`` is a digest of
the body, so it changes whenever the bytes do (also after an upgrade of the server);
``If-None-Match`` is answered with 304 on both paths.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from werkzeug.http import parse_etags, quote_etag

from kitapbridge.catalog.changes import CatalogVersion
from kitapbridge.sru_server.result_sets import ResultSets

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

VERSION_KEY = "kitapbridge.catalog-version"
"""WSGI environ key: the ``CatalogVersion`` read before the request ran."""
RESULT_SET_RENEWAL = 1.0
"""Seconds between renewals of a replayed response's result set (per entry and process):
its idle time may end up to this much earlier than the response says."""
NOT_MODIFIED = "304 Not Modified"

CacheKey = tuple[str, str, str, str]


@dataclass(slots=True)
class CachedResponse:
    """One kept response: what to send, the version it was made at, and its result set."""

    version: int
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    result_set: tuple[str, int] | None
    """The result set it names (id, idle seconds), renewed when it is replayed."""
    renewed_at: float

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(name) + len(value) for name, value in self.headers) + 200


class ResponseCache:
    """Responses by request, least recently used dropped first to stay under ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[CacheKey, CachedResponse] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey) -> CachedResponse | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: CacheKey, entry: CachedResponse) -> None:
        if entry.size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old.size
            self._entries[key] = entry
            self.size += entry.size
            while self.size > self.max_bytes:
                _key, dropped = self._entries.popitem(last=False)
                self.size -= dropped.size


def cache_key(environ: WSGIEnvironment) -> CacheKey | None:
    """The request's key, or None when its response is not kept (not a GET of SRU)."""
    if environ.get("REQUEST_METHOD") != "GET":
        return None
    path: str = environ.get("PATH_INFO", "")
    if path != "/sru" and not (path.startswith("/sru/") and "/" not in path[5:]):
        return None
    return (
        path,
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_HOST", ""),
        environ.get("wsgi.url_scheme", "http"),
    )


def names_a_result_set(query_string: str) -> bool:
    """Whether the request's query refers to a result set (``cql.resultSetId``)."""
    return "resultsetid" in unquote_plus(query_string).lower()


def body_etag(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def not_modified(environ: WSGIEnvironment, etag: str) -> bool:
    """Whether ``If-None-Match`` names this representation (weak comparison, as for GET)."""
    header = environ.get("HTTP_IF_NONE_MATCH")
    return header is not None and parse_etags(header).contains_weak(etag)


class CachedSRU:
    """WSGI middleware: replays a kept SRU response while the catalog version is unchanged."""

    def __init__(
        self,
        app: WSGIApplication,
        cache: ResponseCache,
        catalog_version: Callable[[], CatalogVersion | None],
        result_sets: ResultSets,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``catalog_version`` reads the current version (None when it cannot: the request
        then runs as usual, and its own error handling applies)."""
        self.app = app
        self.cache = cache
        self._catalog_version = catalog_version
        self._result_sets = result_sets
        self._clock = clock

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        key = cache_key(environ)
        if key is None:
            return self.app(environ, start_response)
        seen = self._catalog_version()
        if seen is None:
            return self.app(environ, start_response)
        entry = self.cache.get(key)
        if entry is not None and entry.version == seen.version and self._result_set_alive(entry):
            return _replay(entry, environ, start_response)
        environ[VERSION_KEY] = seen
        return self.app(environ, start_response)

    def keep(self, environ: WSGIEnvironment, entry: CachedResponse) -> None:
        """Keep a response the view made for this request (under the version read first)."""
        key = cache_key(environ)
        if key is not None and not names_a_result_set(key[1]):
            self.cache.put(key, entry)

    def _result_set_alive(self, entry: CachedResponse) -> bool:
        if entry.result_set is None:
            return True
        now = self._clock()
        if now - entry.renewed_at < RESULT_SET_RENEWAL:
            return True
        identifier, ttl = entry.result_set
        found = self._result_sets.find(identifier)  # restarts its idle time
        if found is None or found.ttl != ttl:
            return False
        entry.renewed_at = now
        return True


def _replay(
    entry: CachedResponse, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    if not_modified(environ, entry.etag):
        headers = [(n, v) for n, v in entry.headers if n.lower() in _NOT_MODIFIED_HEADERS]
        start_response(NOT_MODIFIED, headers)
        return []
    start_response(entry.status, entry.headers)
    return [entry.body]


_NOT_MODIFIED_HEADERS = frozenset({"etag", "cache-control", "last-modified", "date", "vary"})


def entry_headers(headers: Iterable[tuple[str, str]], etag: str) -> list[tuple[str, str]]:
    """A 200 response's headers as kept, with its ETag (the body's digest)."""
    kept = [(n, v) for n, v in headers if n.lower() != "etag"]
    kept.append(("ETag", quote_etag(etag)))
    return kept


def make_entry(
    version: int,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    result_set: tuple[str, int] | None,
    clock: Callable[[], float] = time.monotonic,
) -> CachedResponse:
    etag = body_etag(body)
    return CachedResponse(
        version, "200 OK", entry_headers(headers, etag), body, etag, result_set, clock()
    )
