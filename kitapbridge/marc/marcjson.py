"""MARC-in-JSON reading: one object, an array of objects, or JSON lines.

The three shapes are read by one incremental loop over ``raw_decode``, so a large
array or a JSON-lines file is never loaded whole. Decoding is not strict about
control characters inside strings: ``pymarc`` ``test.json`` carries a raw newline
in a value, which real exports do too.

Two record shapes are accepted: MARC-in-JSON (``{"leader", "fields": [{"245":
{"ind1", "ind2", "subfields": [{"a": …}]}}]}``) and the ``marc-record-js`` shape
(``{"leader", "fields": [{"tag", "ind1", "ind2", "subfields": [{"code", "value"}]}]}``).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import pymarc

from kitapbridge.marc.issues import RecordError
from kitapbridge.marc.leader import LeaderAsFound

_READ_SIZE = 1 << 20
_MAX_RECORD_TEXT = 16 << 20
"""A JSON value still open after this many characters is reported, not buffered further."""
_DECODER = json.JSONDecoder(strict=False)
_SEPARATORS = " \t\r\n,[]"


@dataclass(frozen=True)
class JsonChunk:
    index: int
    offset: int
    """Character offset of the record's text (byte offset when the file is ASCII)."""
    data: bytes
    error: str | None = None


def iter_json_chunks(stream: BinaryIO) -> Iterator[JsonChunk]:
    """Yield each record's JSON text; a value that does not parse ends the stream with an error.

    The brackets and commas of a top-level array are skipped like whitespace, so
    an array, a single object and JSON lines are read by the same loop.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    buffer = ""
    consumed = 0
    index = 0
    eof = False
    while not (eof and not buffer):
        if not eof:
            block = stream.read(_READ_SIZE)
            eof = not block
            buffer += decoder.decode(block, final=eof)
        position = 0
        while True:
            position = _skip(buffer, position)
            if position >= len(buffer):
                break
            try:
                _value, end = _DECODER.raw_decode(buffer, position)
            except json.JSONDecodeError as error:
                if not eof and len(buffer) - position < _MAX_RECORD_TEXT:
                    break
                text = buffer[position:].encode()
                yield JsonChunk(index, consumed + position, text, f"JSON: {error.msg}")
                return
            yield JsonChunk(index, consumed + position, buffer[position:end].encode())
            index += 1
            position = end
        buffer = buffer[position:]
        consumed += position


def _skip(buffer: str, position: int) -> int:
    while position < len(buffer) and buffer[position] in _SEPARATORS:
        position += 1
    return position


def parse_record_json(data: bytes) -> pymarc.Record:
    """Build a pymarc record from one JSON object; ``RecordError`` when it is not a record."""
    try:
        value = _DECODER.decode(data.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RecordError(f"JSON: {error}") from error
    if not isinstance(value, dict) or not isinstance(value.get("fields"), list):
        raise RecordError("JSON value is not a MARC record (no 'fields' list)")
    record = pymarc.Record(to_unicode=True, force_utf8=True)
    record.leader = LeaderAsFound(str(value.get("leader", "")))
    for item in value["fields"]:
        record.add_field(_field(item))
    return record


def _field(item: Any) -> pymarc.Field:
    if not isinstance(item, dict):
        raise RecordError(f"JSON field is not an object: {item!r:.60}")
    if "tag" in item:
        tag, body = str(item["tag"]), item
        if "value" in item:
            return pymarc.Field(tag=tag, data=str(item["value"]))
        pairs = [(sub.get("code", ""), sub.get("value", "")) for sub in body.get("subfields", [])]
    elif len(item) == 1:
        tag, body = next(iter(item.items()))
        if not isinstance(body, dict):
            return pymarc.Field(tag=tag, data=str(body))
        pairs = [next(iter(sub.items())) for sub in body.get("subfields", []) if sub]
    else:
        raise RecordError(f"JSON field has no tag: {item!r:.60}")
    indicators = pymarc.Indicators(
        (str(body.get("ind1", " ")) or " ")[:1], (str(body.get("ind2", " ")) or " ")[:1]
    )
    subfields = [pymarc.Subfield(str(code), str(value)) for code, value in pairs]
    if tag < "010" and tag.isdigit():
        # a control field written as a data field: keep its text
        return pymarc.Field(tag=tag, data="".join(value for _code, value in subfields))
    return pymarc.Field(tag=tag, indicators=indicators, subfields=subfields)
