"""The catalog's change counter: every writer bumps it, in commit order; readers see
a version only with every change below it; record stamps follow commit order."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pymarc
import pytest
from catalog_builders import SCHOOL, book, copy, incoming
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog import changes
from kitapbridge.catalog.edits import edit_record, update_holding
from kitapbridge.catalog.ingest import IncomingRecord, ingest, start_run
from kitapbridge.catalog.models import Holding, StoredRecord
from kitapbridge.catalog.query import RangeClause, RangeField
from kitapbridge.catalog.reindex import reindex
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.catalog.search import fetch_records, search
from kitapbridge.connectors.base import SourceSystem
from kitapbridge.dedup.models import ReviewItem, ReviewState
from kitapbridge.dedup.service import decide_review, run_dedup


def version(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return changes.current_version(session.connection())


def import_export(
    sessions: sessionmaker[Session], export: list[IncomingRecord], *, full: bool = True
) -> None:
    with sessions.begin() as session:
        school = ensure_school(session, SCHOOL)
        run = start_run(session, school, SourceSystem.MARC, started_by="test", full=full)
    ingest(sessions, run.id, export, batch_size=2)


EXPORT = [
    incoming(book("A1", "Абай жолы"), holdings=[copy("B1")], index=0),
    incoming(book("A2", "Қан мен тер", author="Нұрпейісов, Әбдіжәміл"), index=1),
    incoming(book("A3", "Көшпенділер", author="Есенберлин, Ілияс"), index=2),
]


def stamps(sessions: sessionmaker[Session]) -> dict[str, datetime]:
    with sessions() as session:
        rows = session.execute(select(StoredRecord.local_id, StoredRecord.modified_at))
        return {local_id: _utc(moment) for local_id, moment in rows}


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def test_a_new_store_starts_at_version_one(sessions: sessionmaker[Session]) -> None:
    assert version(sessions) == 1


def test_import_bumps_once_per_writing_batch_and_not_for_an_unchanged_export(
    sessions: sessionmaker[Session],
) -> None:
    import_export(sessions, EXPORT)
    # the new school (1), two batches of two and one record (2)
    assert version(sessions) == 4
    with sessions() as session:
        stored = session.scalar(select(changes.CHANGES.c.stamped_at))
    assert max(stamps(sessions).values()) == _utc(stored)  # records carry the counter's stamp
    import_export(sessions, EXPORT)
    assert version(sessions) == 4  # unchanged export: records only marked seen


def test_a_changed_record_and_the_deletion_sweep_each_bump(sessions: sessionmaker[Session]) -> None:
    import_export(sessions, EXPORT)
    before = stamps(sessions)
    changed = [EXPORT[0], incoming(book("A2", "Қан мен тер (2-ші басылым)"), index=1)]
    import_export(sessions, changed)
    # batch 1 writes A2; the sweep deletes A3
    assert version(sessions) == 6
    after = stamps(sessions)
    assert after["A1"] == before["A1"]
    assert before["A3"] < after["A2"] < after["A3"]  # written in that commit order


def test_an_incremental_export_never_sweeps(sessions: sessionmaker[Session]) -> None:
    import_export(sessions, EXPORT)
    import_export(sessions, EXPORT[:1], full=False)
    assert version(sessions) == 4


def test_staff_edits_of_a_record_and_a_copy_each_bump(sessions: sessionmaker[Session]) -> None:
    import_export(sessions, EXPORT)
    with sessions.begin() as session:
        record_id = session.scalar(select(StoredRecord.id).where(StoredRecord.local_id == "A1"))
        assert record_id is not None
        corrected: pymarc.Record = book("A1", "Абай жолы. 1-кітап")
        edited = edit_record(session, record_id, corrected, who="librarian", why="typo")
        stored_stamp = session.scalar(select(changes.CHANGES.c.stamped_at))
        assert _utc(edited.modified_at) == _utc(stored_stamp)
    assert version(sessions) == 5
    with sessions.begin() as session:
        holding_id = session.scalar(select(Holding.id))
        assert holding_id is not None
        update_holding(session, holding_id, who="librarian", why="moved", shelf_location="Зал")
    assert version(sessions) == 6


def test_reindex_bumps_for_the_sweep_of_deleted_entries_and_each_batch(
    sessions: sessionmaker[Session],
) -> None:
    import_export(sessions, EXPORT)
    reindex(sessions, batch_size=2)
    assert version(sessions) == 4 + 1 + 2


def test_a_dedup_run_and_a_review_decision_each_bump(sessions: sessionmaker[Session]) -> None:
    import_export(sessions, EXPORT)
    with sessions.begin() as session:
        run_dedup(session, full=True)
    assert version(sessions) == 5
    with sessions.begin() as session:
        first, second = session.scalars(select(StoredRecord.id).order_by(StoredRecord.id).limit(2))
        item = ReviewItem(
            record_a=first,
            record_b=second,
            score=0.5,
            evidence={},
            state=str(ReviewState.OPEN),
            created_at=datetime.now(UTC),
        )
        session.add(item)
    assert version(sessions) == 5  # a review item alone changes no answer
    with sessions.begin() as session:
        decide_review(session, item.id, accept=False, staff="librarian", reason="different")
    assert version(sessions) == 6


def test_a_school_registered_or_renamed_bumps_and_a_known_one_does_not(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        ensure_school(session, SCHOOL)
    with sessions.begin() as session:
        ensure_school(session, SCHOOL)
    assert version(sessions) == 2
    with sessions.begin() as session:
        ensure_school(session, SCHOOL, name="Мектеп №42")
    assert version(sessions) == 3


def _stamped_write(session: Session, local_id: str) -> changes.CatalogStamp:
    """What every writer does: bump, then write records stamped from the counter."""
    stamp = changes.stamp(session)
    session.execute(
        update(StoredRecord)
        .where(StoredRecord.local_id == local_id)
        .values(modified_at=stamp.at, sort_title=f"written at {stamp.version}")
    )
    return stamp


def _seen(sessions: sessionmaker[Session]) -> tuple[int, dict[str, str | None]]:
    """The version and the two records' titles, as one statement sees them."""
    statement = select(changes.version_column(), StoredRecord.local_id, StoredRecord.sort_title)
    with sessions() as reader:
        rows = reader.execute(statement.where(StoredRecord.local_id.in_(["A1", "A2"]))).all()
    return rows[0][0], {local_id: title for _version, local_id, title in rows}


POSTGRESQL_ONLY = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
"""Row locks between two server connections; SQLite has one writer at a time anyway."""


@POSTGRESQL_ONLY
def test_a_reader_sees_a_version_only_with_every_change_below_it(
    sessions: sessionmaker[Session],
) -> None:
    import_export(sessions, EXPORT)
    start, titles = _seen(sessions)
    first = sessions()
    first_stamp = _stamped_write(first, "A1")  # holds the counter's row until its commit
    second_stamp: list[changes.CatalogStamp] = []
    second_stamped, second_may_commit = threading.Event(), threading.Event()

    def second_writer() -> None:
        with sessions.begin() as session:
            second_stamp.append(_stamped_write(session, "A2"))
            second_stamped.set()
            second_may_commit.wait(30)

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert not second_stamped.wait(0.5)  # the second writer waits for the first one's commit
    assert _seen(sessions) == (start, titles)
    first.commit()
    first.close()
    assert second_stamped.wait(30)
    assert _seen(sessions) == (start + 1, {"A1": f"written at {start + 1}", "A2": titles["A2"]})
    second_may_commit.set()
    thread.join(30)
    assert _seen(sessions) == (
        start + 2,
        {"A1": f"written at {start + 1}", "A2": f"written at {start + 2}"},
    )
    assert [first_stamp.version, second_stamp[0].version] == [start + 1, start + 2]
    assert first_stamp.at < second_stamp[0].at


@POSTGRESQL_ONLY
def test_a_harvester_asking_after_the_latest_date_it_saw_misses_no_late_commit(
    sessions: sessionmaker[Session],
) -> None:
    """A slow writer starts first and commits last; a fast one meanwhile wants to commit.
    With stamps taken when a batch was read the fast one's record was visible with the
    later date, so a harvester's next ``>`` query skipped the slow one's record."""
    import_export(sessions, EXPORT)
    slow = sessions()
    _stamped_write(slow, "A1")
    fast_done = threading.Event()

    def fast_writer() -> None:
        with sessions.begin() as session:
            _stamped_write(session, "A2")
        fast_done.set()

    thread = threading.Thread(target=fast_writer)
    thread.start()
    with sessions() as harvester:  # harvests while the slow writer is still open
        latest_seen = max(r.modified_at for r in harvester.scalars(select(StoredRecord)))
    slow.commit()
    slow.close()
    thread.join(timeout=30)
    assert fast_done.is_set()
    later = RangeClause(RangeField.MODIFIED, latest_seen, low_inclusive=False)
    with sessions() as harvester:
        page = search(harvester, later, limit=10)
        harvested = sorted(r.local_id for r in fetch_records(harvester, page.record_ids))
    assert harvested == ["A1", "A2"]
