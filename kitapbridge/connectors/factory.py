"""``open_connector``: the connector for a SYSTEM and SOURCE of ``kitapbridge import``.

SOURCE is a file, a folder (every file in it, sorted by name, each read by
the reader its suffix asks for) or, for ``marc-sql``, a database URL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from kitapbridge.connectors.base import Connector, SourceRecord, SourceSystem
from kitapbridge.connectors.errors import ConnectorError
from kitapbridge.connectors.kabis import HTML_SUFFIXES, KabisExport, KabisPrintList
from kitapbridge.connectors.kitaphana import TABLE_SUFFIXES, KitaphanaTable
from kitapbridge.connectors.marc_file import MarcFileConnector
from kitapbridge.connectors.marc_sql import DEFAULT_BATCH_SIZE, MarcSqlDatabase, MarcSqlExport
from kitapbridge.connectors.table_profile import TableProfile

logger = logging.getLogger(__name__)

SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
"""A MARC-SQL copy given as a file path: opened as a SQLite database."""


class FolderConnector:
    """Every file of a folder, sorted by name, through the connector each one needs.

    ``index`` runs on across files so it stays unique within one import run;
    ``source_name`` tells the file each record came from.
    """

    def __init__(self, connectors: list[Connector]) -> None:
        self.connectors = connectors

    def __iter__(self) -> Iterator[SourceRecord]:
        index = 0
        for connector in self.connectors:
            for source_record in connector:
                source_record.index = index
                index += 1
                yield source_record


def open_connector(
    system: SourceSystem | str,
    source: str | Path,
    *,
    profile: TableProfile | str | Path | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Connector:
    """The connector for ``system`` reading ``source``.

    ``profile`` (a ``TableProfile`` or a TOML path) replaces the built-in
    mapping for table exports; ``batch_size`` is the MARC-SQL page size.
    Raises ``ConnectorError`` for an unknown system, a missing source, or a
    file this system cannot have written.
    """
    try:
        system = SourceSystem(system)
    except ValueError as error:
        choices = ", ".join(s.value for s in SourceSystem)
        raise ConnectorError(
            str(source), f"unknown system {system!r} (one of {choices})"
        ) from error
    if system is SourceSystem.MARC_SQL and "://" in str(source):
        return MarcSqlDatabase(str(source), batch_size=batch_size)
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        if not files:
            raise ConnectorError(str(path), "the folder holds no files")
        return FolderConnector([_file_connector(system, p, profile, batch_size) for p in files])
    if not path.is_file():
        raise ConnectorError(str(path), "no such file or folder")
    return _file_connector(system, path, profile, batch_size)


def _file_connector(
    system: SourceSystem, path: Path, profile: TableProfile | str | Path | None, batch_size: int
) -> Connector:
    suffix = path.suffix.lower()
    if system is SourceSystem.MARC_SQL:
        if suffix in SQLITE_SUFFIXES:
            # Read-only: an import must never change the school's database copy.
            url = f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"
            return MarcSqlDatabase(url, batch_size=batch_size, source_name=path.name)
        return MarcSqlExport(path)
    if system is SourceSystem.KABIS:
        if suffix in HTML_SUFFIXES:
            return KabisPrintList(path, profile)
        return KabisExport(path)
    if system is SourceSystem.KITAPHANA:
        if suffix not in TABLE_SUFFIXES:
            raise ConnectorError(str(path), f"not a table export (one of {TABLE_SUFFIXES})")
        return KitaphanaTable(path, profile)
    return MarcFileConnector(path, SourceSystem.MARC)
