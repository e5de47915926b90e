"""rec.id (record identifiers) and kz.region (the holding school's region) over a real store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy.orm import Session, sessionmaker
from sru_catalog import ALMATY, ASTANA, store_with_catalog

from kitapbridge.catalog.schools import ensure_school
from kitapbridge.config import Settings
from kitapbridge.web.app import close_app, create_app

SRW = "{http://www.loc.gov/zing/srw/}"
ZEEREX = "{http://explain.z3950.org/dtd/2.0/}"


def regions(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        ensure_school(session, ASTANA, region="Астана қаласы")
        ensure_school(session, ALMATY, region="Алматы облысы")


@pytest.fixture
def client(database_url: str) -> Iterator[FlaskClient]:
    store_with_catalog(database_url, regions)
    app = create_app(Settings(database_url=database_url))
    yield app.test_client()
    close_app(app)


def search(client: FlaskClient, query: str, **params: str) -> etree._Element:
    response = client.get(
        "/sru",
        query_string={"version": "1.2", "operation": "searchRetrieve", "query": query, **params},
    )
    return etree.fromstring(response.data)


def identifiers(root: etree._Element) -> list[str]:
    assert root.find(f"{SRW}diagnostics") is None
    return [e.text or "" for e in root.iter(f"{SRW}recordIdentifier")]


def test_rec_id_finds_the_records_named(client: FlaskClient) -> None:
    listed = identifiers(search(client, "cql.allRecords = 1", maximumRecords="10"))
    assert len(listed) == 10
    assert identifiers(search(client, f"rec.id = {listed[3]}")) == [listed[3]]
    either = f'rec.id any "{listed[5]} {listed[1]} 999999"'
    assert identifiers(search(client, either)) == [listed[1], listed[5]]
    assert identifiers(search(client, f'rec.id = "{listed[1]} {listed[5]}"')) == []
    assert identifiers(search(client, "rec.id = abc")) == []
    assert search(client, f"rec.id <> {listed[0]}").findtext(f"{SRW}numberOfRecords") == "9"


@pytest.mark.parametrize(
    ("query", "hits"),
    [
        ("kz.region = алматы", 4),
        ("kz.region = АЛМАТЫ", 4),
        ("kz.region = almaty", 4),
        ('kz.region == "Алматы облысы"', 4),
        ("kz.region == алматы", 0),
        ("kz.region any «астана алматы»", 10),
        ("kz.region = астана and dc.title = физика", 1),
        ("kz.region = жетісу", 0),
    ],
)
def test_kz_region_finds_the_records_of_its_schools(
    client: FlaskClient, query: str, hits: int
) -> None:
    query = query.replace("«", '"').replace("»", '"')
    root = search(client, query, maximumRecords="0")
    assert root.find(f"{SRW}diagnostics") is None
    assert root.findtext(f"{SRW}numberOfRecords") == str(hits)


def test_explain_lists_the_new_indexes(client: FlaskClient) -> None:
    root = etree.fromstring(client.get("/sru", query_string={"version": "1.2"}).data)
    names = {(name.get("set"), name.text) for name in root.iter(f"{ZEEREX}name") if name.get("set")}
    assert {("rec", "id"), ("kz", "region")} <= names
