"""The union database /sru answers with clusters; /sru/<ISIL> with one school's records."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pymarc
import pytest
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from sru_catalog import ALMATY, ASTANA, BOOKS, book

from benchmarks.sru_lab import load_school
from kitapbridge.catalog import changes
from kitapbridge.catalog.models import School, StoredRecord
from kitapbridge.catalog.store import make_engine, migrate
from kitapbridge.config import Settings
from kitapbridge.dedup.models import ClusterChange, DedupMember
from kitapbridge.dedup.service import run_dedup, split_cluster
from kitapbridge.web.app import close_app, create_app

SRW = "{http://www.loc.gov/zing/srw/}"
MARC = "{http://www.loc.gov/MARC21/slim}"
DC = "{http://purl.org/dc/elements/1.1/}"
SHARED_ISBN = "9786010000007"
SHARED = ("Қара сөздер", "Абай Құнанбайұлы", "2019", "Қазақ әдебиеті", "kaz")
LATE = ("b9", "Ыбырай Алтынсарин : әңгімелер", "Алтынсарин, Ыбырай", "2024", "Әңгімелер", "kaz")


def shared_edition(local_id: str) -> pymarc.Record:
    """The same edition of Abai as two schools catalogued it (same ISBN, same description)."""
    record = book(local_id, *SHARED)
    record.add_ordered_field(
        pymarc.Field(
            tag="020", indicators=[" ", " "], subfields=[pymarc.Subfield("a", SHARED_ISBN)]
        )
    )
    return record


def school_records(isil: str, shared_id: str) -> list[pymarc.Record]:
    rows = [row for row in BOOKS[isil] if row[1] != SHARED[0]]
    return [book(*row) for row in rows] + [shared_edition(shared_id)]


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    migrate(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    load_school(factory, ASTANA, school_records(ASTANA, "a1"))
    load_school(factory, ALMATY, school_records(ALMATY, "b8"))
    with factory.begin() as session:
        summary = run_dedup(session)
    assert summary.records == 11
    assert summary.multi_record_clusters == 1
    # A record imported after the dedup run: in no cluster yet.
    load_school(factory, ALMATY, [*school_records(ALMATY, "b8"), book(*LATE)])
    yield factory
    engine.dispose()


@pytest.fixture
def client(database_url: str, sessions: sessionmaker[Session]) -> Iterator[FlaskClient]:
    app = create_app(Settings(database_url=database_url, sru_maximum_records=50))
    yield app.test_client()
    close_app(app)


def search(client: FlaskClient, query: str, path: str = "/sru", **params: str) -> etree._Element:
    response = client.get(
        path,
        query_string={"version": "1.2", "operation": "searchRetrieve", "query": query, **params},
    )
    root = etree.fromstring(response.data)
    assert root.find(f"{SRW}diagnostics") is None, response.data
    return root


def identifiers(root: etree._Element) -> list[str]:
    return [e.text or "" for e in root.iter(f"{SRW}recordIdentifier")]


def record_id(sessions: sessionmaker[Session], isil: str, local_id: str) -> int:
    with sessions() as session:
        found = session.scalar(
            select(StoredRecord.id)
            .join(School, School.id == StoredRecord.school_id)
            .where(School.isil == isil, StoredRecord.local_id == local_id)
        )
    assert found is not None
    return found


def subfields(root: etree._Element, tag: str, code: str) -> list[str]:
    path = f".//{MARC}datafield[@tag='{tag}']/{MARC}subfield[@code='{code}']"
    return [e.text or "" for e in root.iterfind(path)]


def test_an_edition_two_schools_hold_is_one_record_with_both_holdings(
    client: FlaskClient, sessions: sessionmaker[Session]
) -> None:
    anchor = min(record_id(sessions, ASTANA, "a1"), record_id(sessions, ALMATY, "b8"))
    root = search(client, f"bath.isbn = {SHARED_ISBN}")
    assert root.findtext(f"{SRW}numberOfRecords") == "1"
    assert identifiers(root) == [f"c{anchor}"]
    assert subfields(root, "852", "a") == [ALMATY, ASTANA]
    assert subfields(root, "035", "a") == [f"({ASTANA})a1", f"({ALMATY})b8"]
    assert subfields(root, "245", "a") == ["Қара сөздер"]


def test_a_school_database_serves_that_schools_own_record(
    client: FlaskClient, sessions: sessionmaker[Session]
) -> None:
    root = search(client, f"bath.isbn = {SHARED_ISBN}", path=f"/sru/{ALMATY}")
    assert root.findtext(f"{SRW}numberOfRecords") == "1"
    assert identifiers(root) == [str(record_id(sessions, ALMATY, "b8"))]
    assert subfields(root, "852", "a") == []
    assert subfields(root, "035", "a") == []
    assert [e.text for e in root.iterfind(f".//{MARC}controlfield[@tag='001']")] == ["b8"]


def test_dublin_core_is_rendered_from_the_display_record(client: FlaskClient) -> None:
    root = search(client, f"bath.isbn = {SHARED_ISBN}", recordSchema="dc")
    assert [e.text for e in root.iter(f"{DC}title")] == ["Қара сөздер"]
    assert [e.text for e in root.iter(f"{DC}creator")] == ["Абай Құнанбайұлы"]


def test_cyrillic_and_2021_latin_kazakh_find_the_same_cluster(client: FlaskClient) -> None:
    cyrillic = identifiers(search(client, 'dc.title = "Қара сөздер"'))
    latin = identifiers(search(client, 'dc.title = "Qara sözder"'))
    assert len(cyrillic) == 1
    assert latin == cyrillic


def test_counts_and_pages_are_of_clusters_without_duplicates_or_gaps(
    client: FlaskClient,
) -> None:
    everything = search(client, "cql.allRecords = 1", maximumRecords="50")
    # 12 stored records: the shared edition is one cluster of two.
    assert everything.findtext(f"{SRW}numberOfRecords") == "11"
    listed = identifiers(everything)
    assert listed == sorted(listed, key=lambda cluster_id: int(cluster_id[1:]))
    for sort in ("", " sortBy dc.title", " sortBy dc.date/sort.descending"):
        seen: list[str] = []
        start = "1"
        while start:
            root = search(
                client, f"cql.allRecords = 1{sort}", startRecord=start, maximumRecords="4"
            )
            seen += identifiers(root)
            start = root.findtext(f"{SRW}nextRecordPosition") or ""
        assert sorted(seen) == sorted(listed), sort


def test_a_record_no_dedup_run_has_seen_is_found_as_its_own_cluster(
    client: FlaskClient, sessions: sessionmaker[Session]
) -> None:
    late = record_id(sessions, ALMATY, "b9")
    root = search(client, "dc.title = Алтынсарин")
    assert identifiers(root) == [f"c{late}"]
    assert subfields(root, "852", "a") == [ALMATY]
    assert identifiers(search(client, f"rec.id = c{late}")) == [f"c{late}"]


def test_rec_id_names_clusters_and_a_member_record_finds_its_cluster(
    client: FlaskClient, sessions: sessionmaker[Session]
) -> None:
    first, second = record_id(sessions, ASTANA, "a1"), record_id(sessions, ALMATY, "b8")
    cluster = f"c{min(first, second)}"
    assert identifiers(search(client, f"rec.id = {cluster}")) == [cluster]
    assert identifiers(search(client, f"rec.id = {max(first, second)}")) == [cluster]
    assert identifiers(search(client, f"rec.id = c{max(first, second)}")) == []


def test_a_school_clause_in_the_union_database_keeps_the_cluster_whole(
    client: FlaskClient,
) -> None:
    root = search(client, f'kz.school = "{ASTANA}" and bath.isbn = {SHARED_ISBN}')
    assert root.findtext(f"{SRW}numberOfRecords") == "1"
    assert subfields(root, "852", "a") == [ALMATY, ASTANA]


def test_last_modification_date_finds_clusters_edited_or_joined_since(
    client: FlaskClient, sessions: sessionmaker[Session]
) -> None:
    shared = record_id(sessions, ALMATY, "b8")
    late = record_id(sessions, ALMATY, "b9")
    with sessions.begin() as session:
        session.execute(update(StoredRecord).values(modified_at=datetime(2026, 1, 1, tzinfo=UTC)))
        session.execute(update(DedupMember).values(decided_at=datetime(2026, 1, 1, tzinfo=UTC)))
        # b8 joined Abai's cluster in February; b9 was edited in March.
        session.execute(
            update(DedupMember)
            .where(DedupMember.record_id == shared)
            .values(decided_at=datetime(2026, 2, 1, tzinfo=UTC))
        )
        session.execute(
            update(StoredRecord)
            .where(StoredRecord.id == late)
            .values(modified_at=datetime(2026, 3, 1, tzinfo=UTC))
        )
    anchor = f"c{record_id(sessions, ASTANA, 'a1')}"
    since_january = search(client, "rec.lastModificationDate > 2026-01-15T00:00:00Z")
    assert sorted(identifiers(since_january)) == sorted([anchor, f"c{late}"])
    since_february = search(client, "rec.lastModificationDate > 2026-02-15T00:00:00Z")
    assert identifiers(since_february) == [f"c{late}"]
    school = search(client, "rec.lastModificationDate > 2026-01-15T00:00:00Z", f"/sru/{ALMATY}")
    assert identifiers(school) == [str(late)]


def controlfield(root: etree._Element, tag: str) -> list[str]:
    return [e.text or "" for e in root.iterfind(f".//{MARC}controlfield[@tag='{tag}']")]


def test_a_member_leaving_marks_the_cluster_it_left_modified(
    client: FlaskClient, sessions: sessionmaker[Session]
) -> None:
    a1, b8 = record_id(sessions, ASTANA, "a1"), record_id(sessions, ALMATY, "b8")
    anchor = f"c{a1}"
    with sessions.begin() as session:
        session.execute(update(StoredRecord).values(modified_at=datetime(2026, 1, 1, tzinfo=UTC)))
        session.execute(update(DedupMember).values(decided_at=datetime(2026, 1, 1, tzinfo=UTC)))
    before = search(client, f"rec.id = {anchor}")
    assert controlfield(before, "005") == ["20260101000000.0"]
    assert subfields(before, "852", "a") == [ALMATY, ASTANA]
    assert identifiers(search(client, "rec.lastModificationDate > 2026-01-15T00:00:00Z")) == []
    with sessions.begin() as session:
        # Staff say b8 is another edition: it leaves; a1 stays, re-stamped by nothing else.
        split_cluster(session, anchor, [[a1], [b8]], staff="tester", reason="other edition")
        session.execute(
            update(DedupMember)
            .where(DedupMember.record_id == a1)
            .values(decided_at=datetime(2026, 1, 1, tzinfo=UTC))
        )
        left_at = session.get(ClusterChange, anchor)
        assert left_at is not None
    since = search(client, "rec.lastModificationDate > 2026-01-15T00:00:00Z")
    assert sorted(identifiers(since)) == sorted([anchor, f"c{b8}"])
    after = search(client, f"rec.id = {anchor}")
    assert subfields(after, "852", "a") == [ASTANA]  # a rendering of the old version is not reused
    stamp = left_at.changed_at.replace(tzinfo=left_at.changed_at.tzinfo or UTC)
    assert controlfield(after, "005") == [stamp.astimezone(UTC).strftime("%Y%m%d%H%M%S.0")]


def test_facets_of_the_union_database_count_clusters(client: FlaskClient) -> None:
    response = client.get(
        "/sru",
        query_string={
            "query": "dc.subject = әдебиеті",
            "maximumRecords": "0",
            "facetLimit": "2:dc.subject",
        },
    )
    root = etree.fromstring(response.data)
    assert root.findtext("{*}numberOfRecords") == "2"
    terms = [
        (term.findtext("{*}actualTerm"), term.findtext("{*}count"))
        for term in root.iterfind("{*}facetedResults/{*}facet/{*}terms/{*}term")
    ]
    # Abai's edition is held by both schools but is one hit; "Абай жолы" is the other.
    assert terms == [("Қазақ әдебиеті", "2")]


@pytest.mark.parametrize("path", ["/sru", f"/sru/{ASTANA}"])
def test_a_kept_result_is_made_again_after_the_catalog_changes(
    client: FlaskClient, sessions: sessionmaker[Session], path: str
) -> None:
    query = "dc.subject = оқулықтар"
    before = search(client, query, path)
    assert before.findtext(f"{SRW}numberOfRecords") == ("4" if path == "/sru" else "2")
    assert identifiers(search(client, query, path)) == identifiers(before)  # kept, unchanged
    a2 = record_id(sessions, ASTANA, "a2")
    with sessions.begin() as session:  # a writer deleting a record bumps the catalog's version
        now = changes.stamp(session).at
        session.execute(
            update(StoredRecord).where(StoredRecord.id == a2).values(deleted=True, modified_at=now)
        )
    after = search(client, query, path)
    assert after.findtext(f"{SRW}numberOfRecords") == ("3" if path == "/sru" else "1")
    assert f"c{a2}" not in identifiers(after) and str(a2) not in identifiers(after)
