"""Problems met while cutting a source travel with it into the conversion, once each."""

from __future__ import annotations

from pathlib import Path

import pymarc

from kitapbridge.connectors.base import SourceRecord, SourceSystem
from kitapbridge.marc.issues import Issue, Severity
from kitapbridge.marc.pipeline import convert_record
from kitapbridge.marc.reading import read_marc_file

from .test_iso2709 import GOOD, _with


def _record() -> pymarc.Record:
    record = pymarc.Record(leader="00000nam a2200000 i 4500", force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data="K1"))
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("1", "0"),
            subfields=[pymarc.Subfield("a", "Қара сөздер")],
        )
    )
    return record


def test_cutting_issues_come_first_in_the_conversion() -> None:
    cut = Issue("unknown-language", "language 'эсперанто' has no MARC code; not mapped")
    source = SourceRecord(
        SourceSystem.KITAPHANA, b"K1;...", "table-row", 0, 40, record=_record(), issues=[cut]
    )
    conversion = convert_record(source)
    assert conversion.record is not None
    assert conversion.record["245"]["a"] == "Қара сөздер"
    assert conversion.issues[0] == cut
    assert source.issues == [cut]


def test_a_source_that_could_not_be_cut_is_rejected_with_its_reason() -> None:
    reason = "orphan copy: INV row 5 refers to DOC_ID 77, which does not exist"
    source = SourceRecord(
        SourceSystem.MARC_SQL,
        b'{"reason": "orphan"}',
        "sql-row",
        5,
        -1,
        issues=[Issue("orphan-copy", reason, Severity.ERROR)],
    )
    conversion = convert_record(source)
    assert conversion.rejected
    assert conversion.reject_reason == reason
    assert conversion.issues == [Issue("orphan-copy", reason, Severity.ERROR)]
    assert conversion.decisions == []


def test_iso2709_structural_issues_are_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "two.mrc"
    path.write_bytes(GOOD + _with(GOOD, 12, b"00099"))
    good, shifted = read_marc_file(path)
    mismatch = Issue("base-address-mismatch", "leader base address '00099', data starts at byte 49")
    assert (good.local_id, good.issues) == ("kz-0001", [])
    assert (shifted.local_id, shifted.issues, shifted.offset) == ("kz-0001", [mismatch], len(GOOD))
    conversion = convert_record(shifted)
    assert conversion.record is not None
    assert conversion.issues.count(mismatch) == 1
    # The same bytes given without the reader's issues still report the defect.
    bare = SourceRecord(SourceSystem.MARC, shifted.raw, "iso2709", 0, 0)
    assert convert_record(bare).issues.count(mismatch) == 1


def test_unreadable_iso2709_record_is_rejected_at_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "broken.mrc"
    path.write_bytes(GOOD + b"00026     2200025   4500\x1e\x1d")
    _good, broken = read_marc_file(path)
    reason = "no readable directory before the first field terminator (byte 24)"
    assert (broken.offset, broken.issues) == (
        len(GOOD),
        [Issue("unreadable", reason, Severity.ERROR)],
    )
    conversion = convert_record(broken)
    assert (conversion.rejected, conversion.reject_reason) == (True, reason)
