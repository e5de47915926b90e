"""Any MARC file (ISO 2709, MARCXML, MARC-in-JSON) as a stream of ``SourceRecord``.

Only *cutting* happens here: each record's bytes are taken out of the file
with its position, and decoding (encoding, flavour, crosswalk) is left to
``kitapbridge.marc``, which reads ``SourceRecord.raw``. The one seam is
``iter_raw_records``: today it uses pymarc's ``MARCReader`` for ISO 2709,
which handles well-formed files; when the tolerant reader of
``kitapbridge.marc`` lands, ``iter_raw_records`` delegates to it and nothing
else in the connectors changes.

"KazMARC" exports need no connector of their own: nothing public specifies
that format (standards doc §1.4), so they are read here as any MARC file and
``kitapbridge.marc`` treats them as UNIMARC/RUSMARC family by flavour detection.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pymarc
from lxml import etree

from kitapbridge.connectors.base import SourceRecord, SourceSystem

logger = logging.getLogger(__name__)

MARCXML_NAMESPACE = "http://www.loc.gov/MARC21/slim"
FIELD_TERMINATOR = 0x1E
SNIFF_BYTES = 512


@dataclass(frozen=True)
class RawRecord:
    """One record's bytes as cut from a file, where they were, and the 001 if readable.

    ``problem`` is set when the record could not be cut cleanly (a bad length,
    a truncated tail); the bytes are still there for quarantine.
    """

    raw: bytes
    raw_format: str
    index: int
    offset: int
    control_number: str | None
    problem: str | None = None


def sniff_marc_format(head: bytes) -> str:
    """``marcxml``, ``marcjson`` or ``iso2709`` from the first bytes of a file."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return "marcxml"
    if stripped.startswith((b"[", b"{")):
        return "marcjson"
    return "iso2709"


def iter_raw_records(handle: BinaryIO) -> Iterator[RawRecord]:
    """Cut the records out of an open binary file, whatever its MARC serialisation."""
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    raw_format = sniff_marc_format(head)
    if raw_format == "marcxml":
        return _iter_marcxml(handle)
    if raw_format == "marcjson":
        return _iter_marcjson(handle)
    return _iter_iso2709(handle)


class MarcFileConnector:
    """Iterates one MARC file; the local id of each record is its 001.

    ``system`` says which school system wrote the file (a KABIS or MARC-SQL
    ISO 2709 export is read the same way as any MARC file).
    """

    def __init__(
        self, path: str | Path, system: SourceSystem = SourceSystem.MARC, *, source_name: str = ""
    ) -> None:
        self.path = Path(path)
        self.system = system
        self.source_name = source_name or self.path.name

    def __iter__(self) -> Iterator[SourceRecord]:
        with self.path.open("rb") as handle:
            for cut in iter_raw_records(handle):
                if cut.problem:
                    logger.warning(
                        "%s record %d at byte %d: %s",
                        self.source_name,
                        cut.index,
                        cut.offset,
                        cut.problem,
                    )
                yield SourceRecord(
                    system=self.system,
                    raw=cut.raw,
                    raw_format=cut.raw_format,
                    index=cut.index,
                    offset=cut.offset,
                    local_id=cut.control_number,
                    source_name=self.source_name,
                )


def _iter_iso2709(handle: BinaryIO) -> Iterator[RawRecord]:
    # to_unicode=False: pymarc must not decode text here (it would assume
    # MARC-8 for every Leader/09 blank record); we only want the cut bytes.
    reader = pymarc.MARCReader(handle, to_unicode=False, permissive=True)
    offset = 0
    for index, _record in enumerate(reader):
        chunk = reader.current_chunk or b""
        problem = reader.current_exception
        if isinstance(problem, pymarc.exceptions.FatalReaderError):
            # pymarc stops after a length that is not a number; the rest of the
            # file goes with this record so that no byte is dropped.
            chunk += handle.read()
        if not chunk.strip(b"\x1a\r\n \x00"):
            break  # a line feed or DOS end-of-file after the last record
        yield RawRecord(
            chunk, "iso2709", index, offset, _iso2709_control_number(chunk), _describe(problem)
        )
        offset += len(chunk)


def _describe(problem: Exception | None) -> str | None:
    if problem is None:
        return None
    return f"{type(problem).__name__}: {problem}"


def _iso2709_control_number(chunk: bytes) -> str | None:
    """The 001 of an ISO 2709 record, read from its directory without decoding the rest."""
    try:
        base_address = int(chunk[12:17])
    except ValueError:
        return None
    directory_end = chunk.find(bytes([FIELD_TERMINATOR]), 24)
    if directory_end < 0:
        return None
    for entry_start in range(24, directory_end - 11, 12):
        entry = chunk[entry_start : entry_start + 12]
        if entry[:3] != b"001" or not entry[3:].isdigit():
            continue
        length, start = int(entry[3:7]), int(entry[7:12])
        data = chunk[base_address + start : base_address + start + length]
        value = data.rstrip(b"\x1e").decode("ascii", errors="replace").strip()
        return value or None
    return None


def _iter_marcxml(handle: BinaryIO) -> Iterator[RawRecord]:
    """MARCXML records (namespaced or not, as RUSMARC-in-XML often is).

    pymarc's XML reader gives no raw element, so lxml cuts the records. On a
    syntax error the rest of the file, from the line where the broken record
    starts, is yielded as one raw record with the parser's message: nothing
    after it is silently dropped, and the tolerant reader of ``kitapbridge.marc``
    can do better once it lands.
    """
    data = handle.read()
    # iterparse takes the same hardening as our one XMLParser: no entities, no network.
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
    )
    index = 0
    record_line = 1
    try:
        for event, element in events:
            if etree.QName(element).localname != "record":
                continue
            if event == "start":
                record_line = element.sourceline or record_line
                continue
            raw = etree.tostring(element, encoding="UTF-8", xml_declaration=False)
            yield RawRecord(raw, "marcxml", index, -1, _xml_control_number(element))
            index += 1
            element.clear()
    except etree.XMLSyntaxError as error:
        start = _line_offset(data, record_line)
        yield RawRecord(data[start:], "marcxml", index, start, None, f"XMLSyntaxError: {error}")


def _xml_control_number(element: etree._Element) -> str | None:
    for child in element:
        if etree.QName(child).localname == "controlfield" and child.get("tag") == "001":
            return (child.text or "").strip() or None
    return None


def _line_offset(data: bytes, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        found = data.find(b"\n", offset)
        if found < 0:
            break
        offset = found + 1
    return offset


def _iter_marcjson(handle: BinaryIO) -> Iterator[RawRecord]:
    """MARC-in-JSON: an array of records, or records one after another (JSON lines or
    pretty-printed objects). Undecodable text is yielded as one raw record with its reason.
    """
    data = handle.read()
    text = data.decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith("["):
        try:
            records: list[Any] = json.loads(text)
        except json.JSONDecodeError as error:
            yield RawRecord(data, "marcjson", 0, 0, None, f"not a JSON array: {error}")
            return
        for index, record in enumerate(records):
            raw = json.dumps(record, ensure_ascii=False).encode("utf-8")
            yield RawRecord(raw, "marcjson", index, -1, _json_control_number(record))
        return
    decoder = json.JSONDecoder()
    position, offset, index = 0, 0, 0
    while True:
        start = _skip_blanks(text, position)
        offset += len(text[position:start].encode("utf-8"))
        if start >= len(text):
            return
        try:
            record, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError as error:
            rest = text[start:].encode("utf-8")
            yield RawRecord(rest, "marcjson", index, offset, None, f"not JSON: {error.msg}")
            return
        raw = text[start:end].encode("utf-8")
        yield RawRecord(raw, "marcjson", index, offset, _json_control_number(record))
        offset += len(raw)
        position = end
        index += 1


def _skip_blanks(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _json_control_number(record: Any) -> str | None:
    if not isinstance(record, dict):
        return None
    for field in record.get("fields", []):
        if isinstance(field, dict) and isinstance(field.get("001"), str):
            return str(field["001"]).strip() or None
    return None
