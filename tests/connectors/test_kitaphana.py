"""«Кітапхана 4.02» tables (CSV, XLSX, DBF) through the mapping profiles."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample_builder import write_kitaphana_csv, write_kitaphana_dbf

from kitapbridge.connectors import Holding, HoldingStatus, KitaphanaTable, ProfileError
from kitapbridge.connectors.table_profile import parse_profile
from kitapbridge.marc.issues import Issue

DEMO = Path(__file__).resolve().parents[2] / "kitapbridge" / "demo_data"


def test_demo_csv_is_kz1048_and_kazakh_comes_out_exact() -> None:
    connector = KitaphanaTable(DEMO / "kitaphana_books_kz1048.csv")
    records = list(connector)
    assert connector.encoding is not None and connector.encoding.encoding == "kz1048"
    kazakh_5 = records[6]
    assert kazakh_5.local_id == "K0007"
    assert kazakh_5.record is not None
    assert str(kazakh_5.record) == "\n".join(
        [
            "=LDR       nam a22     7c 4500",
            "=001  K0007",
            r"=008  ||||||s2017\\\\xx\|||||||||||||||||kaz\d",
            r"=020  \\$a978-601-331-123-4",
            r"=040  \\$akitapbridge$ckitapbridge",
            r"=041  0\$akaz",
            r"=084  \\$a81.2Каз-922",
            r"=100  1\$aОралбаева, Н.",
            "=245  10$aҚазақ тілі$b5-сынып. Оқулық",
            r"=260  \\$aАлматы$bАтамұра$c2017",
            r"=300  \\$a224 б.",
            r"=521  \\$a5",
            r"=700  \\$aЖақыпов, Ж.",
            "",
        ]
    )
    assert kazakh_5.holdings == [
        Holding(barcode="4800002013", inventory_number="2013", price=Decimal("1500.00"),
                currency="KZT"),
    ]  # fmt: skip
    assert kazakh_5.raw.decode("kz1048") == (
        'K0007;"Оралбаева Н.; Жақыпов Ж.";Қазақ тілі;5-сынып. Оқулық;Алматы;Атамұра;2017;'
        "224 б.;978-601-331-123-4;81.2Каз-922;қаз;5;2013;4800002013;1500,00;в фонде\r\n"
    )
    assert kazakh_5.raw_format == "table-row"
    data = (DEMO / "kitaphana_books_kz1048.csv").read_bytes()
    assert data[kazakh_5.offset : kazakh_5.offset + len(kazakh_5.raw)] == kazakh_5.raw


def test_demo_csv_defects() -> None:
    records = {r.local_id: r for r in KitaphanaTable(DEMO / "kitaphana_books_kz1048.csv")}
    assert len(records) == 41
    kara_sozder = records["K0003"].holdings
    assert [h.status for h in kara_sozder] == [
        HoldingStatus.AVAILABLE,
        HoldingStatus.AVAILABLE,
        HoldingStatus.WRITTEN_OFF,
    ]
    chekhov = records["K0023"].holdings[0]
    assert (chekhov.inventory_number, chekhov.barcode, chekhov.note) == (
        None,
        "4800002044",
        "placeholder inventory number '0' treated as missing",
    )
    fathers = records["K0025"].record
    assert fathers is not None and fathers["020"]["a"] == "5-605-00011-Х"
    homoglyph = records["K0008"].record
    assert homoglyph is not None and homoglyph["245"]["a"] == "Қазақ әдебиетi"
    duplicate = records["K0041"].record
    assert duplicate is not None and duplicate["245"]["a"] == "Қазақ тілі"
    assert records["K0005"].record is not None and "020" not in records["K0005"].record


@pytest.mark.parametrize(
    ("encoding", "title"),
    [("kz1048", "Қазақ тілі"), ("ptcp154", "Қазақ тілі"), ("utf-8", "Қазақ тілі")],
)
def test_csv_encoding_is_detected_for_kazakh(tmp_path: Path, encoding: str, title: str) -> None:
    path = tmp_path / "books.csv"
    write_kitaphana_csv(path, encoding=encoding)
    records = list(KitaphanaTable(path))
    assert records[6].record is not None
    assert records[6].record["245"]["a"] == title
    assert records[0].record is not None
    assert records[0].record["100"]["a"] == "Әуезов, М. О."


def test_cp1251_csv_of_russian_titles(tmp_path: Path) -> None:
    """CP1251 cannot hold Қ or Ә; a Russian-only export in it must still come out exact."""
    path = tmp_path / "russian.csv"
    text = (
        "Код;Автор;Заглавие;Год;Инв. №\r\n"
        "R1;Толстой Л. Н.;Война и мир;2016;501, 502\r\n"
        "R2;Гоголь Н. В.;Мёртвые души;2017;503\r\n"
        "R3;Қазақ жазушысы;Білім және ғылым;2018;504\r\n"
    )
    path.write_bytes(text.encode("cp1251", errors="replace"))
    connector = KitaphanaTable(path)
    war, souls, lost = connector
    assert connector.encoding is not None and connector.encoding.encoding == "cp1251"
    assert war.record is not None and war.record["245"]["a"] == "Война и мир"
    assert [h.inventory_number for h in war.holdings] == ["501", "502"]
    assert souls.record is not None and souls.record["245"]["a"] == "Мёртвые души"
    # The letters CP1251 never had were lost by the exporting program, not by us.
    assert lost.record is not None and lost.record["245"]["a"] == "Білім ж?не ?ылым"


def test_row_problems_travel_with_the_record(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    text = (
        "Код;Автор;Заглавие;Год;Язык;Инв. №\r\n"
        "K1;Абай;Қара сөздер;2019;қаз;11\r\n"
        "K2;Абай;Өлеңдер;2020;эсперанто;12;артық ұяшық\r\n"
    )
    path.write_bytes(text.encode("kz1048"))
    plain, odd = KitaphanaTable(path)
    assert plain.issues == []
    assert odd.issues == [
        Issue(
            "cells-beyond-header",
            "row has 7 cells for 6 header columns; ['артық ұяшық'] not mapped (kept in raw)",
        ),
        Issue("unknown-language", "language 'эсперанто' has no MARC code; not mapped"),
    ]
    assert odd.record is not None and odd.record.get("041") is None
    assert "артық ұяшық".encode("kz1048") in odd.raw


def test_demo_xlsx_with_kazakh_captions() -> None:
    records = list(KitaphanaTable(DEMO / "kitaphana_books.xlsx"))
    assert len(records) == 30
    assert sum(len(r.holdings) for r in records) == 60
    abai = records[0]
    assert abai.local_id == "K0001"
    assert abai.record is not None
    assert abai.record["245"].get_subfields("a", "b") == ["Абай жолы", "роман-эпопея. 1-кітап"]
    assert abai.record["260"]["c"] == "2015"
    assert abai.holdings[0] == Holding(
        barcode="4800006001", inventory_number="6001", status=HoldingStatus.AVAILABLE,
        price=Decimal("1200"), currency="KZT",
    )  # fmt: skip
    assert abai.raw.decode("utf-8").startswith('["K0001", "Әуезов М. О.", "Абай жолы"')
    assert abai.offset == -1


def test_demo_dbf_is_ptcp154_whatever_its_language_byte_says() -> None:
    connector = KitaphanaTable(DEMO / "kitaphana_books_ptcp154.dbf")
    records = list(connector)
    assert connector.encoding is not None and connector.encoding.encoding == "ptcp154"
    assert len(records) == 30
    assert [r.local_id for r in records][:2] == ["K0001", "K0002"]
    first = records[0].record
    assert first is not None
    assert first["245"].get_subfields("a", "b") == ["Математика", "5-сынып. Оқулық"]
    assert first["100"]["a"] == "Алдамұратова, Т."
    assert records[0].offset == 385
    assert records[0].raw.decode("ptcp154").startswith("K0001   Алдамұратова Т.; Байшоланова Қ.")


def test_dbf_encoding_can_be_pinned(tmp_path: Path) -> None:
    path = tmp_path / "books.dbf"
    write_kitaphana_dbf(path, encoding="kz1048")
    profile_text = (
        '[profile]\nencoding = "kz1048"\n[[columns]]\nnames = ["ZAGL"]\ntarget = "245$a"\n'
    )
    records = list(KitaphanaTable(path, parse_profile(profile_text, "pinned")))
    assert records[0].record is not None
    assert records[0].record["245"]["a"] == "Математика"
    assert records[-1].record is not None
    assert records[-1].record["245"]["a"] == "Қазақстанның физикалық географиясы"


def test_copy_rows_grouped_into_titles(tmp_path: Path) -> None:
    path = tmp_path / "copies.tsv"
    path.write_text(
        "Атауы\tАвторлар\tЖылы\tБаспасы\tТүгендеу нөмірі\tКүйі\n"
        "Абай жолы\tӘуезов М. О.\t2015\tЖазушы\t101\tқорда\n"
        "Қара сөздер\tАбай Құнанбайұлы\t2019\tАтамұра\t102\t\n"
        "АБАЙ ЖОЛЫ\tӘуезов М.О.\t2015\tЖазушы\t103\tесептен шығарылған\n"
        "Абай  жолы.\tӘуезов М. О.\t2015\tЖазушы\t104\t\n",
        encoding="utf-8",
    )
    profile = parse_profile(
        '[profile]\nrow_model = "copy"\ngroup_by = ["245$a", "260$c"]\n'
        '[[columns]]\nnames = ["Атауы"]\ntarget = "245$a"\n'
        '[[columns]]\nnames = ["Авторлар"]\ntarget = "100$a"\nparser = "author"\n'
        '[[columns]]\nnames = ["Жылы"]\ntarget = "260$c"\nparser = "year"\n'
        '[[columns]]\nnames = ["Түгендеу нөмірі"]\nholding = "inventory_number"\n'
        '[[columns]]\nnames = ["Күйі"]\nholding = "status"\n',
        "copies",
    )
    abai, words = KitaphanaTable(path, profile)
    assert abai.record is not None and abai.record["245"]["a"] == "Абай жолы"
    assert [(h.inventory_number, h.status) for h in abai.holdings] == [
        ("101", HoldingStatus.AVAILABLE),
        ("103", HoldingStatus.WRITTEN_OFF),
        ("104", HoldingStatus.AVAILABLE),
    ]
    assert [line.split("\t")[4] for line in abai.raw.decode().splitlines()] == ["101", "103", "104"]
    assert (abai.index, words.index) == (0, 1)
    assert words.local_id is not None and words.local_id.startswith("key:")
    assert [h.inventory_number for h in words.holdings] == ["102"]


def test_required_column_missing_is_a_profile_error(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("Name;Year\nAbai;1995\n", encoding="utf-8")
    with pytest.raises(ProfileError) as raised:
        list(KitaphanaTable(path))
    assert raised.value.key == "columns[1]"
    assert "required column" in raised.value.reason
    assert "['Name', 'Year']" in raised.value.reason


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_csv_reader_never_crashes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "any.csv"
    path.write_bytes("Заглавие;Инв. №\n".encode("kz1048") + data)
    for record in KitaphanaTable(path):
        assert record.record is not None
        assert record.raw in data or record.raw in data + b"\n"
