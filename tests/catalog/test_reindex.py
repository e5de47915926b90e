"""Reindex rebuilds the term index and sort keys from the stored MARC21, batch by batch."""

from __future__ import annotations

from catalog_builders import SCHOOL, book, incoming
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.ingest import ingest, start_run
from kitapbridge.catalog.models import IndexPhrase, IndexTerm, StoredRecord
from kitapbridge.catalog.query import MatchAll, Relation, TermClause
from kitapbridge.catalog.reindex import ReindexProgress, reindex
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.catalog.search import count, fetch_records, search
from kitapbridge.connectors.base import SourceSystem

BOOKS = [
    book("R1", "Қазақ әдебиеті", author="Қабдолов, Зейнолла", year="2005"),
    book("R2", "Абай жолы", author="Әуезов, Мұхтар", year="1942"),
    book("R3", "Война и мир", author="Толстой, Лев", year="1869", language="rus"),
    book("R4", "Abai joly", author="Auezov, Mukhtar", year="2021"),
    book("R5", "Ақын жүрегі", author="Мағжан Жұмабаев", year="1990"),
]


def _import(sessions: sessionmaker[Session], records: list, *, full: bool = True) -> None:  # type: ignore[type-arg]
    with sessions.begin() as session:
        school = ensure_school(session, SCHOOL)
        run = start_run(session, school, SourceSystem.MARC, started_by="test", full=full)
    ingest(sessions, run.id, [incoming(r, index=n) for n, r in enumerate(records)], batch_size=2)


def _index_rows(sessions: sessionmaker[Session]) -> tuple[list[tuple], list[tuple]]:  # type: ignore[type-arg]
    with sessions() as session:
        terms = session.execute(
            select(IndexTerm.term, IndexTerm.idx, IndexTerm.record_id).order_by(
                IndexTerm.record_id, IndexTerm.idx, IndexTerm.term
            )
        ).all()
        phrases = session.execute(
            select(IndexPhrase.record_id, IndexPhrase.idx, IndexPhrase.phrase).order_by(
                IndexPhrase.record_id, IndexPhrase.idx, IndexPhrase.phrase
            )
        ).all()
    return [tuple(t) for t in terms], [tuple(p) for p in phrases]


def _abai(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        page = search(session, TermClause("title", "abai joly", Relation.ALL), limit=10)
        return sorted(r.local_id for r in fetch_records(session, page.record_ids))


def test_reindex_rebuilds_exactly_what_import_wrote(sessions: sessionmaker[Session]) -> None:
    _import(sessions, BOOKS)
    as_imported = _index_rows(sessions)
    with sessions.begin() as session:
        session.execute(delete(IndexTerm))
        session.execute(delete(IndexPhrase))
        session.execute(update(StoredRecord).values(sort_title="", sort_creator=""))
    assert _abai(sessions) == []

    seen: list[ReindexProgress] = []
    final = reindex(sessions, batch_size=2, on_batch=seen.append)

    assert final == ReindexProgress(5, 5)
    assert seen == [ReindexProgress(2, 5), ReindexProgress(4, 5), ReindexProgress(5, 5)]
    assert _index_rows(sessions) == as_imported
    assert _abai(sessions) == ["R2", "R4"]
    with sessions() as session:
        rows = session.execute(select(StoredRecord.local_id, StoredRecord.sort_title))
        titles = {local_id: title for local_id, title in rows}
    assert titles["R2"] == "abai joly"


def test_reindex_drops_the_entries_of_deleted_records(sessions: sessionmaker[Session]) -> None:
    _import(sessions, BOOKS)
    _import(sessions, BOOKS[:3])  # a full re-export without R4 and R5 deletes them
    with sessions() as session:
        deleted_ids = list(
            session.scalars(select(StoredRecord.id).where(StoredRecord.deleted.is_(True)))
        )
    assert len(deleted_ids) == 2

    assert reindex(sessions, batch_size=10) == ReindexProgress(3, 3)

    with sessions() as session:
        leftover = session.scalar(
            select(func.count()).select_from(IndexTerm).where(IndexTerm.record_id.in_(deleted_ids))
        )
        assert leftover == 0
        assert count(session, MatchAll()) == 3
    assert _abai(sessions) == ["R2"]


def test_reindex_command(sessions: sessionmaker[Session], database_url: str) -> None:
    from click.testing import CliRunner

    from kitapbridge.cli import main

    _import(sessions, BOOKS)
    result = CliRunner().invoke(main, ["--database-url", database_url, "reindex"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "5 records re-indexed"
    assert _abai(sessions) == ["R2", "R4"]
