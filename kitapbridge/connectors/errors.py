"""Errors a connector raises when a whole source cannot be read.

A single bad record is never an exception here: it is yielded with
``record=None`` and its raw bytes, and the conversion step quarantines it.
These errors are for the source as a whole (a missing table, a profile that
does not fit the file, an unreadable file).
"""

from __future__ import annotations

from kitapbridge.errors import KitapbridgeError


class ConnectorError(KitapbridgeError):
    """A source (file, folder, database) that cannot be read, with what and why."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ProfileError(ConnectorError):
    """A tabular mapping profile that is malformed or does not fit the table.

    ``key`` names the offending profile entry (``columns[3].target``) so the
    librarian editing the TOML file knows where to look.
    """

    def __init__(self, source: str, key: str, reason: str) -> None:
        super().__init__(source, f"{key}: {reason}")
        self.key = key
