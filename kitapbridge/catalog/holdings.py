"""A school's copies follow its records: written with the record, looked up by barcode.

When a record is added, changed or restored, its holdings are replaced by the
ones in the export. A barcode is unique per school (a partial unique index,
``barcode IS NOT NULL``); when an export moves a barcode to another record, the
upsert moves the copy rather than failing. Holdings of a deleted record stay
attached to it, so they come back if the record does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from kitapbridge.catalog import bulk
from kitapbridge.catalog.models import MAX_BARCODE_LENGTH, Holding, StoredRecord
from kitapbridge.connectors.base import Holding as SourceHolding
from kitapbridge.connectors.base import HoldingStatus

if TYPE_CHECKING:
    from kitapbridge.catalog.prepare import PreparedRecord

HOLDINGS = cast(Table, Holding.__table__)
_UPDATED_ON_MOVE = (
    "record_id",
    "inventory_number",
    "call_number",
    "shelf_location",
    "sigla",
    "status",
    "price",
    "currency",
    "note",
)


@dataclass
class HoldingRows:
    """The copies of a batch's written records as rows, and what the run report says of them."""

    rows: list[dict[str, object]]
    warnings: list[str]


def holding_rows(
    school_id: int, written: Sequence[PreparedRecord], record_ids: dict[str, int]
) -> HoldingRows:
    """The rows of the written records' copies (pure: an import builds them ahead).

    A barcode repeated within the batch is kept on its last copy only, with a warning.
    """
    rows: list[dict[str, object]] = []
    by_barcode: dict[str, int] = {}
    warnings: list[str] = []
    for record in written:
        for holding in record.source.holdings:
            barcode = holding.barcode.strip() if holding.barcode else None
            if barcode and len(barcode) > MAX_BARCODE_LENGTH:
                warnings.append(
                    f"barcode {barcode[:20]!r}… on record {record.local_id!r} is longer than "
                    f"{MAX_BARCODE_LENGTH} characters; the copy is kept without it"
                )
                barcode = None
            if barcode and barcode in by_barcode:
                earlier = rows[by_barcode[barcode]]
                warnings.append(
                    f"barcode {barcode!r} on record {record.local_id!r} also on record "
                    f"id {earlier['record_id']}; the later copy is kept"
                )
                rows[by_barcode[barcode]] = {}
            if barcode:
                by_barcode[barcode] = len(rows)
            rows.append(
                {
                    "record_id": record_ids[record.local_id],
                    "school_id": school_id,
                    "barcode": barcode or None,
                    "inventory_number": holding.inventory_number,
                    "call_number": holding.call_number,
                    "shelf_location": holding.shelf_location,
                    "sigla": holding.sigla,
                    "status": str(holding.status),
                    "price": holding.price,
                    "currency": holding.currency,
                    "note": holding.note,
                }
            )
    return HoldingRows([row for row in rows if row], warnings)


def replace_holdings(
    session: Session, school_id: int, holdings: HoldingRows, replaced_ids: Sequence[int]
) -> None:
    """Replace the copies of the replaced records, and add the batch's copies."""
    for part in bulk.chunks(replaced_ids):
        session.execute(delete(HOLDINGS).where(bulk.one_of(session, HOLDINGS.c.record_id, part)))
    barcodes = [str(row["barcode"]) for row in holdings.rows if row["barcode"]]
    stored = _stored_barcodes(session, school_id, barcodes)
    moved = [row for row in holdings.rows if row["barcode"] in stored]
    bulk.insert_new(session, HOLDINGS, [r for r in holdings.rows if r["barcode"] not in stored])
    if moved:
        bulk.upsert(
            session,
            HOLDINGS,
            moved,
            conflict=("school_id", "barcode"),
            conflict_where=HOLDINGS.c.barcode.is_not(None),
            update=_UPDATED_ON_MOVE,
        )


def _stored_barcodes(session: Session, school_id: int, barcodes: list[str]) -> set[str]:
    """Which of these barcodes the school's stored copies already carry (copies that move)."""
    found: set[str] = set()
    for part in bulk.chunks(barcodes):
        statement = select(HOLDINGS.c.barcode).where(
            HOLDINGS.c.school_id == school_id,
            bulk.one_of(session, HOLDINGS.c.barcode, part),
        )
        found.update(session.scalars(statement))
    return found


def find_holding(session: Session, school_id: int, barcode: str) -> Holding | None:
    """The copy with this barcode at this school (the RFID station's lookup)."""
    return session.scalars(
        select(Holding).where(Holding.school_id == school_id, Holding.barcode == barcode)
    ).one_or_none()


def holdings_of(session: Session, record_id: int) -> list[Holding]:
    """A record's copies, in barcode order."""
    statement = select(Holding).where(Holding.record_id == record_id).order_by(Holding.barcode)
    return list(session.scalars(statement))


class StoredCopyColumns(Protocol):
    """A stored copy as an ORM ``Holding`` or a result row with its columns."""

    @property
    def barcode(self) -> str | None: ...
    @property
    def inventory_number(self) -> str | None: ...
    @property
    def call_number(self) -> str | None: ...
    @property
    def shelf_location(self) -> str | None: ...
    @property
    def status(self) -> str: ...


def as_source_holding(copy: StoredCopyColumns) -> SourceHolding:
    """A stored copy as the display record builder takes it (852 of its holding school)."""
    return SourceHolding(
        barcode=copy.barcode,
        inventory_number=copy.inventory_number,
        call_number=copy.call_number,
        shelf_location=copy.shelf_location,
        status=HoldingStatus(copy.status),
    )


def live_record_of(session: Session, holding: Holding) -> StoredRecord | None:
    """The record a copy belongs to, unless that record has been deleted."""
    record = session.get(StoredRecord, holding.record_id)
    return None if record is None or record.deleted else record
