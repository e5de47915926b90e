"""The SRU endpoint over a real store (SQLite and PostgreSQL), through the Flask app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sru_catalog import ALMATY, ASTANA, store_with_catalog

from kitapbridge.config import Settings
from kitapbridge.web.app import close_app, create_app

SRU2 = "{http://docs.oasis-open.org/ns/search-ws/sruResponse}"
SRW = "{http://www.loc.gov/zing/srw/}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture
def client(database_url: str) -> Iterator[FlaskClient]:
    store_with_catalog(database_url)
    app = create_app(Settings(database_url=database_url, sru_maximum_records=50))
    yield app.test_client()
    close_app(app)


def get(client: FlaskClient, path: str = "/sru", **params: str) -> etree._Element:
    response = client.get(path, query_string=params)
    assert response.status_code == 200
    return etree.fromstring(response.data)


def search(client: FlaskClient, query: str, path: str = "/sru", **params: str) -> etree._Element:
    return get(client, path, version="1.2", operation="searchRetrieve", query=query, **params)


def count(client: FlaskClient, query: str, path: str = "/sru") -> int:
    root = search(client, query, path, maximumRecords="0")
    diagnostic = root.findtext(f"{SRW}diagnostics/{{*}}diagnostic/{{*}}uri")
    assert diagnostic is None, diagnostic
    return int(root.findtext(f"{SRW}numberOfRecords") or "-1")


def dc_values(root: etree._Element, element: str) -> list[str]:
    return [e.text or "" for e in root.iter(f"{DC}{element}")]


def diagnostic(root: etree._Element) -> tuple[str | None, str | None]:
    found = root.find(".//{*}diagnostics/{*}diagnostic")
    assert found is not None
    return found.findtext("{*}uri"), found.findtext("{*}details")


def test_bare_base_url_is_an_sru_2_explain(client: FlaskClient) -> None:
    response = client.get("/sru")
    assert response.content_type == "application/sru+xml; charset=utf-8"
    root = etree.fromstring(response.data)
    assert root.tag == f"{SRU2}explainResponse"
    assert root.findtext(".//{http://explain.z3950.org/dtd/2.0/}database") == "sru"
    setting = root.find(".//{http://explain.z3950.org/dtd/2.0/}setting[@type='maximumRecords']")
    assert setting is not None and setting.text == "50"


@pytest.mark.parametrize(
    ("query", "hits"),
    [
        ("dc.title = қазақ", 2),
        ("dc.title = ҚАЗАҚ", 2),
        ("dc.title = qazaq", 2),
        ('dc.creator = "Смағұлов"', 3),
        ("dc.title = физика", 2),
        ('dc.title = "English grammar"', 1),
        ("dc.title = қаз*", 3),
        ("dc.title = физика and dc.date > 2016", 1),
        ("dc.title = физика or dc.title = математика", 3),
        ("cql.allRecords = 1 not dc.subject = оқулықтар", 6),
        ('dc.title adj "қазақ тілі"', 2),
        ('dc.title any "физика алгебра"', 2),
        ('dc.date within "2018 2020"', 3),
        ("dc.language = rus", 2),
        ("абай", 2),
        ("cql.allRecords = 1", 10),
        (f"dc.title = физика and kz.school = {ASTANA}", 1),
        (f"bath.possessingInstitution = {ALMATY}", 4),
        ('rec.lastModificationDate > "2000-01-01T00:00:00Z"', 10),
        ('rec.lastModificationDate > "2999-01-01T00:00:00Z"', 0),
    ],
)
def test_hit_counts_in_kazakh_russian_and_english(
    client: FlaskClient, query: str, hits: int
) -> None:
    assert count(client, query) == hits


def test_records_sorted_and_rendered_as_dublin_core(client: FlaskClient) -> None:
    root = search(
        client,
        "dc.creator = смағұлов sortBy dc.date/sort.descending",
        recordSchema="dc",
        maximumRecords="3",
    )
    assert dc_values(root, "date") == ["2023.", "2022.", "2021."]
    assert dc_values(root, "title") == [
        "Қазақ тілі : 6-сынып",
        "Қазақстан тарихы",
        "Қазақ тілі : 5-сынып",
    ]
    assert root.findtext(f"{SRW}nextRecordPosition") is None
    assert [e.text for e in root.iter(f"{SRW}recordPosition")] == ["1", "2", "3"]


def test_paging_is_stable_and_complete(client: FlaskClient) -> None:
    seen: list[str] = []
    start = "1"
    while start:
        root = search(client, "cql.allRecords = 1", startRecord=start, maximumRecords="3")
        seen += [e.text or "" for e in root.iter(f"{SRW}recordIdentifier")]
        assert root.findtext(f"{SRW}resultSetId")
        start = root.findtext(f"{SRW}nextRecordPosition") or ""
    assert len(seen) == 10 and len(set(seen)) == 10
    assert seen == sorted(seen, key=lambda cluster_id: int(cluster_id.removeprefix("c")))


def test_incremental_harvest_in_modification_order(client: FlaskClient) -> None:
    root = search(
        client,
        'rec.lastModificationDate > "2000-01-01T00:00:00Z" sortBy rec.lastModificationDate',
        maximumRecords="10",
    )
    assert len(list(root.iter(f"{SRW}record"))) == 10


def test_one_school_database(client: FlaskClient) -> None:
    assert count(client, "cql.allRecords = 1", f"/sru/{ALMATY}") == 4
    assert count(client, "dc.title = физика", f"/sru/{ASTANA}") == 1
    assert count(client, f"kz.school = {ASTANA}", f"/sru/{ALMATY}") == 0
    root = search(client, "a", "/sru/KZ-NOPE-0000")
    assert diagnostic(root) == ("info:srw/diagnostic/1/235", "KZ-NOPE-0000")


def test_post_form_equals_get(client: FlaskClient) -> None:
    form = {"version": "1.1", "operation": "searchRetrieve", "query": "dc.title=физика"}
    posted = client.post("/sru", data=form)
    fetched = client.get("/sru", query_string=form)
    assert posted.content_type == "application/xml; charset=utf-8"
    assert posted.data == fetched.data
    assert etree.fromstring(posted.data).findtext(f"{SRW}numberOfRecords") == "2"


def test_scan_lists_terms_with_counts(client: FlaskClient) -> None:
    root = get(
        client, version="1.2", operation="scan", scanClause="dc.title = физ", maximumTerms="2"
    )
    terms = [
        (t.findtext(f"{SRW}value"), t.findtext(f"{SRW}numberOfRecords"))
        for t in root.iter(f"{SRW}term")
    ]
    assert len(terms) == 2 and terms[0][1] == "2"


@pytest.mark.parametrize(
    ("params", "uri", "details"),
    [
        ({"query": "dc.foo = x"}, "info:srw/diagnostic/1/16", "dc.foo"),
        ({"query": "a", "startRecord": "11"}, "info:srw/diagnostic/1/61", None),
        ({"query": "a", "maximumRecords": "51"}, "info:srw/diagnostic/1/6", "maximumRecords"),
        ({"query": "dc.title = *ика"}, "info:srw/diagnostic/1/28", "*ика"),
        (
            {"query": "a sortBy dc.title dc.date dc.creator rec.lastModificationDate dc.title"},
            "info:srw/diagnostic/1/84",
            "4",
        ),
    ],
)
def test_diagnostics_from_the_running_server(
    client: FlaskClient, params: dict[str, str], uri: str, details: str | None
) -> None:
    root = get(client, version="1.2", operation="searchRetrieve", **params)
    assert root.findtext(f"{SRW}numberOfRecords") == "0"
    assert diagnostic(root) == (uri, details)


def test_sru_2_0_facets(client: FlaskClient, sru2_schema: etree.XMLSchema) -> None:
    response = client.get(
        "/sru",
        query_string={
            "query": "cql.allRecords = 1",
            "maximumRecords": "0",
            "facetLimit": "3:dc.subject,2:dc.language",
        },
    )
    root = etree.fromstring(response.data)
    assert sru2_schema.validate(root), sru2_schema.error_log
    facets = {
        facet.findtext("{*}index"): [
            (term.findtext("{*}actualTerm"), term.findtext("{*}count"))
            for term in facet.iterfind("{*}terms/{*}term")
        ]
        for facet in root.iterfind(f"{SRU2}facetedResults/{{*}}facet")
    }
    assert facets == {
        "dc.subject": [("Оқулықтар", "4"), ("Учебники", "2"), ("Қазақ әдебиеті", "2")],
        "dc.language": [("kaz", "7"), ("rus", "2")],
    }


def test_facets_of_large_results_are_a_non_fatal_diagnostic(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kitapbridge.sru_server.service.FACET_MAXIMUM_RECORDS", 5)
    response = client.get(
        "/sru", query_string={"query": "cql.allRecords = 1", "facetLimit": "dc.subject"}
    )
    root = etree.fromstring(response.data)
    assert root.findtext(f"{SRU2}numberOfRecords") == "10"
    assert len(root.findall(f"{SRU2}records/{SRU2}record")) == 10
    assert root.find(f"{SRU2}facetedResults") is None
    assert diagnostic(root) == ("info:srw/diagnostic/1/60", "5")


def test_result_set_ttl_from_the_client(client: FlaskClient) -> None:
    kept = search(client, "dc.title = физика", resultSetTTL="60")
    assert kept.findtext(f"{SRW}resultSetIdleTime") == "60"
    assert kept.findtext(f"{SRW}resultSetId")
    dropped = search(client, "dc.title = математика", resultSetTTL="0")
    assert dropped.find(f"{SRW}resultSetId") is None


def test_queries_can_refine_an_earlier_result_set(client: FlaskClient) -> None:
    first = search(client, 'dc.creator = "Смағұлов"', maximumRecords="0")
    identifier = first.findtext(f"{SRW}resultSetId")
    assert first.findtext(f"{SRW}numberOfRecords") == "3" and identifier
    assert count(client, f'cql.resultSetId = "{identifier}" and dc.date > 2021') == 2
    assert count(client, f'cql.resultSetId = "{identifier}" not dc.title = қазақ') == 1
    gone = search(client, 'cql.resultSetId = "0123456789abcdef0123"')
    assert diagnostic(gone) == ("info:srw/diagnostic/1/51", "0123456789abcdef0123")
    elsewhere = search(client, f'cql.resultSetId = "{identifier}"', f"/sru/{ASTANA}")
    assert diagnostic(elsewhere) == ("info:srw/diagnostic/1/51", identifier)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"query": 'dc.title any "қазақ физика"', "recordSchema": "mods", "maximumRecords": "3"},
        {"query": "cql.allRecords = 1", "recordSchema": "dc", "recordXMLEscaping": "string"},
        {"query": "dc.title = физика", "sortKeys": "dc.date,,0"},
        {"scanClause": "dc.creator = иван", "maximumTerms": "3"},
        {"query": "dc.title = физика", "startRecord": "99"},
        {"query": "dc.title ="},
        {"version": "9.9"},
    ],
)
def test_live_sru_2_0_responses_are_schema_valid(
    client: FlaskClient, sru2_schema: etree.XMLSchema, params: dict[str, str]
) -> None:
    response = client.get("/sru", query_string=params)
    assert response.content_type == "application/sru+xml; charset=utf-8"
    root = etree.fromstring(response.data)
    assert sru2_schema.validate(root), sru2_schema.error_log


def test_explain_is_cacheable_and_answers_304_when_unchanged(client: FlaskClient) -> None:
    first = client.get("/sru", query_string={"version": "1.2", "operation": "explain"})
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=3600"
    again = client.get(
        "/sru",
        query_string={"version": "1.2", "operation": "explain"},
        headers={"If-None-Match": etag},
    )
    assert again.status_code == 304
    assert again.data == b""
    other = client.get(
        "/sru",
        query_string={"version": "2.0", "operation": "explain"},
        headers={"If-None-Match": etag},
    )
    assert other.status_code == 200
    assert other.headers["ETag"] != etag
    assert (
        client.get("/sru", query_string={"version": "1.2", "operation": "explain"}).data
        == first.data
    )
