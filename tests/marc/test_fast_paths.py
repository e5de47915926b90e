"""The conversion's fast paths give exactly what the general code gives.

Conversion reads a regular record in one piece (``decode.decode_record``), builds
pymarc objects without their argument checks (``marc.fields``) and skips repairs a
clean record does not need. Each shortcut is compared here with the general path
on every ISO 2709 record of the shared fixtures and on generated records.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pymarc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from stdnum import isbn as stdnum_isbn

from kitapbridge.marc import encodings, normalise, validate, writers
from kitapbridge.marc.decode import decode_record
from kitapbridge.marc.fields import indicators, new_data_field, subfield, subfields_of
from kitapbridge.marc.formats import MarcFormat, UnknownFormatError, sniff_format
from kitapbridge.marc.isbn import is_valid_isbn
from kitapbridge.marc.iso2709 import iter_chunks, parse_record
from kitapbridge.marc.issues import Issue, RecordError
from kitapbridge.marc.leader import LeaderAsFound
from kitapbridge.marc.marcxml import MARC21_NAMESPACE
from kitapbridge.marc.pipeline import convert_record
from kitapbridge.marc.reading import read_marc_file
from kitapbridge.text.homoglyphs import repair_homoglyphs
from tests.marc.test_iso2709 import iso_record


def _shape(record: pymarc.Record) -> tuple[object, ...]:
    """Everything a record holds, with the type of every field and subfield."""
    return (
        str(record.leader),
        [
            (
                type(field),
                field.tag,
                field.control_field,
                field.data,
                field.indicators,
                type(field.indicators),
                [(type(sub), tuple(sub)) for sub in field.subfields],
            )
            for field in record.fields
        ],
    )


def _iso2709_files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        try:
            with path.open("rb") as stream:
                if sniff_format(stream.read(4096)) is MarcFormat.ISO2709:
                    found.append(path)
        except UnknownFormatError:
            continue
    return found


def _both_readings(chunk: bytes, encoding: str) -> tuple[object, object]:
    try:
        raw = parse_record(chunk)
    except RecordError:
        return None, None
    fast_issues: list[Issue] = []
    slow_issues: list[Issue] = []
    fast = decode_record(raw, encoding, fast_issues)
    slow = decode_record(raw, encoding, slow_issues, field_by_field=True)
    return (_shape(fast), fast_issues), (_shape(slow), slow_issues)


def test_fields_built_without_checks_equal_pymarc_fields() -> None:
    subfields = [pymarc.Subfield("a", "Абай жолы /"), pymarc.Subfield("c", "Әуезов.")]
    expected = pymarc.Field(tag="245", indicators=pymarc.Indicators("1", "0"), subfields=subfields)
    built = new_data_field("245", indicators("10"), subfields_of(["aАбай жолы /", "cӘуезов."]))
    assert set(pymarc.Field.__slots__) == {
        "tag",
        "data",
        "_indicators",
        "subfields",
        "__pos",
        "control_field",
    }, "pymarc.Field changed its slots: check marc.fields.new_data_field"
    for name in ("tag", "data", "indicators", "subfields", "control_field"):
        assert getattr(built, name) == getattr(expected, name), name
    assert type(built.indicators) is pymarc.Indicators
    assert all(type(sub) is pymarc.Subfield for sub in built.subfields)
    assert subfield("a", "x") == pymarc.Subfield("a", "x")
    assert list(built) == list(expected)
    assert built.as_marc("utf-8") == expected.as_marc("utf-8")
    assert str(built) == str(expected)


def test_every_fixture_record_reads_the_same_in_one_piece_and_field_by_field(
    marc_fixtures: Path,
) -> None:
    files = _iso2709_files(marc_fixtures)
    assert len(files) > 40
    compared = 0
    for path in files:
        with path.open("rb") as stream:
            for chunk in iter_chunks(stream):
                for encoding in (encodings.UTF8, encodings.CP1251, encodings.CP866):
                    fast, slow = _both_readings(chunk.data, encoding)
                    assert fast == slow, (path, chunk.index, encoding)
                    compared += fast is not None
    assert compared > 1400  # 473 readable records, three encodings each


_BYTES = st.binary(max_size=30).map(lambda b: b.replace(b"\x1e", b"").replace(b"\x1d", b""))
_SUBFIELDS = st.lists(
    st.tuples(st.sampled_from([b"a", b"b", b"A", b"\xd0", b""]), _BYTES), min_size=1, max_size=4
)
# mostly regular fields (two indicators, then subfields), some arbitrary bytes
_CONTENT = st.one_of(
    st.tuples(st.sampled_from([b"  ", b"10", b"#4", b"\xd0\x90", b"1"]), _SUBFIELDS).map(
        lambda f: f[0] + b"".join(b"\x1f" + code + value for code, value in f[1])
    ),
    _BYTES,
)
_FIELDS = st.lists(
    st.tuples(st.sampled_from(["001", "008", "100", "245", "650", "0 2", "9ZZ"]), _CONTENT),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    fields=_FIELDS,
    encoding=st.sampled_from([e for e in encodings.SUPPORTED_ENCODINGS if e != encodings.MARC8]),
)
def test_generated_records_read_the_same_in_one_piece_and_field_by_field(
    fields: list[tuple[str, bytes]], encoding: str
) -> None:
    fast, slow = _both_readings(iso_record(fields), encoding)
    assert fast == slow


def test_regular_utf8_record_is_read_in_one_piece_with_its_damage_reported() -> None:
    value = "10\x1faАбай ".encode() + b"\xd0" + " жолы\x1fc\ufffd".encode()
    raw = parse_record(iso_record([("001", b"kz-1"), ("245", value)]))
    issues: list[Issue] = []
    decoded = decode_record(raw, encodings.UTF8, issues)
    assert decoded["245"].subfields == [
        pymarc.Subfield("a", "Абай \ufffd жолы"),
        pymarc.Subfield("c", "\ufffd"),
    ]
    assert [(i.code, i.message) for i in issues] == [
        ("replacement-characters", "1 U+FFFD in the source: text was lost before this export"),
        ("undecodable-bytes", "1 byte sequences are not utf-8 and became U+FFFD"),
    ]


def test_reader_hands_its_cut_to_conversion_once(marc_fixtures: Path) -> None:
    path = marc_fixtures / "ruby-marc" / "cp866_multirecord.marc"
    with_cut = list(read_marc_file(path))
    assert len(with_cut) == 2
    assert all(source.cut is not None for source in with_cut)
    without_cut = list(read_marc_file(path))
    for source in without_cut:
        source.cut = None
    for first, second in zip(with_cut, without_cut, strict=True):
        converted, reparsed = convert_record(first), convert_record(second)
        assert first.cut is None, "the cut is released once used"
        assert converted.issues == reparsed.issues
        assert converted.decisions == reparsed.decisions
        assert converted.record is not None and reparsed.record is not None
        assert _shape(converted.record) == _shape(reparsed.record)


@pytest.mark.parametrize("text", ["Абай", "cafe\u0301", "a\x07b"])
def test_subfields_of_splits_code_and_value(text: str) -> None:
    assert subfields_of([f"a{text}", "b", ""]) == [
        pymarc.Subfield("a", text),
        pymarc.Subfield("b", ""),
        pymarc.Subfield("", ""),
    ]


_TEXT = st.text(
    alphabet=st.sampled_from(
        ["a", "Z", " ", "\t", "\x7f", "\x00", "\x1f", "\x1e", "\ufffe", "е", "\u0301", "é", "Ә"]
    ),
    max_size=6,
)


@settings(max_examples=500, deadline=None)
@given(
    subfields=st.lists(
        st.tuples(st.sampled_from(["a", "b", "6", "A", "", "ab", "$", "ж"]), _TEXT), max_size=4
    )
)
def test_a_field_found_clean_in_one_pass_needs_no_repair(subfields: list[tuple[str, str]]) -> None:
    as_subfields = [pymarc.Subfield(code, value) for code, value in subfields]
    field = pymarc.Field(tag="245", indicators=pymarc.Indicators("1", "0"), subfields=as_subfields)
    issues: list[Issue] = []
    repaired = normalise._repair_subfields(field, issues)
    if normalise._are_clean_subfields(as_subfields):
        assert repaired == as_subfields
        assert issues == []
    elif as_subfields and all(c in {"a", "b", "6"} and v for c, v in subfields):
        # valid codes, values not empty: only a value's text can need repair
        assert any(
            normalise._FORBIDDEN_CHARACTERS.search(v) or not unicodedata.is_normalized("NFC", v)
            for _c, v in subfields
        )


@settings(max_examples=500, deadline=None)
@given(
    values=st.lists(
        st.text(
            alphabet=st.sampled_from(
                ["a", "K", "é", "а", "К", "қ", "ә", "ə", "1", " ", "-", "\u0301"]
            ),
            max_size=8,
        ),
        max_size=4,
    )
)
def test_values_without_latin_letters_beside_non_ascii_text_are_not_looked_at(
    values: list[str],
) -> None:
    if not validate._LATIN_LETTER.search("\x1f".join(v for v in values if not v.isascii())):
        assert all(repair_homoglyphs(value) == value for value in values if not value.isascii())


def test_homoglyphs_are_still_reported_value_by_value() -> None:
    record = pymarc.Record()
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("1", "0"),
            subfields=[pymarc.Subfield("a", "Kапитанская дочка"), pymarc.Subfield("2", "rubbk")],
        ),
        pymarc.Field(
            tag="650",
            indicators=pymarc.Indicators(" ", "7"),
            subfields=[pymarc.Subfield("a", "әдебиетi"), pymarc.Subfield("x", "Қазақ")],
        ),
    )
    assert [(i.tag, i.message) for i in validate._homoglyph_issues(record)] == [
        (
            "245",
            "$a 'Kапитанская дочка' mixes Latin and Cyrillic look-alikes "
            "(reads as 'Капитанская дочка')",
        ),
        ("650", "$a 'әдебиетi' mixes Latin and Cyrillic look-alikes (reads as 'әдебиеті')"),
    ]


def _lxml_collection(records: list[pymarc.Record]) -> bytes:
    """The MARCXML collection as lxml's incremental writer writes it (the reference)."""
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    stream = io.BytesIO()
    with etree.xmlfile(stream, encoding="UTF-8") as xml:
        xml.write_declaration()
        with xml.element(
            "{" + MARC21_NAMESPACE + "}collection",
            {"{" + xsi + "}schemaLocation": writers._SCHEMA_LOCATION},
            nsmap={None: MARC21_NAMESPACE, "xsi": xsi},
        ):
            for record in records:
                xml.write("\n")
                xml.write(writers.record_to_xml_element(record))
            xml.write("\n")
    return stream.getvalue()


_XML_TEXT = st.text(
    alphabet=st.sampled_from(["a", "Ә", " ", "&", "<", ">", '"', "'", "\r", "\n", "\t", "\x7f"]),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(
    tag=st.sampled_from(["245", "9Ab", "a&b", "0 2"]),
    first=st.sampled_from([" ", "1", "#", "&", "\t", "Ә"]),
    subfields=st.lists(st.tuples(st.sampled_from(["a", "6", "Z", "<", "", "ab"]), _XML_TEXT)),
    control=_XML_TEXT,
    leader=st.sampled_from(["00000nam a2200000 i 4500", "00000nam&a2200000 i 4500"]),
)
def test_marcxml_written_as_text_is_what_lxml_writes(
    tag: str, first: str, subfields: list[tuple[str, str]], control: str, leader: str
) -> None:
    record = pymarc.Record()
    record.leader = LeaderAsFound(leader)
    record.add_field(pymarc.Field(tag="001", data=control))
    as_subfields = [pymarc.Subfield(code, value) for code, value in subfields]
    record.add_field(new_data_field(tag, pymarc.Indicators(first, "0"), as_subfields))
    stream = io.BytesIO()
    with writers.MarcXmlWriter(stream) as writer:
        writer.write(record)
        writer.write(record)
    assert stream.getvalue() == _lxml_collection([record, record])


@pytest.mark.parametrize("bad", ["\x00", "\x1f", "\ud800"])
def test_marcxml_refuses_what_xml_cannot_hold_as_lxml_does(bad: str) -> None:
    record = pymarc.Record()
    record.add_field(pymarc.Field(tag="001", data=f"kz{bad}1"))
    with pytest.raises(ValueError):
        writers.record_to_marcxml(record)


@settings(max_examples=500, deadline=None)
@given(
    first=st.lists(st.tuples(st.sampled_from(["a", "b", "A", ""]), _TEXT), min_size=1, max_size=3),
    second=st.lists(st.tuples(st.sampled_from(["a", "6", "ab"]), _TEXT), min_size=1, max_size=3),
)
def test_a_record_is_clean_exactly_when_each_of_its_fields_is(
    first: list[tuple[str, str]], second: list[tuple[str, str]]
) -> None:
    one = [pymarc.Subfield(code, value) for code, value in first]
    two = [pymarc.Subfield(code, value) for code, value in second]
    assert normalise._are_clean_subfields(one + two) == (
        normalise._are_clean_subfields(one) and normalise._are_clean_subfields(two)
    )


@settings(max_examples=500, deadline=None)
@given(
    number=st.one_of(
        st.from_regex(r"97[89][0-9]{10}", fullmatch=True),
        st.from_regex(r"[0-9]{13}", fullmatch=True),
        st.from_regex(r"[0-9 -]{9,14}[0-9Xx]", fullmatch=True),
    )
)
def test_isbn_check_is_python_stdnum_s(number: str) -> None:
    assert is_valid_isbn(number) == stdnum_isbn.is_valid(number)


def test_isbn_check_accepts_and_refuses_compact_isbn13() -> None:
    assert is_valid_isbn("9786010000001")  # 978601000000 → check digit 1
    assert not is_valid_isbn("9786010000007")
    assert not is_valid_isbn("9776010000002")  # right check digit, not an ISBN prefix


@settings(max_examples=200, deadline=None)
@given(
    subfields=st.lists(
        st.tuples(st.sampled_from(["a", "b", "6"]), _XML_TEXT), min_size=1, max_size=4
    ),
    control=_XML_TEXT,
)
def test_iso2709_is_what_pymarc_writes_for_a_record_within_limits(
    subfields: list[tuple[str, str]], control: str
) -> None:
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader("00000nam a2200000 i 4500")
    record.add_field(pymarc.Field(tag="001", data=control))
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("1", "0"),
            subfields=[pymarc.Subfield(code, value) for code, value in subfields],
        )
    )
    ours = writers.record_to_iso2709(record)
    assert ours == record.as_marc()
