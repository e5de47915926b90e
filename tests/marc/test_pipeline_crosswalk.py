"""How ``convert_record`` calls the crosswalk, with a stand-in crosswalk module.

The real ``kitapbridge.marc.crosswalk`` is tested end to end in
``test_fixture_files.py``; here a two-field crosswalk of the same interface
checks the wiring: what the pipeline passes in, and what it takes back.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pymarc
import pytest

from kitapbridge.marc.flavour import Flavour
from kitapbridge.marc.issues import Issue, Severity
from kitapbridge.marc.pipeline import convert_record
from kitapbridge.marc.reading import read_marc_file


@dataclass
class CrosswalkResult:
    record: pymarc.Record
    unmapped: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def title_only_crosswalk(record: pymarc.Record, flavour: Flavour) -> CrosswalkResult:
    assert flavour is Flavour.RUSMARC
    result = pymarc.Record(to_unicode=True, force_utf8=True)
    result.leader = pymarc.Leader("00000nam a2200000 i 4500")
    result.add_field(pymarc.Field(tag="001", data=record["001"].data))
    title = record["200"]["a"]
    result.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("0", "0"),
            subfields=[pymarc.Subfield("a", title)],
        )
    )
    if title == "Вып. 13.":
        return CrosswalkResult(result, issues=[Issue("no-title", "bad 200", Severity.ERROR)])
    unmapped = sorted({f.tag for f in record.fields} - {"001", "200"})
    return CrosswalkResult(result, unmapped=unmapped, issues=[Issue("x-warning", "kept")])


@pytest.fixture
def stand_in_crosswalk(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("kitapbridge.marc.crosswalk")
    module.crosswalk_to_marc21 = title_only_crosswalk  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kitapbridge.marc.crosswalk", module)


@pytest.mark.usefixtures("stand_in_crosswalk")
def test_rusmarc_goes_through_the_crosswalk(marc_fixtures: Path) -> None:
    sources = list(read_marc_file(marc_fixtures / "rusmarc-loge-gh" / "TEST1.ISO"))
    failed, converted = convert_record(sources[0]), convert_record(sources[1])
    assert converted.flavour is Flavour.RUSMARC
    assert converted.record is not None
    assert converted.record["245"]["a"] == "Задачи и этюды"
    assert converted.unmapped == [
        *("005", "100", "101", "102", "105", "210", "215", "606", "686", "702", "801", "899")
    ]
    assert [i.code for i in converted.issues] == ["x-warning", "missing-008"]
    assert converted.decisions[-1] == "crosswalk rusmarc → marc21"
    assert failed.rejected
    assert failed.reject_reason == "bad 200"


def test_without_a_crosswalk_rusmarc_is_rejected_with_the_reason(
    marc_fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "kitapbridge.marc.crosswalk", None)
    (source,) = read_marc_file(marc_fixtures / "rusmarc-loge-gh" / "TEST2.ISO")
    conversion = convert_record(source)
    assert conversion.rejected
    assert conversion.reject_reason == (
        "rusmarc record, but the RUSMARC/UNIMARC crosswalk (kitapbridge.marc.crosswalk) "
        "is not installed"
    )
