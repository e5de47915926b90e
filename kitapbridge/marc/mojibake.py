"""Repair of double-encoded UTF-8 (standards doc §4.5, §4.6 step 4).

A UTF-8 record read by a system as CP1251 (or Latin-1/CP1252) and saved again as
UTF-8 turns «Русская» into «Р СѓСЃСЃРєР°СЏ»: every letter becomes a lead
character (Р С Т У, or Ð Ñ in Latin-1) and a continuation character. The repair
re-encodes with that code page and decodes as strict UTF-8; text that was never
double-encoded almost never survives the strict decode, and the repair is
accepted only when it removes most such pairs (a real «Сёмин» keeps one).
"""

from __future__ import annotations

import re

_MISREAD_AS = ("cp1251", "cp1252", "latin-1")


def _pair_pattern(codec: str) -> re.Pattern[str]:
    leads = bytes(range(0xC2, 0xF5)).decode(codec, errors="ignore")
    continuations = bytes(range(0x80, 0xC0)).decode(codec, errors="ignore")
    return re.compile(f"[{re.escape(leads)}][{re.escape(continuations)}]")


_PAIRS = {codec: _pair_pattern(codec) for codec in _MISREAD_AS}
# UTF-8 lead bytes of Cyrillic (0xD0-0xD3) and Latin-1 (0xC2, 0xC3) as the misreadings show them
_COMMON_LEADS = "РСТУÐÑÒÓÂÃ"


def may_be_double_encoded(text: str) -> bool:
    """A cheap first look at a whole record: are lead/continuation pairs dense?

    Double encoding turns every non-ASCII letter into such a pair; real text has
    them only by chance (Kazakh «Тіл» holds Т + і), far less than one in three.
    """
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    # the lead characters alone must be frequent; counting them is far cheaper than the pairs
    if 3 * sum(text.count(lead) for lead in _COMMON_LEADS) < non_ascii:
        return False
    pairs = max(len(pattern.findall(text)) for pattern in _PAIRS.values())
    return pairs > 0 and 3 * pairs >= non_ascii


def repair_double_encoding(text: str) -> str | None:
    """The text as it was before being encoded twice, or None when it was not."""
    for codec, pairs in _PAIRS.items():
        if not pairs.search(text):
            continue
        try:
            repaired = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != text and 2 * len(pairs.findall(repaired)) < len(pairs.findall(text)):
            return repaired
    return None
