"""What every connector yields: a school's record as it came, with its copies.

A connector is an iterator of ``SourceRecord``; paging over a database or a
file is hidden behind ``__iter__`` (as sickle hides OAI resumption tokens).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

import pymarc

if TYPE_CHECKING:
    # Only for the annotation: ``kitapbridge.marc`` imports this module for
    # ``SourceRecord``, so a run-time import here would be circular.
    from kitapbridge.marc.iso2709 import RawRecord
    from kitapbridge.marc.issues import Issue


class SourceSystem(StrEnum):
    """The legacy system a record came from (the ``SYSTEM`` argument of ``kitapbridge import``)."""

    MARC_SQL = "marc-sql"
    KABIS = "kabis"
    KITAPHANA = "kitaphana"
    MARC = "marc"


class HoldingStatus(StrEnum):
    """Where a copy stands; written-off copies are kept and marked, never dropped."""

    AVAILABLE = "available"
    WRITTEN_OFF = "written-off"
    LOST = "lost"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Holding:
    """One physical copy held by a school (MARC21 852/876).

    ``barcode`` is the item identifier that an ISO 28560 RFID tag carries as its
    primary item identifier (852 $p / 876 $p).
    """

    barcode: str | None = None
    inventory_number: str | None = None
    call_number: str | None = None
    shelf_location: str | None = None
    sigla: str | None = None
    status: HoldingStatus = HoldingStatus.AVAILABLE
    price: Decimal | None = None
    currency: str | None = None
    note: str | None = None


@dataclass
class SourceRecord:
    """A record as a school's system gave it, before conversion.

    ``raw`` keeps the bytes exactly as read (ISO 2709 record, MARCXML element,
    JSON line, HTML table row, CSV row, or the ``DOC.ITEM`` string of MARC-SQL)
    so that nothing is ever lost and a record can be re-converted later.
    ``record`` is set when the source already hands us structured fields
    (tabular exports, database rows); otherwise the marc package decodes ``raw``.
    ``index`` is the record's 0-based position in its input and ``offset`` its
    byte offset there (for database rows: the row number, offset -1).
    ``issues`` are the problems met while cutting or parsing the source (a
    re-read ISO 2709 directory, an odd ``DOC.ITEM`` segment, a table row with
    more cells than the header); ``convert_record`` carries them into the
    conversion's issues. An ``ERROR`` among them means the record could not be
    cut out at all: ``record`` is None and the conversion is rejected with it.
    """

    system: SourceSystem
    raw: bytes
    raw_format: str
    """One of: iso2709, marcxml, marcjson, marcline, table-row, html-row, sql-row."""
    index: int
    offset: int
    local_id: str | None = None
    record: pymarc.Record | None = None
    holdings: list[Holding] = field(default_factory=list)
    source_name: str = ""
    """The file name or database URL (without password) it came from."""
    issues: list[Issue] = field(default_factory=list)
    cut: RawRecord | None = field(default=None, repr=False, compare=False)
    """For ISO 2709: ``raw`` as the reader already cut it into fields (its issues are in
    ``issues``), so that conversion does not parse the record a second time."""


class Connector(Protocol):
    """Iterates a school's export or database as ``SourceRecord``s.

    Records that cannot even be cut out of the input are not skipped: the
    connector yields them with ``record=None`` and the raw bytes, and the
    conversion step quarantines them with their offset and reason.
    """

    def __iter__(self) -> Iterator[SourceRecord]: ...
