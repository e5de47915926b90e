"""The display record of a cluster: best base, merged identifiers and subjects, holdings."""

import pymarc
import pytest
from dedup_records import book

from kitapbridge.connectors.base import Holding, HoldingStatus
from kitapbridge.dedup.display import ClusterMember, best_member, build_display_record


def _subject(record: pymarc.Record, heading: str) -> pymarc.Record:
    record.add_field(
        pymarc.Field("650", pymarc.Indicators(" ", "7"),
                     [pymarc.Subfield("a", heading), pymarc.Subfield("2", "nlrk")])
    )  # fmt: skip
    return record


def _members() -> list[ClusterMember]:
    full = _subject(
        book("Абай жолы", author="Әуезов, Мұхтар", isbns=("9965-00-014-Х",), year=2012,
             pages="480 б.", publisher="Жазушы"),
        "Қазақ әдебиеті",
    )  # fmt: skip
    brief = _subject(
        book("Abai joly", isbns=("978-601-10-0003-2",), year=2012, encoding_level="7"),
        "Роман",
    )
    brief.add_field(
        pymarc.Field("035", pymarc.Indicators(" ", " "), [pymarc.Subfield("a", "(OCoLC)123")])
    )
    return [
        ClusterMember(31, brief, "KZ-B", "b-7",
                      (Holding(barcode="B002", call_number="84(5Каз)"),
                       Holding(barcode="B001", status=HoldingStatus.LOST))),
        ClusterMember(30, full, "KZ-A", "a-1",
                      (Holding(barcode="A100", shelf_location="Абонемент"),)),
    ]  # fmt: skip


def test_best_member_is_the_fuller_record() -> None:
    assert best_member(_members()).record_id == 30


def test_display_record_unites_members_and_lists_holdings_per_school() -> None:
    record = build_display_record("c30", _members(), retired_ids=["c44"])
    lines = [str(f) for f in record.fields if f.tag != "008"]
    assert record["008"].data == "200101s2012    kz a                kaz d"
    assert lines == [
        "=001  c30",
        r"=019  \\$ac44",
        r"=020  \\$a9789965000140",
        r"=020  \\$z9786011000032",
        r"=035  \\$a(KZ-A)a-1",
        r"=035  \\$a(KZ-B)b-7",
        r"=035  \\$a(OCoLC)123",
        r"=100  1\$aӘуезов, Мұхтар",
        r"=245  10$aАбай жолы",
        r"=260  \\$aАлматы$bЖазушы$c2012.",
        r"=300  \\$a480 б.",
        r"=650  \7$aҚазақ әдебиеті$2nlrk",
        r"=650  \7$aРоман$2nlrk",
        r"=852  \\$81$aKZ-A$cАбонемент",
        r"=852  \\$82$aKZ-B$h84(5Каз)",
        r"=876  \\$81.1$pA100$javailable",
        r"=876  \\$82.1$pB001$jlost",
        r"=876  \\$82.2$pB002$javailable",
    ]
    assert str(record.leader)[9] == "a"


def test_display_record_is_deterministic_whatever_the_member_order() -> None:
    members = _members()
    forward = build_display_record("c30", members).as_marc()
    backward = build_display_record("c30", list(reversed(members))).as_marc()
    assert forward == backward


def test_a_cluster_without_members_is_an_error() -> None:
    with pytest.raises(ValueError, match="cluster c1 has no members"):
        build_display_record("c1", [])
