"""The MARC line format: yaz-marcdump's text dump and MarcEdit's ``.mrk``.

yaz (``yaz-marcdump`` without options, ``yaz/marccol*.lst``)::

    01087cam a2200277 a 4500
    001    70813420 /AJ/r86
    245 00 $6 880-01 $a Handa shishi.

MarcEdit ``.mrk``::

    =LDR  01087cam a2200277 a 4500
    =245  00$6880-01$aHanda shishi.

Records are separated by a blank line (yaz) or start at ``=LDR`` (mrk). In mrk,
``\\`` stands for a blank indicator and a blank in control fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import pymarc

from kitapbridge.marc.issues import RecordError
from kitapbridge.marc.leader import LeaderAsFound

_YAZ_SUBFIELD = re.compile(r"(?:^| )\$(\S)(?: |$)?")
_MRK_LINE = re.compile(r"=(\w{3})  (.*)")
_LEADER = re.compile(r"\d{5}[ -~]{19}")


@dataclass(frozen=True)
class LineChunk:
    index: int
    offset: int
    data: bytes


def iter_line_chunks(stream: BinaryIO) -> Iterator[LineChunk]:
    """Group lines into records: at a blank line, or at a new ``=LDR`` line."""
    lines: list[bytes] = []
    start = offset = index = 0
    for line in stream:
        begins_mrk = line.startswith(b"=LDR")
        if (not line.strip() or begins_mrk) and lines:
            yield LineChunk(index, start, b"".join(lines))
            index += 1
            lines = []
        if line.strip():
            if not lines:
                start = offset
            lines.append(line)
        offset += len(line)
    if lines:
        yield LineChunk(index, start, b"".join(lines))


def parse_record_lines(data: bytes) -> pymarc.Record:
    """Parse one record in either line format (text must be UTF-8)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RecordError(f"line format is not UTF-8 at byte {error.start}") from error
    lines = [line.rstrip("\r\n") for line in text.splitlines() if line.strip()]
    if not lines:
        raise RecordError("empty record")
    if lines[0].startswith("=LDR"):
        return _parse_mrk(lines)
    return _parse_yaz(lines)


def _parse_yaz(lines: list[str]) -> pymarc.Record:
    if not _LEADER.match(lines[0]):
        raise RecordError(f"first line is not a leader: {lines[0][:40]!r}")
    record = pymarc.Record(to_unicode=True, force_utf8=True)
    record.leader = LeaderAsFound(lines[0][:24])
    for line in lines[1:]:
        tag, rest = line[:3], line[4:]
        if tag < "010" and tag.isdigit():
            record.add_field(pymarc.Field(tag=tag, data=rest))
            continue
        indicators, body = rest[:2], rest[2:]
        record.add_field(_data_field(tag, indicators, _split_yaz(body)))
    return record


def _split_yaz(body: str) -> list[tuple[str, str]]:
    marks = list(_YAZ_SUBFIELD.finditer(body))
    return [
        (mark.group(1), body[mark.end() : marks[i + 1].start() if i + 1 < len(marks) else None])
        for i, mark in enumerate(marks)
    ]


def _parse_mrk(lines: list[str]) -> pymarc.Record:
    record = pymarc.Record(to_unicode=True, force_utf8=True)
    for line in lines:
        match = _MRK_LINE.match(line)
        if match is None:
            raise RecordError(f"not a .mrk line: {line[:40]!r}")
        tag, rest = match.groups()
        if tag == "LDR":
            record.leader = LeaderAsFound(rest.replace("\\", " ")[:24])
        elif tag < "010" and tag.isdigit():
            record.add_field(pymarc.Field(tag=tag, data=rest.replace("\\", " ")))
        else:
            parts = rest[2:].split("$")[1:]
            subfields = [(part[:1], part[1:]) for part in parts]
            record.add_field(_data_field(tag, rest[:2].replace("\\", " "), subfields))
    return record


def _data_field(tag: str, indicators: str, subfields: list[tuple[str, str]]) -> pymarc.Field:
    indicators = indicators.ljust(2)
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(indicators[0], indicators[1]),
        subfields=[pymarc.Subfield(code, value) for code, value in subfields],
    )
