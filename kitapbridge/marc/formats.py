"""Recognise a file's MARC serialisation by its content, never by its extension.

``seed-format-marc`` ``data/mrc/rsl*.mrc`` are MARCXML despite the ``.mrc`` name.
"""

from __future__ import annotations

import re
from enum import StrEnum

from kitapbridge.errors import KitapbridgeError


class MarcFormat(StrEnum):
    """The ``raw_format`` values of ``SourceRecord`` this package reads."""

    ISO2709 = "iso2709"
    MARCXML = "marcxml"
    MARCJSON = "marcjson"
    MARCLINE = "marcline"


class UnknownFormatError(KitapbridgeError):
    """The input is none of ISO 2709, MARCXML, MARC-in-JSON or the MARC line format."""


SNIFF_LENGTH = 4096
LEADER_LENGTH = 24
_BOM = b"\xef\xbb\xbf"
_LEADER_START = re.compile(rb"[0-9]{5}[ -~]")
_LINE_LEADER = re.compile(rb"(?:=LDR  )?[0-9]{5}[ -~]{19}\r?\n")


def sniff_format(head: bytes) -> MarcFormat:
    """Decide from the first bytes of a file; raises ``UnknownFormatError``."""
    text = head.removeprefix(_BOM).lstrip(b" \t\r\n\x00")
    if text.startswith(b"<"):
        return MarcFormat.MARCXML
    if text.startswith((b"{", b"[")):
        return MarcFormat.MARCJSON
    if _LINE_LEADER.match(text):
        return MarcFormat.MARCLINE
    if _LEADER_START.match(text):
        return MarcFormat.ISO2709
    # A record whose leader is damaged still has its terminators; but a leader never
    # holds NUL, which the headers of the binary files schools also hand in (XLSX,
    # SQLite, DBF) always do: those must not be cut into garbage "records".
    if (b"\x1e" in head or b"\x1d" in head) and b"\x00" not in text[:LEADER_LENGTH]:
        return MarcFormat.ISO2709
    raise UnknownFormatError(f"not a MARC file: starts with {head[:24]!r}")
