"""Streaming writers for MARC21 records: MARCXML, ISO 2709, MARC-in-JSON.

Each writer is a context manager over a binary stream and writes records one at
a time, so an export never holds more than one record::

    with MarcXmlWriter(stream) as writer:
        for record in records:
            writer.write(record)

Records are expected normalised (``normalise.normalise_record``): UTF-8, valid
tags, indicators and subfield codes.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from enum import StrEnum
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter, itemgetter
from types import TracebackType
from typing import BinaryIO, Protocol, Self

import pymarc
from lxml import etree

from kitapbridge.marc.iso2709 import LEADER_LENGTH, MAX_FIELD_LENGTH, MAX_RECORD_LENGTH
from kitapbridge.marc.issues import RecordError
from kitapbridge.marc.marcxml import MARC21_NAMESPACE
from kitapbridge.marc.normalise import record_lengths

_SCHEMA_LOCATION = f"{MARC21_NAMESPACE} http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


class OutputFormat(StrEnum):
    """The ``--to`` values of ``kitapbridge convert``."""

    MARCXML = "marcxml"
    ISO2709 = "iso2709"
    JSON = "json"


class RecordWriter(Protocol):
    def write(self, record: pymarc.Record) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class _StreamWriter(ABC):
    """Context-manager plumbing shared by the writers."""

    @abstractmethod
    def close(self) -> None:
        """End the document (closing tags, brackets) and flush; each format its own way."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def record_to_iso2709(record: pymarc.Record) -> bytes:
    """Serialise as ISO 2709 in UTF-8, refusing what the format cannot hold.

    Written here rather than with ``Record.as_marc`` because pymarc does not
    check ISO 2709's limits and silently writes a 6-digit record length or a
    13-byte directory entry (standards doc §5). Raises ``RecordError`` for a
    field over 9,999 bytes or a record over 99,999 bytes; MARCXML has no limit.
    """
    fields = record.fields
    contents: list[bytes] = []
    for field in fields:
        if field.control_field:
            text = field.data or ""
        else:
            first, second = field.indicators or _BLANK_INDICATORS
            # a Subfield is the pair (code, value): joined, it is code + value
            text = f"{first or ' '}{second or ' '}\x1f" + "\x1f".join(map("".join, field.subfields))
        contents.append((text + "\x1e").encode("utf-8"))
    lengths = list(map(len, contents))
    if lengths and max(lengths) > MAX_FIELD_LENGTH:
        tag, too_long = next(
            (f.tag, n) for f, n in zip(fields, lengths, strict=True) if n > MAX_FIELD_LENGTH
        )
        raise RecordError(
            f"field {tag} has {too_long} bytes; ISO 2709 allows {MAX_FIELD_LENGTH}"
            " (write MARCXML instead)"
        )
    starts = accumulate(lengths, initial=0)
    directory = "".join(map(_DIRECTORY_ENTRY.format, map(_TAG_OF, fields), lengths, starts))
    position = sum(lengths)
    base = LEADER_LENGTH + 12 * len(fields) + 1
    length = base + position + 1
    if length > MAX_RECORD_LENGTH:
        raise RecordError(
            f"record has {length} bytes; ISO 2709 allows {MAX_RECORD_LENGTH}"
            " (write MARCXML instead)"
        )
    leader = str(record.leader)
    leader = f"{length:05d}{leader[5:9]}a{leader[10:12]}{base:05d}{leader[17:24]}"
    head = (leader + directory).encode("ascii")
    return head + b"\x1e" + b"".join(contents) + b"\x1d"


class Iso2709Writer(_StreamWriter):
    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def write(self, record: pymarc.Record) -> None:
        """Raises ``RecordError`` (nothing written) when the record exceeds ISO 2709's limits."""
        self._stream.write(record_to_iso2709(record))

    def close(self) -> None:
        self._stream.flush()


def leader_with_lengths(record: pymarc.Record) -> str:
    """The leader with the record length and base address of the record as UTF-8 ISO 2709.

    A record too long for ISO 2709 gets 99999: MARCXML and JSON can hold it, and
    the leader of MARCXML must still be five digits.
    """
    length, base = record_lengths(record)
    leader = str(record.leader)
    return f"{min(length, MAX_RECORD_LENGTH):05d}{leader[5:12]}{base:05d}{leader[17:24]}"


def record_to_xml_element(record: pymarc.Record) -> etree._Element:
    """The record as a ``marc:record`` element in the MARC21 slim namespace."""
    ns = "{" + MARC21_NAMESPACE + "}"
    root = etree.Element(ns + "record", nsmap={None: MARC21_NAMESPACE})  # type: ignore[dict-item]
    etree.SubElement(root, ns + "leader").text = leader_with_lengths(record)
    for field in record.fields:
        if field.control_field:
            element = etree.SubElement(root, ns + "controlfield", tag=field.tag)
            element.text = field.data or ""
            continue
        element = etree.SubElement(
            root,
            ns + "datafield",
            tag=field.tag,
            ind1=field.indicator1 or " ",
            ind2=field.indicator2 or " ",
        )
        for code, value in field.subfields:
            etree.SubElement(element, ns + "subfield", code=code).text = value
    return root


def record_to_marcxml(record: pymarc.Record) -> bytes:
    """The record's ``marc:record`` element as UTF-8, exactly as lxml serialises
    ``record_to_xml_element`` inside a MARCXML collection.

    Written as text rather than built as an lxml tree: a tree costs an element per
    subfield and was most of the MARCXML conversion's time. A record whose
    leader, tags, indicators or codes are not plain letters, digits and blanks,
    or whose text has characters XML cannot hold, goes through lxml (which
    escapes the former and refuses the latter as it always did); a normalised
    record never does.
    """
    leader = leader_with_lengths(record)
    parts = [_RECORD_START, "<leader>", leader, "</leader>"]
    plain = _is_plain(leader)
    for field in record.fields:
        tag = field.tag
        plain = plain and _is_plain_tag(tag)
        if field.control_field:
            data = field.data or ""
            if _NEEDS_ESCAPE.search(data):
                data = _escape(data)
            parts.append(f'<controlfield tag="{tag}">{data}</controlfield>')
            continue
        first, second = field.indicator1 or " ", field.indicator2 or " "
        plain = plain and first in _PLAIN_CHARACTERS and second in _PLAIN_CHARACTERS
        plain = plain and _PLAIN_CHARACTERS.issuperset(map(_CODE, field.subfields))
        start = f'<datafield tag="{tag}" ind1="{first}" ind2="{second}"'
        if not field.subfields:
            parts.append(start + "/>")  # as lxml writes an element without content
            continue
        parts.append(start + ">")
        parts.extend(
            [
                f'<subfield code="{code}">'
                f"{_escape(value) if _NEEDS_ESCAPE.search(value) else value}</subfield>"
                for code, value in field.subfields
            ]
        )
        parts.append("</datafield>")
    parts.append("</record>")
    text = "".join(parts)
    if not plain or _NOT_XML_CHARACTER.search(text):
        return etree.tostring(
            record_to_xml_element(record), encoding="UTF-8", xml_declaration=False
        )
    return text.encode("utf-8")


_RECORD_START = f'<record xmlns="{MARC21_NAMESPACE}">'
_PLAIN_CHARACTERS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ")
_PLAIN_TEXT = re.compile("[0-9A-Za-z ]*")
_NEEDS_ESCAPE = re.compile("[&<>\r]")
_NOT_XML_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CODE = itemgetter(0)
_TAG_OF = attrgetter("tag")
_BLANK_INDICATORS = pymarc.Indicators(" ", " ")
_DIRECTORY_ENTRY = "{}{:04d}{:05d}"


def _is_plain(text: str) -> bool:
    return _PLAIN_TEXT.fullmatch(text) is not None


@lru_cache(maxsize=4096)
def _is_plain_tag(tag: str) -> bool:
    return _is_plain(tag)


def _escape(text: str) -> str:
    """Character data as libxml2 escapes it (``\\r`` too, or a parser would drop it)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


class MarcXmlWriter(_StreamWriter):
    """A ``<collection>`` written record by record (``record_to_marcxml``)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._stream.write(_COLLECTION_START)

    def write(self, record: pymarc.Record) -> None:
        self._stream.write(b"\n" + record_to_marcxml(record))

    def close(self) -> None:
        self._stream.write(b"\n</collection>")
        self._stream.flush()


_COLLECTION_START = (
    b"<?xml version='1.0' encoding='UTF-8'?>\n"
    + f'<collection xmlns="{MARC21_NAMESPACE}" xmlns:xsi="{_XSI}" '
    f'xsi:schemaLocation="{_SCHEMA_LOCATION}">'.encode()
)


class MarcJsonWriter(_StreamWriter):
    """A JSON array of MARC-in-JSON records, one record per line."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._count = 0
        self._stream.write(b"[")

    def write(self, record: pymarc.Record) -> None:
        separator = b",\n" if self._count else b"\n"
        as_dict = record.as_dict()
        as_dict["leader"] = leader_with_lengths(record)
        text = json.dumps(as_dict, ensure_ascii=False, separators=(",", ":"))
        self._stream.write(separator + text.encode("utf-8"))
        self._count += 1

    def close(self) -> None:
        self._stream.write(b"\n]\n")
        self._stream.flush()


def open_writer(stream: BinaryIO, output_format: OutputFormat) -> RecordWriter:
    writers: dict[OutputFormat, type[Iso2709Writer | MarcXmlWriter | MarcJsonWriter]] = {
        OutputFormat.ISO2709: Iso2709Writer,
        OutputFormat.MARCXML: MarcXmlWriter,
        OutputFormat.JSON: MarcJsonWriter,
    }
    return writers[output_format](stream)
