"""Issue 2 "done when", on the bundled exports: every demo file through its connector and
``convert_record`` to clean MARC21, with exact counts, Kazakh text, ISBNs and copies.

``kitapbridge convert`` reads MARC files only; the tables, the HTML print list and
the MARC-SQL database reach MARC21 the way ``kitapbridge import`` takes them:
``open_connector`` + ``convert_record``.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from kitapbridge.connectors import SourceRecord, open_connector
from kitapbridge.marc import Conversion, OutputFormat, convert_record, open_writer
from tests.marc.helpers import needs_yaz, record_count, yaz_accepts

DEMO = Path(__file__).resolve().parents[2] / "kitapbridge" / "demo_data"
ORPHAN = "orphan copy: INV row 5075 refers to DOC_ID 9999, which does not exist"


@dataclass(frozen=True)
class Expected:
    system: str
    name: str
    converted: int
    rejected: list[tuple[int, str]]
    encodings: dict[str | None, int]
    issues: dict[str, int]


EXPECTED = [
    Expected("marc-sql", "marc_sql_school.db", 37, [(37, ORPHAN)], {"utf-8": 37, None: 1},
             {"missing-008": 1, "orphan-copy": 1}),
    # KZ-1048 bytes declared 89 (CP1251). The 10 records read as CP1251 hold Russian text
    # only, whose bytes are the same in both code pages: the declaration breaks the tie.
    Expected("marc-sql", "marc_sql_export_rusmarc_kz1048.iso", 30, [],
             {"kz1048": 20, "cp1251": 10}, {}),
    Expected("kabis", "kabis_print_list.htm", 35, [], {"utf-8": 35},
             {"isbn-check-character-repaired": 1, "homoglyphs": 1}),
    Expected("kabis", "kabis_export_marc21.mrc", 30, [], {"utf-8": 30},
             {"isbn-check-character-repaired": 1}),
    Expected("kitaphana", "kitaphana_books_kz1048.csv", 41, [], {"utf-8": 41},
             {"isbn-check-character-repaired": 1, "homoglyphs": 1}),
    Expected("kitaphana", "kitaphana_books.xlsx", 30, [], {"utf-8": 30},
             {"isbn-check-character-repaired": 1, "homoglyphs": 1}),
    Expected("kitaphana", "kitaphana_books_ptcp154.dbf", 30, [], {"utf-8": 30},
             {"isbn-check-character-repaired": 1}),
]  # fmt: skip


def convert_demo(system: str, name: str) -> list[tuple[SourceRecord, Conversion]]:
    return [(source, convert_record(source)) for source in open_connector(system, DEMO / name)]


@pytest.fixture(scope="module")
def converted() -> dict[str, list[tuple[SourceRecord, Conversion]]]:
    return {e.name: convert_demo(e.system, e.name) for e in EXPECTED}


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.name)
def test_every_demo_export_converts(
    converted: dict[str, list[tuple[SourceRecord, Conversion]]], expected: Expected
) -> None:
    results = converted[expected.name]
    assert sum(not c.rejected for _s, c in results) == expected.converted
    assert [(s.index, c.reject_reason) for s, c in results if c.rejected] == expected.rejected
    assert Counter(c.encoding for _s, c in results) == expected.encodings
    assert Counter(i.code for _s, c in results for i in c.issues) == expected.issues
    assert all(c.unmapped == [] for _s, c in results)
    for _source, conversion in results:
        if conversion.record is not None:
            assert str(conversion.record.leader)[9] == "a"


def by_id(results: list[tuple[SourceRecord, Conversion]]) -> dict[str | None, Conversion]:
    return {source.local_id: conversion for source, conversion in results}


def test_kazakh_text_comes_out_exact_from_every_system(
    converted: dict[str, list[tuple[SourceRecord, Conversion]]],
) -> None:
    expected = {
        ("marc_sql_school.db", "1012"): "Ұлпан",
        ("marc_sql_export_rusmarc_kz1048.iso", "1016"): "Шолпанның күнәсі :",
        ("kabis_print_list.htm", "KB20034"): "Көксерек",
        ("kabis_export_marc21.mrc", "KB20033"): "Өнер-білім бар жұрттар",
        ("kitaphana_books_kz1048.csv", "K0040"): "Қазақстанның физикалық географиясы",
        ("kitaphana_books.xlsx", "K0006"): "Әңгімелер мен ертегілер",
        ("kitaphana_books_ptcp154.dbf", "K0008"): "Қазақ халық ертегілері",
    }
    found = {}
    for name, local_id in expected:
        record = by_id(converted[name])[local_id].record
        assert record is not None
        found[name, local_id] = record["245"]["a"]
    assert found == expected


def test_rusmarc_export_crosswalks_to_marc21(
    converted: dict[str, list[tuple[SourceRecord, Conversion]]],
) -> None:
    records = by_id(converted["marc_sql_export_rusmarc_kz1048.iso"])
    abai = records["1002"].record
    assert abai is not None
    assert records["1002"].encoding == "kz1048"
    assert str(abai["245"]) == "=245  10$aАбай жолы :$bроман-эпопея. 2-кітап"
    assert str(abai["100"]) == "=100  1\\$aӘуезов, М. О."
    assert [f["a"] for f in abai.get_fields("650")] == ["Қазақ әдебиеті", "Роман"]
    assert abai["020"]["a"] == "9786012004137"
    assert str(abai.leader)[5:10] == "nam a"  # a book, not under archival control
    fathers = records["1025"]
    assert (fathers.encoding, fathers.record is not None) == ("cp1251", True)
    assert fathers.record is not None and fathers.record["020"]["a"] == "560500011X"


@pytest.mark.parametrize(
    ("name", "local_id"),
    [
        ("marc_sql_school.db", "1025"),
        ("kabis_print_list.htm", "KB20020"),
        ("kabis_export_marc21.mrc", "KB20020"),
        ("kitaphana_books_kz1048.csv", "K0025"),
        ("kitaphana_books.xlsx", "K0025"),
        ("kitaphana_books_ptcp154.dbf", "K0015"),
    ],
)
def test_isbn_typed_with_cyrillic_x_is_repaired_and_reported(
    converted: dict[str, list[tuple[SourceRecord, Conversion]]], name: str, local_id: str
) -> None:
    conversion = by_id(converted[name])[local_id]
    assert conversion.record is not None
    assert conversion.record["245"]["a"] == "Отцы и дети"
    assert conversion.record["020"]["a"] == "5-605-00011-X"
    repairs = [i for i in conversion.issues if i.code == "isbn-check-character-repaired"]
    if name == "marc_sql_school.db":  # DOC.ITEM already holds a Latin X
        assert repairs == []
    else:
        assert [i.message for i in repairs] == [
            "$a '5-605-00011-Х': Cyrillic Х check character read as Latin X"
        ]


def test_homoglyphs_are_reported_and_kept(
    converted: dict[str, list[tuple[SourceRecord, Conversion]]],
) -> None:
    daughter = by_id(converted["kabis_print_list.htm"])["KB20014"]
    literature = by_id(converted["kitaphana_books_kz1048.csv"])["K0008"]
    assert daughter.record is not None and literature.record is not None
    assert daughter.record["245"]["a"] == "Kапитанская дoчка"
    assert literature.record["245"]["a"] == "Қазақ әдебиетi"
    assert [i.message for i in daughter.issues + literature.issues if i.code == "homoglyphs"] == [
        "$a 'Kапитанская дoчка' mixes Latin and Cyrillic look-alikes "
        "(reads as 'Капитанская дочка')",
        "$a 'Қазақ әдебиетi' mixes Latin and Cyrillic look-alikes (reads as 'Қазақ әдебиеті')",
    ]


def test_copies_travel_next_to_the_converted_record(
    converted: dict[str, list[tuple[SourceRecord, Conversion]]],
) -> None:
    copies = {
        name: sum(len(s.holdings) for s, c in results if not c.rejected)
        for name, results in converted.items()
    }
    assert copies == {
        "marc_sql_school.db": 75,  # + the orphan copy, quarantined with its record
        "marc_sql_export_rusmarc_kz1048.iso": 0,
        "kabis_print_list.htm": 71,
        "kabis_export_marc21.mrc": 0,  # its copies are 852/876 inside the records
        "kitaphana_books_kz1048.csv": 80,
        "kitaphana_books.xlsx": 60,
        "kitaphana_books_ptcp154.dbf": 60,
    }
    kabis = by_id(converted["kabis_export_marc21.mrc"])["KB20004"].record
    assert kabis is not None
    assert str(kabis["852"]) == "=852  \\\\$aKZ-AST-SCH045$h81.2Каз-922$iЖ94"


def write_converted(
    converted: dict[str, list[tuple[SourceRecord, Conversion]]], output_format: OutputFormat
) -> bytes:
    stream = io.BytesIO()
    with open_writer(stream, output_format) as writer:
        for results in converted.values():
            for _source, conversion in results:
                if conversion.record is not None:
                    writer.write(conversion.record)
    return stream.getvalue()


@needs_yaz
def test_every_demo_record_written_as_iso2709_passes_yaz_marcdump(
    converted: dict[str, list[tuple[SourceRecord, Conversion]]], tmp_path: Path
) -> None:
    output = tmp_path / "demo.mrc"
    output.write_bytes(write_converted(converted, OutputFormat.ISO2709))
    dump = yaz_accepts(output)
    assert record_count(dump) == 233
    assert "Қазақстанның физикалық географиясы" in dump


def test_every_demo_record_written_as_marcxml_validates(
    converted: dict[str, list[tuple[SourceRecord, Conversion]]], shared_fixtures: Path
) -> None:
    schema = etree.XMLSchema(etree.parse(str(shared_fixtures / "xsd" / "MARC21slim.xsd")))
    document = etree.fromstring(write_converted(converted, OutputFormat.MARCXML))
    schema.assertValid(document)
    assert len(document) == 233
