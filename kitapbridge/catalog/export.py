"""Streaming export of stored records as MARCXML, ISO 2709 or MARC-in-JSON lines.

Two halves, so dedup can reuse the writing half for its display records:
``stored_records`` streams ``(record id, pymarc.Record)`` pairs from the store
(``yield_per``: memory stays flat at national scale), and ``write_records`` writes
any such iterator. The writers use pymarc's serialisers; the marc package's own
writers can replace ``_WRITERS`` entries without touching the callers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from enum import StrEnum
from typing import BinaryIO

import pymarc
from sqlalchemy import select
from sqlalchemy.orm import Session

from kitapbridge.catalog.models import School, StoredRecord
from kitapbridge.catalog.records import marc_of, mark_utf8

MARCXML_NAMESPACE = "http://www.loc.gov/MARC21/slim"
STREAM_BATCH = 1000


class ExportFormat(StrEnum):
    MARCXML = "marcxml"
    ISO2709 = "iso2709"
    JSONL = "jsonl"


def stored_records(
    session: Session, *, since: datetime | None = None, school: str | None = None
) -> Iterator[tuple[int, pymarc.Record]]:
    """Live records in id order, optionally only those modified at or after ``since``."""
    statement = (
        select(StoredRecord.id, StoredRecord.marc)
        .where(StoredRecord.deleted.is_(False))
        .order_by(StoredRecord.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    if since is not None:
        statement = statement.where(StoredRecord.modified_at >= since)
    if school is not None:
        statement = statement.join(School, School.id == StoredRecord.school_id).where(
            School.isil == school
        )
    for record_id, marc in session.execute(statement):
        yield record_id, marc_of(record_id, marc)


def write_records(
    records: Iterable[tuple[int, pymarc.Record]], out: BinaryIO, format: ExportFormat
) -> int:
    """Write the records to the binary stream ``out``; returns how many were written."""
    header, write_one, footer = _WRITERS[format]
    out.write(header)
    written = 0
    for _record_id, record in records:
        out.write(write_one(record))
        written += 1
    out.write(footer)
    return written


def _marcxml(record: pymarc.Record) -> bytes:
    # The collection element declares the MARC namespace once for all records.
    return pymarc.record_to_xml(record, namespace=False) + b"\n"


def _jsonl(record: pymarc.Record) -> bytes:
    return record.as_json(ensure_ascii=False).encode() + b"\n"


def _iso2709(record: pymarc.Record) -> bytes:
    mark_utf8(record)
    return bytes(record.as_marc())


_WRITERS: dict[ExportFormat, tuple[bytes, Callable[[pymarc.Record], bytes], bytes]] = {
    ExportFormat.MARCXML: (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + f'<collection xmlns="{MARCXML_NAMESPACE}">\n'.encode(),
        _marcxml,
        b"</collection>\n",
    ),
    ExportFormat.ISO2709: (b"", _iso2709, b""),
    ExportFormat.JSONL: (b"", _jsonl, b""),
}
