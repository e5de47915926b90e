"""The SRU endpoint: ``/sru`` (union catalog) and ``/sru/<ISIL>`` (one school), GET and POST.

Glue only: decode the HTTP parameters, then parse (``request``) → run
(``service``) → render (``response``). Every protocol error comes back as an
``SRUDiagnostic`` and is answered, as SRU requires, with HTTP 200 and a
diagnostic in the response of the negotiated version.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from lxml import etree
from sqlalchemy import Engine

from kitapbridge.catalog import changes
from kitapbridge.catalog.changes import CatalogVersion
from kitapbridge.config import Settings
from kitapbridge.sru_server.diagnostics import SRUDiagnostic
from kitapbridge.sru_server.explain import DatabaseDescription, explain_record
from kitapbridge.sru_server.request import (
    DEFAULT_NUMBER_OF_RECORDS,
    ExplainRequest,
    Parameters,
    ScanRequest,
    negotiate,
    parse_request,
)
from kitapbridge.sru_server.response import (
    CONTENT_TYPES,
    Document,
    diagnostic_response,
    explain_response,
    scan_response,
    search_retrieve_response,
    serialize,
)
from kitapbridge.sru_server.response_cache import (
    VERSION_KEY,
    CachedSRU,
    ResponseCache,
    body_etag,
    make_entry,
    not_modified,
)
from kitapbridge.sru_server.result_sets import open_result_sets
from kitapbridge.sru_server.service import Database, SRUService

logger = logging.getLogger(__name__)

EXTENSION_KEY = "kitapbridge.sru"
MAXIMUM_SCAN_TERMS = 100
"""The cap on scan ``maximumTerms`` (advertised in Explain)."""

STARTED_AT = datetime.now(UTC).replace(microsecond=0)
"""When this process started: what Explain describes (indexes, schemas, limits) was
fixed then, so it is Explain's ``dateModified`` and HTTP ``Last-Modified``."""
EXPLAIN_MAX_AGE = 3600
"""Seconds clients and proxies may reuse an Explain response without asking again."""

EXPLAIN_CACHE_SIZE = 256
"""Explain documents kept per process (one per host, database, version and parameters)."""
_EXPLAIN_DOCUMENTS: dict[tuple[Any, ...], tuple[bytes, str]] = {}

blueprint = Blueprint("sru", __name__)


def init_app(app: Flask, settings: Settings) -> None:
    """Register the SRU endpoint over the app's store (``web.db``) with a result-set store,
    behind the whole-response cache (``response_cache``)."""
    from kitapbridge.web import db

    result_sets = open_result_sets(settings)
    service = SRUService(db.read_sessions, result_sets)
    responses = CachedSRU(
        app.wsgi_app,
        ResponseCache(settings.sru_response_cache_bytes),
        lambda: _catalog_version(app),
        result_sets,
    )
    app.wsgi_app = responses  # type: ignore[method-assign]
    app.extensions[EXTENSION_KEY] = (service, settings, responses)
    app.register_blueprint(blueprint)


def _catalog_version(app: Flask) -> CatalogVersion | None:
    """The catalog's version and stamp, read on the SRU read pool; None if that fails
    (the request then runs as usual, retrying on a fresh connection).

    On the bare DBAPI connection: this runs for every SRU GET, and SQLAlchemy's
    ``Connection`` doubled its CPU (190 against 80–120 µs per read on PostgreSQL; a
    Redis GET costs 60 µs but a copy of the version there could lag the commit).
    """
    from kitapbridge.web import db

    engine: Engine = db.read_sessions(app).kw["bind"]
    connection = engine.raw_connection()
    try:
        return changes.current_on(connection.dbapi_connection)
    except engine.dialect.loaded_dbapi.Error as error:
        connection.invalidate()  # a dropped connection must not go back to the pool
        logger.warning("SRU: catalog version not read (%s); answering without the cache", error)
        return None
    finally:
        connection.close()


@blueprint.route("/sru", methods=["GET", "POST"])
@blueprint.route("/sru/<isil>", methods=["GET", "POST"])
def sru(isil: str | None = None) -> Response:
    """Answer one SRU request (explain, searchRetrieve or scan; version 1.1, 1.2 or 2.0)."""
    service, settings, responses = current_app.extensions[EXTENSION_KEY]
    parameters: Parameters = {name: request.values.getlist(name) for name in request.values}
    negotiation = negotiate(parameters)
    database = Database(path=request.path.lstrip("/"), school=isil)
    description = _description(database, settings)
    result_set: tuple[str, int] | None = None
    body: Document | etree._Element
    try:
        service.check_database(database)
        parsed = parse_request(
            parameters,
            maximum_records_cap=settings.sru_maximum_records,
            maximum_terms_cap=MAXIMUM_SCAN_TERMS,
        )
        if isinstance(parsed, ExplainRequest):
            return _explain(parsed, description, CONTENT_TYPES[negotiation.version], responses)
        if isinstance(parsed, ScanRequest):
            body = scan_response(parsed, service.scan(parsed, database))
        else:
            seen: CatalogVersion | None = request.environ.get(VERSION_KEY)
            result = service.search(parsed, database, seen.version if seen else None)
            body = search_retrieve_response(parsed, result)
            if result.result_set_id is not None and result.result_set_ttl:
                result_set = (result.result_set_id, result.result_set_ttl)
        stylesheet = parsed.stylesheet
    except SRUDiagnostic as diagnostic:
        single = {name: values[0] for name, values in parameters.items() if values}
        body = diagnostic_response(
            negotiation.operation,
            negotiation.version,
            diagnostic,
            single,
            explain_record(description),
        )
        stylesheet = single.get("stylesheet")
    response = Response(
        serialize(body, stylesheet), content_type=CONTENT_TYPES[negotiation.version]
    )
    return _revalidated(response, responses, result_set)


def _revalidated(
    response: Response, responses: CachedSRU, result_set: tuple[str, int] | None
) -> Response:
    """A search, scan or diagnostic response: kept for its request at the catalog version
    read before it ran, with ``Last-Modified`` (that version's stamp), an ``ETag``, and
    ``Cache-Control: no-cache`` (a client or proxy may store it but must revalidate: the
    catalog can change at any moment, and using a result set renews it)."""
    seen: CatalogVersion | None = request.environ.get(VERSION_KEY)
    if seen is not None:
        response.last_modified = seen.stamped_at
    response.cache_control.no_cache = True
    body = response.get_data()
    etag = body_etag(body)
    response.set_etag(etag)
    if seen is not None:
        entry = make_entry(seen.version, response.headers.to_wsgi_list(), body, result_set)
        responses.keep(request.environ, entry)
    if not_modified(request.environ, etag):
        return _not_modified(response)
    return response


def _not_modified(response: Response) -> Response:
    response.status_code = 304
    response.set_data(b"")
    response.headers.pop("Content-Type", None)
    response.headers.pop("Content-Length", None)
    return response


def _description(database: Database, settings: Settings) -> DatabaseDescription:
    host, _, port = request.host.partition(":")
    default_port = 443 if request.scheme == "https" else 80
    title = "Kazakhstan school libraries union catalog"
    if database.school is not None:
        title = f"{title}: holdings of {database.school}"
    return DatabaseDescription(
        host=host,
        port=int(port) if port.isdigit() else default_port,
        database=database.path,
        title=title,
        description="MARC 21 records of Kazakhstan's school libraries, in UTF-8",
        date_modified=STARTED_AT.isoformat(timespec="seconds").replace("+00:00", "Z"),
        default_records=DEFAULT_NUMBER_OF_RECORDS,
        maximum_records=settings.sru_maximum_records,
        maximum_terms=MAXIMUM_SCAN_TERMS,
    )


def _explain(
    parsed: ExplainRequest,
    description: DatabaseDescription,
    content_type: str,
    responses: CachedSRU,
) -> Response:
    """Explain, built once per process and request shape, with ETag and Last-Modified.

    The document changes only when the server is reconfigured (a restart), so a
    harvester polling Explain gets ``304 Not Modified`` for an unchanged document.
    """
    body, etag = _explain_document(parsed, description)
    response = Response(body, content_type=content_type)
    response.set_etag(etag)
    response.last_modified = STARTED_AT
    response.cache_control.public = True
    response.cache_control.max_age = EXPLAIN_MAX_AGE
    seen: CatalogVersion | None = request.environ.get(VERSION_KEY)
    if seen is not None:
        entry = make_entry(seen.version, response.headers.to_wsgi_list(), body, None)
        responses.keep(request.environ, entry)
    response.make_conditional(request)
    return response


def _explain_document(
    parsed: ExplainRequest, description: DatabaseDescription
) -> tuple[bytes, str]:
    key = (
        description,
        parsed.version,
        tuple(sorted(parsed.parameters.items())),  # echoed, so part of the document
        parsed.stylesheet,
        parsed.record_xml_escaping,
    )
    found = _EXPLAIN_DOCUMENTS.get(key)
    if found is None:
        document = explain_response(parsed, parsed.version, explain_record(description))
        body = serialize(document, parsed.stylesheet)
        found = body, body_etag(body)
        if len(_EXPLAIN_DOCUMENTS) >= EXPLAIN_CACHE_SIZE:
            _EXPLAIN_DOCUMENTS.clear()  # odd parameters must not grow it without bound
        _EXPLAIN_DOCUMENTS[key] = found
    return found
