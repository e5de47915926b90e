"""``open_connector``: SYSTEM and SOURCE of ``kitapbridge import`` to a connector."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kitapbridge.connectors import (
    ConnectorError,
    KabisExport,
    KabisPrintList,
    KitaphanaTable,
    MarcFileConnector,
    MarcSqlDatabase,
    MarcSqlExport,
    SourceSystem,
    open_connector,
)
from kitapbridge.connectors.factory import FolderConnector

DEMO = Path(__file__).resolve().parents[2] / "kitapbridge" / "demo_data"


@pytest.mark.parametrize(
    ("system", "name", "kind"),
    [
        ("marc-sql", "marc_sql_school.db", MarcSqlDatabase),
        ("marc-sql", "marc_sql_export_rusmarc_kz1048.iso", MarcSqlExport),
        ("kabis", "kabis_print_list.htm", KabisPrintList),
        ("kabis", "kabis_export_marc21.mrc", KabisExport),
        ("kitaphana", "kitaphana_books_kz1048.csv", KitaphanaTable),
        ("kitaphana", "kitaphana_books.xlsx", KitaphanaTable),
        (SourceSystem.KITAPHANA, "kitaphana_books_ptcp154.dbf", KitaphanaTable),
        ("marc", "kabis_export_marc21.mrc", MarcFileConnector),
    ],
)
def test_file_sources(system: str, name: str, kind: type) -> None:
    assert type(open_connector(system, DEMO / name)) is kind


def test_database_url(tmp_path: Path) -> None:
    copy = tmp_path / "school.db"
    shutil.copyfile(DEMO / "marc_sql_school.db", copy)
    connector = open_connector("marc-sql", f"sqlite:///{copy}", batch_size=7)
    assert isinstance(connector, MarcSqlDatabase)
    assert connector.batch_size == 7
    assert len(list(connector)) == 38


def test_sqlite_file_is_opened_read_only() -> None:
    connector = open_connector("marc-sql", DEMO / "marc_sql_school.db")
    assert isinstance(connector, MarcSqlDatabase)
    assert "mode=ro" in str(connector.engine.url)
    assert connector.source_name == "marc_sql_school.db"


def test_folder_reads_every_file_sorted_with_running_index(tmp_path: Path) -> None:
    for name in ("kitaphana_books_kz1048.csv", "kitaphana_books.xlsx"):
        shutil.copyfile(DEMO / name, tmp_path / name)
    connector = open_connector("kitaphana", tmp_path)
    assert isinstance(connector, FolderConnector)
    records = list(connector)
    assert [r.index for r in records] == list(range(71))
    assert records[0].source_name == "kitaphana_books.xlsx"
    assert records[30].source_name == "kitaphana_books_kz1048.csv"


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(ConnectorError, match="unknown system 'irbis'"):
        open_connector("irbis", DEMO)
    with pytest.raises(ConnectorError, match="no such file or folder"):
        open_connector("marc", tmp_path / "missing.mrc")
    with pytest.raises(ConnectorError, match="the folder holds no files"):
        open_connector("marc", tmp_path)
    with pytest.raises(ConnectorError, match="not a table export"):
        open_connector("kitaphana", DEMO / "kabis_print_list.htm")
