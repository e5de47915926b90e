"""CQL prox: two words of one index in one field, by distance and order (index_phrases)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sru_catalog import ALMATY, store_with_catalog

from kitapbridge.catalog.proximity import words_near
from kitapbridge.config import Settings
from kitapbridge.web.app import close_app, create_app

SRW = "{http://www.loc.gov/zing/srw/}"
DC = "{http://purl.org/dc/elements/1.1/}"
KAZAKH_5 = "Қазақ тілі : 5-сынып"
KAZAKH_6 = "Қазақ тілі : 6-сынып"


@pytest.fixture
def client(database_url: str) -> Iterator[FlaskClient]:
    store_with_catalog(database_url)
    app = create_app(Settings(database_url=database_url))
    yield app.test_client()
    close_app(app)


def response(client: FlaskClient, query: str, path: str = "/sru") -> etree._Element:
    reply = client.get(
        path,
        query_string={
            "version": "1.2",
            "operation": "searchRetrieve",
            "query": query,
            "recordSchema": "dc",
            "maximumRecords": "20",
        },
    )
    return etree.fromstring(reply.data)


def titles(client: FlaskClient, query: str, path: str = "/sru") -> list[str]:
    root = response(client, query, path)
    assert root.find(f"{SRW}diagnostics") is None, etree.tostring(root)
    found = [e.text or "" for e in root.iter(f"{DC}title")]
    assert root.findtext(f"{SRW}numberOfRecords") == str(len(found))
    return sorted(found)


HITS = [
    ("dc.title = қазақ prox dc.title = тілі", [KAZAKH_5, KAZAKH_6]),
    ("dc.title = тілі prox dc.title = қазақ", [KAZAKH_5, KAZAKH_6]),  # unordered
    ("dc.title = тілі prox/ordered dc.title = қазақ", []),
    ("dc.title = қазақ prox/unordered dc.title = тілі", [KAZAKH_5, KAZAKH_6]),
    ("dc.title = qazaq prox/unit=word dc.title = tili", [KAZAKH_5, KAZAKH_6]),
    ("dc.title = қазақ prox/distance=3 dc.title = сынып", [KAZAKH_5, KAZAKH_6]),
    ("dc.title = қазақ prox/distance<3 dc.title = сынып", []),
    ("dc.title = қазақ prox/distance>=2/ordered dc.title = сын*", [KAZAKH_5, KAZAKH_6]),
    ("dc.title = сынып prox/distance>=2/ordered dc.title = қазақ", []),
    ("dc.title = сын* prox/distance<>1 dc.title = физика", ["Физика : 8-сынып"]),
    ("dc.title = english prox/distance>2 dc.title = use", ["English grammar in use"]),
    ("dc.title = english prox/distance>3 dc.title = use", []),
    ("cql.serverChoice = абай prox cql.serverChoice = жолы", ["Абай жолы"]),
    (
        "dc.creator = смағұлов prox/ordered dc.creator = нұрлан",
        ["Қазақстан тарихы", KAZAKH_5, KAZAKH_6],
    ),
    ("dc.title = қазақ prox dc.title = тілі and dc.date >= 2023", [KAZAKH_6]),
]
"""(query, titles found): distance, order, truncation, Kazakh Latin, within a boolean."""


def test_proximity_hits(client: FlaskClient) -> None:
    for query, expected in HITS:
        assert titles(client, query) == sorted(expected), query


def test_proximity_in_a_school_database(client: FlaskClient) -> None:
    assert titles(client, "dc.title = қазақ prox dc.title = тілі", f"/sru/{ALMATY}") == [KAZAKH_6]


DIAGNOSTICS = [
    ("dc.title = a prox/unit=sentence dc.title = b", "42", "sentence"),
    ("dc.title = a prox/distance=x dc.title = b", "41", "x"),
    ("dc.title = a prox/distance==1 dc.title = b", "40", "=="),
    ("dc.title = a prox/near dc.title = b", "46", "near"),
    ("dc.title = a prox dc.creator = b", "39", None),
    ("dc.date = 2019 prox dc.date = 2020", "39", None),
    ("(dc.title = a and dc.title = b) prox dc.title = c", "39", None),
    ('dc.title = "қазақ тілі" prox dc.title = сынып', "39", None),
]
"""(query, diagnostic number, details) for what proximity cannot answer."""


def test_proximity_diagnostics(client: FlaskClient) -> None:
    for query, number, details in DIAGNOSTICS:
        found = response(client, query).find(f".//{SRW}diagnostics/{{*}}diagnostic")
        assert found is not None, query
        uri = found.findtext("{*}uri"), found.findtext("{*}details")
        assert uri == (f"info:srw/diagnostic/1/{number}", details), query


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ((" kazak tili 5 synyp ", "kazak", 0, "tili", 0, "<=", 1, 1), True),
        ((" kazak tili 5 synyp ", "tili", 0, "kazak", 0, "<=", 1, 1), False),
        ((" kazak tili 5 synyp ", "kazak", 0, "syn", 1, "=", 3, 0), True),
        ((" kazak kazak ", "kazak", 0, "kazak", 0, "<=", 1, 0), True),
        ((" kazak ", "kazak", 0, "kazak", 0, "<=", 1, 0), False),  # one word is not two
        ((None, "kazak", 0, "tili", 0, "<=", 1, 0), False),
    ],
)
def test_words_near(arguments: tuple, expected: bool) -> None:  # type: ignore[type-arg]
    assert words_near(*arguments) is expected
