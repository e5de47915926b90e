"""SRU request parsing: version negotiation, operations, parameters and their diagnostics."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitapbridge.cql import Modifier, SearchClause, SortKey
from kitapbridge.sru_server.diagnostics import SRUDiagnostic
from kitapbridge.sru_server.record_schemas import DUBLIN_CORE, MARCXML, MODS
from kitapbridge.sru_server.request import (
    ExplainRequest,
    FacetRequest,
    Operation,
    ScanRequest,
    SearchRetrieveRequest,
    SRUVersion,
    negotiate,
    parse_request,
    parse_sort_keys,
)


def params(**values: str) -> dict[str, list[str]]:
    return {
        name.replace("_", "-") if name.startswith("x_") else name: [v] for name, v in values.items()
    }


def parse(**values: str) -> ExplainRequest | SearchRetrieveRequest | ScanRequest:
    return parse_request(params(**values), maximum_records_cap=100, maximum_terms_cap=50)


@pytest.mark.parametrize(
    ("values", "version", "operation"),
    [
        ({}, SRUVersion.V2_0, Operation.EXPLAIN),
        ({"query": "a"}, SRUVersion.V2_0, Operation.SEARCH_RETRIEVE),
        ({"scanClause": "dc.title=a"}, SRUVersion.V2_0, Operation.SCAN),
        ({"version": "1.2", "operation": "explain"}, SRUVersion.V1_2, Operation.EXPLAIN),
        ({"version": "1.1", "operation": "scan"}, SRUVersion.V1_1, Operation.SCAN),
        (
            {"version": "2.0", "operation": "searchRetrieve"},
            SRUVersion.V2_0,
            Operation.SEARCH_RETRIEVE,
        ),
        ({"version": "3.0"}, SRUVersion.V2_0, Operation.EXPLAIN),
        ({"version": "1.0", "operation": "explain"}, SRUVersion.V1_1, Operation.EXPLAIN),
    ],
)
def test_negotiation(values: dict[str, str], version: SRUVersion, operation: Operation) -> None:
    negotiation = negotiate(params(**values))
    assert (negotiation.version, negotiation.operation) == (version, operation)


def test_search_retrieve_1_2_with_every_parameter() -> None:
    request = parse(
        version="1.2",
        operation="searchRetrieve",
        query='dc.title any "Қазақ тілі" sortBy dc.date/sort.descending',
        startRecord="11",
        maximumRecords="100",
        recordSchema="info:srw/schema/1/dc-v1.1",
        recordPacking="string",
        resultSetTTL="300",
        stylesheet="/static/sru.xsl",
        x_kitapbridge_debug="1",
    )
    assert isinstance(request, SearchRetrieveRequest)
    assert request.query.root == SearchClause("dc.title", "any", "Қазақ тілі")
    assert request.query.sort_keys == (SortKey("dc.date", (Modifier("sort.descending"),)),)
    assert (request.start_record, request.maximum_records) == (11, 100)
    assert (request.schema, request.record_xml_escaping, request.result_set_ttl) == (
        DUBLIN_CORE,
        "string",
        300,
    )
    assert request.stylesheet == "/static/sru.xsl"


def test_search_retrieve_defaults() -> None:
    request = parse(version="1.1", operation="searchRetrieve", query="абай")
    assert isinstance(request, SearchRetrieveRequest)
    assert (request.start_record, request.maximum_records, request.schema) == (1, 10, MARCXML)
    assert (request.record_xml_escaping, request.result_set_ttl, request.facets) == (
        "xml",
        None,
        (),
    )


def test_sru_2_0_escaping_packing_and_facets() -> None:
    request = parse(
        query="физика",
        recordXMLEscaping="string",
        recordPacking="unpacked",
        recordSchema="MODS",
        facetLimit="5:dc.subject,dc.creator",
    )
    assert isinstance(request, SearchRetrieveRequest)
    assert (request.version, request.record_xml_escaping, request.record_packing) == (
        SRUVersion.V2_0,
        "string",
        "unpacked",
    )
    assert request.schema is MODS
    assert request.facets == (FacetRequest("dc.subject", 5), FacetRequest("dc.creator", 10))


def test_sort_keys_of_sru_1_1() -> None:
    request = parse(
        version="1.1",
        operation="searchRetrieve",
        query="a",
        sortKeys="dc.title,,0 dc.date,,1,1,omit",
    )
    assert isinstance(request, SearchRetrieveRequest)
    assert request.query.sort_keys == (
        SortKey("dc.title", (Modifier("sort.descending"),)),
        SortKey(
            "dc.date",
            (
                Modifier("sort.ascending"),
                Modifier("sort.respectCase"),
                Modifier("sort.missingOmit"),
            ),
        ),
    )
    assert parse_sort_keys("Title") == (SortKey("dc.title", (Modifier("sort.ascending"),)),)


def test_scan_request() -> None:
    request = parse(
        version="1.2",
        operation="scan",
        scanClause="dc.title = Қазақ",
        responsePosition="3",
        maximumTerms="7",
    )
    assert isinstance(request, ScanRequest)
    assert request.scan_clause == SearchClause("dc.title", "=", "Қазақ")
    assert (request.response_position, request.maximum_terms) == (3, 7)


@pytest.mark.parametrize(
    ("values", "number", "details"),
    [
        ({"version": "3.0"}, 5, "2.0"),
        ({"version": "1.2", "operation": "foo"}, 4, "foo"),
        ({"version": "1.2"}, 7, "operation"),
        ({"operation": "explain"}, None, None),
        ({"version": "1.2", "operation": "searchRetrieve"}, 7, "query"),
        ({"version": "1.2", "operation": "scan"}, 7, "scanClause"),
        ({"query": "a", "maximumRecords": "abc"}, 6, "maximumRecords"),
        ({"query": "a", "maximumRecords": "-1"}, 6, "maximumRecords"),
        ({"query": "a", "maximumRecords": "101"}, 6, "maximumRecords"),
        ({"query": "a", "startRecord": "0"}, 6, "startRecord"),
        ({"query": "a", "startRecord": "١"}, 6, "startRecord"),
        ({"query": "a", "resultSetTTL": "soon"}, 6, "resultSetTTL"),
        ({"query": "a", "recordSchema": "foo"}, 66, "foo"),
        ({"query": "a", "recordXMLEscaping": "foo"}, 71, "foo"),
        ({"query": "a", "recordPacking": "xml"}, 71, "xml"),
        (
            {"version": "1.2", "operation": "searchRetrieve", "query": "a", "recordPacking": "foo"},
            71,
            "foo",
        ),
        (
            {"version": "1.2", "operation": "searchRetrieve", "query": "a", "sortKeys": "x"},
            8,
            "sortKeys",
        ),
        (
            {"version": "1.2", "operation": "searchRetrieve", "query": "a", "recordXPath": "/a"},
            72,
            None,
        ),
        (
            {"version": "1.2", "operation": "searchRetrieve", "query": "a", "frobnicate": "1"},
            8,
            "frobnicate",
        ),
        ({"query": "a", "queryType": "pqf"}, 6, "queryType"),
        ({"query": "a sortby dc.title", "sortKeys": "dc.date"}, 96, None),
        ({"query": "a", "sortKeys": "dc.title,,2"}, 6, "sortKeys"),
        ({"query": "a", "facetLimit": "0:dc.subject"}, 6, "facetLimit"),
        ({"query": "a", "renderedBy": "server"}, 110, None),
        ({"query": "(a"}, 13, "2"),
        ({"query": 'dc.title = "a'}, 14, "11"),
        ({"query": "a and"}, 10, None),
        ({"scanClause": "a and b"}, 10, None),
        ({"scanClause": "a", "maximumTerms": "51"}, 121, "50"),
        ({"scanClause": "a", "maximumTerms": "5", "responsePosition": "7"}, 120, None),
    ],
)
def test_malformed_requests_give_the_standard_diagnostic(
    values: dict[str, str], number: int | None, details: str | None
) -> None:
    if number is None:
        assert isinstance(parse(**values), ExplainRequest)
        return
    with pytest.raises(SRUDiagnostic) as raised:
        parse(**values)
    assert raised.value.uri == f"info:srw/diagnostic/1/{number}"
    if details is not None or number != 10:
        assert raised.value.details == details


def test_repeated_parameter_is_an_unsupported_value() -> None:
    with pytest.raises(SRUDiagnostic) as raised:
        parse_request({"query": ["a", "b"]}, maximum_records_cap=10, maximum_terms_cap=10)
    assert (raised.value.number, raised.value.details) == (6, "query")


parameter_names = st.sampled_from(
    [
        "version",
        "operation",
        "query",
        "startRecord",
        "maximumRecords",
        "recordSchema",
        "recordPacking",
        "recordXMLEscaping",
        "sortKeys",
        "scanClause",
        "maximumTerms",
        "responsePosition",
        "facetLimit",
        "resultSetTTL",
        "x-extra",
        "bogus",
    ]
)


@given(st.dictionaries(parameter_names, st.lists(st.text(max_size=30), min_size=1, max_size=2)))
def test_any_parameters_parse_or_give_a_diagnostic(parameters: dict[str, list[str]]) -> None:
    negotiation = negotiate(parameters)
    try:
        parsed = parse_request(parameters, maximum_records_cap=100, maximum_terms_cap=50)
    except SRUDiagnostic as raised:
        assert raised.uri.startswith("info:srw/diagnostic/1/")
        return
    assert parsed.version is negotiation.version
