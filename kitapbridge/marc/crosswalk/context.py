"""The state of one record's crosswalk: the MARC21 fields built so far, issues, unmapped tags."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pymarc
from pymarc import Field, Indicators, Subfield

from kitapbridge.marc.flavour import Flavour
from kitapbridge.marc.issues import Issue, Severity

#: Non-sorting markers (§4.8): NSB/NSE as C1 controls U+0098/U+009C, and the ISO 5426-era
#: bytes 0x88/0x89 that some converters pass on as U+0088/U+0089.
NON_SORT_BEGIN = frozenset("\x98\x88")
NON_SORT_END = frozenset("\x9c\x89")
NON_SORT_MARKERS = NON_SORT_BEGIN | NON_SORT_END

#: ``$6`` (link to another-script field) and ``$7`` (script): handled by the 880 pairing.
_LINKING = frozenset("67")


@dataclass
class Context:
    """What the field handlers share while one record is converted."""

    source: pymarc.Record
    flavour: Flavour
    fields: list[Field] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    #: set once a 1XX main entry has been produced (245 ind1 and 240/130 depend on it)
    main_entry_tag: str | None = None
    #: set when a traced series (8XX) is produced, so 490 gets ind1 ``1``
    traced_series: bool = False
    #: number of 880 alternate-script fields produced so far (their ``$6`` link numbers)
    alternate_links: int = 0

    def add(self, tag: str, ind1: str, ind2: str, subfields: Iterable[tuple[str, str]]) -> None:
        """Append a data field, dropping empty subfield values (and the field if none is left)."""
        kept = [Subfield(code, value) for code, value in subfields if value]
        if kept:
            self.fields.append(Field(tag=tag, indicators=Indicators(ind1, ind2), subfields=kept))

    def add_control(self, tag: str, data: str) -> None:
        self.fields.append(Field(tag=tag, data=data))

    def warn(self, code: str, message: str, tag: str | None = None) -> None:
        self.issues.append(Issue(code=code, message=message, severity=Severity.WARNING, tag=tag))

    def report_unused(self, source: Field, used: Iterable[str]) -> None:
        """Warn about subfields of a mapped field that have no MARC21 place (never silent)."""
        allowed = {*used, *_LINKING}
        lost = sorted({sf.code for sf in source.subfields if sf.code not in allowed})
        if lost:
            codes = " ".join(f"${code}" for code in lost)
            self.warn(
                "unmapped-subfield",
                f"{source.tag} subfield(s) {codes} have no MARC21 equivalent and were not carried",
                tag=source.tag,
            )

    def is_rusmarc(self) -> bool:
        return self.flavour is Flavour.RUSMARC


def indicator(source: Field, position: int) -> str:
    """An indicator of a source data field, blank when absent or not a single character."""
    value = source.indicator1 if position == 1 else source.indicator2
    return value if isinstance(value, str) and len(value) == 1 else " "


def values(source: Field, code: str) -> list[str]:
    """Non-empty values of one subfield code, in order."""
    return [sf.value for sf in source.subfields if sf.code == code and sf.value]


def first(source: Field, code: str) -> str:
    found = values(source, code)
    return found[0] if found else ""


_DELETE_MARKERS = str.maketrans("", "", "".join(NON_SORT_MARKERS))


def strip_non_sort(text: str) -> str:
    return text.translate(_DELETE_MARKERS)
