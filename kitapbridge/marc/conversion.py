"""The outcome of converting one source record to MARC21.

``kitapbridge.marc`` produces it (decode → crosswalk → normalise → validate);
``kitapbridge.catalog`` stores it, and quarantines it when it was rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pymarc

from kitapbridge.marc.flavour import Flavour
from kitapbridge.marc.issues import Issue, Severity


@dataclass
class Conversion:
    """One record's conversion: the MARC21 record, or the reason there is none.

    ``decisions`` says in words what was detected and why (``"encoding cp1251:
    leader/09 blank, bytes are valid cp1251 and not UTF-8"``), for the report.
    ``unmapped`` lists source tags that had no MARC21 target and were kept in a
    local 9XX field instead.
    """

    record: pymarc.Record | None
    flavour: Flavour | None = None
    encoding: str | None = None
    decisions: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return self.record is None

    @property
    def reject_reason(self) -> str | None:
        """The first error's message when the record was rejected."""
        if not self.rejected:
            return None
        errors = [issue.message for issue in self.issues if issue.severity is Severity.ERROR]
        return errors[0] if errors else "no record could be read"
