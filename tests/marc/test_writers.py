"""Writers: output that yaz and the MARC21 schema accept, and lossless round trips."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pymarc
import pytest
from lxml import etree

from kitapbridge.connectors.base import SourceRecord, SourceSystem
from kitapbridge.marc.issues import RecordError
from kitapbridge.marc.pipeline import convert_record
from kitapbridge.marc.reading import read_marc_file
from kitapbridge.marc.writers import (
    Iso2709Writer,
    MarcJsonWriter,
    MarcXmlWriter,
    OutputFormat,
    leader_with_lengths,
    open_writer,
    record_to_iso2709,
)

from .helpers import convert_file, needs_yaz, record_count, yaz_accepts
from .test_iso2709 import iso_record

SOURCES = [
    "pymarc/1251.dat",
    "seed-format-marc/data/1251-split.mrc",
    "yaz/marccol5.u8.marc",
    "mod-reservoir/resources/marc3.marc",
    "seed-format-marc/data/multipart/merged.mrc",
    "pymarc/bad_records.mrc",
    "ruby-marc/cp866_multirecord.marc",
    "pymarc/regression45.dat",
]


def converted_records(marc_fixtures: Path) -> list[pymarc.Record]:
    records = []
    for name in SOURCES:
        records += [c.record for c in convert_file(marc_fixtures / name).converted if c.record]
    return records


def write_all(records: list[pymarc.Record], output_format: OutputFormat) -> bytes:
    stream = io.BytesIO()
    with open_writer(stream, output_format) as writer:
        for record in records:
            writer.write(record)
    return stream.getvalue()


def as_tuples(record: pymarc.Record) -> tuple[str, list[tuple[str, ...]]]:
    fields = []
    for field in record.fields:
        if field.control_field:
            fields.append((field.tag, field.data or ""))
        else:
            subfields = [f"{code}={value}" for code, value in field.subfields]
            fields.append((field.tag, field.indicator1, field.indicator2, *subfields))
    return leader_with_lengths(record), fields


@pytest.fixture(scope="module")
def records(shared_fixtures: Path) -> list[pymarc.Record]:
    return converted_records(shared_fixtures / "marc")


@needs_yaz
def test_iso2709_output_passes_yaz_marcdump(records: list[pymarc.Record], tmp_path: Path) -> None:
    output = tmp_path / "out.mrc"
    output.write_bytes(write_all(records, OutputFormat.ISO2709))
    dump = yaz_accepts(output)
    assert record_count(dump) == len(records)
    assert "Основы гидравлического расчета инженерных сетей" in dump


def test_marcxml_output_validates_against_marc21slim(
    records: list[pymarc.Record], shared_fixtures: Path
) -> None:
    schema = etree.XMLSchema(etree.parse(str(shared_fixtures / "xsd" / "MARC21slim.xsd")))
    document = etree.fromstring(write_all(records, OutputFormat.MARCXML))
    schema.assertValid(document)
    assert len(document) == len(records) == 54


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_round_trip_is_lossless(
    records: list[pymarc.Record], output_format: OutputFormat, tmp_path: Path
) -> None:
    path = tmp_path / f"out.{output_format.value}"
    path.write_bytes(write_all(records, output_format))
    read_back = [convert_record(source) for source in read_marc_file(path)]
    assert all(not c.rejected for c in read_back)
    assert [as_tuples(c.record) for c in read_back if c.record] == [as_tuples(r) for r in records]


def test_round_trip_matches_yaz_marcxml(marc_fixtures: Path, tmp_path: Path) -> None:
    """Our MARCXML of marccol5 (Cyrillic, Bengali) reads back as yaz's own MARCXML does."""
    if shutil.which("yaz-marcdump") is None:
        pytest.skip("yaz-marcdump is not installed")
    source = marc_fixtures / "yaz" / "marccol5.u8.marc"
    yaz_xml = tmp_path / "yaz.xml"
    with yaz_xml.open("wb") as handle:
        subprocess.run(
            ["yaz-marcdump", "-i", "marc", "-o", "marcxml", str(source)], stdout=handle, check=True
        )
    ours = [as_tuples(c.record)[1] for c in convert_file(source).converted if c.record]
    theirs = [as_tuples(c.record)[1] for c in convert_file(yaz_xml).converted if c.record]
    assert ours == theirs
    assert len(ours) == 11


def big_record(note_count: int, note_length: int = 9000) -> pymarc.Record:
    record = pymarc.Record(to_unicode=True, force_utf8=True)
    record.leader = pymarc.Leader("00000nam a2200000 i 4500")
    record.add_field(pymarc.Field(tag="001", data="big"))
    for _ in range(note_count):
        record.add_field(
            pymarc.Field(
                tag="876",
                indicators=pymarc.Indicators(" ", " "),
                subfields=[pymarc.Subfield("p", "ы" * (note_length // 2))],
            )
        )
    return record


def test_iso2709_refuses_a_record_over_99999_bytes() -> None:
    stream = io.BytesIO()
    with Iso2709Writer(stream) as writer, pytest.raises(RecordError) as error:
        writer.write(big_record(12))
    assert error.value.reason == (
        "record has 108246 bytes; ISO 2709 allows 99999 (write MARCXML instead)"
    )
    assert stream.getvalue() == b""


def test_iso2709_refuses_a_field_over_9999_bytes() -> None:
    with pytest.raises(RecordError, match="field 876 has 10005 bytes; ISO 2709 allows 9999"):
        record_to_iso2709(big_record(1, note_length=10_000))


def test_marcxml_has_no_limit() -> None:
    stream = io.BytesIO()
    with MarcXmlWriter(stream) as writer:
        writer.write(big_record(12))
    root = etree.fromstring(stream.getvalue())
    assert len(root[0]) == 14  # leader, 001 and twelve 876


def test_iso2709_lengths_are_bytes_of_utf8() -> None:
    record = big_record(1, note_length=10)
    data = record_to_iso2709(record)
    assert int(data[:5]) == len(data)
    assert data[9:10] == b"a"


def test_json_writer_writes_marc_in_json_array() -> None:
    stream = io.BytesIO()
    with MarcJsonWriter(stream) as writer:
        writer.write(big_record(1, note_length=4))
    assert stream.getvalue().decode() == (
        '[\n{"leader":"00063nam a2200049 i 4500","fields":[{"001":"big"},'
        '{"876":{"ind1":" ","ind2":" ","subfields":[{"p":"ыы"}]}}]}\n]\n'
    )


def test_converted_kazakh_record_written_in_every_format() -> None:
    title = "Қазақ әдебиеті".encode("kz1048")
    raw = iso_record([("001", b"kz-0001"), ("245", b"10\x1fa" + title)], leader_tail=" nam  22")
    conversion = convert_record(SourceRecord(SourceSystem.MARC, raw, "iso2709", 0, 0))
    assert conversion.encoding == "kz1048"
    assert conversion.record is not None
    for output_format in OutputFormat:
        assert "Қазақ әдебиеті".encode() in write_all([conversion.record], output_format)
