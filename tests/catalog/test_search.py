"""The term index finds Kazakh in either script, any case, through homoglyphs; sorting, paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from catalog_builders import SCHOOL, book, incoming
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.changes import current_version
from kitapbridge.catalog.ingest import ingest, start_run
from kitapbridge.catalog.models import StoredRecord
from kitapbridge.catalog.query import (
    BooleanClause,
    BooleanOperator,
    Cursor,
    EmptyTermError,
    MatchAll,
    Query,
    RangeClause,
    RangeField,
    Relation,
    Sort,
    SortKey,
    TermClause,
    UnknownIndexError,
    UnsupportedMaskingError,
)
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.catalog.search import (
    ScanTerm,
    count,
    fetch_records,
    in_bound_list,
    record_versions,
    scan,
    search,
    stored_marc,
)
from kitapbridge.connectors.base import SourceSystem

HOMOGLYPH_TITLE = "Кoмпьютер негіздері"  # the first "o" is Latin U+006F
assert HOMOGLYPH_TITLE[1] == "o"

BOOKS = {
    "K1": book(
        "K1",
        "Қазақ әдебиеті",
        author="Қабдолов, Зейнолла",
        year="2005",
        subjects=("Қазақ әдебиеті", "Оқулықтар"),
        isbn="978-601-01-0002-2",
        udc="821.512.122",
    ),
    "K2": book("K2", HOMOGLYPH_TITLE, author="Ахметов, Серік", year="2018"),
    "K3": book("K3", "Абай жолы", author="Әуезов, Мұхтар", year="1942", udc="821.512.122-31"),
    "K4": book(
        "K4", "Война и мир", author="Толстой, Лев", year="1869", language="rus", udc="821.161.1"
    ),
    "K5": book("K5", "Abai joly", author="Auezov, Mukhtar", year="2021"),
    "K6": book("K6", "The Kazakh steppe", author="Olcott, Martha", year="1995", nonfiling=4),
}


@pytest.fixture
def catalog(sessions: sessionmaker[Session]) -> dict[str, int]:
    """The books above imported into the store; local id → record id."""
    with sessions.begin() as session:
        school = ensure_school(session, SCHOOL)
        run = start_run(session, school, SourceSystem.MARC, started_by="test")
    export = [incoming(record, index=n) for n, record in enumerate(BOOKS.values())]
    ingest(sessions, run.id, export, batch_size=4)
    with sessions() as session:
        records = fetch_records(session, search(session, MatchAll(), limit=100).record_ids)
        return {record.local_id: record.id for record in records}


def found(sessions: sessionmaker[Session], query: Query) -> list[str]:
    with sessions() as session:
        page = search(session, query, limit=100)
        return sorted(record.local_id for record in fetch_records(session, page.record_ids))


@pytest.mark.parametrize("text", ["qazaq", "ҚАЗАҚ", "kazak", "Қазақ", "QAZAQ ädebieti"])
def test_kazakh_title_found_in_either_script_and_any_case(
    sessions: sessionmaker[Session], catalog: dict[str, int], text: str
) -> None:
    assert found(sessions, TermClause("title", text)) == ["K1"]


def test_homoglyph_title_found_by_the_clean_cyrillic_word(
    sessions: sessionmaker[Session], catalog: dict[str, int]
) -> None:
    assert found(sessions, TermClause("title", "компьютер")) == ["K2"]
    assert found(sessions, TermClause("title", "КОМПЬЮТЕР негіздері", Relation.ADJ)) == ["K2"]


def test_words_phrases_and_whole_fields(
    sessions: sessionmaker[Session], catalog: dict[str, int]
) -> None:
    assert found(sessions, TermClause("title", "Абай жолы")) == ["K3", "K5"]
    assert found(sessions, TermClause("title", "жолы абай")) == ["K3", "K5"]
    assert found(sessions, TermClause("title", "жолы абай", Relation.ADJ)) == []
    assert found(sessions, TermClause("title", "abai joly", Relation.EXACT)) == ["K3", "K5"]
    assert found(sessions, TermClause("title", "абай", Relation.EXACT)) == []
    assert found(sessions, TermClause("title", "абай мир", Relation.ANY)) == ["K3", "K4", "K5"]
    assert found(sessions, TermClause("title", "kazakh steppe", Relation.EXACT)) == ["K6"]


def test_right_truncation(sessions: sessionmaker[Session], catalog: dict[str, int]) -> None:
    assert found(sessions, TermClause("title", "әдеб*")) == ["K1"]
    assert found(sessions, TermClause("title", "қазақ әде*", Relation.ADJ)) == ["K1"]
    assert found(sessions, TermClause("title", "абай ж*", Relation.EXACT)) == ["K3", "K5"]
    assert found(sessions, TermClause("udc", "821.512*")) == ["K1", "K3"]


def test_indexes(sessions: sessionmaker[Session], catalog: dict[str, int]) -> None:
    assert found(sessions, TermClause("creator", "Әуезов")) == ["K3", "K5"]
    assert found(sessions, TermClause("subject", "оқулықтар")) == ["K1"]
    assert found(sessions, TermClause("publisher", "жазушы")) == sorted(BOOKS)
    assert found(sessions, TermClause("any", "толстой")) == ["K4"]
    assert found(sessions, TermClause("isbn", "9786010100022")) == ["K1"]
    assert found(sessions, TermClause("identifier", "978-601-01-0002-2")) == ["K1"]
    assert found(sessions, TermClause("identifier", "k4")) == ["K4"]
    assert found(sessions, TermClause("language", "RUS")) == ["K4"]
    assert found(sessions, TermClause("date", "1942")) == ["K3"]
    assert found(sessions, TermClause("udc", "821.161.1")) == ["K4"]


def test_the_leading_article_is_not_a_word_of_the_sort_title(
    sessions: sessionmaker[Session], catalog: dict[str, int]
) -> None:
    with sessions() as session:
        (k6,) = fetch_records(session, [catalog["K6"]])
        assert k6.sort_title == "kazah steppe"  # "The " skipped; kh folds to h


def test_boolean_operators(sessions: sessionmaker[Session], catalog: dict[str, int]) -> None:
    abai = TermClause("title", "абай")
    latin = TermClause("language", "kaz")
    war = TermClause("title", "война")
    assert found(sessions, BooleanClause(BooleanOperator.AND, abai, latin)) == ["K3", "K5"]
    assert found(sessions, BooleanClause(BooleanOperator.OR, abai, war)) == ["K3", "K4", "K5"]
    old = RangeClause(RangeField.DATE, high=1945)
    assert found(sessions, BooleanClause(BooleanOperator.NOT, abai, old)) == ["K5"]
    either = BooleanClause(BooleanOperator.OR, abai, war)
    assert found(sessions, BooleanClause(BooleanOperator.NOT, either, old)) == ["K5"]
    nested = BooleanClause(BooleanOperator.OR, either, TermClause("isbn", "9786010100022"))
    assert found(sessions, nested) == ["K1", "K3", "K4", "K5"]


def test_ranges(sessions: sessionmaker[Session], catalog: dict[str, int]) -> None:
    assert found(sessions, RangeClause(RangeField.DATE, 1900, 2005)) == ["K1", "K3", "K6"]
    assert found(sessions, RangeClause(RangeField.DATE, 2005, low_inclusive=False)) == ["K2", "K5"]
    now = datetime.now(UTC)
    assert found(sessions, RangeClause(RangeField.MODIFIED, now - timedelta(hours=1))) == sorted(
        BOOKS
    )
    assert found(sessions, RangeClause(RangeField.MODIFIED, now + timedelta(hours=1))) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (Sort(SortKey.TITLE), ["K3", "K5", "K6", "K1", "K2", "K4"]),
        (Sort(SortKey.DATE), ["K4", "K3", "K6", "K1", "K2", "K5"]),
        (Sort(SortKey.DATE, descending=True), ["K5", "K2", "K1", "K6", "K3", "K4"]),
        (Sort(SortKey.CREATOR), ["K2", "K3", "K5", "K1", "K6", "K4"]),
    ],
)
def test_keyset_pages_follow_the_sort(
    sessions: sessionmaker[Session], catalog: dict[str, int], sort: Sort, expected: list[str]
) -> None:
    local_ids = {record_id: local_id for local_id, record_id in catalog.items()}
    pages: list[list[str]] = []
    cursor: Cursor | None = None
    with sessions() as session:
        while True:
            page = search(session, MatchAll(), sort=sort, limit=4, after=cursor)
            pages.append([local_ids[i] for i in page.record_ids])
            if page.next_cursor is None:
                break
            cursor = Cursor.from_token(page.next_cursor.token())
        by_offset = search(session, MatchAll(), sort=sort, limit=4, offset=4)
    assert pages == [expected[:4], expected[4:]]
    assert [local_ids[i] for i in by_offset.record_ids] == expected[4:]


def test_counts_and_school_filter(sessions: sessionmaker[Session], catalog: dict[str, int]) -> None:
    with sessions() as session:
        assert count(session, MatchAll()) == 6
        assert count(session, TermClause("title", "abai"), school=SCHOOL) == 2
        assert count(session, TermClause("title", "abai"), school="KZ-AST-0001") == 0


def test_scan_lists_terms_with_counts(
    sessions: sessionmaker[Session], catalog: dict[str, int]
) -> None:
    with sessions() as session:
        assert scan(session, "title", "Абай", limit=3) == [
            ScanTerm("abai", 2),
            ScanTerm("adebieti", 1),
            ScanTerm("i", 1),
        ]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (TermClause("shelfmark", "x"), UnknownIndexError),
        (TermClause("title", "аб*ай"), UnsupportedMaskingError),
        (TermClause("title", "?бай"), UnsupportedMaskingError),
        (TermClause("title", "«—»"), EmptyTermError),
    ],
)
def test_query_errors(
    sessions: sessionmaker[Session], query: TermClause, error: type[Exception]
) -> None:
    with sessions() as session, pytest.raises(error):
        search(session, query, limit=10)


def test_record_versions_and_stored_marc_read_exactly_the_ids_asked(
    sessions: sessionmaker[Session], catalog: dict[str, int]
) -> None:
    asked = [catalog["K3"], 10**9, catalog["K1"], catalog["K3"]]
    with sessions() as session:
        connection = session.connection()
        versions, last_change = record_versions(connection, asked)
        marc = stored_marc(connection, asked)
        records = {r.id: r for r in fetch_records(session, [catalog["K1"], catalog["K3"]])}
        version = current_version(connection)
    assert versions == {i: r.modified_at for i, r in records.items()}
    assert last_change == version
    assert marc == {i: r.marc for i, r in records.items()}
    assert record_versions(connection, []) == ({}, None)
    assert stored_marc(connection, []) == {}


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(min_value=0, max_value=len(BOOKS) + 2), max_size=12))
def test_a_bound_id_list_finds_what_an_in_list_finds(
    sessions: sessionmaker[Session], catalog: dict[str, int], picks: list[int]
) -> None:
    """``= ANY(:ids)`` on PostgreSQL, ``IN (…)`` on SQLite: the same rows as a literal IN."""
    ids = sorted(catalog.values())
    asked = [ids[p] if p < len(ids) else 10**9 + p for p in picks]
    with sessions() as session:
        connection = session.connection()
        bound = select(StoredRecord.id).where(
            in_bound_list(StoredRecord.id, "ids", connection.dialect.name)
        )
        found = set(connection.scalars(bound, {"ids": asked}))
        literal = set(connection.scalars(select(StoredRecord.id).where(StoredRecord.id.in_(asked))))
    assert found == literal == set(asked) & set(ids)


def test_a_bound_id_list_is_one_array_parameter_on_postgresql() -> None:
    """The statement's text does not depend on the list, so it is rendered once."""
    statement = select(StoredRecord.id).where(in_bound_list(StoredRecord.id, "ids", "postgresql"))
    assert str(statement.compile(dialect=postgresql.dialect())).endswith(
        "WHERE source_records.id = ANY (%(ids)s::BIGINT[])"
    )
