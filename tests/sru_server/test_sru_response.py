"""Response writers: golden XML per operation and per diagnostic, schema validity, order."""

from __future__ import annotations

from dataclasses import replace

import pytest
from golden_files import assert_golden
from lxml import etree
from pymarc import Record

from kitapbridge.sru_server import diagnostics as diag
from kitapbridge.sru_server.explain import DatabaseDescription, explain_record
from kitapbridge.sru_server.rendered_records import serialized
from kitapbridge.sru_server.request import (
    ExplainRequest,
    ScanRequest,
    SearchRetrieveRequest,
    negotiate,
    parse_request,
)
from kitapbridge.sru_server.response import (
    SRU2_NAMESPACE,
    SRW_NAMESPACE,
    diagnostic_response,
    explain_response,
    scan_response,
    search_retrieve_response,
    serialize,
)
from kitapbridge.sru_server.results import (
    Facet,
    FacetTerm,
    RetrievedRecord,
    ScanTerm,
    SearchResult,
    SurrogateDiagnostic,
)

DATABASE = DatabaseDescription(
    host="127.0.0.1",
    port=8080,
    database="sru",
    title="Kazakhstan school libraries union catalog",
    description="Union catalog of school library holdings",
    date_modified="2026-01-15T09:30:00Z",
    default_records=10,
    maximum_records=100,
    maximum_terms=50,
)
VERSIONS = ["1.1", "1.2", "2.0"]


def request(**values: str) -> ExplainRequest | SearchRetrieveRequest | ScanRequest:
    parameters = {name: [value] for name, value in values.items()}
    return parse_request(parameters, maximum_records_cap=100, maximum_terms_cap=50)


def search(version: str, **values: str) -> SearchRetrieveRequest:
    parsed = request(version=version, operation="searchRetrieve", **values)
    assert isinstance(parsed, SearchRetrieveRequest)
    return parsed


def validate(document: bytes, version: str, sru2_schema: etree.XMLSchema) -> etree._Element:
    root = etree.fromstring(document)
    if version == "2.0":
        assert sru2_schema.validate(root), sru2_schema.error_log
    return root


@pytest.mark.parametrize("version", VERSIONS)
def test_search_retrieve_page(
    version: str, abai: Record, sandburg: Record, sru2_schema: etree.XMLSchema
) -> None:
    parsed = search(
        version,
        query='dc.title any "Қара сөздер" sortBy dc.date/sort.descending',
        maximumRecords="2",
        recordSchema="dc",
        resultSetTTL="300",
    )
    result = SearchResult(
        number_of_records=3,
        records=(
            RetrievedRecord(1, "7", abai),
            SurrogateDiagnostic(2, diag.RecordNotInSchema("info:srw/schema/1/dc-v1.1")),
        ),
        next_record_position=3,
        result_set_id="rs-1",
        result_set_ttl=300,
    )
    document = serialize(search_retrieve_response(parsed, result))
    root = validate(document, version, sru2_schema)
    assert_golden(f"searchRetrieve-{version}", document)
    namespace = SRU2_NAMESPACE if version == "2.0" else SRW_NAMESPACE
    assert root.tag == f"{{{namespace}}}searchRetrieveResponse"
    expected_children = ["numberOfRecords", "resultSetId"]
    if version != "2.0":
        expected_children = ["version", *expected_children, "resultSetIdleTime"]
    expected_children += ["records", "nextRecordPosition", "echoedSearchRetrieveRequest"]
    if version == "2.0":
        expected_children += ["resultSetTTL", "resultCountPrecision"]
    assert [etree.QName(child).localname for child in root] == expected_children


def test_string_packing_and_facets_in_sru_2_0(abai: Record, sru2_schema: etree.XMLSchema) -> None:
    parsed = search(
        "2.0",
        query="бай*",
        recordXMLEscaping="string",
        facetLimit="2:dc.subject",
        stylesheet="/x.xsl",
    )
    result = SearchResult(
        number_of_records=1,
        records=(RetrievedRecord(1, "7", abai),),
        facets=(Facet("dc.subject", (FacetTerm("Қазақ әдебиеті", 1),)),),
    )
    document = serialize(search_retrieve_response(parsed, result), parsed.stylesheet)
    validate(document, "2.0", sru2_schema)
    assert_golden("searchRetrieve-2.0-string-facets", document)
    assert document.splitlines()[1].startswith(b'<?xml-stylesheet type="text/xsl" href="/x.xsl"?>')


@pytest.mark.parametrize("version", VERSIONS)
def test_count_only(version: str, sru2_schema: etree.XMLSchema) -> None:
    parsed = search(version, query="cql.allRecords = 1", maximumRecords="0")
    document = serialize(search_retrieve_response(parsed, SearchResult(number_of_records=300)))
    root = validate(document, version, sru2_schema)
    assert root.findtext("{*}numberOfRecords") == "300"
    assert root.find("{*}records") is None


@pytest.mark.parametrize("version", VERSIONS)
def test_explain(
    version: str, sru2_schema: etree.XMLSchema, explain_schema: etree.XMLSchema
) -> None:
    parsed = request(version=version, operation="explain")
    assert isinstance(parsed, ExplainRequest)
    document = serialize(explain_response(parsed, parsed.version, explain_record(DATABASE)))
    root = validate(document, version, sru2_schema)
    assert_golden(f"explain-{version}", document)
    zeerex = root.find("{*}record/{*}recordData/{http://explain.z3950.org/dtd/2.0/}explain")
    assert zeerex is not None
    assert explain_schema.validate(zeerex), explain_schema.error_log


@pytest.mark.parametrize("version", VERSIONS)
def test_scan(version: str, sru2_schema: etree.XMLSchema) -> None:
    parsed = request(
        version=version, operation="scan", scanClause="dc.title = қазақ", maximumTerms="3"
    )
    assert isinstance(parsed, ScanRequest)
    terms = [ScanTerm("қазақ", 18, "Қазақ"), ScanTerm("қазақстан", 7), ScanTerm("қала", 2)]
    document = serialize(scan_response(parsed, terms))
    root = validate(document, version, sru2_schema)
    assert_golden(f"scan-{version}", document)
    assert [t.findtext("{*}whereInList") for t in root.iterfind("{*}terms/{*}term")] == [
        "first",
        "inner",
        "last",
    ]


DIAGNOSTIC_CASES = [
    ("unsupported-version", {"version": "3.0"}),
    ("unsupported-operation", {"version": "1.2", "operation": "foo"}),
    ("missing-query", {"version": "1.2", "operation": "searchRetrieve"}),
    ("maximum-records-cap", {"query": "a", "maximumRecords": "1000"}),
    (
        "start-record",
        {"version": "1.1", "operation": "searchRetrieve", "query": "a", "startRecord": "0"},
    ),
    ("unknown-schema", {"query": "a", "recordSchema": "foo"}),
    ("syntax-error", {"version": "1.2", "operation": "searchRetrieve", "query": "dc.title ="}),
    (
        "scan-too-many-terms",
        {"version": "1.2", "operation": "scan", "scanClause": "a", "maximumTerms": "99"},
    ),
    ("unsupported-parameter", {"version": "1.2", "operation": "explain", "foo": "1"}),
]


@pytest.mark.parametrize(("name", "values"), DIAGNOSTIC_CASES, ids=[c[0] for c in DIAGNOSTIC_CASES])
def test_fatal_diagnostic_responses(
    name: str, values: dict[str, str], sru2_schema: etree.XMLSchema
) -> None:
    parameters = {key: [value] for key, value in values.items()}
    negotiation = negotiate(parameters)
    with pytest.raises(diag.SRUDiagnostic) as raised:
        parse_request(parameters, maximum_records_cap=100, maximum_terms_cap=50)
    response = diagnostic_response(
        negotiation.operation, negotiation.version, raised.value, values, explain_record(DATABASE)
    )
    document = serialize(response)
    validate(document, negotiation.version.value, sru2_schema)
    assert_golden(f"diagnostic-{name}", document)


def test_a_record_the_crosswalk_cannot_render_becomes_surrogate_67(abai: Record) -> None:
    def broken(record: Record) -> etree._Element:
        raise ValueError("no 245")

    parsed = search("1.2", query="a")
    parsed = replace(parsed, schema=replace(parsed.schema, render=broken))
    result = SearchResult(number_of_records=1, records=(RetrievedRecord(1, "7", abai),))
    root = etree.fromstring(serialize(search_retrieve_response(parsed, result)))
    record = root.find("{*}records/{*}record")
    assert record is not None
    assert record.findtext("{*}recordSchema") == "info:srw/schema/1/diagnostics-v1.1"
    assert record.findtext(".//{*}uri") == "info:srw/diagnostic/1/67"
    assert record.findtext("{*}recordPosition") == "1"


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("packing", ["xml", "string"])
def test_a_kept_rendering_gives_the_bytes_of_a_record_rendered_in_the_response(
    version: str, packing: str, abai: Record, sandburg: Record
) -> None:
    escaping = "recordXMLEscaping" if version == "2.0" else "recordPacking"
    parsed = search(version, query="a", recordSchema="mods", **{escaping: packing})
    fresh = SearchResult(
        number_of_records=2,
        records=(RetrievedRecord(1, "7", abai), RetrievedRecord(2, "8", sandburg)),
    )
    kept = SearchResult(
        number_of_records=2,
        records=(
            RetrievedRecord(1, "7", None, serialized(parsed.schema.render(abai))),
            RetrievedRecord(2, "8", None, serialized(parsed.schema.render(sandburg))),
        ),
    )
    document = serialize(search_retrieve_response(parsed, kept))
    assert document == serialize(search_retrieve_response(parsed, fresh))
    assert b"kitapbridge-record" not in document
    root = etree.fromstring(document)
    data = root.findall("{*}records/{*}record/{*}recordData")
    if packing == "xml":
        titles = [d.findtext(".//{http://www.loc.gov/mods/v3}title") for d in data]
    else:
        titles = [
            etree.fromstring(d.text.encode()).findtext(".//{http://www.loc.gov/mods/v3}title")
            for d in data
            if d.text is not None
        ]
    assert titles == [
        parsed.schema.render(abai).findtext(".//{http://www.loc.gov/mods/v3}title"),
        parsed.schema.render(sandburg).findtext(".//{http://www.loc.gov/mods/v3}title"),
    ]


def test_a_placeholder_written_by_a_client_stays_text(abai: Record) -> None:
    forged = "<?kitapbridge-record 0?>"
    parsed = search("1.2", query=f'dc.title = "{forged}"')
    result = SearchResult(
        number_of_records=1,
        records=(RetrievedRecord(1, "7", None, b"<record>kept</record>"),),
    )
    document = serialize(search_retrieve_response(parsed, result))
    root = etree.fromstring(document)
    assert root.findtext("{*}echoedSearchRetrieveRequest/{*}query") == f'dc.title = "{forged}"'
    assert document.count(b"<record>kept</record>") == 1
    assert b"&lt;?kitapbridge-record 0?&gt;" in document
