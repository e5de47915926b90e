"""Imports are idempotent and incremental: exact counts, history, deleted flags, holdings, audit."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pymarc
import pytest
from catalog_builders import SCHOOL, book, copy, incoming, rejected
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.edits import edit_record, update_holding
from kitapbridge.catalog.ingest import (
    IncomingRecord,
    RunStateError,
    ingest,
    run_counts,
    start_run,
)
from kitapbridge.catalog.models import (
    AuditEntry,
    Holding,
    ImportRun,
    QuarantinedRecord,
    RecordVersion,
    RunStatus,
    StoredRecord,
)
from kitapbridge.catalog.prepare import DERIVED_ID_PREFIX
from kitapbridge.catalog.query import TermClause
from kitapbridge.catalog.records import find_record, marc_of, record_history
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.catalog.search import count
from kitapbridge.connectors.base import Holding as SourceHolding
from kitapbridge.connectors.base import SourceSystem
from kitapbridge.errors import KitapbridgeError

BROKEN = b"00042nam  2200025   4500\x1e\x1d"


def first_export() -> list[IncomingRecord]:
    return [
        incoming(book("KZ-1", "Абай жолы"), holdings=[copy("B1"), copy("B2")], index=0),
        incoming(book("KZ-2", "Қазақ әдебиеті"), holdings=[copy("B3")], index=1),
        incoming(
            book("KZ-3", "Война и мир", author="Толстой, Лев", language="rus"),
            holdings=[copy("B4")],
            index=2,
        ),
        incoming(book(None, "Ертегілер жинағы"), index=3),
        rejected(BROKEN, index=4, offset=2000),
    ]


def changed_export() -> list[IncomingRecord]:
    """KZ-1 retitled and one copy withdrawn, KZ-3 gone, KZ-5 new and holding KZ-3's copy B4."""
    return [
        incoming(book("KZ-1", "Абай жолы. 1-том"), holdings=[copy("B1", shelf="Оқу залы")]),
        incoming(book("KZ-2", "Қазақ әдебиеті"), holdings=[copy("B3")], index=1),
        incoming(book(None, "Ертегілер жинағы"), index=2),
        incoming(book("KZ-5", "Менің Қазақстаным"), holdings=[copy("B4")], index=3),
    ]


def import_export(
    sessions: sessionmaker[Session], export: Sequence[IncomingRecord], batch_size: int = 2
) -> ImportRun:
    with sessions.begin() as session:
        school = ensure_school(session, SCHOOL, name="№42 мектеп-гимназия")
        run = start_run(session, school, SourceSystem.MARC, started_by="test", source_name="x.mrc")
    return ingest(sessions, run.id, export, batch_size=batch_size)


def title_of(session: Session, local_id: str) -> str:
    stored = find_record(session, SCHOOL, "marc", local_id)
    assert stored is not None
    return str(marc_of(stored.id, stored.marc)["245"]["a"])


def holdings_by_barcode(session: Session) -> dict[str | None, tuple[str, str | None]]:
    statement = select(Holding.barcode, StoredRecord.local_id, Holding.shelf_location).join(
        StoredRecord, StoredRecord.id == Holding.record_id
    )
    return {barcode: (local_id, shelf) for barcode, local_id, shelf in session.execute(statement)}


def counts(**nonzero: int) -> dict[str, int]:
    names = ("seen", "added", "updated", "unchanged", "restored", "deleted", "quarantined")
    return {name: nonzero.get(name, 0) for name in names}


def test_first_import_stores_records_holdings_and_quarantine(
    sessions: sessionmaker[Session],
) -> None:
    run = import_export(sessions, first_export())

    assert run.status == RunStatus.COMPLETED
    assert run_counts(run) == counts(seen=5, added=4, quarantined=1)
    assert run.report["counts"] == run_counts(run)
    with sessions() as session:
        local_ids = sorted(session.scalars(select(StoredRecord.local_id)))
        derived = local_ids[-1]
        assert local_ids[:3] == ["KZ-1", "KZ-2", "KZ-3"]
        assert derived.startswith(DERIVED_ID_PREFIX) and len(derived) == len(DERIVED_ID_PREFIX) + 40
        assert title_of(session, "KZ-2") == "Қазақ әдебиеті"
        assert holdings_by_barcode(session) == {
            "B1": ("KZ-1", "Абонемент"),
            "B2": ("KZ-1", "Абонемент"),
            "B3": ("KZ-2", "Абонемент"),
            "B4": ("KZ-3", "Абонемент"),
        }
        quarantined = session.scalars(select(QuarantinedRecord)).one()
        assert (quarantined.record_index, quarantined.byte_offset) == (4, 2000)
        assert quarantined.raw == BROKEN
        assert quarantined.reason == "directory length is not a multiple of 12"
        assert quarantined.issues["issues"][0]["code"] == "bad-directory"


def test_same_export_twice_changes_nothing(sessions: sessionmaker[Session]) -> None:
    import_export(sessions, first_export())
    with sessions() as session:
        before = session.execute(
            select(StoredRecord.local_id, StoredRecord.content_hash, StoredRecord.modified_at)
        ).all()

    again = import_export(sessions, first_export())

    assert run_counts(again) == counts(seen=5, unchanged=4, quarantined=1)
    with sessions() as session:
        after = session.execute(
            select(StoredRecord.local_id, StoredRecord.content_hash, StoredRecord.modified_at)
        ).all()
        assert sorted(after) == sorted(before)
        assert session.scalar(select(func.count()).select_from(RecordVersion)) == 0
        assert session.scalar(select(func.count()).select_from(Holding)) == 4
        last_seen = set(session.scalars(select(StoredRecord.last_seen_run_id)))
        assert last_seen == {again.id}


def test_changed_export_updates_adds_and_marks_deleted(sessions: sessionmaker[Session]) -> None:
    import_export(sessions, first_export())

    run = import_export(sessions, changed_export())

    assert run_counts(run) == counts(seen=4, added=1, updated=1, unchanged=2, deleted=1)
    with sessions() as session:
        assert title_of(session, "KZ-1") == "Абай жолы. 1-том"
        kz1 = find_record(session, SCHOOL, "marc", "KZ-1")
        assert kz1 is not None
        history = record_history(session, kz1.id)
        assert [str(marc_of(kz1.id, v.marc)["245"]["a"]) for v in history] == ["Абай жолы"]
        assert history[0].replaced_by_run_id == run.id
        gone = find_record(session, SCHOOL, "marc", "KZ-3")
        assert gone is not None and gone.deleted  # marked, not erased
        assert count(session, TermClause("title", "война")) == 0
        assert count(session, TermClause("title", "абай")) == 1
        assert holdings_by_barcode(session) == {
            "B1": ("KZ-1", "Оқу залы"),
            "B3": ("KZ-2", "Абонемент"),
            "B4": ("KZ-5", "Абонемент"),  # the copy moved with the school's new record
        }


def test_record_that_comes_back_is_restored(sessions: sessionmaker[Session]) -> None:
    import_export(sessions, first_export())
    import_export(sessions, changed_export())

    run = import_export(sessions, first_export())

    assert run_counts(run) == counts(
        seen=5, updated=1, unchanged=2, restored=1, deleted=1, quarantined=1
    )
    with sessions() as session:
        back = find_record(session, SCHOOL, "marc", "KZ-3")
        assert back is not None and not back.deleted
        assert count(session, TermClause("title", "война")) == 1
        kz5 = find_record(session, SCHOOL, "marc", "KZ-5")
        assert kz5 is not None and kz5.deleted
        assert holdings_by_barcode(session)["B4"] == ("KZ-3", "Абонемент")
        assert holdings_by_barcode(session)["B2"] == ("KZ-1", "Абонемент")
        assert session.scalar(select(func.count()).select_from(RecordVersion)) == 2


def test_incremental_export_deletes_nothing(sessions: sessionmaker[Session]) -> None:
    import_export(sessions, first_export())
    with sessions.begin() as session:
        school = ensure_school(session, SCHOOL)
        run = start_run(session, school, SourceSystem.MARC, started_by="test", full=False)
    partial = ingest(sessions, run.id, changed_export()[3:], batch_size=10)

    assert run_counts(partial) == counts(seen=1, added=1)
    with sessions() as session:
        assert session.scalar(select(func.count()).where(StoredRecord.deleted.is_(True))) == 0


def test_conversion_failure_keeps_the_stored_record(sessions: sessionmaker[Session]) -> None:
    import_export(sessions, first_export())
    export = first_export()
    export[1] = rejected(b"garbage", index=1, offset=700, local_id="KZ-2")

    run = import_export(sessions, export)

    assert run_counts(run) == counts(seen=5, unchanged=3, quarantined=2)
    with sessions() as session:
        kz2 = find_record(session, SCHOOL, "marc", "KZ-2")
        assert kz2 is not None and not kz2.deleted


def test_duplicate_local_id_goes_to_quarantine(sessions: sessionmaker[Session]) -> None:
    export = [
        incoming(book("KZ-1", "Абай жолы"), index=0),
        incoming(book("KZ-2", "Қазақ әдебиеті"), index=1),
        incoming(book("KZ-1", "Абай жолы (көшірме)"), index=2),
    ]

    run = import_export(sessions, export, batch_size=2)  # the duplicate is in the next batch

    assert run_counts(run) == counts(seen=3, added=2, quarantined=1)
    with sessions() as session:
        quarantined = session.scalars(select(QuarantinedRecord)).one()
        assert quarantined.reason == "duplicate local id 'KZ-1' in this import"
        assert title_of(session, "KZ-1") == "Абай жолы"


def test_barcode_twice_in_one_batch_keeps_the_later_copy(sessions: sessionmaker[Session]) -> None:
    export = [
        incoming(book("KZ-1", "Абай жолы"), holdings=[copy("B1")], index=0),
        incoming(book("KZ-2", "Қазақ әдебиеті"), holdings=[copy("B1", shelf="Қор")], index=1),
    ]

    run = import_export(sessions, export, batch_size=10)

    assert run.report["warning_count"] == 1
    assert run.report["warnings"][0].startswith("barcode 'B1' on record 'KZ-2' also on record id")
    with sessions() as session:
        assert holdings_by_barcode(session) == {"B1": ("KZ-2", "Қор")}


def test_staff_edit_is_audited_and_survives_an_unchanged_import(
    sessions: sessionmaker[Session],
) -> None:
    import_export(sessions, first_export())
    with sessions.begin() as session:
        stored = find_record(session, SCHOOL, "marc", "KZ-2")
        assert stored is not None
        corrected = marc_of(stored.id, stored.marc)
        corrected["245"]["a"] = "Қазақ әдебиетінің тарихы"
        edit_record(session, stored.id, corrected, who="Гүлнар Ахметова", why="атауы толық емес")
        barcode = session.scalars(select(Holding).where(Holding.barcode == "B3")).one()
        update_holding(session, barcode.id, who="Гүлнар Ахметова", why="жоғалған", status="lost")

    with sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.who, e.action, e.entity, e.why) for e in entries] == [
            ("Гүлнар Ахметова", "edit-record", "source_record", "атауы толық емес"),
            ("Гүлнар Ахметова", "update-holding", "holding", "жоғалған"),
        ]
        assert _title_in_json(entries[0].before) == "Қазақ әдебиеті"
        assert _title_in_json(entries[0].after) == "Қазақ әдебиетінің тарихы"
        assert (entries[1].before, entries[1].after) == (
            {"status": "available"},
            {"status": "lost"},
        )
        assert count(session, TermClause("title", "тарихы")) == 1
        version = session.scalars(select(RecordVersion)).one()
        assert version.replaced_by_run_id is None

    run = import_export(sessions, first_export())

    assert run_counts(run) == counts(seen=5, unchanged=4, quarantined=1)
    with sessions() as session:
        assert title_of(session, "KZ-2") == "Қазақ әдебиетінің тарихы"


def _title_in_json(marc_json: dict[str, Any]) -> str:
    title = next(field["245"] for field in marc_json["fields"] if "245" in field)
    return str(title["subfields"][0]["a"])


class ExportReadError(KitapbridgeError):
    """The export file went away mid-read (simulated)."""


def failing_after(export: Sequence[IncomingRecord], count: int) -> Iterator[IncomingRecord]:
    yield from export[:count]
    raise ExportReadError("connection to the school database lost")


def test_failed_run_is_reported_and_resumes_by_run_id(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        school = ensure_school(session, SCHOOL)
        run_id = start_run(session, school, SourceSystem.MARC, started_by="test").id
    progress: list[int] = []

    with pytest.raises(ExportReadError):
        ingest(sessions, run_id, failing_after(first_export(), 3), batch_size=2,
               on_batch=lambda run: progress.append(run.records_done))  # fmt: skip

    with sessions() as session:
        failed = session.get(ImportRun, run_id)
        assert failed is not None and failed.status == RunStatus.FAILED
        assert failed.report["error"] == "ExportReadError: connection to the school database lost"
        assert (failed.records_done, failed.added) == (2, 2)  # the half batch was rolled back
    assert progress == [2]

    resumed = ingest(sessions, run_id, first_export(), batch_size=2)

    assert resumed.status == RunStatus.COMPLETED
    assert run_counts(resumed) == counts(seen=5, added=4, quarantined=1)


def test_a_second_process_on_the_same_run_is_stopped(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        school = ensure_school(session, SCHOOL)
        run_id = start_run(session, school, SourceSystem.MARC, started_by="test").id

    def other_process_advances(run: ImportRun) -> None:
        with sessions.begin() as session:
            stored = session.get(ImportRun, run_id)
            assert stored is not None
            stored.records_done += 2

    with pytest.raises(RunStateError, match="is at record 4, not 2: another process"):
        ingest(sessions, run_id, first_export(), batch_size=2, on_batch=other_process_advances)


def test_oversized_values_are_reported_not_fatal(sessions: sessionmaker[Session]) -> None:
    long_barcode = "4" * 80
    export = [
        incoming(book("X" * 250, "Абай жолы"), index=0),
        incoming(
            book("KZ-2", "Қазақ әдебиеті"),
            holdings=[SourceHolding(barcode=long_barcode, call_number="Ш" * 500, currency="теңге")],
            index=1,
        ),
    ]

    run = import_export(sessions, export)

    assert run_counts(run) == counts(seen=2, added=1, quarantined=1)
    assert run.report["warnings"] == [
        f"barcode {long_barcode[:20]!r}… on record 'KZ-2' is longer than 64 characters; "
        "the copy is kept without it"
    ]
    with sessions() as session:
        quarantined = session.scalars(select(QuarantinedRecord)).one()
        assert quarantined.reason == f"local id longer than 200 characters: {'X' * 40}…"
        assert quarantined.local_id == "X" * 200
        copy_kept = session.scalars(select(Holding)).one()
        assert (copy_kept.barcode, copy_kept.call_number, copy_kept.currency) == (
            None,
            "Ш" * 500,
            "теңге",
        )


def test_field_too_long_for_iso2709_goes_to_quarantine(sessions: sessionmaker[Session]) -> None:
    # A directory entry holds a 4-digit field length: a 10,005-byte contents note cannot be
    # stored as ISO 2709, and writing it anyway would corrupt the record's directory.
    long_note = book("KZ-2", "Қазақ әдебиеті")
    long_note.add_field(
        pymarc.Field(tag="505", indicators=["0", " "], subfields=[pymarc.Subfield("a", "ә" * 5000)])
    )
    export = [incoming(book("KZ-1", "Абай жолы"), index=0), incoming(long_note, index=1)]

    run = import_export(sessions, export)

    assert run_counts(run) == counts(seen=2, added=1, quarantined=1)
    with sessions() as session:
        quarantined = session.scalars(select(QuarantinedRecord)).one()
        assert quarantined.record_index == 1
        assert quarantined.reason == (
            "field 505 has 10005 bytes; ISO 2709 allows 9999 (write MARCXML instead)"
        )
        assert find_record(session, SCHOOL, "marc", "KZ-2") is None
        assert title_of(session, "KZ-1") == "Абай жолы"


def test_values_copy_must_escape_are_stored_as_delivered(sessions: sessionmaker[Session]) -> None:
    # Tab, newline, carriage return and backslash are COPY's text-format specials.
    local_id = "KZ\t7\\n\r\n"
    holding = SourceHolding(
        barcode="B\\7",
        inventory_number="инв\t7",
        call_number=None,
        shelf_location="Оқу\nзалы",
        price=Decimal("1234.50"),
        currency="KZT",
        note="\\N",
    )
    source, conversion = incoming(book(local_id, "Абай\tжолы\\"), holdings=[holding])

    run = import_export(sessions, [(replace(source, raw=b"\x00\\\t\n\x1d"), conversion)])

    assert run_counts(run) == counts(seen=1, added=1)
    with sessions() as session:
        stored = session.scalars(select(StoredRecord)).one()
        assert (stored.local_id, stored.raw) == (local_id, b"\x00\\\t\n\x1d")
        assert (stored.flavour, stored.encoding, stored.deleted) == ("marc21", "utf-8", False)
        assert stored.sort_title == "abai joly"
        assert stored.first_seen_at == stored.last_seen_at == stored.modified_at
        assert stored.first_seen_run_id == stored.last_seen_run_id == run.id
        copy_row = session.scalars(select(Holding)).one()
        assert (copy_row.barcode, copy_row.inventory_number, copy_row.call_number) == (
            "B\\7",
            "инв\t7",
            None,
        )
        assert (copy_row.shelf_location, copy_row.price, copy_row.note) == (
            "Оқу\nзалы",
            Decimal("1234.50"),
            "\\N",
        )
        assert title_of(session, local_id) == "Абай\tжолы\\"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_callers_garbage_collector_setting_is_restored(
    sessions: sessionmaker[Session], enabled: bool
) -> None:
    if not enabled:
        gc.disable()
    try:
        import_export(sessions, first_export())
        assert gc.isenabled() is enabled
        with pytest.raises(ExportReadError):
            import_export(sessions, failing_after(first_export(), 3))
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_the_callers_thread_switch_interval_is_restored(sessions: sessionmaker[Session]) -> None:
    interval = sys.getswitchinterval()
    import_export(sessions, first_export())
    assert sys.getswitchinterval() == interval
    with pytest.raises(ExportReadError):
        import_export(sessions, failing_after(first_export(), 3))
    assert sys.getswitchinterval() == interval
