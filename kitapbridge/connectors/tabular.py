"""The tabular importer: rows of any table reader, mapped by a profile, as ``SourceRecord``s.

Used for «Кітапхана 4.02» exports (CSV, XLSX, DBF) and KABIS HTML print lists.
A profile's ``row_model`` says what a row is: ``title`` (one row per title,
copies listed in its cells) or ``copy`` (one row per copy; rows describing the
same title, by ``group_by``, become one record with several holdings).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pymarc

from kitapbridge.connectors.base import SourceRecord, SourceSystem
from kitapbridge.connectors.table_profile import TableProfile
from kitapbridge.connectors.table_readers import Table, TableRow
from kitapbridge.connectors.table_record import (
    ResolvedColumn,
    group_key,
    holdings_from_row,
    local_id_for,
    record_from_row,
    resolve_columns,
)
from kitapbridge.connectors.text_encoding import EncodingGuess
from kitapbridge.marc.issues import Issue

logger = logging.getLogger(__name__)


class TabularConnector:
    """Iterates a table through a mapping profile.

    ``open_table`` is called once per iteration, so iterating twice reads the
    file twice (as a MARC file connector does). ``encoding`` holds the code
    page decision of the last iteration, for the import report.
    """

    def __init__(
        self,
        path: Path,
        profile: TableProfile,
        system: SourceSystem,
        open_table: Callable[[], Table],
    ) -> None:
        self.path = path
        self.profile = profile
        self.system = system
        self.source_name = path.name
        self._open_table = open_table
        self.encoding: EncodingGuess | None = None

    def __iter__(self) -> Iterator[SourceRecord]:
        table = self._open_table()
        self.encoding = table.encoding
        if table.encoding is not None:
            logger.info("%s: encoding %s", self.source_name, table.encoding.reason)
        columns = resolve_columns(self.profile, table.header, self.source_name)
        if self.profile.row_model == "copy":
            yield from self._grouped_copies(table, columns)
            return
        for row in table.rows:
            issues = list(row.issues)
            record = record_from_row(row.cells, columns, self.profile, issues)
            yield self._source_record(table, row, record, columns, [row], row.index, issues)

    def _grouped_copies(
        self, table: Table, columns: list[ResolvedColumn]
    ) -> Iterator[SourceRecord]:
        # The whole table is grouped before the first record is yielded: copies of
        # one title are rarely adjacent in a school's accession-ordered export.
        # The record is the first row's; every row's own problems are kept.
        groups: dict[str, tuple[pymarc.Record, list[TableRow], list[Issue]]] = {}
        for row in table.rows:
            issues = list(row.issues)
            record = record_from_row(row.cells, columns, self.profile, issues)
            key = group_key(record, self.profile)
            group = groups.setdefault(key, (record, [], []))
            group[1].append(row)
            group[2].extend(issue for issue in issues if issue not in group[2])
        for index, (record, rows, issues) in enumerate(groups.values()):
            yield self._source_record(table, rows[0], record, columns, rows, index, issues)

    def _source_record(
        self,
        table: Table,
        first: TableRow,
        record: pymarc.Record,
        columns: list[ResolvedColumn],
        rows: list[TableRow],
        index: int,
        issues: list[Issue],
    ) -> SourceRecord:
        local_id = local_id_for(first.cells, self.profile, table.header, record)
        record.add_ordered_field(pymarc.Field(tag="001", data=local_id))
        holdings = [holding for row in rows for holding in holdings_from_row(row.cells, columns)]
        return SourceRecord(
            system=self.system,
            raw=_joined_raw(rows),
            raw_format=table.raw_format,
            index=index,
            offset=first.offset,
            local_id=local_id,
            record=record,
            holdings=holdings,
            source_name=self.source_name,
            issues=issues,
        )


def _joined_raw(rows: list[TableRow]) -> bytes:
    """One row's bytes as read; several copy rows one per line, as in the file."""
    if len(rows) == 1:
        return rows[0].raw
    return b"".join(row.raw if row.raw.endswith(b"\n") else row.raw + b"\n" for row in rows)
