"""Problems found in a record, carried as data next to the record (never log lines).

A ``WARNING`` leaves the record usable; an ``ERROR`` means it cannot be used and
goes to quarantine with its byte offset and reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kitapbridge.errors import KitapbridgeError

UNREADABLE = "unreadable"
"""The code of the ERROR issue of a record that could not be read at all."""


class Severity(StrEnum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Issue:
    """One problem: a stable machine code (``bad-indicator``), a human message, where it is."""

    code: str
    message: str
    severity: Severity = Severity.WARNING
    tag: str | None = None


class RecordError(KitapbridgeError):
    """A record that cannot be read or converted, with where it was and why."""

    def __init__(self, reason: str, *, offset: int = -1, index: int = -1) -> None:
        where = f"record {index} at byte {offset}: " if offset >= 0 else ""
        super().__init__(where + reason)
        self.reason = reason
        self.offset = offset
        self.index = index
