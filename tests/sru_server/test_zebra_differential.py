"""Differential test: our SRU server and Zebra (ICU-configured) count the same hits.

The same 300 lab records (peers doc §9) go into Zebra and into our store; each
query's ``numberOfRecords`` must agree. Only queries both servers evaluate the
same way are compared: Zebra's known defects (left truncation, ``within``, no
diagnostics for them) are tested against our diagnostics elsewhere.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy.orm import sessionmaker

from benchmarks.sru_lab import LAB_SCHOOL, lab_records, load_school
from benchmarks.zebra_peer import running_zebra, zebra_available
from kitapbridge.catalog.store import make_engine, migrate
from kitapbridge.config import Settings
from kitapbridge.web.app import close_app, create_app

QUERIES = [
    "dc.title = Қазақ",
    "dc.title = ҚАЗАҚ",
    "dc.title = қазақ",
    "dc.title = математика",
    'dc.creator = "Абай"',
    "dc.creator = иванов",
    "dc.title = физ*",
    "dc.title = english",
    "dc.date > 2020",
    "dc.date <= 1999",
    "dc.title = физика and dc.date >= 2010",
    "dc.title = алгебра or dc.title = геометрия",
    "dc.subject = оқулықтар not dc.creator = smith",
    'dc.title any "химия биология"',
    "cql.allRecords = 1",
]


@pytest.fixture(scope="module")
def zebra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not zebra_available():
        pytest.skip("Zebra (idzebra-2.0 and its examples) is not installed")
    directory: Path = tmp_path_factory.mktemp("zebra")
    with running_zebra(directory, list(lab_records(300))) as url:
        yield url


@pytest.fixture
def ours(tmp_path: Path) -> Iterator[FlaskClient]:
    url = f"sqlite:///{tmp_path / 'lab.db'}"
    engine = make_engine(url)
    migrate(engine)
    load_school(sessionmaker(engine, expire_on_commit=False), LAB_SCHOOL, list(lab_records(300)))
    engine.dispose()
    app = create_app(Settings(database_url=url))
    yield app.test_client()
    close_app(app)


def number_of_records(document: bytes) -> int:
    root = etree.fromstring(document)
    found = root.findtext("{*}numberOfRecords")
    assert found is not None, etree.tostring(root)
    return int(found)


def test_hit_counts_agree_with_zebra(zebra: str, ours: FlaskClient) -> None:
    disagreements = []
    for query in QUERIES:
        params = {
            "version": "1.2",
            "operation": "searchRetrieve",
            "query": query,
            "maximumRecords": "0",
        }
        url = f"{zebra}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=30) as reply:  # noqa: S310 (loopback Zebra)
            theirs = number_of_records(reply.read())
        mine = number_of_records(ours.get("/sru", query_string=params).data)
        if mine != theirs:
            disagreements.append((query, mine, theirs))
    assert disagreements == []
