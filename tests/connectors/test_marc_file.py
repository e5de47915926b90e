"""The MARC file connector: records of any MARC file, with their 001, offsets and cutting issues.

Reading itself is ``kitapbridge.marc.read_marc_file``'s (tested in tests/marc);
these tests pin what the connector adds and what import runs rely on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pymarc
import pytest

from kitapbridge.connectors import ConnectorError, KabisExport, MarcFileConnector, SourceSystem
from kitapbridge.connectors.marc_sql import MarcSqlExport
from kitapbridge.marc.issues import Issue, Severity


def iso2709_control_numbers_by_pymarc(path: Path) -> list[str]:
    with path.open("rb") as handle:
        reader = pymarc.MARCReader(
            handle, to_unicode=True, force_utf8=True, utf8_handling="replace"
        )
        return [record["001"].data.strip() for record in reader if record]


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("yaz/marccol5.u8.marc", 11),
        ("pymarc/1251.dat", 6),
        ("rusmarc-loge-gh/TEST1.ISO", 81),
    ],
)
def test_iso2709_records_are_cut_byte_exact(shared_fixtures: Path, name: str, count: int) -> None:
    path = shared_fixtures / "marc" / name
    data = path.read_bytes()
    records = list(MarcFileConnector(path))
    assert len(records) == count
    assert b"".join(r.raw for r in records) == data
    for record in records:
        assert data[record.offset : record.offset + len(record.raw)] == record.raw
        assert record.raw.endswith(b"\x1d")
    assert [r.local_id for r in records] == iso2709_control_numbers_by_pymarc(path)
    assert [r.index for r in records] == list(range(count))
    assert {(r.system, r.raw_format, r.record, r.source_name) for r in records} == {
        (SourceSystem.MARC, "iso2709", None, path.name)
    }
    assert [r.issues for r in records] == [[]] * count


def test_yaz_file_ids_and_offsets(shared_fixtures: Path) -> None:
    records = list(MarcFileConnector(shared_fixtures / "marc/yaz/marccol5.u8.marc"))
    assert [r.local_id for r in records][:4] == [
        "ocm57665435",
        "ocm86174229",
        "ocm44944167",
        "ocm62425106",
    ]
    assert [r.offset for r in records][:3] == [0, 1385, 4258]


def test_damaged_records_are_yielded_with_what_was_recovered(shared_fixtures: Path) -> None:
    path = shared_fixtures / "marc/pymarc/bad_records.mrc"
    records = list(MarcFileConnector(path))
    assert b"".join(r.raw for r in records) + b"\n" == path.read_bytes()
    assert [r.offset for r in records] == [0, 127, 254, 381, 509, 637, 764, 790]
    re_read = Issue(
        "bad-directory",
        "directory disagrees with the field data (1 entries, 1 fields): "
        "fields re-read by field terminator",
    )

    def base_address(value: str) -> Issue:
        return Issue(
            "base-address-mismatch", f"leader base address {value!r}, data starts at byte 37"
        )

    assert [r.issues for r in records] == [
        [],
        [base_address("99937")],
        [base_address("00000")],
        [re_read],
        [re_read],
        [base_address("f0037")],
        [
            Issue(
                "unreadable",
                "no readable directory before the first field terminator (byte 24)",
                Severity.ERROR,
            )
        ],
        [],
    ]


def test_marcxml_reading_goes_on_after_a_broken_record(shared_fixtures: Path) -> None:
    path = shared_fixtures / "marc/ruby-marc/three-records-second-bad.xml"
    first, broken, third = MarcFileConnector(path)
    assert (first.raw_format, first.local_id, first.index, first.offset) == (
        "marcxml",
        "afc99990058366",
        0,
        262,
    )
    assert first.record is not None and first.issues == []
    assert (broken.local_id, broken.index, broken.offset, broken.record) == (None, 1, 2770, None)
    assert broken.issues == [
        Issue(
            "unreadable",
            "XML not well-formed: invalid character in attribute value, line 19, column 29",
            Severity.ERROR,
        )
    ]
    assert (third.local_id, third.index, third.offset) == ("afc99990058366", 2, 5355)


def test_marcxml_without_namespace(tmp_path: Path) -> None:
    path = tmp_path / "rusmarc.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><collection><record><leader>00000nam0 2200000 450 '
        '</leader><controlfield tag="001">KZ-1</controlfield><datafield tag="200" ind1="1" '
        'ind2=" "><subfield code="a">Қазақ тілі</subfield></datafield></record></collection>',
        encoding="utf-8",
    )
    (record,) = MarcFileConnector(path)
    assert record.local_id == "KZ-1"
    assert "Қазақ тілі".encode() in record.raw


def test_marc_in_json_lines_keep_their_offsets(tmp_path: Path) -> None:
    record = {"leader": "00000nam a2200000 a 4500", "fields": [{"001": "J1"}]}
    lines = tmp_path / "records.jsonl"
    line = json.dumps(record)
    lines.write_text(f"{line}\n{line}\n", encoding="utf-8")
    cut = list(MarcFileConnector(lines))
    assert [(r.offset, r.raw, r.local_id) for r in cut] == [
        (0, line.encode(), "J1"),
        (len(line) + 1, line.encode(), "J1"),
    ]


def test_exports_of_school_systems_name_their_system(shared_fixtures: Path) -> None:
    path = shared_fixtures / "marc/pymarc/1251.dat"
    assert {r.system for r in KabisExport(path)} == {SourceSystem.KABIS}
    assert {r.system for r in MarcSqlExport(path, source_name="школа-7.iso")} == {
        SourceSystem.MARC_SQL
    }
    assert {r.source_name for r in MarcSqlExport(path, source_name="школа-7.iso")} == {
        "школа-7.iso"
    }


def test_a_file_that_is_not_marc_is_a_connector_error(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("Абай жолы\n", encoding="utf-8")
    with pytest.raises(ConnectorError) as raised:
        list(MarcFileConnector(path))
    assert raised.value.source == "list.txt"
    assert raised.value.reason.startswith("not a MARC file: starts with ")
