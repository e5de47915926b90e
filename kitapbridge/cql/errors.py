"""Errors in CQL text, each with the character offset where it was found."""

from __future__ import annotations

from kitapbridge.errors import KitapbridgeError


class CQLError(KitapbridgeError):
    """A query that is not valid CQL 1.2."""

    def __init__(self, reason: str, offset: int | None = None) -> None:
        where = f" at offset {offset}" if offset is not None else ""
        super().__init__(f"{reason}{where}")
        self.reason = reason
        self.offset = offset


class CQLSyntaxError(CQLError):
    """The query does not follow the CQL grammar (SRU diagnostic 10)."""


class UnbalancedParentheses(CQLSyntaxError):
    """A ``(`` without its ``)`` or the reverse (SRU diagnostic 13)."""


class UnbalancedQuotes(CQLSyntaxError):
    """A ``"`` without its closing quote (SRU diagnostic 14)."""


class InvalidEscape(CQLError):
    """A backslash before a character CQL does not let one escape (SRU diagnostic 26)."""

    def __init__(self, character: str, offset: int) -> None:
        super().__init__(f"cannot escape {character!r}", offset)
        self.character = character
