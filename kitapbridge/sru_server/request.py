"""SRU request parsing per version (1.1, 1.2, 2.0): parameters in, typed request out.

No I/O and no Flask: the blueprint hands over the decoded GET query string or
POST form as a mapping of parameter name → values. :func:`negotiate` never fails
and says which version and operation to answer in (also for diagnostics);
:func:`parse_request` raises an :class:`SRUDiagnostic` for anything malformed.

Decisions where the standard leaves a choice (each one also what Zebra/YAZ or
DNB do): no ``version`` means 2.0 and a bare base URL gets an explain; an unknown
non-``x-`` parameter is diagnostic 8; ``maximumRecords`` above the cap is
diagnostic 6 rather than a silently shorter page; a repeated parameter is 6.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kitapbridge.cql import Modifier, Query, SearchClause, SortKey
from kitapbridge.sru_server import diagnostics as diag
from kitapbridge.sru_server.query_check import parse_query
from kitapbridge.sru_server.record_schemas import DEFAULT_SCHEMA, RecordSchema, find_schema

Parameters = Mapping[str, Sequence[str]]

DEFAULT_NUMBER_OF_RECORDS = 10
"""Records per page when a request gives no maximumRecords (advertised in Explain)."""

DEFAULT_SCAN_TERMS = 20
"""Terms per scan when a request gives no maximumTerms (what yaz-client asks for)."""


class SRUVersion(StrEnum):
    """The SRU versions served, oldest first."""

    V1_1 = "1.1"
    V1_2 = "1.2"
    V2_0 = "2.0"

    @property
    def is_2(self) -> bool:
        """True for SRU 2.0 (OASIS namespaces, recordXMLEscaping, facets)."""
        return self is SRUVersion.V2_0


HIGHEST_VERSION = SRUVersion.V2_0


class Operation(StrEnum):
    """The three SRU operations."""

    EXPLAIN = "explain"
    SEARCH_RETRIEVE = "searchRetrieve"
    SCAN = "scan"


_COMMON = frozenset({"operation", "version", "stylesheet", "extraRequestData"})
_ALLOWED: dict[tuple[Operation, bool], frozenset[str]] = {
    (Operation.EXPLAIN, False): _COMMON | {"recordPacking"},
    (Operation.EXPLAIN, True): _COMMON | {"recordXMLEscaping", "recordPacking", "httpAccept"},
    (Operation.SEARCH_RETRIEVE, False): _COMMON
    | {"query", "startRecord", "maximumRecords", "recordPacking", "recordSchema", "resultSetTTL"},
    (Operation.SEARCH_RETRIEVE, True): _COMMON
    | {
        "query",
        "queryType",
        "startRecord",
        "maximumRecords",
        "recordXMLEscaping",
        "recordPacking",
        "recordSchema",
        "resultSetTTL",
        "sortKeys",
        "renderedBy",
        "httpAccept",
        "responseType",
        "facetLimit",
        "facetStart",
        "facetSort",
        "facetCount",
    },
    (Operation.SCAN, False): _COMMON | {"scanClause", "responsePosition", "maximumTerms"},
    (Operation.SCAN, True): _COMMON
    | {"scanClause", "responsePosition", "maximumTerms", "httpAccept", "renderedBy"},
}
_ONLY_1_1 = frozenset({"sortKeys", "recordXPath"})


@dataclass(frozen=True, slots=True)
class Negotiation:
    """The version and operation a response will be written in."""

    version: SRUVersion
    operation: Operation
    version_problem: diag.SRUDiagnostic | None = None
    operation_problem: diag.SRUDiagnostic | None = None


@dataclass(frozen=True, slots=True)
class FacetRequest:
    """One ``facetLimit`` entry: at most ``limit`` terms of ``index`` (SRU 2.0)."""

    index: str
    limit: int


@dataclass(frozen=True, slots=True)
class SRURequest:
    """What every operation carries."""

    version: SRUVersion
    parameters: Mapping[str, str]
    """The request's parameters, one value each, for echoing."""
    stylesheet: str | None
    record_xml_escaping: str
    """``xml`` or ``string`` (1.x ``recordPacking``, 2.0 ``recordXMLEscaping``)."""


@dataclass(frozen=True, slots=True)
class ExplainRequest(SRURequest):
    """operation=explain."""


@dataclass(frozen=True, slots=True)
class SearchRetrieveRequest(SRURequest):
    """operation=searchRetrieve."""

    query_text: str
    query: Query
    """The parsed query, with 1.1/2.0 ``sortKeys`` merged in as sort keys."""
    start_record: int
    maximum_records: int
    schema: RecordSchema
    record_packing: str = "packed"
    """SRU 2.0 ``packed``/``unpacked``."""
    result_set_ttl: int | None = None
    facets: tuple[FacetRequest, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ScanRequest(SRURequest):
    """operation=scan."""

    scan_clause_text: str
    scan_clause: SearchClause
    response_position: int
    maximum_terms: int


def negotiate(parameters: Parameters) -> Negotiation:
    """The version to answer in and the operation asked for; never raises."""
    requested = _first(parameters, "version")
    version, version_problem = _version(requested)
    operation_name = _first(parameters, "operation")
    if operation_name is None:
        if "query" in parameters:
            operation = Operation.SEARCH_RETRIEVE
        elif "scanClause" in parameters:
            operation = Operation.SCAN
        else:
            operation = Operation.EXPLAIN
        missing = None if version.is_2 else diag.MandatoryParameterMissing("operation")
        return Negotiation(version, operation, version_problem, missing)
    try:
        operation = Operation(operation_name)
    except ValueError:
        return Negotiation(
            version, Operation.EXPLAIN, version_problem, diag.UnsupportedOperation(operation_name)
        )
    return Negotiation(version, operation, version_problem)


def _first(parameters: Parameters, name: str) -> str | None:
    values = parameters.get(name)
    return values[0] if values else None


def _version(requested: str | None) -> tuple[SRUVersion, diag.SRUDiagnostic | None]:
    if requested is None:
        return HIGHEST_VERSION, None
    try:
        return SRUVersion(requested), None
    except ValueError:
        pass
    problem = diag.UnsupportedVersion(HIGHEST_VERSION.value)
    try:
        answer_in = SRUVersion.V1_1 if float(requested) < 1.1 else HIGHEST_VERSION
    except ValueError:
        answer_in = HIGHEST_VERSION
    return answer_in, problem


def parse_request(
    parameters: Parameters, *, maximum_records_cap: int, maximum_terms_cap: int
) -> ExplainRequest | SearchRetrieveRequest | ScanRequest:
    """The typed request, or the diagnostic for the first problem found."""
    negotiation = negotiate(parameters)
    if negotiation.version_problem is not None:
        raise negotiation.version_problem
    if negotiation.operation_problem is not None:
        raise negotiation.operation_problem
    version, operation = negotiation.version, negotiation.operation
    single = _single_values(parameters)
    _check_parameter_names(single, version, operation)
    common: dict[str, Any] = {
        "version": version,
        "parameters": single,
        "stylesheet": single.get("stylesheet"),
        "record_xml_escaping": _xml_escaping(single, version),
    }
    if single.get("renderedBy", "client") != "client":
        raise diag.StylesheetsNotSupported(None, "renderedBy=server is not supported")
    if operation is Operation.EXPLAIN:
        return ExplainRequest(**common)
    if operation is Operation.SCAN:
        return _scan_request(single, common, maximum_terms_cap)
    return _search_request(single, common, maximum_records_cap)


def _single_values(parameters: Parameters) -> dict[str, str]:
    single: dict[str, str] = {}
    for name, values in parameters.items():
        if len(values) > 1 and not name.startswith("x-"):
            raise diag.UnsupportedParameterValue(name, f"{name} given more than once")
        single[name] = values[0] if values else ""
    return single


def _check_parameter_names(
    single: Mapping[str, str], version: SRUVersion, operation: Operation
) -> None:
    allowed = _ALLOWED[(operation, version.is_2)]
    if version is SRUVersion.V1_1 and operation is Operation.SEARCH_RETRIEVE:
        allowed = allowed | _ONLY_1_1
    for name in single:
        if name.startswith("x-") or name in allowed:
            continue
        if name == "recordXPath" and operation is Operation.SEARCH_RETRIEVE:
            raise diag.XPathRetrievalUnsupported(None)
        raise diag.UnsupportedParameter(name)
    if "version" not in single and not version.is_2:
        raise diag.MandatoryParameterMissing("version")


def _xml_escaping(single: Mapping[str, str], version: SRUVersion) -> str:
    name = "recordXMLEscaping" if version.is_2 else "recordPacking"
    value = single.get(name, "xml")
    if value not in {"xml", "string"}:
        raise diag.UnsupportedRecordPacking(value)
    return value


def _search_request(
    single: Mapping[str, str], common: dict[str, Any], maximum_records_cap: int
) -> SearchRetrieveRequest:
    query_text = single.get("query")
    if query_text is None:
        raise diag.MandatoryParameterMissing("query")
    if single.get("queryType", "cql") != "cql":
        raise diag.UnsupportedParameterValue("queryType")
    query = parse_query(query_text)
    if "sortKeys" in single:
        if query.sort_keys:
            raise diag.SortInQueryAndProtocol(None)
        query = Query(root=query.root, sort_keys=parse_sort_keys(single["sortKeys"]))
    maximum_records = _natural(single, "maximumRecords", DEFAULT_NUMBER_OF_RECORDS, minimum=0)
    if maximum_records > maximum_records_cap:
        raise diag.UnsupportedParameterValue(
            "maximumRecords", f"maximumRecords may not exceed {maximum_records_cap}"
        )
    requested_schema = single.get("recordSchema")
    schema = DEFAULT_SCHEMA if requested_schema is None else find_schema(requested_schema)
    if schema is None:
        raise diag.UnknownSchema(requested_schema)
    packing = "packed"
    if common["version"] == SRUVersion.V2_0:
        packing = single.get("recordPacking", "packed")
        if packing not in {"packed", "unpacked"}:
            raise diag.UnsupportedRecordPacking(packing)
    return SearchRetrieveRequest(
        **common,
        query_text=query_text,
        query=query,
        start_record=_natural(single, "startRecord", 1, minimum=1),
        maximum_records=maximum_records,
        schema=schema,
        record_packing=packing,
        result_set_ttl=(
            _natural(single, "resultSetTTL", 0, minimum=0) if "resultSetTTL" in single else None
        ),
        facets=parse_facet_limit(single.get("facetLimit")),
    )


def _scan_request(
    single: Mapping[str, str], common: dict[str, Any], maximum_terms_cap: int
) -> ScanRequest:
    clause_text = single.get("scanClause")
    if clause_text is None:
        raise diag.MandatoryParameterMissing("scanClause")
    parsed = parse_query(clause_text)
    if not isinstance(parsed.root, SearchClause) or parsed.sort_keys:
        raise diag.QuerySyntaxError(None, "A scan clause is one index, relation and term")
    maximum_terms = _natural(single, "maximumTerms", DEFAULT_SCAN_TERMS, minimum=1)
    if maximum_terms > maximum_terms_cap:
        raise diag.TooManyTermsRequested(str(maximum_terms_cap))
    position = _natural(single, "responsePosition", 1, minimum=0)
    if position > maximum_terms + 1:
        raise diag.ResponsePositionOutOfRange(None)
    return ScanRequest(
        **common,
        scan_clause_text=clause_text,
        scan_clause=parsed.root,
        response_position=position,
        maximum_terms=maximum_terms,
    )


def _natural(single: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = single.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < minimum:
        raise diag.UnsupportedParameterValue(name)
    return int(raw)


_MISSING_VALUE_ACTIONS = {
    "abort": "missingFail",
    "highValue": "missingHigh",
    "lowValue": "missingLow",
    "omit": "missingOmit",
}


def parse_sort_keys(text: str) -> tuple[SortKey, ...]:
    """SRU 1.1 / 2.0 ``sortKeys``: space-separated ``path,schema,ascending,caseSensitive,missing``.

    The path names an index (``dc.title``, or a bare Dublin Core element as Zebra's
    clients send it: ``Title``); an empty schema means the record schema.
    """
    keys: list[SortKey] = []
    for key_text in text.split():
        path, schema, ascending, case_sensitive, missing, *rest = key_text.split(",") + [""] * 4
        if not path or any(rest[:1]) or schema not in {"", "marcxml", DEFAULT_SCHEMA.identifier}:
            raise diag.UnsupportedParameterValue("sortKeys")
        modifiers = [Modifier("sort.descending" if ascending == "0" else "sort.ascending")]
        if case_sensitive == "1":
            modifiers.append(Modifier("sort.respectCase"))
        if missing in _MISSING_VALUE_ACTIONS:
            modifiers.append(Modifier(f"sort.{_MISSING_VALUE_ACTIONS[missing]}"))
        elif missing:
            modifiers.append(Modifier("sort.missingValue", "=", missing))
        if ascending not in {"", "0", "1"} or case_sensitive not in {"", "0", "1"}:
            raise diag.UnsupportedParameterValue("sortKeys")
        # A bare path (Zebra's ``Title``) names a Dublin Core element, not a cql index.
        index = path if "." in path else f"dc.{path.lower()}"
        keys.append(SortKey(index=index, modifiers=tuple(modifiers)))
    if not keys:
        raise diag.UnsupportedParameterValue("sortKeys")
    return tuple(keys)


def parse_facet_limit(text: str | None) -> tuple[FacetRequest, ...]:
    """SRU 2.0 ``facetLimit``: ``5:dc.subject,3:dc.creator`` (a bare index means 10)."""
    if not text:
        return ()
    facets = []
    for part in text.split(","):
        count, _, index = part.strip().rpartition(":")
        if not index or (count and (not count.isdigit() or int(count) == 0)):
            raise diag.UnsupportedParameterValue("facetLimit")
        facets.append(FacetRequest(index=index, limit=int(count) if count else 10))
    return tuple(facets)
