"""How many records a source holds, when it can tell cheaply: the total of a run's progress.

An ISO 2709 file ends each record with the record terminator (0x1D), a MARCXML
file opens each with a ``record`` element and MARC-in-JSON gives each a
``leader``; counting those bytes reads the file once at disk speed, far cheaper
than the import. The count is an estimate: a damaged record may hide a terminator
or add one, so the progress bar's total can be off by the records that go to
quarantine. A MARC-SQL database counts its ``DOC`` rows and orphan copies
exactly. Table exports (one row per copy, grouped into records by the mapping
profile) give no estimate: counting them means reading them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.exc import SQLAlchemyError

from kitapbridge.connectors import SourceSystem
from kitapbridge.connectors.errors import ConnectorError
from kitapbridge.connectors.marc_sql import MarcSqlDatabase

CHUNK_BYTES = 1 << 20
_XML_RECORD = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?record[\s>]")
_JSON_RECORD = re.compile(rb'"leader"\s*:')
_OVERLAP = 64
"""Bytes carried from one chunk to the next, so a start tag cut in two is still counted once."""
MARC_FILE_SYSTEMS = frozenset({SourceSystem.MARC, SourceSystem.MARC_SQL})


def estimate_records(system: SourceSystem, source: str) -> int | None:
    """The number of records in a MARC file, a folder of MARC files or a MARC-SQL
    database; ``None`` when unknown."""
    if system is SourceSystem.MARC_SQL and "://" in source:
        try:
            return MarcSqlDatabase(source).count_records()
        except (ConnectorError, SQLAlchemyError, ImportError):
            # Unreachable, not MARC-SQL, or no driver for the URL: the import reports it.
            return None
    if system not in MARC_FILE_SYSTEMS or "://" in source:
        return None
    path = Path(source)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    total = 0
    for file in files:
        count = _count_file(file)
        if count is None:
            return None
        total += count
    return total


def _count_file(path: Path) -> int | None:
    try:
        with path.open("rb") as stream:
            head = stream.read(CHUNK_BYTES)
            kind = head.lstrip()[:1]
            if kind == b"<":
                return _count_pattern(stream, head, _XML_RECORD)
            if kind in (b"{", b"["):
                return _count_pattern(stream, head, _JSON_RECORD)
            if head[:5].isdigit():
                count = head.count(b"\x1d")
                while chunk := stream.read(CHUNK_BYTES):
                    count += chunk.count(b"\x1d")
                return count
            return None  # a SQLite copy of a MARC-SQL database, or a format we do not count
    except OSError:
        return None  # the connector reports the unreadable file; the total stays unknown


def _count_pattern(stream: BinaryIO, head: bytes, pattern: re.Pattern[bytes]) -> int:
    read = stream.read
    count = 0
    buffer = head
    while True:
        chunk = read(CHUNK_BYTES)
        if not chunk:
            return count + len(pattern.findall(buffer))
        # Count matches that start before the overlap; the overlap is scanned with the next chunk.
        cut = len(buffer) - _OVERLAP
        count += sum(1 for m in pattern.finditer(buffer) if m.start() < cut)
        buffer = buffer[cut:] + chunk
