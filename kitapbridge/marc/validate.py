"""MARC21 structure checks on a normalised record; every finding is a warning ``Issue``.

Rules from the MARC 21 Format for Bibliographic Data (leader values, 008 length,
repeatability). A record with warnings is still stored; staff see the warnings
in the import report.
"""

from __future__ import annotations

import re
from collections import Counter
from operator import attrgetter, itemgetter

import pymarc

from kitapbridge.marc.isbn import is_valid_isbn, leading_isbn
from kitapbridge.marc.issues import Issue
from kitapbridge.text.homoglyphs import LATIN_LETTERS, repair_homoglyphs

RECORD_STATUS = frozenset("acdnp")
BIBLIOGRAPHIC_TYPES = frozenset("acdefgijkmoprt")
OTHER_MARC21_TYPES = {"z": "authority", "w": "classification", "q": "community information"}
HOLDINGS_TYPES = frozenset("uvxy")
BIBLIOGRAPHIC_LEVELS = frozenset("abcdims")
CONTROL_TYPES = frozenset(" a")
ENCODING_LEVELS = frozenset(" 12345678uzIKLM")
"""MARC 21 values plus OCLC's I K L M, which shared records carry."""
CATALOGUING_FORMS = frozenset(" acinu")
MULTIPART_LEVELS = frozenset(" abc")

# fmt: off
NON_REPEATABLE = frozenset({
    "001", "003", "005", "008", "010", "018", "036", "038", "040", "042", "043", "044", "045",
    "066", "100", "110", "111", "130", "240", "243", "245", "254", "256", "263", "306", "357",
    "384", "507", "514", "841", "842", "844", "882",
})
# fmt: on
MAIN_ENTRY_TAGS = frozenset({"100", "110", "111", "130"})

# ``repair_homoglyphs`` changes only words holding letters of both scripts, and ASCII
# values are not looked at: without a Latin letter in a non-ASCII value, nothing to report.
_LATIN_LETTER = re.compile(f"[{LATIN_LETTERS}]")
_VALUE = itemgetter(1)
_TAG_OF = attrgetter("tag")


def validate_record(record: pymarc.Record) -> list[Issue]:
    """Structure warnings for a MARC21 record (empty when it is sound)."""
    leader = str(record.leader)
    issues = _leader_issues(leader)
    tags = Counter(map(_TAG_OF, record.fields))
    type_of_record = leader[6:7]
    bibliographic = type_of_record in BIBLIOGRAPHIC_TYPES
    if bibliographic and "245" not in tags:
        issues.append(Issue("missing-245", "no title statement (245)", tag="245"))
    if "008" not in tags:
        issues.append(Issue("missing-008", "no fixed-length data elements (008)", tag="008"))
    for field in record.get_fields("008") if "008" in tags else ():
        expected = 32 if type_of_record in HOLDINGS_TYPES else 40
        if len(field.data or "") != expected:
            issues.append(
                Issue(
                    "bad-008-length",
                    f"008 has {len(field.data or '')} characters, not {expected}",
                    tag="008",
                )
            )
    for tag, count in sorted(item for item in tags.items() if item[1] > 1):
        if tag in NON_REPEATABLE:
            issues.append(
                Issue("repeated-field", f"non-repeatable {tag} occurs {count} times", tag=tag)
            )
    main_entries = sum(tags[tag] for tag in MAIN_ENTRY_TAGS)
    if main_entries > 1:
        issues.append(Issue("several-main-entries", f"{main_entries} main entry fields (1XX)"))
    if "020" in tags:
        issues.extend(_isbn_issues(record))
    issues.extend(_homoglyph_issues(record))
    for field in record.fields:
        if field.tag.startswith("00") != field.control_field:
            issues.append(
                Issue(
                    "control-data-mismatch",
                    "control/data field kind does not match tag",
                    tag=field.tag,
                )
            )
    return issues


def _isbn_issues(record: pymarc.Record) -> list[Issue]:
    """020 $a that is not a valid ISBN (MARC21 wants those in $z); the value is left alone."""
    issues = []
    for field in record.get_fields("020"):
        for value in field.get_subfields("a"):
            number = leading_isbn(value)
            if number is None or not is_valid_isbn(number):
                issues.append(Issue("invalid-isbn", f"$a {value!r} is not a valid ISBN", tag="020"))
    return issues


def _homoglyph_issues(record: pymarc.Record) -> list[Issue]:
    """Words mixing Latin and Cyrillic look-alikes («Kапитанская», «әдебиетi») in 1XX-7XX.

    They are reported, not changed: the record keeps what the school typed, and
    the search index folds them anyway (``kitapbridge.text``).
    """
    issues: list[Issue] = []
    headings = [
        field for field in record.fields if not field.control_field and "100" <= field.tag < "800"
    ]
    values = [
        value for field in headings for value in map(_VALUE, field.subfields) if not value.isascii()
    ]
    if not _LATIN_LETTER.search("\x1f".join(values)):
        return issues  # the common case: no value to look at word by word
    for field in headings:
        for code, value in field.subfields:
            if value.isascii() or not code.isalpha():
                continue
            repaired = repair_homoglyphs(value)
            if repaired != value:
                issues.append(
                    Issue(
                        "homoglyphs",
                        f"${code} {value!r} mixes Latin and Cyrillic look-alikes "
                        f"(reads as {repaired!r})",
                        tag=field.tag,
                    )
                )
    return issues


def _leader_issues(leader: str) -> list[Issue]:
    issues = []
    checks = [
        (5, RECORD_STATUS, "record status"),
        (7, BIBLIOGRAPHIC_LEVELS, "bibliographic level"),
        (8, CONTROL_TYPES, "type of control"),
        (17, ENCODING_LEVELS, "encoding level"),
        (18, CATALOGUING_FORMS, "descriptive cataloguing form"),
        (19, MULTIPART_LEVELS, "multipart resource record level"),
    ]
    type_of_record = leader[6]
    if type_of_record in OTHER_MARC21_TYPES or type_of_record in HOLDINGS_TYPES:
        kind = OTHER_MARC21_TYPES.get(type_of_record, "holdings")
        issues.append(Issue("not-bibliographic", f"Leader/06 {type_of_record!r}: a {kind} record"))
        return issues
    if type_of_record not in BIBLIOGRAPHIC_TYPES:
        issues.append(Issue("bad-leader-value", f"Leader/06 type of record {type_of_record!r}"))
    for position, allowed, name in checks:
        if leader[position] not in allowed:
            issues.append(
                Issue("bad-leader-value", f"Leader/{position:02d} {name} {leader[position]!r}")
            )
    return issues
