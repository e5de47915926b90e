"""SRU responses as XML: searchRetrieve, explain and scan, for 1.1/1.2 and 2.0.

Child order follows the SRU 1.2 schema and the OASIS ``sruResponse.xsd`` /
``scan.xsd``; the 2.0 output is validated against the latter in the tests. SRU 1.x
answers in ``http://www.loc.gov/zing/srw/``; 2.0 in the OASIS namespaces.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from kitapbridge.cql import to_xcql
from kitapbridge.cql.serialize import XCQL_NAMESPACE
from kitapbridge.sru_server.diagnostics import RecordNotInSchema, SRUDiagnostic
from kitapbridge.sru_server.explain import ZEEREX_SCHEMA
from kitapbridge.sru_server.record_schemas import DIAGNOSTIC_SCHEMA, RecordSchema
from kitapbridge.sru_server.rendered_records import serialized
from kitapbridge.sru_server.request import (
    ExplainRequest,
    Operation,
    ScanRequest,
    SearchRetrieveRequest,
    SRUVersion,
)
from kitapbridge.sru_server.results import (
    Facet,
    RetrievedRecord,
    ScanTerm,
    SearchResult,
    SurrogateDiagnostic,
)

logger = logging.getLogger(__name__)

SRW_NAMESPACE = "http://www.loc.gov/zing/srw/"
SRW_DIAGNOSTIC_NAMESPACE = "http://www.loc.gov/zing/srw/diagnostic/"
SRU2_NAMESPACE = "http://docs.oasis-open.org/ns/search-ws/sruResponse"
SRU2_SCAN_NAMESPACE = "http://docs.oasis-open.org/ns/search-ws/scan"
SRU2_DIAGNOSTIC_NAMESPACE = "http://docs.oasis-open.org/ns/search-ws/diagnostic"
SRU2_FACET_NAMESPACE = "http://docs.oasis-open.org/ns/search-ws/facetedResults"

CONTENT_TYPES = {
    SRUVersion.V1_1: "application/xml; charset=utf-8",
    SRUVersion.V1_2: "application/xml; charset=utf-8",
    SRUVersion.V2_0: "application/sru+xml; charset=utf-8",
}
"""1.x clients expect plain XML; RFC 6207 registers ``application/sru+xml`` for 2.0."""

_ECHO_1X = (
    "query",
    "startRecord",
    "maximumRecords",
    "recordPacking",
    "recordSchema",
    "recordXPath",
    "resultSetTTL",
    "sortKeys",
    "stylesheet",
)
_ECHO_2 = (
    "queryType",
    "query",
    "startRecord",
    "maximumRecords",
    "recordXMLEscaping",
    "recordPacking",
    "recordSchema",
    "facetLimit",
    "resultSetTTL",
    "sortKeys",
    "stylesheet",
    "renderedBy",
    "httpAccept",
    "responseType",
)
_ECHO_SCAN = ("scanClause", "responsePosition", "maximumTerms", "stylesheet")


@dataclass(frozen=True, slots=True)
class _Names:
    """Where each part of a response lives in one SRU version."""

    version: SRUVersion
    main: str
    scan: str
    diagnostic: str

    @classmethod
    def of(cls, version: SRUVersion) -> _Names:
        if version.is_2:
            return cls(version, SRU2_NAMESPACE, SRU2_SCAN_NAMESPACE, SRU2_DIAGNOSTIC_NAMESPACE)
        return cls(version, SRW_NAMESPACE, SRW_NAMESPACE, SRW_DIAGNOSTIC_NAMESPACE)

    def root(self, name: str, namespace: str) -> etree._Element:
        nsmap = {"zs": self.main}
        if namespace != self.main:
            nsmap["scan"] = namespace
        return etree.Element(f"{{{namespace}}}{name}", nsmap=nsmap)

    def sub(
        self,
        parent: etree._Element,
        name: str,
        text: str | None = None,
        namespace: str | None = None,
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{namespace or self.main}}}{name}")
        if text is not None:
            element.text = text
        return element


RECORD_PLACEHOLDER = "kitapbridge-record"
"""Target of the processing instruction standing for a record's XML until ``serialize``."""
_PLACEHOLDERS = re.compile(rb"<\?" + RECORD_PLACEHOLDER.encode() + rb" (\d+)\?>")


@dataclass(frozen=True, slots=True)
class Document:
    """A response tree with its records' XML kept serialized: ``serialize`` writes
    ``records[n]`` where the tree has ``<?kitapbridge-record n?>``.

    Records arrive serialized (``rendered_records``): putting their bytes in place costs
    nothing, where parsing or copying them into the tree cost more than building the
    rest of the response. No request can forge a placeholder: ``<`` in text and
    attributes is always escaped, and the only other processing instruction (the
    stylesheet's) cannot contain ``?>``.
    """

    root: etree._Element
    records: Sequence[bytes] = ()


def search_retrieve_response(request: SearchRetrieveRequest, result: SearchResult) -> Document:
    """``searchRetrieveResponse`` for a search that ran (possibly with non-fatal diagnostics)."""
    spliced: list[bytes] = []
    names = _Names.of(request.version)
    root = names.root("searchRetrieveResponse", names.main)
    if not request.version.is_2:
        names.sub(root, "version", request.version.value)
    names.sub(root, "numberOfRecords", str(result.number_of_records))
    if result.result_set_id is not None:
        names.sub(root, "resultSetId", result.result_set_id)
        if not request.version.is_2 and result.result_set_ttl:
            names.sub(root, "resultSetIdleTime", str(result.result_set_ttl))
    if result.records:
        records = names.sub(root, "records")
        for record in result.records:
            _record(records, names, request, record, spliced)
    if result.next_record_position is not None:
        names.sub(root, "nextRecordPosition", str(result.next_record_position))
    _echo_search_retrieve(root, names, request)
    _diagnostics(root, names, result.diagnostics)
    if request.version.is_2:
        if result.result_set_id is not None and result.result_set_ttl is not None:
            names.sub(root, "resultSetTTL", str(result.result_set_ttl))
        names.sub(root, "resultCountPrecision", "info:srw/vocabulary/resultCountPrecision/1/exact")
        if result.facets:
            _faceted_results(root, names, result.facets)
    return Document(root, spliced)


def _record(
    records: etree._Element,
    names: _Names,
    request: SearchRetrieveRequest,
    record: RetrievedRecord | SurrogateDiagnostic,
    spliced: list[bytes],
) -> None:
    element = names.sub(records, "record")
    data: bytes | etree._Element
    if not isinstance(record, SurrogateDiagnostic):
        try:
            schema, data = request.schema.identifier, rendered(request.schema, record)
        except Exception:  # a crosswalk failing on one record must not fail the page
            logger.exception(
                "SRU: record %s cannot be rendered as %s", record.identifier, request.schema.name
            )
            record = SurrogateDiagnostic(
                record.position, RecordNotInSchema(request.schema.identifier)
            )
    if isinstance(record, SurrogateDiagnostic):
        schema, data = DIAGNOSTIC_SCHEMA, diagnostic_element(record.diagnostic, names.version)
    names.sub(element, "recordSchema", schema)
    escaping = request.record_xml_escaping
    names.sub(element, "recordXMLEscaping" if names.version.is_2 else "recordPacking", escaping)
    container = names.sub(element, "recordData")
    if isinstance(data, bytes):
        _serialized_record_data(container, data, escaping, spliced)
    else:
        _record_data(container, data, escaping)
    if names.version is SRUVersion.V1_2 and isinstance(record, RetrievedRecord):
        names.sub(element, "recordIdentifier", record.identifier)
    names.sub(element, "recordPosition", str(record.position))


def rendered(schema: RecordSchema, record: RetrievedRecord) -> bytes:
    """The record's XML as ``schema`` renders it (done already by the run step, or here)."""
    if record.rendered is not None:
        return record.rendered
    if record.marc is None:
        raise ValueError(f"record {record.identifier} has neither MARC nor a rendering")
    return serialized(schema.render(record.marc))


def _serialized_record_data(
    container: etree._Element, data: bytes, escaping: str, spliced: list[bytes]
) -> None:
    if escaping == "string":
        container.text = data.decode("utf-8")
    else:
        container.append(etree.ProcessingInstruction(RECORD_PLACEHOLDER, str(len(spliced))))
        spliced.append(data)


def _record_data(container: etree._Element, data: etree._Element, escaping: str) -> None:
    if escaping == "string":
        container.text = etree.tostring(data, encoding="unicode")
    else:
        container.append(data)


def _echo_search_retrieve(
    root: etree._Element, names: _Names, request: SearchRetrieveRequest
) -> None:
    echo = names.sub(root, "echoedSearchRetrieveRequest")
    params = request.parameters
    if not request.version.is_2:
        names.sub(echo, "version", request.version.value)
        for name in _ECHO_1X:
            if name not in params:
                continue
            names.sub(echo, name, params[name])
            if name == "query":
                xquery = names.sub(echo, "xQuery")
                xquery.append(to_xcql(request.query, XCQL_NAMESPACE))
        return
    for name in _ECHO_2:
        if name in params:
            names.sub(echo, "facetParameters" if name == "facetLimit" else name, params[name])


def _faceted_results(root: etree._Element, names: _Names, facets: Iterable[Facet]) -> None:
    container = names.sub(root, "facetedResults")
    for facet in facets:
        element = names.sub(container, "facet", namespace=SRU2_FACET_NAMESPACE)
        names.sub(element, "index", facet.index, namespace=SRU2_FACET_NAMESPACE)
        terms = names.sub(element, "terms", namespace=SRU2_FACET_NAMESPACE)
        for facet_term in facet.terms:
            term = names.sub(terms, "term", namespace=SRU2_FACET_NAMESPACE)
            names.sub(term, "actualTerm", facet_term.term, namespace=SRU2_FACET_NAMESPACE)
            names.sub(term, "count", str(facet_term.count), namespace=SRU2_FACET_NAMESPACE)


def explain_response(
    request: ExplainRequest | None,
    version: SRUVersion,
    record: etree._Element,
    diagnostics: Iterable[SRUDiagnostic] = (),
) -> etree._Element:
    """``explainResponse`` carrying the ZeeRex record (and any diagnostics)."""
    names = _Names.of(version)
    root = names.root("explainResponse", names.main)
    names.sub(root, "version", version.value)
    element = names.sub(root, "record")
    names.sub(element, "recordSchema", ZEEREX_SCHEMA)
    escaping = request.record_xml_escaping if request is not None else "xml"
    names.sub(element, "recordXMLEscaping" if version.is_2 else "recordPacking", escaping)
    _record_data(names.sub(element, "recordData"), record, escaping)
    names.sub(element, "recordPosition", "1")
    if request is not None:
        echo = names.sub(root, "echoedExplainRequest")
        names.sub(echo, "version", version.value)
        escaping_name = "recordXMLEscaping" if version.is_2 else "recordPacking"
        if escaping_name in request.parameters:
            names.sub(echo, escaping_name, request.parameters[escaping_name])
        if request.stylesheet is not None:
            names.sub(echo, "stylesheet", request.stylesheet)
    _diagnostics(root, names, diagnostics)
    return root


def scan_response(request: ScanRequest, terms: Iterable[ScanTerm]) -> etree._Element:
    """``scanResponse`` with the terms around the scan clause's term."""
    names = _Names.of(request.version)
    root = names.root("scanResponse", names.scan)
    if not request.version.is_2:
        names.sub(root, "version", request.version.value)
    term_list = list(terms)
    if term_list:
        container = names.sub(root, "terms", namespace=names.scan)
        for position, scan_term in enumerate(term_list, start=1):
            term = names.sub(container, "term", namespace=names.scan)
            names.sub(term, "value", scan_term.value, namespace=names.scan)
            names.sub(term, "numberOfRecords", str(scan_term.number_of_records), names.scan)
            if scan_term.display_term is not None:
                names.sub(term, "displayTerm", scan_term.display_term, namespace=names.scan)
            where = _where_in_list(position, len(term_list))
            names.sub(term, "whereInList", where, namespace=names.scan)
    echo = names.sub(root, "echoedScanRequest", namespace=names.scan)
    if not request.version.is_2:
        names.sub(echo, "version", request.version.value)
    for name in _ECHO_SCAN:
        if name in request.parameters:
            names.sub(echo, name, request.parameters[name], namespace=names.scan)
    return root


def _where_in_list(position: int, count: int) -> str:
    if count == 1:
        return "only"
    return "first" if position == 1 else "last" if position == count else "inner"


def diagnostic_response(
    operation: Operation,
    version: SRUVersion,
    diagnostic: SRUDiagnostic,
    parameters: Mapping[str, str],
    explain_record: etree._Element,
) -> etree._Element:
    """The response to a request that failed as a whole: the operation's element + diagnostic."""
    names = _Names.of(version)
    if operation is Operation.EXPLAIN:
        return explain_response(None, version, explain_record, [diagnostic])
    if operation is Operation.SCAN:
        root = names.root("scanResponse", names.scan)
        if not version.is_2:
            names.sub(root, "version", version.value)
        _diagnostics(root, names, [diagnostic], container_namespace=names.scan)
        return root
    root = names.root("searchRetrieveResponse", names.main)
    if not version.is_2:
        names.sub(root, "version", version.value)
    names.sub(root, "numberOfRecords", "0")
    _diagnostics(root, names, [diagnostic])
    return root


def _diagnostics(
    root: etree._Element,
    names: _Names,
    diagnostics: Iterable[SRUDiagnostic],
    container_namespace: str | None = None,
) -> None:
    found = list(diagnostics)
    if not found:
        return
    container = names.sub(root, "diagnostics", namespace=container_namespace)
    for diagnostic in found:
        container.append(diagnostic_element(diagnostic, names.version))


def diagnostic_element(diagnostic: SRUDiagnostic, version: SRUVersion) -> etree._Element:
    """``<diagnostic>`` with uri, details (when defined) and message."""
    namespace = SRU2_DIAGNOSTIC_NAMESPACE if version.is_2 else SRW_DIAGNOSTIC_NAMESPACE
    element = etree.Element(f"{{{namespace}}}diagnostic", nsmap={"diag": namespace})
    etree.SubElement(element, f"{{{namespace}}}uri").text = diagnostic.uri
    if diagnostic.details is not None:
        etree.SubElement(element, f"{{{namespace}}}details").text = diagnostic.details
    etree.SubElement(element, f"{{{namespace}}}message").text = diagnostic.message
    return element


def serialize(response: etree._Element | Document, stylesheet: str | None = None) -> bytes:
    """UTF-8 bytes with an XML declaration and, when asked for, an xml-stylesheet PI."""
    root = response.root if isinstance(response, Document) else response
    document = etree.ElementTree(root)
    if stylesheet:
        quoted = stylesheet.replace('"', "%22")
        instruction = etree.ProcessingInstruction(
            "xml-stylesheet", f'type="text/xsl" href="{quoted}"'
        )
        root.addprevious(instruction)
    written = etree.tostring(document, xml_declaration=True, encoding="UTF-8")
    if not isinstance(response, Document) or not response.records:
        return written
    records = response.records
    return _PLACEHOLDERS.sub(lambda found: records[int(found[1])], written)
