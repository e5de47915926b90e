"""The 27 Melinda match-detection cases (NatLibFi/melinda-record-matching-js) under our policy.

Melinda scores each case with the feature set named in its ``metadata.json``; kitapbridge
always uses all its features. Where our verdict differs from Melinda's, the case says
why; every difference is on the side of *not* auto-linking, except where Melinda's case
switches features off that our matcher always uses (06, 07).
"""

import json
from pathlib import Path

import pytest
from melinda_records import read_melinda

from kitapbridge.dedup.features import match_record
from kitapbridge.dedup.scoring import MatchDecision, Veto, compare

MATCH, REVIEW, NO = MatchDecision.MATCH, MatchDecision.REVIEW, MatchDecision.NO_MATCH

#: case → (our decision, our vetoes, why we differ from Melinda or "")
EXPECTED: dict[str, tuple[MatchDecision, tuple[Veto, ...], str]] = {
    "01": (MATCH, (), ""),
    "02": (REVIEW, (), ""),  # title alike, B's ISBN has a bad checksum: staff decide
    "03": (NO, (Veto.TITLE,), ""),
    "04": (NO, (Veto.YEAR,), "Melinda links on the shared Melinda id; we never link 2019 to 2020"),
    "05": (MATCH, (), ""),
    "06": (MATCH, (), "Melinda compares language only; we use every feature"),
    "07": (MATCH, (), "Melinda compares ISBN only; we use every feature"),
    "08": (NO, (Veto.YEAR,), ""),
    "09": (NO, (Veto.YEAR,), ""),
    "10": (NO, (Veto.YEAR,), ""),
    "11": (MATCH, (), ""),
    "12": (REVIEW, (), ""),  # two records of one source ('testi'): staff decide
    "13": (REVIEW, (), ""),
    "14": (NO, (), ""),
    "15": (MATCH, (), ""),
    "16": (
        NO,
        (Veto.YEAR,),
        "Melinda allows consecutive years; each year is a printing here",
    ),
    "17": (NO, (Veto.YEAR,), "as 16"),
    "18": (NO, (Veto.YEAR, Veto.EDITION), "3rd printing vs 2nd edition: another edition here"),
    "19": (NO, (), ""),
    "20": (NO, (), ""),
    "21": (NO, (), ""),
    "22": (NO, (), "authority records (YSO concepts) are not deduplicated by kitapbridge"),
    "23": (REVIEW, (), ""),  # one source, two local ids
    "24": (MATCH, (), ""),  # publisher numbers F 123 = F-123
    "25": (REVIEW, (), ""),
    "26": (REVIEW, (), ""),
    "27": (REVIEW, (), ""),
}


def _cases(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def melinda(shared_fixtures: Path) -> Path:
    return shared_fixtures / "dedup" / "melinda"


def test_every_case_has_an_expectation(melinda: Path) -> None:
    assert _cases(melinda) == sorted(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_melinda_case(melinda: Path, case: str) -> None:
    decision, vetoes, difference = EXPECTED[case]
    metadata = json.loads((melinda / case / "metadata.json").read_text(encoding="utf-8"))
    melinda_results = metadata["expectedResults"]
    if not isinstance(melinda_results, list):
        melinda_results = [melinda_results]
    [(record_a, source_a, local_a)] = read_melinda(melinda / case / "recordA.json")
    a = match_record(1, record_a, school=source_a, local_id=local_a)
    candidates = read_melinda(melinda / case / "recordB.json")
    assert len(candidates) == len(melinda_results)
    for offset, ((record_b, source_b, local_b), melinda_result) in enumerate(
        zip(candidates, melinda_results, strict=True), start=2
    ):
        evidence = compare(a, match_record(offset, record_b, school=source_b, local_id=local_b))
        assert (evidence.decision, evidence.vetoes) == (decision, vetoes)
        agrees = (evidence.decision is MATCH) == melinda_result["match"]
        assert agrees == (difference == ""), f"case {case}: difference must be documented"
