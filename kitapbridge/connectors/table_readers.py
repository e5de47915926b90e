"""Readers for the tables school systems export: CSV/TSV, XLSX, DBF and HTML print lists.

Each reader gives the header and an iterator of rows with the row's raw bytes
(for ``SourceRecord.raw``), its byte offset where the format has one, and its
cells as text. Encodings are never taken from the file's own claims (a DBF
language-driver byte, an HTML ``<meta charset>``): the bytes are scored by
``text_encoding`` unless the profile pins a code page (standards doc §1.3).
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import dbfread
import lxml.html
import openpyxl
from lxml import etree

from kitapbridge.connectors.errors import ConnectorError
from kitapbridge.connectors.text_encoding import EncodingGuess, detect_text_encoding
from kitapbridge.marc.issues import Issue

logger = logging.getLogger(__name__)

CSV_DELIMITERS = ",;\t|"
SNIFF_LINES = 20
DBF_SAMPLE_RECORDS = 2000
"""Records whose text bytes decide a DBF's code page; enough for a clear vote."""

_HTML_PARSER = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
"""One hardened HTML parser: no network, no comments or processing instructions.
HTML has no external entities to resolve; text is decoded by us beforehand."""


@dataclass(frozen=True)
class TableRow:
    """One data row: where it was, its bytes as read, its cells by header text, what was odd."""

    index: int
    offset: int
    raw: bytes
    cells: dict[str, str]
    issues: list[Issue] = field(default_factory=list)


@dataclass
class Table:
    """A table's header, its rows (lazily), and the encoding decision for the report."""

    header: list[str]
    rows: Iterator[TableRow]
    raw_format: str
    encoding: EncodingGuess | None = None
    notes: list[str] = field(default_factory=list)


def read_csv(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> Table:
    """A CSV or TSV export; the delimiter is sniffed among ``, ; TAB |`` unless given."""
    data = path.read_bytes()
    guess = detect_text_encoding(data, pinned=encoding)
    lines = data.splitlines(keepends=True)
    if guess.encoding == "utf-8-sig" and lines:
        lines[0] = lines[0].removeprefix(b"\xef\xbb\xbf")
    texts = [line.decode(guess.encoding.removesuffix("-sig"), errors="replace") for line in lines]
    delimiter = delimiter or _sniff_delimiter("".join(texts[:SNIFF_LINES]))
    consumed: list[int] = []

    def tracked_lines() -> Iterator[str]:
        for position, text in enumerate(texts):
            consumed.append(position)
            yield text

    reader = csv.reader(tracked_lines(), delimiter=delimiter)
    header = [cell.strip() for cell in next(reader, [])]
    if not header:
        raise ConnectorError(str(path), "empty table: no header row")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def rows() -> Iterator[TableRow]:
        index = 0
        start = len(consumed)
        for cells in _checked(reader, path):
            end = len(consumed)
            raw = b"".join(lines[start:end])
            row_offset = offsets[start] + (3 if guess.encoding == "utf-8-sig" else 0)
            start = end
            if not any(cell.strip() for cell in cells):
                continue
            yield _table_row(index, row_offset, raw, header, cells)
            index += 1

    return Table(header, rows(), "table-row", guess)


def read_xlsx(path: Path, *, sheet: str | None = None) -> Table:
    """The first (or named) sheet of a workbook, streamed in read-only mode.

    XLSX text is Unicode already; ``raw`` is the row's cell values as UTF-8 JSON
    (the workbook's XML is not row-addressable), and ``offset`` is -1.
    """
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    values = worksheet.iter_rows(values_only=True)
    header_row = next(values, None)
    if header_row is None:
        workbook.close()
        raise ConnectorError(str(path), "empty workbook: no header row")
    header = [_cell_text(value) for value in header_row]

    def rows() -> Iterator[TableRow]:
        try:
            index = 0
            for row in values:
                cells = [_cell_text(value) for value in row]
                if not any(cells):
                    continue
                raw = json.dumps(cells, ensure_ascii=False).encode("utf-8")
                yield _table_row(index, -1, raw, header, cells)
                index += 1
        finally:
            workbook.close()

    return Table(header, rows(), "table-row")


def read_dbf(path: Path, *, encoding: str | None = None) -> Table:
    """A dBase table; the code page is decided from the text bytes, not the language byte.

    ``raw`` is the record's bytes after the deletion flag, exactly as stored;
    records marked deleted are skipped, as the owning program shows them.
    """
    table = dbfread.DBF(str(path), raw=True, load=False, char_decode_errors="replace")
    header = [name.strip() for name in table.field_names]
    text_fields = [f.name for f in table.fields if f.type in {"C", "M"}]
    sample = b" ".join(
        record[name]
        for _, record in zip(range(DBF_SAMPLE_RECORDS), table, strict=False)
        for name in text_fields
        if isinstance(record[name], bytes)
    )
    guess = detect_text_encoding(sample, pinned=encoding)
    header_length, record_length = table.header.headerlen, table.header.recordlen

    def rows() -> Iterator[TableRow]:
        for index, record in enumerate(table):
            raw = b"".join(value for value in record.values() if isinstance(value, bytes))
            cells = {
                name.strip(): guess.decode(value).strip() if isinstance(value, bytes) else ""
                for name, value in record.items()
            }
            yield TableRow(index, header_length + index * record_length, raw, cells)

    return Table(header, rows(), "table-row", guess)


def read_html_table(path: Path, *, encoding: str | None = None) -> Table:
    """The first table of an HTML list with a header row (KABIS «Печатать список»).

    ``raw`` is the row's ``<tr>`` re-serialised in the file's own encoding
    (lxml keeps no byte positions); ``offset`` is -1.
    """
    data = path.read_bytes()
    guess = detect_text_encoding(data, pinned=encoding)
    document = lxml.html.document_fromstring(guess.decode(data), parser=_HTML_PARSER)
    table = next(iter(document.iter("table")), None)
    if table is None:
        raise ConnectorError(str(path), "no <table> in the HTML list")
    html_rows = [row for row in table.iter("tr") if _row_cells(row)]
    if not html_rows:
        raise ConnectorError(str(path), "the HTML table has no rows")
    header = _row_cells(html_rows[0])
    output_encoding = guess.encoding.removesuffix("-sig")

    def rows() -> Iterator[TableRow]:
        for index, row in enumerate(html_rows[1:]):
            # Python's codecs, not libxml2's: libxml2 has no KZ-1048 or PTCP154.
            html = str(etree.tostring(row, encoding="unicode", method="html")).strip()
            raw = html.encode(output_encoding, errors="xmlcharrefreplace")
            yield _table_row(index, -1, raw, header, _row_cells(row))

    return Table(header, rows(), "html-row", guess)


def _row_cells(row: Any) -> list[str]:
    cells = []
    for cell in row:
        if not isinstance(cell.tag, str) or cell.tag not in {"td", "th"}:
            continue
        for line_break in cell.iter("br"):
            line_break.tail = " " + (line_break.tail or "")
        cells.append(" ".join(cell.text_content().split()))
    return cells


def _table_row(
    index: int, offset: int, raw: bytes, header: list[str], values: list[str]
) -> TableRow:
    """A row's cells by header; text in cells beyond the header is named in an issue."""
    issues = []
    beyond = [value for value in values[len(header) :] if value.strip()]
    if beyond:
        issues.append(
            Issue(
                "cells-beyond-header",
                f"row has {len(values)} cells for {len(header)} header columns; "
                f"{beyond!r} not mapped (kept in raw)",
            )
        )
    cells = {name: value for name, value in zip(header, values, strict=False) if name}
    return TableRow(index, offset, raw, cells, issues)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def _checked(reader: Iterator[list[str]], path: Path) -> Iterator[list[str]]:
    """csv's own errors (a field over its size limit) as a ``ConnectorError`` with the line."""
    try:
        yield from reader
    except csv.Error as error:
        line = getattr(reader, "line_num", "?")
        raise ConnectorError(str(path), f"line {line}: {error}") from error


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        first_line = sample.splitlines()[0] if sample else ""
        return max(CSV_DELIMITERS, key=first_line.count)
