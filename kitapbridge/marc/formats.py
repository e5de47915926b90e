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
    if b"\x1e" in head or b"\x1d" in head or _LEADER_START.match(text):
        return MarcFormat.ISO2709
    raise UnknownFormatError(f"not a MARC file: starts with {head[:24]!r}")
