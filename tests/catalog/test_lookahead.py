"""The import's lookahead: the next batch prepared in a thread, indexed only where needed."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from catalog_builders import SCHOOL, book, copy, incoming
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from test_ingest import first_export, import_export

from kitapbridge.catalog.indexing import WordFolder
from kitapbridge.catalog.ingest import IncomingRecord, run_counts, start_run, write_batch
from kitapbridge.catalog.lookahead import (
    NEW_RECORD_COLUMNS,
    NumberedRecord,
    PreparedBatch,
    StoreScope,
    prepare_batch,
    prepared_ahead,
)
from kitapbridge.catalog.models import (
    Holding,
    ImportRun,
    IndexTerm,
    School,
    SearchIndex,
    StoredRecord,
)
from kitapbridge.connectors.base import SourceSystem


def scope_of(sessions: sessionmaker[Session]) -> StoreScope:
    with sessions() as session:
        school_id = session.scalars(select(School.id).where(School.isil == SCHOOL)).one()
    return StoreScope(school_id, str(SourceSystem.MARC))


def test_only_records_not_stored_unchanged_are_indexed_ahead(
    sessions: sessionmaker[Session],
) -> None:
    import_export(sessions, first_export())
    export = [
        incoming(book("KZ-1", "Абай жолы"), holdings=[copy("B1"), copy("B2")], index=0),
        incoming(book("KZ-2", "Қазақ әдебиеті. 2-басылым"), holdings=[copy("B3")], index=1),
        incoming(book("KZ-9", "Көшпенділер"), index=2),
    ]
    numbered = [(n, source, conversion) for n, (source, conversion) in enumerate(export)]
    threads: set[str] = set()

    def batches() -> Iterator[list[NumberedRecord]]:
        for start in (0, 2):
            threads.add(threading.current_thread().name)
            yield numbered[start : start + 2]

    ready = list(prepared_ahead(batches(), sessions, scope_of(sessions), WordFolder()))

    assert [(b.first_position, b.size) for b in ready] == [(0, 2), (2, 1)]
    indexed = {r.local_id: r.indexed for b in ready for r in b.prepared}
    assert indexed == {"KZ-1": False, "KZ-2": True, "KZ-9": True}
    # The input was read by the preparing thread, never by the caller's.
    assert len(threads) == 1 and threads != {threading.current_thread().name}


def test_the_writer_indexes_a_written_record_the_lookahead_did_not(
    sessions: sessionmaker[Session],
) -> None:
    run_id = import_export(sessions, first_export()[:1]).id
    source, conversion = incoming(book("KZ-7", "Қан мен тер"), index=0)
    ready = prepare_batch([(0, source, conversion)])
    assert not ready.prepared[0].indexed
    with sessions.begin() as session:
        run = session.get(ImportRun, run_id)
        assert run is not None
        run.records_done = 0
        write_batch(session, run, ready, WordFolder())
    with sessions() as session:
        terms = session.scalars(
            select(IndexTerm.term)
            .where(IndexTerm.idx == SearchIndex.TITLE)
            .order_by(IndexTerm.term)
            .distinct()
        )
        assert list(terms) == ["abai", "joly", "kan", "men", "ter"]


def prepared_now(
    sessions: sessionmaker[Session], export: list[IncomingRecord]
) -> list[PreparedBatch]:
    """``export`` as one batch, prepared by the lookahead against the store as it is now."""
    numbered = [(n, source, conversion) for n, (source, conversion) in enumerate(export)]
    return list(prepared_ahead([numbered], sessions, scope_of(sessions), WordFolder()))


def write_as_new_run(sessions: sessionmaker[Session], ready: PreparedBatch) -> dict[str, int]:
    with sessions.begin() as session:
        school = session.scalars(select(School).where(School.isil == SCHOOL)).one()
        run = start_run(session, school, SourceSystem.MARC, started_by="test", full=False)
        write_batch(session, run, ready, WordFolder())
        return run_counts(run)


def record_id_of(session: Session, local_id: str) -> int:
    return session.scalars(select(StoredRecord.id).where(StoredRecord.local_id == local_id)).one()


def terms_of(session: Session, record_id: int) -> list[str]:
    statement = (
        select(IndexTerm.term)
        .where(IndexTerm.record_id == record_id, IndexTerm.idx == SearchIndex.TITLE)
        .order_by(IndexTerm.term)
    )
    return list(session.scalars(statement))


def test_rows_built_ahead_carry_the_ids_the_records_get(
    sessions: sessionmaker[Session],
) -> None:
    import_export(sessions, first_export())
    with sessions() as session:
        kz2 = record_id_of(session, "KZ-2")
    [ready] = prepared_now(
        sessions,
        [
            incoming(book("KZ-1", "Абай жолы"), holdings=[copy("B1"), copy("B2")], index=0),
            incoming(book("KZ-2", "Қазақ әдебиеті. 2-басылым"), holdings=[copy("B3")], index=1),
            incoming(book("KZ-9", "Көшпенділер"), holdings=[copy("B9")], index=2),
        ],
    )
    postgresql = sessions.kw["bind"].dialect.name == "postgresql"
    if postgresql:
        assert ready.rows is not None
        [(local_id, kz9_drawn)] = ready.rows.added
        assert local_id == "KZ-9"
        assert ready.rows.replaced == [("KZ-2", kz2)]
    else:
        assert ready.rows is None  # SQLite: ids only from the writer's inserts

    counts = write_as_new_run(sessions, ready)

    assert counts == {**counts, "added": 1, "updated": 1, "unchanged": 1}
    with sessions() as session:
        kz9 = record_id_of(session, "KZ-9")
        if postgresql:
            assert kz9 == kz9_drawn
        assert terms_of(session, kz9) == ["kospendiler"]
        assert terms_of(session, kz2) == ["2", "adebieti", "basylym", "kazak"]
        copies = {b: r for b, r in session.execute(select(Holding.barcode, Holding.record_id))}
        assert (copies["B9"], copies["B3"]) == (kz9, kz2)


def test_rows_built_for_another_decision_are_rebuilt_by_the_writer(
    sessions: sessionmaker[Session],
) -> None:
    # Both batches are prepared while KZ-9 is not stored: each expects to add it.
    import_export(sessions, first_export())
    nomads = incoming(book("KZ-9", "Көшпенділер"), holdings=[copy("B9")])
    [first] = prepared_now(sessions, [nomads])
    blood = incoming(book("KZ-9", "Қан мен тер"), holdings=[copy("B10")])
    [second] = prepared_now(sessions, [blood])
    if second.rows is not None:  # PostgreSQL
        assert [local_id for local_id, _id in second.rows.added] == ["KZ-9"]
    write_as_new_run(sessions, first)

    counts = write_as_new_run(sessions, second)

    assert counts == {**counts, "added": 0, "updated": 1}
    with sessions() as session:
        kz9 = record_id_of(session, "KZ-9")
        if first.rows is not None:
            assert kz9 == first.rows.added[0][1]
        assert terms_of(session, kz9) == ["kan", "men", "ter"]
        copies = list(session.execute(select(Holding.barcode).where(Holding.record_id == kz9)))
        assert [barcode for (barcode,) in copies] == ["B10"]


def test_new_record_rows_built_for_another_run_are_rebuilt_by_the_writer(
    sessions: sessionmaker[Session],
) -> None:
    import_export(sessions, first_export())
    with sessions() as session:
        earlier_run = session.scalars(select(ImportRun.id)).one()
    numbered = [(0, *incoming(book("KZ-9", "Көшпенділер"), holdings=[copy("B9")]))]
    [ready] = prepared_ahead(
        [numbered], sessions, scope_of(sessions), WordFolder(), run_id=earlier_run
    )
    if ready.rows is not None:  # PostgreSQL: the new record's row names the earlier run
        assert ready.rows.records is not None
        [row] = ready.rows.records.rows
        written = dict(zip(NEW_RECORD_COLUMNS, row, strict=True))
        assert ready.rows.records.run_id == earlier_run
        assert (written["local_id"], written["first_seen_run_id"]) == ("KZ-9", earlier_run)

    write_as_new_run(sessions, ready)

    with sessions() as session:
        record = session.scalars(select(StoredRecord).where(StoredRecord.local_id == "KZ-9")).one()
        new_run = session.scalars(select(ImportRun.id).order_by(ImportRun.id.desc())).first()
        assert new_run != earlier_run
        assert (record.first_seen_run_id, record.last_seen_run_id) == (new_run, new_run)
