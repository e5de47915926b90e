"""One converted record made ready for the store: local id, ISO 2709 bytes, hashes, index entries.

Pure: no database. The ingest driver prepares a whole batch, then writes it set-at-a-time.

**Records without a local id.** When neither the connector nor the record's 001
gives an id, the local id is ``content:`` followed by the first 40 hex digits of
the SHA-256 of the record's MARC21 (ISO 2709, with 005 blanked so a re-export
stamp does not change it). The same record in the next export gets the same id,
so re-imports stay idempotent; an edited record without 001 necessarily becomes
a new record, and the old one is marked deleted by the next full import.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pymarc

from kitapbridge.catalog.indexing import RecordIndex, WordFolder, index_record
from kitapbridge.catalog.records import mark_utf8
from kitapbridge.connectors.base import Holding, SourceRecord
from kitapbridge.marc.conversion import Conversion
from kitapbridge.marc.issues import RecordError
from kitapbridge.marc.writers import record_to_iso2709

DERIVED_ID_PREFIX = "content:"
MAX_LOCAL_ID_LENGTH = 200


@dataclass
class PreparedRecord:
    """A converted record with everything the store needs, computed once.

    ``index`` stays empty until ``index()`` is called: the driver indexes only
    the records it writes, so an unchanged record costs no term extraction.
    """

    position: int
    source: SourceRecord
    conversion: Conversion
    record: pymarc.Record
    local_id: str
    marc: bytes
    content_hash: str
    entries: RecordIndex = field(default_factory=RecordIndex)
    indexed: bool = False

    def index(self, folder: WordFolder) -> None:
        """Compute the record's term-index entries and sort keys (once)."""
        if not self.indexed:
            self.entries = index_record(self.record, folder)
            self.indexed = True


@dataclass
class Rejection:
    """A record that goes to quarantine, with the reason in words."""

    position: int
    source: SourceRecord
    conversion: Conversion
    reason: str


def prepare_record(
    position: int, source: SourceRecord, conversion: Conversion
) -> PreparedRecord | Rejection:
    """Serialise and hash one conversion, or say why it cannot be stored."""
    record = conversion.record
    if record is None:
        return Rejection(position, source, conversion, conversion.reject_reason or "rejected")
    mark_utf8(record)  # conversion hands over UTF-8; say so in the leader we store
    try:
        # The marc package's writer: the same bytes as pymarc's ``as_marc()`` in half
        # the time (it is the hottest step of an import), and it refuses a field or
        # record ISO 2709 cannot hold instead of writing a corrupt length.
        marc = record_to_iso2709(record)
    except RecordError as error:
        return Rejection(position, source, conversion, str(error))
    marc_digest = hashlib.sha256(_without_stamp(record, marc)).hexdigest()
    local_id = source.local_id or _control_number(record) or DERIVED_ID_PREFIX + marc_digest[:40]
    if len(local_id) > MAX_LOCAL_ID_LENGTH:
        reason = f"local id longer than {MAX_LOCAL_ID_LENGTH} characters: {local_id[:40]}…"
        return Rejection(position, source, conversion, reason)
    content_hash = hashlib.sha256(
        (marc_digest + holdings_fingerprint(source.holdings)).encode()
    ).hexdigest()
    return PreparedRecord(
        position=position,
        source=source,
        conversion=conversion,
        record=record,
        local_id=local_id,
        marc=marc,
        content_hash=content_hash,
    )


def duplicate(record: PreparedRecord, first: int | None = None) -> Rejection:
    """The rejection of a record whose local id the same import already delivered."""
    where = f" (first at record {first})" if first is not None else ""
    reason = f"duplicate local id {record.local_id!r} in this import{where}"
    return Rejection(record.position, record.source, record.conversion, reason)


def holdings_fingerprint(holdings: list[Holding]) -> str:
    """A canonical text of a record's copies: a change in any copy changes the record's hash."""
    return json.dumps(
        [
            [h.barcode, h.inventory_number, h.call_number, h.shelf_location, h.sigla,
             str(h.status), None if h.price is None else str(h.price), h.currency, h.note]
            for h in holdings
        ],
        ensure_ascii=False,
    )  # fmt: skip


def _control_number(record: pymarc.Record) -> str | None:
    control = record.get("001")
    if control is None:
        return None
    return (control.data or "").strip() or None


def _without_stamp(record: pymarc.Record, marc: bytes) -> bytes:
    # 005 (date and time of latest transaction) is rewritten by many systems on every
    # export; blank it for hashing. It is always 16 bytes, so the directory stays equal.
    stamp = record.get("005")
    if stamp is None or not stamp.data:
        return marc
    encoded = stamp.data.encode()
    return marc.replace(b"\x1e" + encoded + b"\x1e", b"\x1e" + b" " * len(encoded) + b"\x1e", 1)
