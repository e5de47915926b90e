"""The MARC-SQL database connector, on SQLite and PostgreSQL (``database_url``)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from marc_sql_builder import FS, SF, create_marc_sql_database, data_field, item
from sample_builder import iso2709

from kitapbridge.connectors import ConnectorError, Holding, HoldingStatus, SourceSystem
from kitapbridge.connectors.doc_item import parse_doc_item
from kitapbridge.connectors.marc_sql import MarcSqlDatabase, MarcSqlExport
from kitapbridge.marc.issues import Issue, Severity
from kitapbridge.queue.estimates import estimate_records

DOCS = [
    {
        "DOC_ID": 10,
        "RECTYPE": "a",
        "BIBLEVEL": "m",
        "ITEM": item(
            data_field("100", "1 ", ("a", "Әуезов, М. О.")),
            data_field("245", "10", ("a", "Абай жолы"), ("b", "роман-эпопея")),
        ),
    },
    {
        "DOC_ID": 11,
        "RECTYPE": "a",
        "BIBLEVEL": "m",
        "ITEM": item(data_field("245", "00", ("a", "Қазақ тілі"), ("b", "5-сынып"))),
    },
    {"DOC_ID": 12, "RECTYPE": "a", "BIBLEVEL": "s", "ITEM": item(f"245##{SF}aБілім")},
    {"DOC_ID": 15, "RECTYPE": "t", "BIBLEVEL": "m", "ITEM": None},
    {
        "DOC_ID": 20,
        "RECTYPE": "a",
        "BIBLEVEL": "m",
        "ITEM": item(data_field("245", "10", ("a", "Война и мир"))),
    },
]
COPIES = [
    {"INV_ID": 1, "DOC_ID": 10, "T090e": "101", "T090f": 1, "T876p": "2100000101",
     "T876c": Decimal("1450.00"), "T020d": "KZT", "TRACKINDEX": "84(5Каз)-44 Ә92", "STATE": 1},
    {"INV_ID": 2, "DOC_ID": 10, "T090e": "102", "T090f": 2, "T876p": "2100000102", "STATE": 2},
    {"INV_ID": 3, "DOC_ID": 11, "T090e": "000", "T090f": 1, "T876p": "2100000103", "STATE": 1},
    {"INV_ID": 4, "DOC_ID": 11, "T090f": 3, "CNT": 25, "INVMODE": "U", "STATE": 1},
    {"INV_ID": 5, "DOC_ID": 77, "T090e": "555", "T090f": 9, "T876p": "2100000555", "STATE": 1},
]  # fmt: skip
WRITTEN_OFF = [
    {**COPIES[1], "OFFDATE": dt.date(2024, 5, 20), "NOTES": "ветхость", "WROFFACT": "12"},
    {"INV_ID": 6, "DOC_ID": 20, "T090e": "0950", "T876p": "2100000950", "STATE": 2,
     "OFFDATE": dt.date(2023, 9, 1), "NOTES": "утеряна", "WROFFACT": "7"},
]  # fmt: skip
SIGLAS = [
    {"SIGLA_ID": 1, "SHORTNAME": "АБ"},
    {"SIGLA_ID": 2, "SHORTNAME": "ЧЗ"},
    {"SIGLA_ID": 3, "SHORTNAME": "ОҚӘ"},
]


@pytest.fixture
def school_database(database_url: str) -> str:
    create_marc_sql_database(
        database_url, docs=DOCS, copies=COPIES, written_off=WRITTEN_OFF, siglas=SIGLAS
    )
    return database_url


@pytest.mark.parametrize("batch_size", [1, 2, 500])
def test_one_record_per_doc_in_key_order_then_orphans(
    school_database: str, batch_size: int
) -> None:
    records = list(MarcSqlDatabase(school_database, batch_size=batch_size))
    assert [r.local_id for r in records] == ["10", "11", "12", "15", "20", None]
    assert [r.index for r in records] == [0, 1, 2, 3, 4, 5]
    assert {r.system for r in records} == {SourceSystem.MARC_SQL}
    assert {r.raw_format for r in records} == {"sql-row"}
    assert [len(r.holdings) for r in records] == [2, 2, 0, 0, 1, 1]


def test_fields_leader_and_exact_kazakh_text(school_database: str) -> None:
    abai, kazakh, bilim, empty, _war, _orphan = MarcSqlDatabase(school_database)
    assert abai.record is not None and kazakh.record is not None and bilim.record is not None
    assert abai.record["100"]["a"] == "Әуезов, М. О."
    assert abai.record["245"].get_subfields("a", "b") == ["Абай жолы", "роман-эпопея"]
    assert kazakh.record["245"]["a"] == "Қазақ тілі"
    assert str(bilim.record.leader)[6:8] == "as"
    assert bilim.record["245"].indicators == (" ", " ")
    assert empty.record is not None and empty.record.fields == []
    assert str(empty.record.leader)[6:8] == "tm"


def test_holdings_written_off_and_placeholder(school_database: str) -> None:
    abai, kazakh, _bilim, _empty, war, _orphan = MarcSqlDatabase(school_database)
    assert abai.holdings == [
        Holding(
            barcode="2100000101",
            inventory_number="101",
            call_number="84(5Каз)-44 Ә92",
            sigla="АБ",
            price=Decimal("1450.00"),
            currency="KZT",
        ),
        Holding(
            barcode="2100000102",
            inventory_number="102",
            sigla="ЧЗ",
            status=HoldingStatus.WRITTEN_OFF,
            note="written off 2024-05-20 act 12 (ветхость)",
        ),
    ]
    assert kazakh.holdings == [
        Holding(
            barcode="2100000103",
            sigla="АБ",
            note="placeholder inventory number '000' treated as missing",
        ),
        Holding(sigla="ОҚӘ", note="non-inventory accounting, 25 copies"),
    ]
    assert war.holdings == [
        Holding(
            barcode="2100000950",
            inventory_number="0950",
            status=HoldingStatus.WRITTEN_OFF,
            note="written off 2023-09-01 act 7 (утеряна)",
        )
    ]


def test_orphan_copy_is_yielded_with_its_reason(school_database: str) -> None:
    orphan = list(MarcSqlDatabase(school_database))[-1]
    assert orphan.record is None
    assert orphan.local_id is None
    assert orphan.holdings == [Holding(barcode="2100000555", inventory_number="555", sigla="9")]
    raw = json.loads(orphan.raw)
    assert raw["reason"] == "orphan copy: INV row 5 refers to DOC_ID 77, which does not exist"
    assert raw["INV"]["T876p"] == "2100000555"
    assert orphan.issues == [
        Issue(
            "orphan-copy",
            "orphan copy: INV row 5 refers to DOC_ID 77, which does not exist",
            Severity.ERROR,
        )
    ]


def test_doc_item_problems_travel_with_the_record(database_url: str) -> None:
    odd = item(f"245123{SF}aАбай жолы{SF}", data_field("650", " 7", ("@", "Әдебиет")))
    create_marc_sql_database(
        database_url,
        docs=[{"DOC_ID": 1, "RECTYPE": "a", "BIBLEVEL": "m", "ITEM": odd}],
        copies=[],
        written_off=[],
        siglas=[],
    )
    (record,) = MarcSqlDatabase(database_url)
    assert record.record is not None and record.record["245"]["a"] == "Абай жолы"
    assert record.issues == [
        Issue("bad-indicators", "'123' before the first subfield", tag="245"),
        Issue("empty-subfield", "delimiter without a code skipped", tag="245"),
        Issue("bad-subfield-code", "subfield code '@'", tag="650"),
    ]
    assert [r.issues for r in MarcSqlDatabase(database_url)] == [record.issues]


def test_raw_keeps_rows_as_read_and_allows_reconversion(school_database: str) -> None:
    abai = next(iter(MarcSqlDatabase(school_database)))
    raw = json.loads(abai.raw.decode("utf-8"))
    assert sorted(raw) == ["DOC", "INV", "INVOFF"]
    assert raw["DOC"]["ITEM"] == DOCS[0]["ITEM"]
    assert [row["INV_ID"] for row in raw["INV"]] == [1, 2]
    assert raw["INV"][0]["T876c"] == "1450.00"
    assert raw["INVOFF"][0]["OFFDATE"] == "2024-05-20"
    again = parse_doc_item(raw["DOC"]["ITEM"], raw["DOC"]["RECTYPE"], raw["DOC"]["BIBLEVEL"])
    assert abai.record is not None
    assert again.record.as_marc() == abai.record.as_marc()


def test_count_records_is_what_iteration_yields(school_database: str) -> None:
    # Five DOC rows and one orphan copy: the import run's progress total.
    assert MarcSqlDatabase(school_database).count_records() == 6
    assert estimate_records(SourceSystem.MARC_SQL, school_database) == 6
    engine = sa.create_engine(school_database)
    with engine.begin() as connection:
        connection.execute(sa.text('DELETE FROM "DOC" WHERE "DOC_ID" = 10'))
    database = MarcSqlDatabase(engine)
    # DOC 10's two copies and its written-off copy are orphans now: one record fewer,
    # three more orphans.
    assert database.count_records() == 8 == len(list(database))
    engine.dispose()


def test_a_database_that_cannot_be_counted_has_no_estimate(database_url: str) -> None:
    assert estimate_records(SourceSystem.MARC_SQL, database_url) is None  # no DOC/INV tables
    unreachable = "postgresql+psycopg://postgres@127.0.0.1:1/abis"
    assert estimate_records(SourceSystem.MARC_SQL, unreachable) is None


def test_engine_passed_in_is_left_open(school_database: str) -> None:
    engine = sa.create_engine(school_database)
    assert len(list(MarcSqlDatabase(engine))) == 6
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar() == 1
    engine.dispose()


def test_database_without_marc_sql_tables_is_refused(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE books (id INTEGER PRIMARY KEY)"))
    with pytest.raises(ConnectorError, match="tables DOC and INV needed"):
        list(MarcSqlDatabase(engine))
    engine.dispose()


def test_lower_case_names_and_item_bytes_in_kz1048(tmp_path: Path) -> None:
    """Another installation: lower-case names, no INVOFF/SIGLA, ITEM held as legacy bytes."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    text = f"24510{SF}aҚазақ әдебиеті{SF}b6-сынып{FS}"
    with engine.begin() as connection:
        connection.execute(
            sa.text("CREATE TABLE doc (doc_id INTEGER, rectype TEXT, biblevel TEXT, item BLOB)")
        )
        connection.execute(
            sa.text("CREATE TABLE inv (inv_id INTEGER, doc_id INTEGER, t090e TEXT, t876p TEXT)")
        )
        connection.execute(
            sa.text("INSERT INTO doc VALUES (1, 'a', 'm', :item)"),
            {"item": text.encode("kz1048")},
        )
        connection.execute(sa.text("INSERT INTO inv VALUES (1, 1, '77', '4800000077')"))
    (record,) = MarcSqlDatabase(engine)
    assert record.record is not None
    assert record.record["245"].get_subfields("a", "b") == ["Қазақ әдебиеті", "6-сынып"]
    assert record.holdings == [Holding(barcode="4800000077", inventory_number="77")]
    assert json.loads(record.raw)["INV"][0]["t876p"] == "4800000077"
    engine.dispose()


def test_iso2709_export_takes_its_local_id_from_001(tmp_path: Path) -> None:
    path = tmp_path / "export.iso"
    fields = [("001", b"1001\x1e"), ("200", "1 \x1faБілім\x1e".encode("cp1251"))]
    path.write_bytes(iso2709("00000nam0 2200000   450 ", fields))
    (record,) = MarcSqlExport(path)
    assert (record.system, record.local_id, record.offset) == (SourceSystem.MARC_SQL, "1001", 0)
    assert record.record is None


def test_batch_size_limit_keeps_the_password_out_of_the_message() -> None:
    with pytest.raises(ConnectorError) as raised:
        MarcSqlDatabase("mssql+pymssql://library:s3cret@school/marc", batch_size=5000)
    assert str(raised.value) == "MARC-SQL database: batch size 5000 outside 1..2000"
