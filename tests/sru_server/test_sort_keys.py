"""Several sort keys (CQL sortBy, SRU 1.1 sortKeys): order, ties, and paging at any depth."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sru_catalog import store_with_catalog

from kitapbridge.config import Settings
from kitapbridge.sru_server import service as service_module
from kitapbridge.web.app import close_app, create_app

SRW = "{http://www.loc.gov/zing/srw/}"
DC = "{http://purl.org/dc/elements/1.1/}"

# By creator (folded: abai < auezov < ivanov < murphy < petrova < smagulov), then newest first.
BY_CREATOR_THEN_NEWEST = [
    "2019.",
    "1997.",
    "2018.",
    "2015.",
    "2012.",
    "2020.",
    "2016.",
    "2023.",
    "2022.",
    "2021.",
]
BY_CREATOR_THEN_OLDEST = [
    "2019.",
    "1997.",
    "2015.",
    "2018.",
    "2012.",
    "2016.",
    "2020.",
    "2021.",
    "2022.",
    "2023.",
]


@pytest.fixture
def client(database_url: str) -> Iterator[FlaskClient]:
    store_with_catalog(database_url)
    app = create_app(Settings(database_url=database_url))
    yield app.test_client()
    close_app(app)


def dates(client: FlaskClient, path: str = "/sru", **params: str) -> list[str]:
    response = client.get(
        path, query_string={"operation": "searchRetrieve", "recordSchema": "dc", **params}
    )
    root = etree.fromstring(response.data)
    assert root.find(f".//{SRW}diagnostics") is None, response.data
    return [e.text or "" for e in root.iter(f"{DC}date")]


def paged(
    client: FlaskClient, size: int, total: int = 10, path: str = "/sru", **params: str
) -> list[str]:
    found: list[str] = []
    for start in range(1, total + 1, size):
        found += dates(client, path, startRecord=str(start), maximumRecords=str(size), **params)
    return found


@pytest.mark.parametrize("kept", ["hit list", "too many to keep"])
@pytest.mark.parametrize("path", ["/sru", "/sru/KZ-AST-SCH001"])
def test_sort_by_several_keys_orders_ties_by_the_next_key_on_every_page(
    client: FlaskClient, kept: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if kept == "too many to keep":  # pages by position instead of slicing a kept list
        monkeypatch.setattr(service_module, "HIT_LIST_LIMIT", 3)
    query = "cql.allRecords = 1 sortBy dc.creator dc.date/sort.descending"
    expected = BY_CREATOR_THEN_NEWEST
    if path != "/sru":  # Astana's six books only
        expected = ["2019.", "1997.", "2018.", "2012.", "2020.", "2021."]
    assert dates(client, path, version="1.2", query=query, maximumRecords="10") == expected
    assert paged(client, 3, len(expected), path, version="1.2", query=query) == expected
    deep = dates(client, path, version="1.2", query=query, startRecord="5", maximumRecords="2")
    assert deep == expected[4:6]


def test_sru_1_1_sort_keys_with_several_keys(client: FlaskClient) -> None:
    params = {"version": "1.1", "query": "cql.allRecords = 1"}
    ascending = dates(client, sortKeys="dc.creator,,1 dc.date,,1", maximumRecords="10", **params)
    assert ascending == BY_CREATOR_THEN_OLDEST
    assert paged(client, 4, sortKeys="dc.creator,,1 dc.date,,1", **params) == ascending
    newest_first = dates(client, sortKeys="dc.date,,0 dc.creator,,1", maximumRecords="10", **params)
    assert newest_first == sorted(BY_CREATOR_THEN_OLDEST, reverse=True)
