"""The bundled sample exports: exact counts, and the builder still writes the same files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sample_builder

from kitapbridge.connectors import HoldingStatus, open_connector

DEMO = Path(__file__).resolve().parents[2] / "kitapbridge" / "demo_data"


@pytest.mark.parametrize(
    ("system", "name", "records", "holdings", "written_off"),
    [
        ("marc-sql", "marc_sql_school.db", 38, 76, 2),
        ("marc-sql", "marc_sql_export_rusmarc_kz1048.iso", 30, 0, 0),
        ("kabis", "kabis_print_list.htm", 35, 71, 0),
        ("kabis", "kabis_export_marc21.mrc", 30, 0, 0),
        ("kitaphana", "kitaphana_books_kz1048.csv", 41, 80, 1),
        ("kitaphana", "kitaphana_books.xlsx", 30, 60, 1),
        ("kitaphana", "kitaphana_books_ptcp154.dbf", 30, 60, 0),
    ],
)
def test_counts(system: str, name: str, records: int, holdings: int, written_off: int) -> None:
    read = list(open_connector(system, DEMO / name))
    assert len(read) == records
    statuses = Counter(h.status for r in read for h in r.holdings)
    assert sum(statuses.values()) == holdings
    assert statuses[HoldingStatus.WRITTEN_OFF] == written_off


def test_marc_sql_demo_database() -> None:
    records = list(open_connector("marc-sql", DEMO / "marc_sql_school.db"))
    by_id = {r.local_id: r for r in records}
    abai = by_id["1002"]
    assert abai.record is not None
    assert abai.record["245"].get_subfields("a", "b") == ["Абай жолы", "роман-эпопея. 2-кітап"]
    assert [h.status for h in abai.holdings] == [HoldingStatus.WRITTEN_OFF, HoldingStatus.AVAILABLE]
    assert abai.holdings[0].note == "written off 2024-05-20 act 12 (ветхость)"
    kazakh_5 = by_id["1007"]
    assert kazakh_5.record is not None and kazakh_5.record["245"]["a"] == "Қазақ тілі"
    assert kazakh_5.record["650"].indicators == (" ", "4")
    assert kazakh_5.holdings[-1].note == "non-inventory accounting, 25 copies"
    duplicate = by_id["1037"]
    assert duplicate.holdings[0].note == "placeholder inventory number '000' treated as missing"
    assert records[-1].record is None and records[-1].local_id is None


def test_rusmarc_export_is_kz1048_declared_cp1251() -> None:
    first = next(iter(open_connector("marc-sql", DEMO / "marc_sql_export_rusmarc_kz1048.iso")))
    assert first.local_id == "1001"
    assert "Абай жолы".encode("kz1048") in first.raw
    assert b"y0189    ca" in first.raw


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample exports written afresh (SQLite and XLSX files are not byte-stable)."""
    target = tmp_path_factory.mktemp("demo_data")
    sample_builder.build(target)
    return target


@pytest.mark.parametrize(
    "name",
    [
        "marc_sql_export_rusmarc_kz1048.iso",
        "kabis_print_list.htm",
        "kabis_export_marc21.mrc",
        "kitaphana_books_kz1048.csv",
        "kitaphana_books_ptcp154.dbf",
    ],
)
def test_builder_reproduces_committed_files(rebuilt: Path, name: str) -> None:
    assert (rebuilt / name).read_bytes() == (DEMO / name).read_bytes()
