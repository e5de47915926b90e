"""Set-at-a-time helpers of imports: ``one_of`` lists and binary COPY, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from catalog_builders import SCHOOL
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog import bulk
from kitapbridge.catalog.holdings import HOLDINGS
from kitapbridge.catalog.ingest import RECORDS, start_run
from kitapbridge.catalog.models import Holding, StoredRecord
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.connectors.base import SourceSystem

LOCAL_IDS = ["KZ-1", "", "KZ 2", "KZ-\x1f3", "қазақ-4", "KZ-5"]
"""Local ids as stored, including an empty one and one holding ``one_of``'s separator."""


def store_records(session: Session, local_ids: list[str]) -> dict[str, int]:
    school = ensure_school(session, SCHOOL)
    run = start_run(session, school, SourceSystem.MARC, started_by="test")
    now = datetime.now(UTC)
    row = {
        "school_id": school.id,
        "system": run.system,
        "raw": b"\x00\xffraw",
        "raw_format": "iso2709",
        "marc": b"\x1d\x1e",
        "content_hash": "0" * 64,
        "first_seen_at": now,
        "last_seen_at": now,
        "modified_at": now,
        "first_seen_run_id": run.id,
        "last_seen_run_id": run.id,
    }
    ids = bulk.insert_returning_ids(session, RECORDS, [{**row, "local_id": i} for i in local_ids])
    return dict(zip(local_ids, ids, strict=True))


def found(session: Session, values: list[str]) -> list[str]:
    statement = select(StoredRecord.local_id).where(
        bulk.one_of(session, StoredRecord.local_id, values)
    )
    return sorted(session.scalars(statement))


def test_one_of_finds_exactly_the_listed_texts(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        store_records(session, LOCAL_IDS)
    with sessions() as session:
        assert found(session, ["KZ-1", "KZ-5", "KZ-9"]) == ["KZ-1", "KZ-5"]
        assert found(session, [""]) == [""]
        assert found(session, ["", "KZ 2"]) == ["", "KZ 2"]
        assert found(session, ["KZ-\x1f3"]) == ["KZ-\x1f3"]
        assert found(session, ["KZ-\x1f3", "қазақ-4"]) == ["KZ-\x1f3", "қазақ-4"]
        assert found(session, ["KZ-", "3"]) == []


def test_one_of_finds_exactly_the_listed_ids(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        ids = store_records(session, LOCAL_IDS)
    wanted = [ids["KZ-1"], ids["қазақ-4"], max(ids.values()) + 1]
    with sessions() as session:
        statement = select(StoredRecord.local_id).where(
            bulk.one_of(session, StoredRecord.id, wanted)
        )
        assert sorted(session.scalars(statement)) == ["KZ-1", "қазақ-4"]


def test_copies_written_set_at_a_time_keep_every_value(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        record_id = store_records(session, ["KZ-1"])["KZ-1"]
        school_id = session.scalars(select(StoredRecord.school_id)).one()
        owner = {"record_id": record_id, "school_id": school_id}
        copies = [
            {**owner, "barcode": "B\t1\\", "status": "available", "price": Decimal("1250.50"),
             "currency": "KZT", "note": "жаңа\nкітап"},
            {**owner, "barcode": None, "status": "lost", "price": None, "currency": None,
             "note": None},
        ]  # fmt: skip
        bulk.insert_new(session, HOLDINGS, copies)
    with sessions() as session:
        stored = session.execute(
            select(Holding.barcode, Holding.status, Holding.price, Holding.currency, Holding.note)
            .where(Holding.record_id == record_id)
            .order_by(Holding.status)
        ).all()
        assert [tuple(row) for row in stored] == [
            ("B\t1\\", "available", Decimal("1250.50"), "KZT", "жаңа\nкітап"),
            (None, "lost", None, None, None),
        ]
