"""АИБС «МАРК-SQL»: its database read directly, and its ISO 2709 / MARCXML exports.

The database (standards doc §1.1) keeps one bibliographic record per ``DOC``
row (``ITEM`` is the whole record as a string, see ``doc_item``), one row per
copy in ``INV`` and the write-off journal in ``INVOFF``. Column names are
``T<tag><subfield>``: ``T876p`` barcode, ``T090e`` inventory number, ``T090f``
storage sigla, ``T876c`` price.

Any SQLAlchemy URL works (``mssql+pymssql://…`` against a restored ``.bak`` in
the field, SQLite or PostgreSQL copies in tests): tables and columns are
found by reflection, case-insensitively, because SQL Server does not care
about case and PostgreSQL copies keep whatever case the dump had.

``SourceRecord.raw`` for a database row is a UTF-8 JSON document holding the
``DOC`` row and its ``INV`` and ``INVOFF`` rows, every column as read. ``ITEM``
alone would lose ``RECTYPE``/``BIBLEVEL`` (the leader) and every copy, so it
could not be re-converted; the JSON can, and it is greppable in the store.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kitapbridge.connectors.base import Holding, HoldingStatus, SourceRecord, SourceSystem
from kitapbridge.connectors.doc_item import parse_doc_item
from kitapbridge.connectors.errors import ConnectorError
from kitapbridge.connectors.holding_values import parse_price, placeholder_inventory_note
from kitapbridge.connectors.marc_file import MarcFileConnector
from kitapbridge.connectors.text_encoding import detect_text_encoding
from kitapbridge.marc.issues import Issue, Severity

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
"""DOC rows fetched per round trip; their copies come in one query per batch
(``DOC_ID IN (…)`` with one parameter per row: keep it under SQL Server's
2,100-parameter limit)."""
MAX_BATCH_SIZE = 2000

STATE_WRITTEN_OFF = 2
"""``INV.STATE``: 1 in the fund, 2 written off (KazUTB migration)."""

SIGLA_TABLE_NAMES = ("SIGLA", "SIGLAS")
"""Where the storage sigla of ``INV.T090f`` is spelled out (``SHORTNAME``)."""


class MarcSqlExport(MarcFileConnector):
    """An ISO 2709 or MARCXML file exported by MARC-SQL; the local id is the 001."""

    def __init__(self, path: str | Path, *, source_name: str = "") -> None:
        super().__init__(path, SourceSystem.MARC_SQL, source_name=source_name)


class MarcSqlDatabase:
    """Iterates a MARC-SQL database: one ``SourceRecord`` per ``DOC`` row, in ``DOC_ID`` order.

    Rows are fetched in batches of ``batch_size`` by keyset paging
    (``WHERE DOC_ID > :last ORDER BY DOC_ID``), so a large catalogue is never
    held in memory and a page does not shift while the school keeps working.
    Copies (``INV`` rows, and ``INVOFF`` rows as written off) become holdings.

    Copies whose ``DOC`` row is missing (an orphan, reported after migrations
    out of MARC-SQL) are not dropped: after the records they are yielded with
    ``record=None``, ``local_id=None``, their holding, an ``orphan-copy`` error
    issue and a ``raw`` JSON that says ``"reason"``, so the import run
    quarantines them for a librarian. What was odd in a ``DOC.ITEM`` string
    travels as the record's ``issues``.
    """

    def __init__(
        self,
        engine_or_url: sa.Engine | str,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        source_name: str = "",
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH_SIZE:
            # The URL may carry a password: name the source without it.
            raise ConnectorError(
                "MARC-SQL database", f"batch size {batch_size} outside 1..{MAX_BATCH_SIZE}"
            )
        self._owns_engine = isinstance(engine_or_url, str)
        self.engine = (
            sa.create_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
        )
        self.batch_size = batch_size
        self.source_name = source_name or self.engine.url.render_as_string(hide_password=True)

    def __iter__(self) -> Iterator[SourceRecord]:
        try:
            with self.engine.connect() as connection:
                schema = _MarcSqlSchema.reflect(connection, self.source_name)
                sigla = schema.sigla_names(connection)
                index = 0
                for doc, copies, written_off in self._batches(connection, schema):
                    yield self._source_record(doc, copies, written_off, sigla, index)
                    index += 1
                for table_name, row in self._orphans(connection, schema):
                    yield self._orphan_record(table_name, row, sigla, index)
                    index += 1
        finally:
            if self._owns_engine:
                self.engine.dispose()

    def count_records(self) -> int:
        """How many ``SourceRecord``s iteration yields: the ``DOC`` rows and the orphan copies.

        Two ``COUNT(*)`` statements, cheap next to reading the rows: an import's
        progress total (``queue.estimates``). Exact unless the school writes meanwhile.
        """
        try:
            with self.engine.connect() as connection:
                schema = _MarcSqlSchema.reflect(connection, self.source_name)
                count = sa.select(sa.func.count()).select_from(schema.doc)
                total = connection.execute(count).scalar_one()
                for table in (schema.inv, schema.invoff):
                    if table is not None:
                        orphans = (
                            sa.select(sa.func.count())
                            .select_from(table)
                            .where(self._orphaned(schema, table))
                        )
                        total += connection.execute(orphans).scalar_one()
                return int(total)
        finally:
            if self._owns_engine:
                self.engine.dispose()

    def _batches(
        self, connection: sa.Connection, schema: _MarcSqlSchema
    ) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
        doc = schema.doc
        doc_id = schema.column(doc, "DOC_ID")
        last: Any = None
        while True:
            query = sa.select(doc).order_by(doc_id).limit(self.batch_size)
            if last is not None:
                query = query.where(doc_id > last)
            rows = [ColumnValues(row) for row in connection.execute(query).mappings()]
            if not rows:
                return
            ids = [row["DOC_ID"] for row in rows]
            copies = _rows_by_doc(connection, schema, schema.inv, ids)
            written_off = (
                _rows_by_doc(connection, schema, schema.invoff, ids)
                if schema.invoff is not None
                else {}
            )
            for row in rows:
                key = row["DOC_ID"]
                yield row, copies.get(key, []), written_off.get(key, [])
            last = ids[-1]

    def _orphans(
        self, connection: sa.Connection, schema: _MarcSqlSchema
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        for table in (schema.inv, schema.invoff):
            if table is None:
                continue
            query = (
                sa.select(table)
                .where(self._orphaned(schema, table))
                .order_by(schema.column(table, "INV_ID"))
            )
            for row in connection.execute(query).mappings():
                yield table.name.upper(), ColumnValues(row)

    @staticmethod
    def _orphaned(schema: _MarcSqlSchema, table: sa.Table) -> sa.ColumnElement[bool]:
        """Copy rows of ``table`` whose ``DOC`` row does not exist."""
        doc_id = schema.column(schema.doc, "DOC_ID")
        return ~sa.exists(sa.select(doc_id).where(doc_id == schema.column(table, "DOC_ID")))

    def _source_record(
        self,
        doc: dict[str, Any],
        copies: list[dict[str, Any]],
        written_off: list[dict[str, Any]],
        sigla: Mapping[str, str],
        index: int,
    ) -> SourceRecord:
        item = _item_text(doc.get("ITEM"), doc["DOC_ID"])
        parsed = parse_doc_item(item, doc.get("RECTYPE"), doc.get("BIBLEVEL"))
        raw = _json_bytes({"DOC": doc, "INV": copies, "INVOFF": written_off})
        return SourceRecord(
            system=SourceSystem.MARC_SQL,
            raw=raw,
            raw_format="sql-row",
            index=index,
            offset=-1,
            local_id=str(doc["DOC_ID"]),
            record=parsed.record,
            holdings=_holdings(copies, written_off, sigla),
            source_name=self.source_name,
            issues=parsed.issues,
        )

    def _orphan_record(
        self, table_name: str, row: dict[str, Any], sigla: Mapping[str, str], index: int
    ) -> SourceRecord:
        reason = (
            f"orphan copy: {table_name} row {row.get('INV_ID')} refers to "
            f"DOC_ID {row.get('DOC_ID')}, which does not exist"
        )
        holding = copy_holding(row, sigla, written_off=table_name == "INVOFF")
        return SourceRecord(
            system=SourceSystem.MARC_SQL,
            raw=_json_bytes({"reason": reason, table_name: row}),
            raw_format="sql-row",
            index=index,
            offset=-1,
            local_id=None,
            record=None,
            holdings=[holding],
            source_name=self.source_name,
            issues=[Issue("orphan-copy", reason, Severity.ERROR)],
        )


class _MarcSqlSchema:
    """The reflected MARC-SQL tables, looked up case-insensitively."""

    def __init__(
        self, doc: sa.Table, inv: sa.Table, invoff: sa.Table | None, sigla: sa.Table | None
    ) -> None:
        self.doc, self.inv, self.invoff, self.sigla = doc, inv, invoff, sigla

    @classmethod
    def reflect(cls, connection: sa.Connection, source_name: str) -> _MarcSqlSchema:
        names = {name.upper(): name for name in sa.inspect(connection).get_table_names()}
        metadata = sa.MetaData()

        def table(name: str) -> sa.Table | None:
            actual = names.get(name)
            return sa.Table(actual, metadata, autoload_with=connection) if actual else None

        doc, inv = table("DOC"), table("INV")
        if doc is None or inv is None:
            raise ConnectorError(source_name, "not a MARC-SQL database: tables DOC and INV needed")
        sigla = next((t for t in map(table, SIGLA_TABLE_NAMES) if t is not None), None)
        return cls(doc, inv, table("INVOFF"), sigla)

    @staticmethod
    def column(table: sa.Table, name: str) -> sa.ColumnElement[Any]:
        for column in table.columns:
            if column.name.upper() == name:
                return column
        raise ConnectorError(table.name, f"column {name} missing")

    def sigla_names(self, connection: sa.Connection) -> dict[str, str]:
        """Sigla id → short name (``ЧЗ``, ``АБ``), when the installation has the table."""
        if self.sigla is None:
            return {}
        names: dict[str, str] = {}
        for row in connection.execute(sa.select(self.sigla)).mappings():
            values = ColumnValues(row)
            key = values.get("SIGLA_ID", values.get("ID"))
            if key is not None and values.get("SHORTNAME"):
                names[str(key)] = str(values["SHORTNAME"]).strip()
        return names


def copy_holding(row: Mapping[str, Any], sigla: Mapping[str, str], *, written_off: bool) -> Holding:
    """One ``INV``/``INVOFF`` row as a ``Holding``; written-off copies are marked, not dropped."""
    row = ColumnValues(row)
    notes: list[str] = []
    inventory = _text(row.get("T090E"))
    placeholder = placeholder_inventory_note(inventory)
    if placeholder:
        notes.append(placeholder)
        inventory = None
    written_off = written_off or _as_int(row.get("STATE")) == STATE_WRITTEN_OFF
    if written_off:
        notes.append(_write_off_note(row))
    if (row.get("INVMODE") or "").strip().upper() == "U":
        notes.append(f"non-inventory accounting, {_as_int(row.get('CNT')) or 1} copies")
    sigla_id = _text(row.get("T090F"))
    price = parse_price(row.get("T876C"))
    return Holding(
        barcode=_text(row.get("T876P")),
        inventory_number=inventory,
        call_number=_text(row.get("TRACKINDEX")) or _text(row.get("T090A")),
        sigla=sigla.get(sigla_id, sigla_id) if sigla_id else None,
        status=HoldingStatus.WRITTEN_OFF if written_off else HoldingStatus.AVAILABLE,
        price=price,
        currency=_text(row.get("T020D")) if price is not None else None,
        note="; ".join(notes) or None,
    )


def _holdings(
    copies: Sequence[Mapping[str, Any]],
    written_off: Sequence[Mapping[str, Any]],
    sigla: Mapping[str, str],
) -> list[Holding]:
    # A copy written off after the migration to INVOFF may still sit in INV with
    # STATE 2; one holding per INV_ID, the journal row winning for its reason.
    journal = {ColumnValues(row).get("INV_ID"): row for row in written_off}
    holdings = []
    for row in copies:
        entry = journal.pop(ColumnValues(row).get("INV_ID"), None)
        if entry is None:
            holdings.append(copy_holding(row, sigla, written_off=False))
        else:
            holdings.append(copy_holding({**row, **entry}, sigla, written_off=True))
    holdings.extend(copy_holding(row, sigla, written_off=True) for row in journal.values())
    return holdings


def _write_off_note(row: Mapping[str, Any]) -> str:
    parts = ["written off"]
    if row.get("OFFDATE") is not None:
        parts.append(str(_json_value(row["OFFDATE"])))
    if _text(row.get("WROFFACT")):
        parts.append(f"act {_text(row.get('WROFFACT'))}")
    if _text(row.get("NOTES")):
        parts.append(f"({_text(row.get('NOTES'))})")
    return " ".join(parts)


def _rows_by_doc(
    connection: sa.Connection, schema: _MarcSqlSchema, table: sa.Table, doc_ids: list[Any]
) -> dict[Any, list[dict[str, Any]]]:
    doc_id = schema.column(table, "DOC_ID")
    query = sa.select(table).where(doc_id.in_(doc_ids)).order_by(schema.column(table, "INV_ID"))
    grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in connection.execute(query).mappings():
        values = ColumnValues(row)
        grouped[values["DOC_ID"]].append(values)
    return grouped


def _item_text(item: Any, doc_id: Any) -> str:
    """``ITEM`` as text: SQL Server hands us ``nvarchar`` text, old copies may hold bytes."""
    if item is None:
        return ""
    if isinstance(item, (bytes, bytearray, memoryview)):
        data = bytes(item)
        guess = detect_text_encoding(data)
        logger.info("DOC_ID %s: ITEM bytes read as %s (%s)", doc_id, guess.encoding, guess.reason)
        return guess.decode(data)
    return str(item)


class ColumnValues(dict[str, Any]):
    """A row as read, column names in their own case (for ``raw``); lookups ignore case.

    SQL Server is case-insensitive, so one installation's ``T090e`` is another's
    ``T090E``; the connector asks for upper-case names and finds either.
    """

    def __init__(self, row: Mapping[Any, Any]) -> None:
        super().__init__((str(key), value) for key, value in row.items())
        self._names = {key.upper(): key for key in self}

    def __getitem__(self, key: str) -> Any:
        return super().__getitem__(self._names.get(key.upper(), key))

    def get(self, key: str, default: Any = None) -> Any:
        name = self._names.get(key.upper())
        return super().get(name, default) if name is not None else default


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return value


def _json_bytes(document: Mapping[str, Any]) -> bytes:
    def convert(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, list):
            return [convert(item) for item in value]
        return _json_value(value)

    return json.dumps(convert(document), ensure_ascii=False).encode("utf-8")
