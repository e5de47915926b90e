"""The tolerant ISO 2709 reader: one defect per record, each found at its offset."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitapbridge.marc.iso2709 import iter_chunks, parse_record
from kitapbridge.marc.issues import RecordError


def iso_record(fields: list[tuple[str, bytes]], leader_tail: str = "nam a22") -> bytes:
    """A UTF-8 record written as pymarc writes it; ``fields`` exclude the terminator.

    Like pymarc, it writes a 6-digit length for a record over 99,999 bytes.
    """
    directory = b""
    data = b""
    for tag, content in fields:
        content += b"\x1e"
        directory += f"{tag}{len(content):04d}{len(data):05d}".encode()
        data += content
    base = 24 + len(directory) + 1
    length = base + len(data) + 1
    leader = f"{length:05d}{leader_tail}{base:05d}   4500".encode()
    return leader + directory + b"\x1e" + data + b"\x1d"


GOOD = iso_record([("001", b"kz-0001"), ("245", "10\x1faАбай жолы /\x1fcМұхтар Әуезов.".encode())])


def _with(record: bytes, position: int, replacement: bytes) -> bytes:
    return record[:position] + replacement + record[position + len(replacement) :]


# One record per defect, between good records, as pymarc's test/bad_records.mrc does.
# Each entry: (name, bytes, the issues expected, or the reason it is unreadable).
BAD_RECORDS: list[tuple[str, bytes, list[str] | str]] = [
    ("good", GOOD, []),
    ("wrong record length", _with(GOOD, 0, b"00999"), ["record-length-mismatch"]),
    ("wrong base address", _with(GOOD, 12, b"00099"), ["base-address-mismatch"]),
    ("directory length wrong", _with(GOOD, 24 + 3, b"0042"), ["bad-directory"]),
    (
        "multibyte letter in leader",
        GOOD[:17] + "т".encode() + GOOD[18:],
        ["bad-leader-byte", "record-length-mismatch", "base-address-mismatch"],
    ),
    (
        "stray bytes before leader",
        b"00077" + GOOD,
        ["bytes-before-leader", "record-length-mismatch", "base-address-mismatch"],
    ),
    (
        "no directory at all",
        b"00026     2200025   4500\x1e\x1d",
        "no readable directory before the first field terminator (byte 24)",
    ),
    ("good again", GOOD, []),
]


def test_each_defect_is_reported_at_its_offset() -> None:
    stream = io.BytesIO(b"".join(record for _name, record, _code in BAD_RECORDS))
    chunks = list(iter_chunks(stream))
    assert len(chunks) == len(BAD_RECORDS)
    offset = 0
    for chunk, (name, record, expected) in zip(chunks, BAD_RECORDS, strict=True):
        assert chunk.offset == offset, name
        offset += len(record)
        if isinstance(expected, str):
            with pytest.raises(RecordError) as error:
                parse_record(chunk.data)
            assert error.value.reason == expected
            continue
        raw = parse_record(chunk.data)
        assert [issue.code for issue in raw.issues] == expected, name
        assert [f.tag for f in raw.fields] == ["001", "245"], name
        assert raw.fields[1].subfields()[0] == (b"a", "Абай жолы /".encode()), name


def test_directory_fallback_reads_fields_by_terminator() -> None:
    raw = parse_record(_with(GOOD, 24 + 3, b"0042"))
    assert [issue.code for issue in raw.issues] == ["bad-directory"]
    assert raw.fields[0].data == b"kz-0001"


def test_newline_separated_records_and_truncated_last_record() -> None:
    stream = io.BytesIO(GOOD + b"\r\n" + GOOD + b"\n" + GOOD[:-40])
    chunks = list(iter_chunks(stream))
    assert [c.offset for c in chunks] == [0, len(GOOD) + 2, 2 * len(GOOD) + 3]
    assert [c.terminated for c in chunks] == [True, True, False]
    truncated = parse_record(chunks[2].data)
    assert "truncated-record" in [issue.code for issue in truncated.issues]
    assert [f.tag for f in truncated.fields] == ["001", "245"]


def test_record_over_99999_bytes_is_read() -> None:
    notes = [("500", b"  \x1fa" + b"x" * 9000) for _ in range(12)]
    record = iso_record([("001", b"big"), *notes])
    assert record[:6] == b"108246"  # the leader is shifted by one byte
    raw = parse_record(record)
    assert len(raw.fields) == 13
    assert raw.fields[12].data == b"  \x1fa" + b"x" * 9000
    assert [issue.code for issue in raw.issues] == [
        "bytes-before-leader",
        "record-too-long",
        "base-address-mismatch",
    ]


def test_chunks_stream_with_bounded_reads() -> None:
    class CountingStream(io.BytesIO):
        largest = 0

        def read(self, size: int | None = -1) -> bytes:
            CountingStream.largest = max(CountingStream.largest, size or 0)
            return super().read(size)

    stream = CountingStream(GOOD * 5000)
    assert sum(1 for _ in iter_chunks(stream)) == 5000
    assert CountingStream.largest == 1 << 20


def test_pymarc_bad_records_fixture(marc_fixtures: Path) -> None:
    """pymarc reads 2 of these 8; we read all but the one with no directory."""
    with (marc_fixtures / "pymarc" / "bad_records.mrc").open("rb") as stream:
        chunks = list(iter_chunks(stream))
    assert [c.offset for c in chunks] == [0, 127, 254, 381, 509, 637, 764, 790]
    outcomes = []
    for chunk in chunks:
        try:
            raw = parse_record(chunk.data)
        except RecordError as error:
            outcomes.append(error.reason)
            continue
        outcomes.append(sorted({issue.code for issue in raw.issues}))
    assert outcomes == [
        [],
        ["base-address-mismatch"],
        ["base-address-mismatch"],
        ["bad-directory"],
        ["bad-directory"],
        ["base-address-mismatch"],
        "no readable directory before the first field terminator (byte 24)",
        [],
    ]


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_crash_the_reader(data: bytes) -> None:
    for chunk in iter_chunks(io.BytesIO(data)):
        try:
            raw = parse_record(chunk.data)
        except RecordError:
            continue
        assert raw.fields
        assert len(raw.leader) == 24


@settings(max_examples=200, deadline=2000)
@given(st.binary(max_size=400), st.integers(min_value=0, max_value=len(GOOD) - 1))
def test_damaged_good_records_never_crash(noise: bytes, position: int) -> None:
    data = GOOD[:position] + noise + GOOD[position:]
    for chunk in iter_chunks(io.BytesIO(data)):
        try:
            parse_record(chunk.data)
        except RecordError:
            continue
