"""Read any MARC file as ``SourceRecord``s, one per record, never stopping on a bad one.

This is the file-reading API the CLI and the ``marc`` connector share::

    for source in read_marc_file(path):
        conversion = convert_record(source)

Records that could not be cut out cleanly are yielded too, with their raw bytes
and ``record=None``; ``convert_record`` then reports why, at which byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pymarc

from kitapbridge.connectors.base import SourceRecord, SourceSystem
from kitapbridge.marc import marcjson, marcline, marcxml
from kitapbridge.marc.formats import SNIFF_LENGTH, MarcFormat, UnknownFormatError, sniff_format
from kitapbridge.marc.iso2709 import iter_chunks, parse_record
from kitapbridge.marc.issues import UNREADABLE, Issue, RecordError, Severity


def read_marc_file(
    path: Path,
    *,
    system: SourceSystem = SourceSystem.MARC,
    marc_format: MarcFormat | None = None,
) -> Iterator[SourceRecord]:
    """Yield every record of an ISO 2709, MARCXML, MARC-in-JSON or line-format file.

    The format is sniffed from the content unless given. ISO 2709 records are
    yielded undecoded (``record=None``): their encoding is decided per record by
    ``convert_record``; they are cut into fields here for ``local_id`` (the
    001, which is ASCII in every encoding) and the structural problems
    recovered from (``issues``), and the cut is kept (``SourceRecord.cut``) for
    ``convert_record`` to decode. A MARCXML record's raw bytes are its element wrapped in
    the file's declaration and root namespaces (a document of its own). The
    other formats carry Unicode text and are yielded parsed, with ``local_id``
    from 001. A record that cannot be read is yielded with ``record=None`` and
    an ``ERROR`` issue giving the reader's reason; ``convert_record`` rejects it
    with that reason.
    Raises ``OSError`` when the file cannot be opened and
    ``formats.UnknownFormatError`` when it is not MARC at all (for XML: when no
    record was found and the root is not an empty ``<collection>``).
    """
    with path.open("rb") as stream:
        fmt = marc_format or sniff_format(stream.read(SNIFF_LENGTH))
        stream.seek(0)

        def source(index: int, offset: int, raw: bytes) -> SourceRecord:
            return SourceRecord(system, raw, fmt.value, index, offset, source_name=str(path))

        if fmt is MarcFormat.ISO2709:
            for chunk in iter_chunks(stream):
                item = source(chunk.index, chunk.offset, chunk.data)
                _cut_iso2709(item)
                yield item
        elif fmt is MarcFormat.MARCXML:
            xml_chunk = None
            for xml_chunk in marcxml.iter_xml_chunks(stream):
                item = source(xml_chunk.index, xml_chunk.offset, xml_chunk.document)
                _attach(item, marcxml.parse_record_xml)
                yield item
            if xml_chunk is None:
                stream.seek(0)
                try:
                    marcxml.check_empty_document(stream)
                except RecordError as error:
                    raise UnknownFormatError(error.reason) from error
        elif fmt is MarcFormat.MARCJSON:
            for json_chunk in marcjson.iter_json_chunks(stream):
                item = source(json_chunk.index, json_chunk.offset, json_chunk.data)
                _attach(item, marcjson.parse_record_json)
                yield item
        else:
            for line_chunk in marcline.iter_line_chunks(stream):
                item = source(line_chunk.index, line_chunk.offset, line_chunk.data)
                _attach(item, marcline.parse_record_lines)
                yield item


def _cut_iso2709(source: SourceRecord) -> None:
    """Set the 001 and the structural issues of an ISO 2709 source; an ERROR if it has no fields."""
    try:
        raw = parse_record(source.raw)
    except RecordError as error:
        source.issues.append(Issue(UNREADABLE, error.reason, Severity.ERROR))
        return
    source.issues.extend(raw.issues)
    source.cut = raw
    field_001 = raw.first("001")
    if field_001 is not None:
        source.local_id = field_001.data.decode("ascii", errors="replace").strip() or None


def _attach(source: SourceRecord, parse: Callable[[bytes], pymarc.Record]) -> None:
    """Parse ``source.raw`` into ``source.record``; an ERROR issue when it does not parse."""
    try:
        record = parse(source.raw)
    except RecordError as error:
        source.issues.append(Issue(UNREADABLE, error.reason, Severity.ERROR))
        return
    source.record = record
    field_001 = record.get("001")
    if field_001 is not None and field_001.data:
        source.local_id = field_001.data.strip()
