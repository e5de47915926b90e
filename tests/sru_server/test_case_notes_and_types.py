"""CQL /respectCase on the word indexes, and the dc.description and dc.type indexes."""

from __future__ import annotations

from collections.abc import Iterator

import pymarc
import pytest
from flask.testing import FlaskClient
from lxml import etree
from sru_catalog import book, store_with_catalog

from benchmarks.sru_lab import load_school
from kitapbridge.config import Settings
from kitapbridge.web.app import close_app, create_app

SRW = "{http://www.loc.gov/zing/srw/}"
DC = "{http://purl.org/dc/elements/1.1/}"
ZR = "{http://explain.z3950.org/dtd/2.0/}"
SCHOOL = "KZ-KAR-SCH003"
ELECTRONIC = "Информатика : 9-сынып"
SONGS = "Әндер жинағы"
ALL_TITLES = [
    "English grammar in use",
    "Абай жолы",
    "Математика : 6-сынып",
    "Физика",
    "Физика : 8-сынып",
    "Қазақ тілі : 5-сынып",
    "Қазақ тілі : 6-сынып",
    "Қазақстан тарихы",
    "Қара сөздер",
    "Русский язык : 7 класс",
]


def special_records() -> list[pymarc.Record]:
    """An electronic textbook with a summary, and a song book (notated music) with a note."""
    electronic = book("e1", ELECTRONIC, "Әлиев Ерлан", "2020", "Оқулықтар", "kaz")
    fixed = electronic["008"].data
    electronic["008"].data = fixed[:23] + "o" + fixed[24:]
    electronic.add_ordered_field(
        pymarc.Field("520", [" ", " "], [pymarc.Subfield("a", "Электронды оқулық 9-сынып үшін.")])
    )
    songs = book("e2", SONGS, "Тілеуов, Серік", "2005", "Әндер", "kaz")
    songs.leader = pymarc.Leader(str(songs.leader)[:6] + "c" + str(songs.leader)[7:])
    songs.add_ordered_field(
        pymarc.Field("500", [" ", " "], [pymarc.Subfield("a", "Ноталар мен мәтіндер.")])
    )
    return [electronic, songs]


@pytest.fixture
def client(database_url: str) -> Iterator[FlaskClient]:
    store_with_catalog(
        database_url, lambda sessions: load_school(sessions, SCHOOL, special_records())
    )
    app = create_app(Settings(database_url=database_url))
    yield app.test_client()
    close_app(app)


def response(client: FlaskClient, query: str) -> etree._Element:
    reply = client.get(
        "/sru",
        query_string={
            "version": "1.2",
            "operation": "searchRetrieve",
            "query": query,
            "recordSchema": "dc",
            "maximumRecords": "20",
        },
    )
    return etree.fromstring(reply.data)


def titles(client: FlaskClient, query: str) -> list[str]:
    root = response(client, query)
    assert root.find(f"{SRW}diagnostics") is None, etree.tostring(root)
    found = [e.text or "" for e in root.iter(f"{DC}title")]
    assert root.findtext(f"{SRW}numberOfRecords") == str(len(found))
    return sorted(found)


RESPECT_CASE = [
    ("dc.title = english", ["English grammar in use"]),
    ("dc.title =/respectCase English", ["English grammar in use"]),
    ("dc.title =/respectCase english", []),
    ("dc.title =/respectCase Қазақ", ["Қазақ тілі : 5-сынып", "Қазақ тілі : 6-сынып"]),
    ("dc.title =/respectCase ҚАЗАҚ", []),
    (
        "dc.title =/respectCase Қаз*",
        ["Қазақ тілі : 5-сынып", "Қазақ тілі : 6-сынып", "Қазақстан тарихы"],
    ),
    ('dc.title adj/respectCase "Қазақ тілі"', ["Қазақ тілі : 5-сынып", "Қазақ тілі : 6-сынып"]),
    ('dc.title adj/respectCase "қазақ тілі"', []),
    ('dc.title ==/respectCase "Физика"', ["Физика"]),
    (
        'dc.title any/respectCase "English Физика"',
        ["English grammar in use", "Физика", "Физика : 8-сынып"],
    ),
    ("dc.creator =/respectCase Иванов", ["Математика : 6-сынып", "Физика : 8-сынып"]),
    ("cql.serverChoice =/respectCase Петрова", ["Русский язык : 7 класс", "Физика"]),
    ("dc.title =/ignoreCase/respectCase english", []),  # the last case modifier wins
    ("dc.title =/respectCase/ignoreCase english", ["English grammar in use"]),
    (
        "dc.title <>/respectCase English and dc.date < 2019",
        ["Абай жолы", "Математика : 6-сынып", "Русский язык : 7 класс", "Физика : 8-сынып", SONGS],
    ),
]
"""(query, titles found): case kept in Kazakh Cyrillic and English, truncation, phrases."""


def test_respect_case(client: FlaskClient) -> None:
    for query, expected in RESPECT_CASE:
        assert titles(client, query) == sorted(expected), query


NOTES_AND_TYPES = [
    ("dc.description = оқулық", [ELECTRONIC]),
    ("dc.description = ноталар", [SONGS]),
    ('dc.description any "ноталар электронды"', [ELECTRONIC, SONGS]),
    ('dc.description adj "электронды оқулық"', [ELECTRONIC]),
    ('dc.description adj "оқулық электронды"', []),
    ("dc.description = электрон*", [ELECTRONIC]),
    ("dc.description = elektrondy", [ELECTRONIC]),  # Kazakh Latin finds Cyrillic
    ("dc.type = electronic", [ELECTRONIC]),
    ('dc.type = "notated music"', [SONGS]),
    ("dc.type = music", [SONGS]),
    ("dc.type == text", [*ALL_TITLES, ELECTRONIC]),
    ("dc.type = text and dc.title = физика", ["Физика", "Физика : 8-сынып"]),
    ("dc.type = text not dc.type = electronic", ALL_TITLES),
]
"""(query, titles found) for notes (500/520) and resource types (leader/06, 008/23)."""


def test_description_and_type(client: FlaskClient) -> None:
    for query, expected in NOTES_AND_TYPES:
        assert titles(client, query) == sorted(expected), query
    songs = response(client, "dc.type = music")
    assert [e.text for e in songs.iter(f"{DC}type")] == ["notated music"]


@pytest.mark.parametrize(
    "query",
    [
        "dc.identifier =/respectCase X-1",
        "dc.description =/respectCase Ноталар",
        "dc.date =/respectCase 2020",
    ],
)
def test_respect_case_where_case_is_not_kept_is_diagnostic_20(
    client: FlaskClient, query: str
) -> None:
    found = response(client, query).find(f".//{SRW}diagnostics/{{*}}diagnostic")
    assert found is not None
    assert (found.findtext("{*}uri"), found.findtext("{*}details")) == (
        "info:srw/diagnostic/1/20",
        "respectCase",
    )


def test_explain_lists_the_new_indexes_and_modifiers(client: FlaskClient) -> None:
    root = etree.fromstring(client.get("/sru", query_string={"version": "1.2"}).data)
    names = {e.text for e in root.iter(f"{ZR}name") if e.get("set") == "dc"}
    assert {"description", "type"} <= names
    supports = {(e.get("type"), e.text) for e in root.iter(f"{ZR}supports")}
    assert {("relationModifier", "respectCase"), ("proximity", "true")} <= supports
    assert ("proximityModifier", "distance") in supports
