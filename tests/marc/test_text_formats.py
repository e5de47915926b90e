"""MARCXML, MARC-in-JSON and line-format reading from bytes built in the test."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitapbridge.marc.formats import SNIFF_LENGTH, MarcFormat, UnknownFormatError, sniff_format
from kitapbridge.marc.issues import RecordError
from kitapbridge.marc.marcjson import iter_json_chunks, parse_record_json
from kitapbridge.marc.marcline import iter_line_chunks, parse_record_lines
from kitapbridge.marc.marcxml import iter_xml_chunks, parse_record_xml
from kitapbridge.marc.pipeline import convert_record
from kitapbridge.marc.reading import read_marc_file

DEMO_DATA = Path(__file__).resolve().parents[2] / "kitapbridge" / "demo_data"

RECORD_XML = (
    "<marc:record><marc:leader>00000nam a2200000 i 4500</marc:leader>"
    '<marc:controlfield tag="001">kz-{n}</marc:controlfield>'
    '<marc:datafield tag="245" ind1="1" ind2="0"><marc:subfield code="a">Абай жолы {n}'
    "</marc:subfield></marc:datafield></marc:record>"
)


def collection(*records: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<marc:collection xmlns:marc="http://www.loc.gov/MARC21/slim">'
        + "".join(records)
        + "</marc:collection>"
    ).encode()


def test_prefixed_marcxml_records_parse_on_their_own() -> None:
    data = collection(*(RECORD_XML.format(n=n) for n in range(3)))
    chunks = list(iter_xml_chunks(io.BytesIO(data)))
    assert [c.index for c in chunks] == [0, 1, 2]
    assert chunks[0].offset == data.index(b"<marc:record>")
    titles = [parse_record_xml(c.document)["245"]["a"] for c in chunks]
    assert titles == ["Абай жолы 0", "Абай жолы 1", "Абай жолы 2"]


def test_broken_record_in_the_middle_is_reported_and_reading_goes_on() -> None:
    broken = RECORD_XML.format(n=1).replace('code="a">', 'code="a>')
    data = collection(RECORD_XML.format(n=0), broken, RECORD_XML.format(n=2))
    chunks = list(iter_xml_chunks(io.BytesIO(data)))
    assert len(chunks) == 3
    parse_record_xml(chunks[0].document)
    with pytest.raises(RecordError, match="XML not well-formed"):
        parse_record_xml(chunks[1].document)
    assert parse_record_xml(chunks[2].document)["001"].data == "kz-2"


def test_truncated_marcxml_file() -> None:
    data = collection(RECORD_XML.format(n=0), RECORD_XML.format(n=1))[:-60]
    chunks = list(iter_xml_chunks(io.BytesIO(data)))
    assert [c.complete for c in chunks] == [True, False]
    with pytest.raises(RecordError, match="XML not well-formed"):
        parse_record_xml(chunks[1].document)


def test_sru_wrapper_with_nested_record_element() -> None:
    data = (
        b'<zs:searchRetrieveResponse xmlns:zs="http://docs.oasis-open.org/ns/search-ws/sruResponse">'
        b"<zs:records><zs:record><zs:recordData>"
        + RECORD_XML.format(n=7)
        .replace("marc:", "")
        .replace("<record>", '<record xmlns="http://www.loc.gov/MARC21/slim">')
        .encode()
        + b"</zs:recordData></zs:record></zs:records></zs:searchRetrieveResponse>"
    )
    chunks = list(iter_xml_chunks(io.BytesIO(data)))
    assert len(chunks) == 1
    assert parse_record_xml(chunks[0].document)["001"].data == "kz-7"


def test_xml_entities_are_not_expanded() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
        b"<leader>00000nam a2200000 i 4500</leader>"
        b'<datafield tag="245" ind1=" " ind2=" "><subfield code="a">&x;</subfield></datafield>'
        b"</record></collection>"
    )
    (chunk,) = iter_xml_chunks(io.BytesIO(data))
    with pytest.raises(RecordError, match="Entity 'x' not defined"):
        parse_record_xml(chunk.document)


JSON_RECORD = (
    '{"leader":"00000nam a2200000 i 4500","fields":[{"001":"kz-%d"},'
    '{"245":{"ind1":"1","ind2":"0","subfields":[{"a":"Қазақ әдебиеті"}]}}]}'
)


@pytest.mark.parametrize(
    "text",
    [
        "[" + ",".join(JSON_RECORD % n for n in range(3)) + "]",
        "\n".join(JSON_RECORD % n for n in range(3)) + "\n",
        "[\n  " + ",\n  ".join(JSON_RECORD % n for n in range(3)) + "\n]\n",
    ],
    ids=["array", "json-lines", "pretty-array"],
)
def test_json_shapes(text: str) -> None:
    chunks = list(iter_json_chunks(io.BytesIO(text.encode())))
    assert [parse_record_json(c.data)["001"].data for c in chunks] == ["kz-0", "kz-1", "kz-2"]
    assert all(c.error is None for c in chunks)


def test_json_record_js_shape() -> None:
    record = parse_record_json(
        '{"leader":"00000nam a2200000 i 4500","fields":[{"tag":"001","value":"x"},'
        '{"tag":"245","ind1":"1","ind2":"0","subfields":[{"code":"a","value":"Ғылым"}]}]}'.encode()
    )
    assert record["245"]["a"] == "Ғылым"
    assert record["001"].data == "x"


def test_broken_json_ends_the_stream_with_an_error() -> None:
    text = JSON_RECORD % 0 + "\n" + '{"leader": "x", "fields": [' + "\n"
    chunks = list(iter_json_chunks(io.BytesIO(text.encode())))
    assert len(chunks) == 2
    assert chunks[1].error is not None and chunks[1].error.startswith("JSON: ")


MRK = """=LDR  00000nam\\a2200000\\i\\4500
=001  kz-1
=245  10$aҚазақ әдебиеті /$cӘуезов.
"""

YAZ_LINES = """00000nam a2200000 i 4500
001 kz-2
245 10 $a Абай жолы / $c Әуезов.
"""


def test_mrk_and_yaz_line_formats() -> None:
    (mrk,) = iter_line_chunks(io.BytesIO(MRK.encode()))
    record = parse_record_lines(mrk.data)
    assert str(record.leader) == "00000nam a2200000 i 4500"
    assert record["245"]["a"] == "Қазақ әдебиеті /"
    assert record["245"]["c"] == "Әуезов."
    chunks = list(iter_line_chunks(io.BytesIO((YAZ_LINES + "\n" + YAZ_LINES).encode())))
    assert len(chunks) == 2
    record = parse_record_lines(chunks[1].data)
    assert (record["245"]["a"], record["245"]["c"]) == ("Абай жолы /", "Әуезов.")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xef\xbb\xbf<?xml version='1.0'?>", MarcFormat.MARCXML),
        (b"  [{", MarcFormat.MARCJSON),
        (b"00714cam a2200205 a 4500\n001 x", MarcFormat.MARCLINE),
        (b"=LDR  00714cam a2200205 a 4500\n", MarcFormat.MARCLINE),
        (b"00714cam a2200205 a 4500001001300000", MarcFormat.ISO2709),
    ],
)
def test_format_is_sniffed_from_content(head: bytes, expected: MarcFormat) -> None:
    assert sniff_format(head) is expected


def test_not_marc_at_all() -> None:
    with pytest.raises(UnknownFormatError, match="not a MARC file"):
        sniff_format(b"%PDF-1.4")


@pytest.mark.parametrize(
    "name", ["kitaphana_books.xlsx", "marc_sql_school.db", "kitaphana_books_ptcp154.dbf"]
)
def test_binary_table_and_database_files_are_not_iso2709(name: str) -> None:
    """Their headers hold 0x1D/0x1E bytes; they used to be cut into dozens of garbage records."""
    head = (DEMO_DATA / name).read_bytes()[:SNIFF_LENGTH]
    assert b"\x1e" in head or b"\x1d" in head
    with pytest.raises(UnknownFormatError, match="not a MARC file"):
        sniff_format(head)


def test_damaged_leader_with_terminators_is_still_iso2709() -> None:
    assert sniff_format(b"\xd1\x82" + b"x" * 30 + b"\x1e245\x1faTitle\x1e\x1d") is (
        MarcFormat.ISO2709
    )


def test_every_reader_feeds_the_same_pipeline(tmp_path: Path) -> None:
    """The same record in four serialisations converts to the same MARC21 fields."""
    xml = tmp_path / "r.xml"
    xml.write_bytes(collection(RECORD_XML.format(n=5)))
    json_file = tmp_path / "r.json"
    json_file.write_text(JSON_RECORD % 5, encoding="utf-8")
    (xml_source,) = read_marc_file(xml)
    (json_source,) = read_marc_file(json_file)
    assert xml_source.local_id == json_source.local_id == "kz-5"
    for source in (xml_source, json_source):
        conversion = convert_record(source)
        assert conversion.encoding == "utf-8"
        assert conversion.record is not None
        assert [f.tag for f in conversion.record.fields] == ["001", "245"]


@settings(
    max_examples=150, deadline=3000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        st.builds(lambda b: b"<collection><record>" + b, st.binary(max_size=1000)),
        st.builds(lambda b: b'[{"leader": "' + b, st.binary(max_size=1000)),
        st.builds(lambda b: b"00000nam a2200000 i 4500\n" + b, st.binary(max_size=1000)),
    )
)
def test_arbitrary_input_never_crashes_the_pipeline(data: bytes, tmp_path: Path) -> None:
    """Any bytes: either the file is not MARC, or every record converts or is rejected."""
    path = tmp_path / "input"
    path.write_bytes(data)
    try:
        sources = list(read_marc_file(path))
    except UnknownFormatError:
        return
    for source in sources:
        conversion = convert_record(source)
        assert conversion.record is not None or conversion.reject_reason


def test_datafield_under_a_control_tag_keeps_its_text(marc_fixtures: Path) -> None:
    """yaz marc1.xml (DanMARC): pymarc dropped the subfields of a datafield tagged 001."""
    (source,) = read_marc_file(marc_fixtures / "yaz" / "marc1.xml")
    assert source.record is not None
    assert source.record["001"].subfields == [
        ("a", "9 181 423 4"),
        ("b", "710100"),
        ("f", "a"),
    ]
    record = convert_record(source).record
    assert record is not None and record["001"].data == "9 181 423 4 710100 a"
