"""Cutting MARC files into raw records: ISO 2709, MARCXML, MARC-in-JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pymarc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitapbridge.connectors import MarcFileConnector, SourceSystem
from kitapbridge.connectors.marc_file import sniff_marc_format


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
    assert {(r.system, r.raw_format, r.record) for r in records} == {
        (SourceSystem.MARC, "iso2709", None)
    }


def test_yaz_file_ids_and_offsets(shared_fixtures: Path) -> None:
    records = list(MarcFileConnector(shared_fixtures / "marc/yaz/marccol5.u8.marc"))
    assert [r.local_id for r in records][:4] == [
        "ocm57665435",
        "ocm86174229",
        "ocm44944167",
        "ocm62425106",
    ]
    assert [r.offset for r in records][:3] == [0, 1385, 4258]


def test_damaged_records_are_yielded_not_dropped(shared_fixtures: Path) -> None:
    path = shared_fixtures / "marc/pymarc/bad_records.mrc"
    records = list(MarcFileConnector(path))
    assert len(records) == 8
    assert b"".join(r.raw for r in records) + b"\n" == path.read_bytes()


def test_marcxml_records_and_a_broken_tail(shared_fixtures: Path) -> None:
    path = shared_fixtures / "marc/ruby-marc/three-records-second-bad.xml"
    first, rest = MarcFileConnector(path)
    assert (first.raw_format, first.local_id, first.index) == ("marcxml", "afc99990058366", 0)
    assert first.raw.startswith(b"<record")
    assert (rest.local_id, rest.index, rest.offset) == (None, 1, 2766)
    assert rest.raw == path.read_bytes()[2766:]


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


def test_marcxml_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read", encoding="utf-8")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<collection><record><controlfield tag="001">&x;</controlfield></record></collection>',
        encoding="utf-8",
    )
    (record,) = MarcFileConnector(path)
    assert b"do not read" not in record.raw
    assert record.local_id is None


def test_marc_in_json_array_lines_and_pretty_objects(tmp_path: Path) -> None:
    record = {"leader": "00000nam a2200000 a 4500", "fields": [{"001": "J1"}]}
    array = tmp_path / "array.json"
    array.write_text(json.dumps([record, record]), encoding="utf-8")
    assert [r.local_id for r in MarcFileConnector(array)] == ["J1", "J1"]
    lines = tmp_path / "records.jsonl"
    line = json.dumps(record)
    lines.write_text(f"{line}\n{line}\n", encoding="utf-8")
    cut = list(MarcFileConnector(lines))
    assert [(r.offset, r.raw) for r in cut] == [(0, line.encode()), (len(line) + 1, line.encode())]
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(record, indent=2) + "\n{broken", encoding="utf-8")
    good, broken = MarcFileConnector(pretty)
    assert good.local_id == "J1"
    assert broken.raw == b"{broken"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"00714cam a2200205 a 4500", "iso2709"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>', "marcxml"),
        (b"  \n[{", "marcjson"),
        (b'{"leader"', "marcjson"),
    ],
)
def test_sniff(head: bytes, expected: str) -> None:
    assert sniff_marc_format(head) == expected


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_iso2709_cutting_never_loses_bytes(tmp_path: Path, data: bytes) -> None:
    if sniff_marc_format(data[:512]) != "iso2709":
        data = b"0" + data
    path = tmp_path / "any.mrc"
    path.write_bytes(data)
    records = list(MarcFileConnector(path))
    assert b"".join(r.raw for r in records).rstrip(b"\x1a\r\n \x00") == data.rstrip(
        b"\x1a\r\n \x00"
    )
