"""КАБИС: the HTML print list and the ISO 2709 export."""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest

from kitapbridge.connectors import (
    ConnectorError,
    Holding,
    KabisExport,
    KabisPrintList,
    ProfileError,
    SourceSystem,
)

DEMO = Path(__file__).resolve().parents[2] / "kitapbridge" / "demo_data"


def test_print_list_row_becomes_a_marc21_record() -> None:
    connector = KabisPrintList(DEMO / "kabis_print_list.htm")
    records = list(connector)
    assert connector.encoding is not None and connector.encoding.encoding == "cp1251"
    assert len(records) == 35
    first = records[0]
    assert (first.system, first.raw_format, first.local_id, first.index) == (
        SourceSystem.KABIS,
        "html-row",
        "KB20000",
        0,
    )
    assert first.record is not None
    assert str(first.record) == "\n".join(
        [
            "=LDR       nam a22     7c 4500",
            "=001  KB20000",
            r"=008  ||||||s2003\\\\xx\|||||||||||||||||kaz\d",
            r"=040  \\$akitapbridge$ckitapbridge",
            r"=041  0\$akaz",
            r"=084  \\$a84(5Каз)-4",
            r"=100  1\$aАлтынсарин, Ы.",
            "=245  10$aҚазақ хрестоматиясы",
            r"=260  \\$aАлматы$bБілім$c2003",
            r"=300  \\$a256 с.",
            r"=650  \4$aҚазақ әдебиеті",
            r"=650  \4$aХрестоматия",
            "",
        ]
    )
    assert first.holdings == [
        Holding(inventory_number="7001", sigla="АБ"),
        Holding(inventory_number="7002", sigla="АБ"),
    ]
    assert first.raw.startswith(b"<tr><td>1</td><td>KB20000</td>")
    assert "&#1178;\xe0\xe7\xe0&#1179; \xf5\xf0".encode("latin-1") in first.raw


def test_print_list_title_subtitle_defects() -> None:
    records = {r.local_id: r.record for r in KabisPrintList(DEMO / "kabis_print_list.htm")}
    kazakh_5 = records["KB20002"]
    assert kazakh_5 is not None
    assert kazakh_5["245"].get_subfields("a", "b") == ["Қазақ тілі", "5-сынып. Оқулық"]
    assert kazakh_5["100"]["a"] == "Оралбаева, Н."
    assert [f["a"] for f in kazakh_5.get_fields("700")] == ["Жақыпов, Ж."]
    captain = records["KB20014"]
    assert captain is not None and captain["245"]["a"] == "Kапитанская дoчка"
    fathers = records["KB20020"]
    assert fathers is not None and fathers["020"]["a"] == "5-605-00011-Х"
    hrest = records["KB20000"]
    assert hrest is not None and "020" not in hrest


def test_print_list_in_utf8_with_web_kabis_columns(tmp_path: Path) -> None:
    path = tmp_path / "list.html"
    path.write_text(
        "<html><body><table><tr><th>idbk</th><th>bbk</th><th>author</th><th>title</th>"
        "<th>pub_info</th><th>isbn</th><th>lang</th><th>sigla</th><th>copy_location</th></tr>"
        "<tr><td>501</td><td>84(5Каз)-44</td><td>Мүсірепов Ғ.</td><td>Ұлпан : роман</td>"
        "<td>Алматы : Жазушы, 2008</td><td>978-601-200-055-9</td><td>kaz</td>"
        "<td>ЧЗ</td><td>Сөре 4</td></tr></table></body></html>",
        encoding="utf-8",
    )
    (record,) = KabisPrintList(path)
    assert record.local_id == "501"
    assert record.record is not None
    assert record.record["245"].get_subfields("a", "b") == ["Ұлпан", "роман"]
    assert record.record["260"].get_subfields("a", "b", "c") == ["Алматы", "Жазушы", "2008"]
    assert record.holdings == [Holding(sigla="ЧЗ", shelf_location="Сөре 4")]
    assert record.raw.decode("utf-8").startswith("<tr><td>501</td>")


def test_html_without_table_or_title_column(tmp_path: Path) -> None:
    path = tmp_path / "empty.htm"
    path.write_text("<html><body><p>Список пуст</p></body></html>", encoding="utf-8")
    with pytest.raises(ConnectorError, match="no <table> in the HTML list"):
        list(KabisPrintList(path))
    path.write_text("<table><tr><td>Код</td><td>Год</td></tr></table>", encoding="utf-8")
    with pytest.raises(ProfileError, match="required column"):
        list(KabisPrintList(path))


def test_iso2709_export() -> None:
    records = list(KabisExport(DEMO / "kabis_export_marc21.mrc"))
    assert len(records) == 30
    assert [r.local_id for r in records][:2] == ["KB20004", "KB20005"]
    assert {r.system for r in records} == {SourceSystem.KABIS}
    first = pymarc.Record(data=records[0].raw)
    assert first["245"].get_subfields("a", "b") == ["Әліппе", "1-сынып"]
    assert [f["p"] for f in first.get_fields("876")] == ["3100000001"]
