"""Normalise a MARC21 record for output: UTF-8 NFC text, a valid leader and structure.

What is repaired is reported as a warning ``Issue``; nothing is dropped silently.
The result is a new record: the input (a connector's record) is left as it was.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import chain
from operator import attrgetter, itemgetter

import pymarc

from kitapbridge.marc.isbn import repair_check_character
from kitapbridge.marc.issues import Issue
from kitapbridge.marc.leader import LeaderAsFound

_VALID_INDICATORS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz ")
_VALID_CODES = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
_VALID_TAG = re.compile(r"[0-9]{3}|[0-9A-Z]{3}|[0-9a-z]{3}")
# C0 controls other than tab, newline and carriage return are not allowed in XML 1.0,
# and 0x1D-0x1F inside a value would break ISO 2709 structure.
_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_FORBIDDEN_CHARACTERS = re.compile(f"[{_FORBIDDEN}]")
_NOT_LEADER_CHARACTER = re.compile(r"[^0-9A-Za-z ]")
# A data field's values, checked in one pass: not empty, no forbidden characters.
_CLEAN_VALUES = re.compile(f"[^{_FORBIDDEN}]+(?:\x1f[^{_FORBIDDEN}]+)*")
_CODE, _VALUE = itemgetter(0), itemgetter(1)
_TAG_OF = attrgetter("tag")
DEFAULT_LEADER = "00000nam a2200000 u 4500"
"""For a record that lost its leader: a book, encoding level ``u`` (unknown)."""


def normalise_record(record: pymarc.Record, issues: list[Issue]) -> pymarc.Record:
    """Make ``record`` ready to write, in place, and return it; repairs go to ``issues``.

    Leader: 24 characters, Leader/09 ``a`` (UTF-8), 10-11 ``22``, 20-23 ``4500``;
    record length and base address are recomputed by every writer
    (``writers.leader_with_lengths``), once the record's final content is known.
    Text: Unicode NFC, no control characters. Indicators outside ``[0-9a-z ]``
    become blank; an upper-case subfield code becomes lower case, any other
    invalid code joins its text to the previous subfield. Fields are ordered by
    tag, keeping the order within a tag. A Cyrillic Х typed as the check
    character of an ISBN in 020 $a becomes X (``kitapbridge.marc.isbn``).
    """
    fields: list[pymarc.Field] = []
    # the common case, checked for the whole record at once: no subfield to repair
    clean = _are_clean_subfields(
        list(chain.from_iterable(f.subfields for f in record.fields if not f.control_field))
    )
    for field in record.fields:
        normalised = _normalise_field(field, issues, clean)
        if normalised is not None:
            fields.append(normalised)
    fields.sort(key=_TAG_OF)
    for field in fields:
        if field.tag == "020":
            _repair_isbn(field, issues)
    record.fields = fields
    record.force_utf8 = True
    record.leader = pymarc.Leader(_normalise_leader(str(record.leader), issues))
    return record


def copy_record(record: pymarc.Record) -> pymarc.Record:
    """A copy whose fields can be changed without touching ``record``."""
    copy = pymarc.Record(to_unicode=True, force_utf8=True)
    copy.leader = LeaderAsFound(str(record.leader))
    for field in record.fields:
        if field.control_field:
            copy.add_field(pymarc.Field(tag=field.tag, data=field.data))
        else:
            indicators = pymarc.Indicators(field.indicator1, field.indicator2)
            copy.add_field(data_field(field.tag, indicators, list(field.subfields)))
    return copy


def data_field(
    tag: str, indicators: pymarc.Indicators, subfields: list[pymarc.Subfield]
) -> pymarc.Field:
    """A data field whatever its tag.

    pymarc makes every field tagged 001-009 a control field and drops its
    subfields; DanMARC exports (``yaz`` ``marc1.xml``) put datafields there.
    Kept as a data field, normalisation joins their text and reports it.
    """
    field = pymarc.Field(tag="999", indicators=indicators, subfields=subfields)
    field.tag = tag
    return field


def _normalise_leader(leader: str, issues: list[Issue]) -> str:
    if not leader.strip():
        issues.append(Issue("missing-leader", f"no leader; default {DEFAULT_LEADER!r} used"))
        leader = DEFAULT_LEADER
    elif len(leader) != 24:
        issues.append(
            Issue("bad-leader-length", f"leader has {len(leader)} characters: {leader!r}")
        )
        leader = leader[:24].ljust(24)
    chars = list(_NOT_LEADER_CHARACTER.sub(" ", leader))
    if chars != list(leader):
        issues.append(Issue("bad-leader-character", f"leader characters replaced: {leader!r}"))
    if chars[6] == " ":
        issues.append(Issue("bad-leader-06", "Leader/06 type of record is blank; set to 'a'"))
        chars[6] = "a"
    chars[9] = "a"
    chars[10:12] = ["2", "2"]
    chars[20:24] = list("4500")
    return "".join(chars)


def _normalise_field(
    field: pymarc.Field, issues: list[Issue], clean_subfields: bool
) -> pymarc.Field | None:
    tag = field.tag
    if not _is_valid_tag(tag):
        issues.append(Issue("bad-tag", f"field with invalid tag {tag!r} dropped", tag=tag))
        return None
    if field.control_field:
        field.data = _clean_text(field.data or "", tag, issues)
        return field
    if tag.startswith("00"):
        issues.append(
            Issue("control-tag-with-subfields", "data field under a control tag", tag=tag)
        )
        return pymarc.Field(tag=tag, data=" ".join(sub.value for sub in field.subfields))
    subfields = field.subfields if clean_subfields else _normalise_subfields(field, issues)
    if not subfields:
        issues.append(Issue("empty-field", "data field without subfields dropped", tag=tag))
        return None
    field.subfields = subfields
    first, second = field.indicator1, field.indicator2
    if first not in _VALID_INDICATORS or second not in _VALID_INDICATORS:
        field.indicators = pymarc.Indicators(
            _indicator(first, tag, issues), _indicator(second, tag, issues)
        )
    return field


def _repair_isbn(field: pymarc.Field, issues: list[Issue]) -> None:
    for position, (code, value) in enumerate(field.subfields):
        repaired = repair_check_character(value) if code == "a" and not value.isascii() else None
        if repaired is not None:
            field.subfields[position] = pymarc.Subfield(code, repaired)
            issues.append(
                Issue(
                    "isbn-check-character-repaired",
                    f"$a {value!r}: Cyrillic Х check character read as Latin X",
                    tag="020",
                )
            )


def _indicator(value: str | None, tag: str, issues: list[Issue]) -> str:
    if value in _VALID_INDICATORS:
        return value
    if value not in ("#", "\\", "_", "|"):
        # '#', '\' and '_' are how dumps and MarcEdit spell a blank; anything else is damage
        issues.append(Issue("bad-indicator", f"indicator {value!r} set to blank", tag=tag))
    return " "


@lru_cache(maxsize=4096)
def _is_valid_tag(tag: str) -> bool:
    return _VALID_TAG.fullmatch(tag) is not None


def _are_clean_subfields(subfields: list[pymarc.Subfield]) -> bool:
    """Nothing to repair: valid codes, and values not empty, clean and NFC.

    Values joined by 0x1F are NFC exactly when each is (0x1F blocks composition),
    and have one more part than delimiters only when no value holds one.
    """
    if not _VALID_CODES.issuperset(map(_CODE, subfields)):
        return False
    try:
        values = "\x1f".join(map(_VALUE, subfields))
    except TypeError:  # a value that is None
        return False
    return (
        _CLEAN_VALUES.fullmatch(values) is not None
        and values.count("\x1f") == len(subfields) - 1
        and (values.isascii() or unicodedata.is_normalized("NFC", values))
    )


def _normalise_subfields(field: pymarc.Field, issues: list[Issue]) -> list[pymarc.Subfield]:
    if _are_clean_subfields(field.subfields):
        return field.subfields  # the common case: nothing to repair
    return _repair_subfields(field, issues)


def _repair_subfields(field: pymarc.Field, issues: list[Issue]) -> list[pymarc.Subfield]:
    subfields: list[pymarc.Subfield] = []
    for code, value in field.subfields:
        text = _clean_text(value or "", field.tag, issues)
        if code in _VALID_CODES:
            subfields.append(pymarc.Subfield(code, text))
        elif code and code.lower() in _VALID_CODES:
            issues.append(Issue("bad-subfield-code", f"code {code!r} lower-cased", tag=field.tag))
            subfields.append(pymarc.Subfield(code.lower(), text))
        elif subfields:
            issues.append(
                Issue(
                    "bad-subfield-code",
                    f"code {code!r} invalid; its text joined to ${subfields[-1].code}",
                    tag=field.tag,
                )
            )
            previous = subfields.pop()
            subfields.append(pymarc.Subfield(previous.code, previous.value + (code or "") + text))
        else:
            issues.append(
                Issue("bad-subfield-code", f"code {code!r} invalid; read as $a", tag=field.tag)
            )
            subfields.append(pymarc.Subfield("a", (code or "") + text))
    return subfields


def _clean_text(text: str, tag: str, issues: list[Issue]) -> str:
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    elif text.isprintable():
        return text
    if _FORBIDDEN_CHARACTERS.search(text):
        issues.append(Issue("control-character", "control characters removed", tag=tag))
        text = _FORBIDDEN_CHARACTERS.sub("", text)
    return text


def record_lengths(record: pymarc.Record) -> tuple[int, int]:
    """ISO 2709 record length and base address of the record written as UTF-8."""
    base = 24 + 12 * len(record.fields) + 1
    data = 0
    for field in record.fields:
        if field.control_field:
            data += len((field.data or "").encode("utf-8")) + 1
        else:
            text = "".join(map("".join, field.subfields))  # each Subfield is (code, value)
            data += 3 + len(field.subfields) + len(text.encode("utf-8"))
    return base + data + 1, base
