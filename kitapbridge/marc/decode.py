"""Turn a raw ISO 2709 record into a pymarc ``Record`` of Unicode strings.

The encoding is decided per record before any byte is decoded; every value is
then decoded with it. Double-encoded UTF-8 (UTF-8 read as CP1251 or Latin-1 and
saved again as UTF-8) is repaired value by value.
"""

from __future__ import annotations

import re

import pymarc

from kitapbridge.marc import encodings
from kitapbridge.marc.fields import indicators, new_data_field, subfields_of
from kitapbridge.marc.flavour import Flavour, FlavourEvidence
from kitapbridge.marc.iso2709 import RawField, RawRecord
from kitapbridge.marc.issues import Issue
from kitapbridge.marc.leader import LeaderAsFound
from kitapbridge.marc.mojibake import may_be_double_encoded, repair_double_encoding

_DELIMITER_AND_CODE = re.compile(rb"\x1f.", re.DOTALL)
_REPLACEMENT_BYTES = "\ufffd".encode()


def raw_evidence(raw: RawRecord) -> FlavourEvidence:
    """Flavour evidence from undecoded fields (100 $a is ASCII in UNIMARC)."""
    field_100 = raw.first("100")
    a100 = None
    name_heading = False
    if field_100 is not None and not field_100.is_control:
        subfields = field_100.subfields()
        if subfields and subfields[0][0] == b"a":
            a100 = subfields[0][1].decode("latin-1")
        name_heading = len(field_100.indicators()) == 2
    sources = tuple(
        value.decode("latin-1")
        for raw_field in raw.fields
        if raw_field.tag == "686" and not raw_field.is_control
        for code, value in raw_field.subfields()
        if code == b"2"
    )
    countries = tuple(
        value.decode("latin-1")
        for raw_field in raw.fields
        if raw_field.tag == "801" and not raw_field.is_control
        for code, value in raw_field.subfields()
        if code == b"a"
    )
    return FlavourEvidence(
        leader=raw.leader,
        tags=frozenset(raw_field.tag for raw_field in raw.fields),
        field_100_a=a100,
        field_100_has_indicators_and_name=name_heading,
        classification_sources=sources,
        cataloguing_countries=countries,
    )


def record_evidence(record: pymarc.Record) -> FlavourEvidence:
    """Flavour evidence from a record a reader or connector already decoded."""
    field_100 = record.get("100")
    a100 = None
    if field_100 is not None and not field_100.control_field:
        a100 = field_100.get("a")
    return FlavourEvidence(
        leader=str(record.leader),
        tags=frozenset(f.tag for f in record.fields),
        field_100_a=a100,
        field_100_has_indicators_and_name=field_100 is not None,
        classification_sources=tuple(
            value for f in record.get_fields("686") for value in f.get_subfields("2")
        ),
        cataloguing_countries=tuple(
            value for f in record.get_fields("801") for value in f.get_subfields("a")
        ),
    )


def values_for_detection(raw: RawRecord) -> bytes:
    """Field values with subfield delimiters and codes blanked out, joined by spaces.

    Codes are ASCII letters glued to the first letter of a value; left in, they
    would look like Latin letters inside Cyrillic words. (Indicators stay: they
    are digits or blanks.)
    """
    return _DELIMITER_AND_CODE.sub(b"  ", b" ".join(raw_field.data for raw_field in raw.fields))


def decode_record(
    raw: RawRecord, encoding: str, issues: list[Issue], *, field_by_field: bool = False
) -> pymarc.Record:
    """Build the pymarc record; indicators and subfield codes are kept as found.

    Damage found while decoding (replacement characters, missing indicators) is
    appended to ``issues``; normalisation repairs what can be repaired later.
    A record of regular fields is decoded in one piece; MARC-8, suspected double
    encoding and irregular fields are read field by field (``field_by_field``
    forces that reading, which gives the same result: tests compare the two).
    """
    record = pymarc.Record(to_unicode=True, force_utf8=True)
    # pymarc would write "a" into Leader/09 and "4500" into 20-23; in RUSMARC/UNIMARC
    # Leader/09 is the type of control, and the crosswalk reads it from the source.
    record.leader = LeaderAsFound(raw.leader)
    data = raw.text_bytes()
    text = data.decode("ascii") if data.isascii() else None
    suspect_double_encoding = False
    if encoding == encodings.UTF8 and text is None:
        text = data.decode("utf-8", errors="replace")
        suspect_double_encoding = may_be_double_encoded(text)
    if encoding != encodings.MARC8 and not suspect_double_encoding and not field_by_field:
        # The field terminators joining the values are ASCII in every supported
        # encoding but MARC-8, so the decoded text splits back into the same fields.
        if text is None:
            text = encodings.decode_text(data, encoding)
        fields = _regular_fields(raw, text)
        if fields is not None:
            record.fields = fields
            replaced = text.count("\ufffd")
            if replaced and encoding == encodings.UTF8:
                replaced -= data.count(_REPLACEMENT_BYTES)
            _report_replacements(raw, encoding, replaced, issues)
            return record
    replaced = repaired = 0
    for raw_field in raw.fields:
        if raw_field.is_control:
            text = _decode(raw_field.data, encoding)
            replaced += _new_replacements(raw_field.data, text, encoding)
            record.add_field(pymarc.Field(tag=raw_field.tag, data=text))
            continue
        field, field_replaced, field_repaired = _data_field(
            raw_field,
            encoding,
            issues,
            has_indicators=raw.leader[10:11] != "0",
            repair=suspect_double_encoding,
        )
        replaced += field_replaced
        repaired += field_repaired
        record.add_field(field)
    if repaired:
        issues.append(
            Issue(
                "double-encoded-utf8",
                f"{repaired} values were UTF-8 encoded twice and were repaired",
            )
        )
    _report_replacements(raw, encoding, replaced, issues)
    return record


def _regular_fields(raw: RawRecord, text: str) -> list[pymarc.Field] | None:
    """The record's fields from its decoded ``text``; None when a data field is irregular.

    Regular: two ASCII indicators, then subfields. Anything else (no subfield
    delimiter, missing or non-ASCII indicators) is left to the field-by-field
    reading, which reports it.
    """
    texts = text.split("\x1e")
    if len(texts) != len(raw.fields):
        return None
    fields = []
    for raw_field, field_text in zip(raw.fields, texts, strict=True):
        tag = raw_field.tag
        if tag.startswith("00"):
            fields.append(pymarc.Field(tag=tag, data=field_text))
            continue
        pieces = field_text.split("\x1f")
        if len(pieces) == 1 or len(pieces[0]) != 2 or not pieces[0].isascii():
            return None
        fields.append(new_data_field(tag, indicators(pieces[0]), subfields_of(pieces[1:])))
    return fields


def _report_replacements(raw: RawRecord, encoding: str, replaced: int, issues: list[Issue]) -> None:
    """Issues for U+FFFD the source carried and for the ``replaced`` ones decoding made."""
    replaced_in_source = 0
    if encoding == encodings.UTF8:
        replaced_in_source = sum(f.data.count(_REPLACEMENT_BYTES) for f in raw.fields)
    if replaced_in_source > 0:
        issues.append(
            Issue(
                "replacement-characters",
                f"{replaced_in_source} U+FFFD in the source: text was lost before this export",
            )
        )
    if replaced:
        issues.append(
            Issue(
                "undecodable-bytes",
                f"{replaced} byte sequences are not {encoding} and became U+FFFD",
            )
        )


def _data_field(
    raw_field: RawField,
    encoding: str,
    issues: list[Issue],
    *,
    has_indicators: bool,
    repair: bool,
) -> tuple[pymarc.Field, int, int]:
    if b"\x1f" not in raw_field.data:
        # ``ruby-marc`` ``cp866_unimarc.marc`` declares no indicators and no subfield
        # codes (Leader/10-11 ``00``): its fields are bare text, kept as $a.
        issues.append(
            Issue(
                "no-subfields",
                "data field without subfield delimiters; text kept as $a",
                tag=raw_field.tag,
            )
        )
        data = raw_field.data
        fixed = data[:2] + b"\x1fa" + data[2:] if has_indicators else b"  \x1fa" + data
        raw_field = RawField(raw_field.tag, fixed)
    head, _, body = raw_field.data.partition(b"\x1f")
    if len(head) != 2:
        issues.append(
            Issue(
                "bad-indicator-count",
                f"{len(head)} indicator bytes before the first subfield {head!r}",
                tag=raw_field.tag,
            )
        )
    indicators = head.decode("latin-1")[:2].ljust(2)
    if encoding == encodings.MARC8:
        # MARC-8 escapes switch character sets within a value: decode value by value
        pieces = [
            (part[:1].decode("latin-1"), _decode(part[1:], encoding))
            for part in body.split(b"\x1f")
        ]
        replaced = 0
    else:
        # a delimiter is never part of a multibyte character: decode the field at once
        text = _decode(body, encoding)
        replaced = _new_replacements(body, text, encoding)
        pieces = [(part[:1], part[1:]) for part in text.split("\x1f")]
    repaired = 0
    if repair and not body.isascii():
        for position, (code, value) in enumerate(pieces):
            repaired_value = repair_double_encoding(value)
            if repaired_value is not None:
                pieces[position] = (code, repaired_value)
                repaired += 1
    field = pymarc.Field(
        tag=raw_field.tag,
        indicators=pymarc.Indicators(indicators[0], indicators[1]),
        subfields=[pymarc.Subfield(code, value) for code, value in pieces],
    )
    return field, replaced, repaired


def _new_replacements(value: bytes, text: str, encoding: str) -> int:
    """U+FFFD made by decoding, not those the source already carried as UTF-8."""
    made = text.count("\ufffd")
    if made and encoding == encodings.UTF8:
        made -= value.count("\ufffd".encode())
    return made


def _decode(value: bytes, encoding: str) -> str:
    # MARC-8 escape sequences (ESC p for superscripts) are ASCII bytes too
    if value.isascii() and not (encoding == encodings.MARC8 and b"\x1b" in value):
        return value.decode("ascii")
    return encodings.decode_text(value, encoding)


def flavour_declared_encoding(raw_or_a100: str | None, flavour: Flavour, leader: str) -> str | None:
    """What the record itself declares: Leader/09 for MARC21, 100 $a/26-29 otherwise."""
    if flavour is Flavour.MARC21:
        return encodings.UTF8 if leader[9:10] == "a" else encodings.MARC8
    return encodings.declared_rusmarc_encoding(raw_or_a100 or "")
