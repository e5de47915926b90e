"""Reading stored records back: by key, as pymarc records, with their history."""

from __future__ import annotations

from io import BytesIO

import pymarc
from sqlalchemy import select
from sqlalchemy.orm import Session

from kitapbridge.catalog.models import RecordVersion, School, StoredRecord
from kitapbridge.errors import KitapbridgeError


class StoredRecordError(KitapbridgeError):
    """A stored MARC21 blob that pymarc cannot read back (a store corruption)."""

    def __init__(self, record_id: int, reason: str) -> None:
        super().__init__(f"stored record {record_id}: {reason}")
        self.record_id = record_id
        self.reason = reason


def marc_of(record_id: int, marc: bytes) -> pymarc.Record:
    """The pymarc record of a stored ISO 2709 blob."""
    reader = pymarc.MARCReader(BytesIO(marc), to_unicode=True, force_utf8=True, permissive=True)
    record = next(iter(reader), None)
    if record is None:
        raise StoredRecordError(record_id, str(reader.current_exception or "unreadable"))
    return record


def mark_utf8(record: pymarc.Record) -> None:
    """Set leader/09 to 'a': the store holds MARC21 in UTF-8 only."""
    leader = str(record.leader)
    record.leader = pymarc.Leader(leader[:9] + "a" + leader[10:])


def find_record(session: Session, isil: str, system: str, local_id: str) -> StoredRecord | None:
    """A school's record by its key (deleted ones included: check ``deleted``)."""
    statement = (
        select(StoredRecord)
        .join(School, School.id == StoredRecord.school_id)
        .where(
            School.isil == isil, StoredRecord.system == system, StoredRecord.local_id == local_id
        )
    )
    return session.scalars(statement).one_or_none()


def record_history(session: Session, record_id: int) -> list[RecordVersion]:
    """A record's previous versions, oldest first."""
    statement = (
        select(RecordVersion)
        .where(RecordVersion.record_id == record_id)
        .order_by(RecordVersion.replaced_at, RecordVersion.id)
    )
    return list(session.scalars(statement))
