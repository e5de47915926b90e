"""The display record of a cluster, built on demand (dedup.md §6).

Source records are never changed. The display record starts from the cluster's best
member, fills what it lacks from the others, unites identifiers and subjects, names
every member in 035 and every retired cluster id in 019, and gives each holding school
one 852 (with an 876 per copy). The same members always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pymarc

from kitapbridge.connectors.base import Holding
from kitapbridge.dedup.identifiers import clean_isbn, isbn13
from kitapbridge.text import fold

ENCODING_LEVEL_RANK = " 1425738uz"
"""Leader/17 values, best first (MARC 21: full, full not examined, core, less than full …)."""

COMPLETENESS_TAGS = (
    "100",
    "110",
    "111",
    "250",
    "260",
    "264",
    "300",
    "490",
    "020",
    "041",
    "505",
    "520",
)
"""Fields whose presence makes a member a better base (dedup.md §6)."""

FILL_TAGS = ("041", "100", "110", "111", "130", "240", "300", "490", "500", "504", "830")
"""Fields taken from the next best member when the base lacks them. 245, 250 and
26X never are: they must describe one manifestation consistently."""

UNION_TAGS = ("505", "520", "856")
"""Fields united across members, deduplicated on their folded text."""

HOLDINGS_TAGS = frozenset({"001", "003", "005", "019", "020", "035", "852", "876"})
"""Tags rebuilt for the display record rather than copied from the base."""


@dataclass(frozen=True)
class ClusterMember:
    """One source record of a cluster, with the school that holds it and its copies."""

    record_id: int
    record: pymarc.Record
    school: str
    """The holding school's ISIL (``KZ-…``)."""
    local_id: str
    holdings: Sequence[Holding] = field(default_factory=tuple)
    trusted: bool = False
    """A national-library copy, preferred as the base over school copies."""


def best_member(members: Sequence[ClusterMember]) -> ClusterMember:
    """The member to build on: encoding level, completeness, trust, then the oldest."""
    return min(members, key=_rank)


def _rank(member: ClusterMember) -> tuple[int, int, int, int]:
    level = str(member.record.leader)[17:18] or "u"
    level_rank = ENCODING_LEVEL_RANK.find(level)
    filled = sum(1 for tag in COMPLETENESS_TAGS if member.record.get(tag) is not None)
    subjects = min(len(member.record.get_fields(*_SUBJECT_TAGS)), 5)
    return (
        level_rank if level_rank >= 0 else len(ENCODING_LEVEL_RANK),
        -(filled + subjects),
        0 if member.trusted else 1,
        member.record_id,
    )


_SUBJECT_TAGS = ("600", "610", "611", "630", "648", "650", "651", "653", "655")


def build_display_record(
    cluster_id: str, members: Sequence[ClusterMember], retired_ids: Iterable[str] = ()
) -> pymarc.Record:
    """The display record of one cluster (see the module docstring).

    Raises ``ValueError`` for a cluster without members.
    """
    if not members:
        raise ValueError(f"cluster {cluster_id} has no members")
    ordered = sorted(members, key=_rank)
    base = ordered[0].record
    display = pymarc.Record(leader=str(base.leader), force_utf8=True)
    display.leader = pymarc.Leader(str(base.leader)[:9] + "a" + str(base.leader)[10:])
    display.add_field(pymarc.Field(tag="001", data=cluster_id))
    retired = sorted(set(retired_ids))
    if retired:
        display.add_field(_field("019", [("a", r) for r in retired]))
    display.add_field(*_isbn_fields(ordered))
    display.add_field(*_system_numbers(ordered))
    for source in base.fields:
        if source.tag not in HOLDINGS_TAGS:
            display.add_field(_copy(source))
    _fill_missing(display, ordered[1:])
    _unite(display, ordered[1:])
    display.add_field(*_holdings_fields(members))
    _sort_fields(display)
    return display


def _field(tag: str, subfields: list[tuple[str, str]], ind: str = "  ") -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(ind[0], ind[1]),
        subfields=[pymarc.Subfield(code, value) for code, value in subfields],
    )


def _copy(source: pymarc.Field) -> pymarc.Field:
    if source.is_control_field():
        return pymarc.Field(tag=source.tag, data=source.data)
    return pymarc.Field(
        tag=source.tag,
        indicators=pymarc.Indicators(source.indicator1, source.indicator2),
        subfields=[pymarc.Subfield(s.code, s.value) for s in source.subfields],
    )


def _isbn_fields(ordered: Sequence[ClusterMember]) -> list[pymarc.Field]:
    """All members' ISBNs once each: valid ones as ISBN-13 in $a, the rest in $z."""
    valid: list[str] = []
    invalid: list[str] = []
    for member in ordered:
        for source in member.record.get_fields("020"):
            for sub in source.subfields:
                if sub.code not in "az":
                    continue
                converted = isbn13(sub.value) if sub.code == "a" else None
                digits = clean_isbn(sub.value) if converted is None else None
                if converted is not None and converted not in valid:
                    valid.append(converted)
                elif digits is not None and digits not in invalid:
                    invalid.append(digits)
    fields = [_field("020", [("a", isbn)]) for isbn in valid]
    fields.extend(_field("020", [("z", digits)]) for digits in invalid if digits not in valid)
    return fields


def _system_numbers(ordered: Sequence[ClusterMember]) -> list[pymarc.Field]:
    """035: every member as ``(<school ISIL>)<local id>``, then members' prefixed numbers."""
    numbers = [f"({m.school}){m.local_id}" for m in sorted(ordered, key=lambda m: m.record_id)]
    for member in ordered:
        for source in member.record.get_fields("035"):
            numbers.extend(v for v in source.get_subfields("a") if v.startswith("("))
    unique = list(dict.fromkeys(numbers))
    return [_field("035", [("a", number)]) for number in unique]


def _fill_missing(display: pymarc.Record, others: Sequence[ClusterMember]) -> None:
    for tag in FILL_TAGS:
        if display.get(tag) is not None:
            continue
        if tag in {"100", "110", "111"} and display.get_fields("100", "110", "111"):
            continue
        for member in others:
            found = member.record.get_fields(tag)
            if found:
                display.add_field(*(_copy(f) for f in found))
                break


def _unite(display: pymarc.Record, others: Sequence[ClusterMember]) -> None:
    seen = {_heading_key(f) for f in display.get_fields(*_SUBJECT_TAGS, *UNION_TAGS)}
    for member in others:
        for source in member.record.get_fields(*_SUBJECT_TAGS, *UNION_TAGS):
            key = _heading_key(source)
            if key not in seen:
                seen.add(key)
                display.add_field(_copy(source))


def _heading_key(source: pymarc.Field) -> tuple[str, str, str]:
    """Subject identity: tag, folded heading text (without $0/$2/$9), thesaurus ($2)."""
    text = " ".join(s.value for s in source.subfields if s.code not in "0259")
    thesaurus = " ".join(source.get_subfields("2")) or source.indicator2
    return source.tag, fold(text), thesaurus


def _holdings_fields(members: Sequence[ClusterMember]) -> list[pymarc.Field]:
    """One 852 per holding school, and an 876 per copy linked to it by $8."""
    by_school: dict[str, list[Holding]] = {}
    for member in sorted(members, key=lambda m: (m.school, m.record_id)):
        by_school.setdefault(member.school, []).extend(member.holdings)
    fields: list[pymarc.Field] = []
    for link, (school, copies) in enumerate(sorted(by_school.items()), start=1):
        copies = sorted(copies, key=lambda h: (h.barcode or "", h.inventory_number or ""))
        location = next((h.shelf_location for h in copies if h.shelf_location), None)
        call_number = next((h.call_number for h in copies if h.call_number), None)
        subfields = [("8", str(link)), ("a", school)]
        subfields += [("c", location)] if location else []
        subfields += [("h", call_number)] if call_number else []
        fields.append(_field("852", subfields))
        for copy_number, holding in enumerate(copies, start=1):
            item = [("8", f"{link}.{copy_number}")]
            item += [("p", holding.barcode)] if holding.barcode else []
            item += [("a", holding.inventory_number)] if holding.inventory_number else []
            item += [("j", str(holding.status))]
            fields.append(_field("876", item))
    return fields


def _sort_fields(display: pymarc.Record) -> None:
    """Tag order, keeping the relative order of fields with one tag (stable sort)."""
    display.fields.sort(key=lambda f: f.tag)
