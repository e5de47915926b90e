"""The MARC-SQL ``DOC.ITEM`` string: a whole bibliographic record in one column.

Layout (``voleg/bicat`` ``apps/marc15/parse.py``; KazUTB migration): fields are
separated by 0x1E, each begins with its 3-character tag, and subfields are
introduced by 0x1F and a one-character code. Control fields (001-009) carry
their data right after the tag.

How indicators sit there is not documented anywhere public (standards doc
§1.1, open question 2). We read the characters between the tag and the first
0x1F as the indicators, which is what both public parsers imply (bicat strips
them as blanks): none means two blanks, one character is ind1, more than two
is reported and only the first two are kept. ``#`` and ``_`` (how several
Russian systems print a blank indicator) are read as blanks. A leading
segment that is a 24-character leader, or a ``LDR``/``000`` pseudo-field, is
taken as the leader; the ``RECTYPE`` and ``BIBLEVEL`` columns override its
positions 06 and 07, because MARC-SQL's own search screens use the columns.

The parser never raises: anything odd becomes an ``Issue`` next to the
record, and the original string stays in ``SourceRecord.raw``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pymarc

from kitapbridge.marc.issues import Issue, Severity

FIELD_SEPARATOR = "\x1e"
SUBFIELD_DELIMITER = "\x1f"
RECORD_TERMINATOR = "\x1d"
BLANK_INDICATOR_SPELLINGS = {" ", "#", "_", "\\"}
DEFAULT_LEADER = "     nam a22     7u 4500"
"""Leader for an ITEM without one: new, language material, monograph, UTF-8
(the string is already text), encoding level 7 (minimal) and descriptive form
unknown: nothing in MARC-SQL says either."""

_TAG = re.compile(r"[0-9A-Za-z]{3}")
_LEADER = re.compile(r"\d{5}[a-z ][a-z ]")
_SUBFIELD_CODE = re.compile(r"[0-9a-z]")


@dataclass
class ParsedItem:
    """The record read from ``DOC.ITEM`` and what was odd about it."""

    record: pymarc.Record
    issues: list[Issue] = field(default_factory=list)


def parse_doc_item(
    item: str, rectype: str | None = None, biblevel: str | None = None
) -> ParsedItem:
    """Build a pymarc record from an ``ITEM`` string and the row's ``RECTYPE``/``BIBLEVEL``."""
    issues: list[Issue] = []
    record = pymarc.Record(leader=DEFAULT_LEADER, force_utf8=True)
    segments = [s.strip("\r\n\x00") for s in item.strip(RECORD_TERMINATOR).split(FIELD_SEPARATOR)]
    for position, segment in enumerate(segments):
        if not segment:
            continue
        if position == 0 and len(segment) == 24 and _LEADER.match(segment):
            record.leader = pymarc.Leader(segment)
            continue
        tag, rest = segment[:3], segment[3:]
        if tag in {"LDR", "000"}:
            _apply_leader(record, rest, issues)
            continue
        if not _TAG.fullmatch(tag):
            issues.append(_issue("bad-tag", f"field {position} has no tag: {segment[:20]!r}"))
            continue
        if tag.isdigit() and int(tag) < 10:
            record.add_field(_control_field(tag, rest, issues))
        else:
            record.add_field(_data_field(tag, rest, issues))
    _apply_row_codes(record, rectype, biblevel, issues)
    return ParsedItem(record, issues)


def _issue(code: str, message: str, tag: str | None = None) -> Issue:
    return Issue(code=code, message=message, severity=Severity.WARNING, tag=tag)


def _apply_leader(record: pymarc.Record, text: str, issues: list[Issue]) -> None:
    text = text.lstrip(SUBFIELD_DELIMITER + "a ") if len(text) != 24 else text
    if len(text) == 24:
        record.leader = pymarc.Leader(text)
    else:
        issues.append(_issue("bad-leader", f"leader of {len(text)} characters ignored", "LDR"))


def _control_field(tag: str, rest: str, issues: list[Issue]) -> pymarc.Field:
    if SUBFIELD_DELIMITER in rest:
        issues.append(_issue("control-field-subfields", "subfield delimiters removed", tag))
        rest = "".join(piece[1:] for piece in rest.split(SUBFIELD_DELIMITER) if piece)
    return pymarc.Field(tag=tag, data=rest)


def _data_field(tag: str, rest: str, issues: list[Issue]) -> pymarc.Field:
    head, delimiter, body = rest.partition(SUBFIELD_DELIMITER)
    if not delimiter:
        issues.append(_issue("no-subfields", "text without subfields kept as $a", tag))
        return pymarc.Field(
            tag=tag,
            indicators=pymarc.Indicators(" ", " "),
            subfields=[pymarc.Subfield("a", rest.strip())],
        )
    indicators = _indicators(head, tag, issues)
    subfields: list[pymarc.Subfield] = []
    for piece in body.split(SUBFIELD_DELIMITER):
        if not piece:
            issues.append(_issue("empty-subfield", "delimiter without a code skipped", tag))
            continue
        code, value = piece[0], piece[1:]
        if not _SUBFIELD_CODE.fullmatch(code):
            lowered = code.lower()
            issues.append(_issue("bad-subfield-code", f"subfield code {code!r}", tag))
            code = lowered if _SUBFIELD_CODE.fullmatch(lowered) else "a"
        subfields.append(pymarc.Subfield(code, value))
    return pymarc.Field(tag=tag, indicators=indicators, subfields=subfields)


def _indicators(head: str, tag: str, issues: list[Issue]) -> pymarc.Indicators:
    if len(head) > 2:
        issues.append(_issue("bad-indicators", f"{head!r} before the first subfield", tag))
        head = head[:2]
    values = []
    for char in head.ljust(2):
        if char in BLANK_INDICATOR_SPELLINGS:
            values.append(" ")
        elif char.isascii() and char.isalnum():
            values.append(char.lower())
        else:
            issues.append(_issue("bad-indicators", f"indicator {char!r} read as blank", tag))
            values.append(" ")
    return pymarc.Indicators(values[0], values[1])


def _apply_row_codes(
    record: pymarc.Record, rectype: str | None, biblevel: str | None, issues: list[Issue]
) -> None:
    for position, value, column in ((6, rectype, "RECTYPE"), (7, biblevel, "BIBLEVEL")):
        if value is None or not value.strip():
            continue
        code = value.strip()
        if len(code) == 1 and code.isascii() and code.isalpha():
            leader = str(record.leader)
            record.leader = pymarc.Leader(leader[:position] + code.lower() + leader[position + 1 :])
        else:
            issues.append(_issue("bad-leader-code", f"{column} {value!r} ignored", "LDR"))
