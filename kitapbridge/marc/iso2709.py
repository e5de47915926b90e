"""Tolerant ISO 2709 reading: cut a byte stream into records and records into fields.

Written by hand because pymarc's ``MARCReader`` trusts the leader's record length
to find the next record: one wrong length (``ruby-marc`` ``cp866_multirecord.marc``,
``seed-format-marc`` ``1251-split.mrc``) loses every following record, and a bad
directory, a multibyte character inside the leader (``rsl_10_broken.mrc``) or a
record over 99,999 bytes yields ``None`` with nothing recovered. Here records are
cut on the record terminator 0x1D, whatever the leader says, and a record whose
directory disagrees with its data is re-read by splitting on field terminators.

Nothing is decoded here: values stay bytes, because the encoding is decided per
record afterwards (``kitapbridge.marc.encodings``). The delimiters are ASCII
control bytes that none of the supported encodings uses inside a character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, NamedTuple

from kitapbridge.marc.issues import Issue, RecordError, Severity

LEADER_LENGTH = 24
DIRECTORY_ENTRY_LENGTH = 12
SUBFIELD_DELIMITER = 0x1F
FIELD_TERMINATOR = 0x1E
RECORD_TERMINATOR = 0x1D
MAX_RECORD_LENGTH = 99_999
MAX_FIELD_LENGTH = 9_999

_READ_SIZE = 1 << 20
# A run this long without a record terminator is not a record; it is cut off and
# reported so that a file without any 0x1D cannot make the reader hold all of it.
MAX_CHUNK_LENGTH = 16 << 20
# Between records, exports carry newlines (one record per line), DOS end-of-file
# marks (0x1A) or NUL padding; none of them can start a leader.
_INTER_RECORD_BYTES = b"\r\n\x00\x1a \t"
# Tags are read as any printable ASCII here (``pymarc`` ``bad_indicator.dat`` has
# the tag "0 2"); normalisation decides what to do with an invalid one.
_TAG = re.compile(rb"[ -~]{3}")
_DIRECTORY_ENTRY = re.compile(rb"[ -~]{3}[0-9]{9}")
_DIRECTORY = re.compile(rb"(?:[ -~]{3}[0-9]{9})+")
_MAX_LEADER_SHIFT = 8
_new_raw_field = tuple.__new__


@dataclass(frozen=True)
class RawChunk:
    """The bytes of one record as cut from the stream, before any parsing."""

    index: int
    offset: int
    data: bytes

    @property
    def terminated(self) -> bool:
        return self.data.endswith(b"\x1d")


class RawField(NamedTuple):
    """A field as bytes: ``data`` excludes the field terminator.

    A named tuple rather than a dataclass: readers make one per field, and a
    tuple is built without a Python-level ``__init__``.
    """

    tag: str
    data: bytes

    @property
    def is_control(self) -> bool:
        return self.tag.startswith("00")

    def subfields(self) -> list[tuple[bytes, bytes]]:
        """``(code, value)`` pairs of a data field; text before the first delimiter is dropped."""
        parts = self.data.split(b"\x1f")
        return [(part[:1], part[1:]) for part in parts[1:]]

    def indicators(self) -> bytes:
        head = self.data.split(b"\x1f", 1)[0]
        return head


@dataclass
class RawRecord:
    """A record cut into leader and fields, with the structural problems met on the way."""

    leader: str
    fields: list[RawField]
    issues: list[Issue] = field(default_factory=list)

    def first(self, tag: str) -> RawField | None:
        for raw_field in self.fields:
            if raw_field.tag == tag:
                return raw_field
        return None

    def text_bytes(self) -> bytes:
        """Every field's content joined: the bytes the encoding detector looks at."""
        return b"\x1e".join(raw_field.data for raw_field in self.fields)


def iter_chunks(stream: BinaryIO) -> Iterator[RawChunk]:
    """Cut a binary stream into records on 0x1D, reading at most 1 MiB at a time.

    Memory stays bounded by the largest record, not the file. Bytes between
    records that are only newlines or padding are skipped; any other stray text
    becomes part of the next chunk and is reported when that chunk is parsed.
    A last record without its terminator is yielded as it is (``terminated`` False).
    """
    buffer = b""
    consumed = 0  # stream offset of buffer[0]
    index = 0
    while True:
        block = stream.read(_READ_SIZE)
        buffer += block
        start = 0
        while True:
            start = _skip_separators(buffer, start)
            end = buffer.find(b"\x1d", start)
            if end < 0:
                if len(buffer) - start > MAX_CHUNK_LENGTH:
                    yield RawChunk(index, consumed + start, buffer[start:])
                    index += 1
                    start = len(buffer)
                break
            yield RawChunk(index, consumed + start, buffer[start : end + 1])
            index += 1
            start = end + 1
        buffer = buffer[start:]
        consumed += start
        if not block:
            break
    if buffer:
        yield RawChunk(index, consumed, buffer)


def _skip_separators(buffer: bytes, start: int) -> int:
    while start < len(buffer) and buffer[start] in _INTER_RECORD_BYTES:
        start += 1
    return start


def parse_record(chunk: bytes) -> RawRecord:
    """Cut one record into leader and fields, recovering what tolerant readers recover.

    Raises ``RecordError`` (without position: the caller adds index and offset)
    only when no field can be read at all.
    """
    issues: list[Issue] = []
    if not chunk.endswith(b"\x1d"):
        issues.append(_warning("truncated-record", "record has no terminator (0x1D)"))
        chunk = chunk + b"\x1d"
    directory_end = chunk.find(b"\x1e")
    if directory_end < 0:
        raise RecordError("no field terminator (0x1E): not an ISO 2709 record")
    data = chunk[directory_end + 1 : -1]
    leader_length, fields = _directory_layout(chunk, directory_end, data)
    if leader_length is None:
        raise RecordError(
            f"no readable directory before the first field terminator (byte {directory_end})"
        )
    leader = _leader_text(chunk[:leader_length], issues)
    _check_lengths(leader, len(chunk), directory_end + 1, issues)
    if fields is None:
        fields = _fields_by_terminator(chunk[leader_length:directory_end], data, issues)
    if not fields:
        raise RecordError("record has no fields")
    return RawRecord(leader, fields, issues)


def _directory_layout(
    chunk: bytes, directory_end: int, data: bytes
) -> tuple[int | None, list[RawField] | None]:
    """Where the directory starts, and the fields when the directory agrees with the data.

    The directory normally starts at byte 24. A multibyte character typed into
    the leader (``rsl_10_broken.mrc`` has a two-byte Cyrillic letter at
    position 17) or stray bytes before the leader (``yaz`` ``marc4.marc``
    repeats the record length) shift it; the shift is the one at which the
    directory splits into whole entries that point at field terminators. When
    no shift gives such a directory, the leader is taken as 24 bytes (or the
    first shift that aligns, for a leader with non-ASCII bytes) and the caller
    splits the data on field terminators.
    """
    aligned = []
    for extra in range(0, _MAX_LEADER_SHIFT + 1):
        directory = chunk[LEADER_LENGTH + extra : directory_end]
        if (
            directory
            and len(directory) % DIRECTORY_ENTRY_LENGTH == 0
            and _DIRECTORY_ENTRY.fullmatch(directory[:DIRECTORY_ENTRY_LENGTH])
        ):
            fields = _fields_from_directory(directory, data)
            if fields is not None:
                return LEADER_LENGTH + extra, fields
            aligned.append(LEADER_LENGTH + extra)
    if not chunk[:LEADER_LENGTH].isascii() and aligned:
        return aligned[0], None
    if _TAG.fullmatch(chunk[LEADER_LENGTH : LEADER_LENGTH + 3]):
        return LEADER_LENGTH, None
    return None, None


def _warning(code: str, message: str) -> Issue:
    return Issue(code, message, Severity.WARNING)


def _leader_text(raw: bytes, issues: list[Issue]) -> str:
    if len(raw) == LEADER_LENGTH and raw.isascii():
        return raw.decode("ascii")
    if raw.isascii():
        extra = len(raw) - LEADER_LENGTH
        issues.append(
            _warning(
                "bytes-before-leader", f"{extra} stray bytes before the leader: {raw[:extra]!r}"
            )
        )
        return raw[extra:].decode("ascii")
    issues.append(_warning("bad-leader-byte", f"leader has non-ASCII bytes: {raw!r}"))
    text = raw.decode("utf-8", errors="replace")
    if len(text) != LEADER_LENGTH:
        text = raw.decode("latin-1")
    text = "".join(ch if " " <= ch <= "~" else " " for ch in text)
    return text[:LEADER_LENGTH].ljust(LEADER_LENGTH)


def _check_lengths(leader: str, record_length: int, base_address: int, issues: list[Issue]) -> None:
    declared = leader[0:5]
    if record_length > MAX_RECORD_LENGTH:
        issues.append(
            _warning("record-too-long", f"record has {record_length} bytes, over ISO 2709's 99,999")
        )
    elif declared != f"{record_length:05d}":
        issues.append(
            _warning(
                "record-length-mismatch",
                f"leader says {declared!r} bytes, record has {record_length}",
            )
        )
    if leader[12:17] != f"{base_address:05d}":
        issues.append(
            _warning(
                "base-address-mismatch",
                f"leader base address {leader[12:17]!r}, data starts at byte {base_address}",
            )
        )


def _fields_from_directory(directory: bytes, data: bytes) -> list[RawField] | None:
    """Fields as the directory says, or None when any entry disagrees with the data."""
    if len(directory) % DIRECTORY_ENTRY_LENGTH or not _DIRECTORY.fullmatch(directory):
        return None
    fields = []
    entries = directory.decode("ascii")  # all printable ASCII: the pattern matched
    data_length = len(data)
    for pos in range(0, len(entries), DIRECTORY_ENTRY_LENGTH):
        length = int(entries[pos + 3 : pos + 7])
        start = int(entries[pos + 7 : pos + 12])
        end = start + length
        if length == 0 or end > data_length or data[end - 1] != FIELD_TERMINATOR:
            return None
        fields.append(_new_raw_field(RawField, (entries[pos : pos + 3], data[start : end - 1])))
    # Every field ends at a terminator; equal counts mean no field spans another's end.
    if data.count(b"\x1e") != len(fields):
        return None
    return fields


def _fields_by_terminator(directory: bytes, data: bytes, issues: list[Issue]) -> list[RawField]:
    """Pair the directory's tags, in order, with the data split on field terminators."""
    tags = [
        directory[pos : pos + 3]
        for pos in range(0, len(directory) - 2, DIRECTORY_ENTRY_LENGTH)
        if _TAG.fullmatch(directory[pos : pos + 3])
    ]
    contents = data.split(b"\x1e")
    if contents and contents[-1] == b"":
        contents.pop()
    issues.append(
        _warning(
            "bad-directory",
            f"directory disagrees with the field data ({len(tags)} entries, "
            f"{len(contents)} fields): fields re-read by field terminator",
        )
    )
    if len(tags) != len(contents):
        issues.append(
            _warning(
                "field-count-mismatch",
                f"{len(tags)} directory entries but {len(contents)} fields; "
                f"kept {min(len(tags), len(contents))}",
            )
        )
    return [
        RawField(tag.decode("ascii"), content) for tag, content in zip(tags, contents, strict=False)
    ]
