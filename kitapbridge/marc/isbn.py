"""ISBNs as school cataloguers typed them: the one repair made to them, and the check.

On a Russian or Kazakh keyboard layout the key of Latin ``X`` gives Cyrillic ``Х``,
so ISBN-10s ending in a Cyrillic ``Х`` check character are common in the region's
catalogues (and such an ISBN never matches the same book elsewhere). That letter is
replaced by ``X`` only where it stands as the check character and the result is a
valid ISBN; the repair is reported. Nothing else in an ISBN is changed: an invalid
ISBN is reported and left as it was typed. Checksums are python-stdnum's.
"""

from __future__ import annotations

import re

from stdnum import ean, isbn

_CHECK_CHARACTER_CYRILLIC_X = re.compile(r"(?<![0-9A-Za-z])([0-9][0-9 -]{7,15})[Хх](?![\w])")
_COMPACT_ISBN13 = re.compile(r"97[89][0-9]{10}")
_LEADING_ISBN = re.compile(r"^\s*(?:ISBN[:\s]*)?([0-9][0-9 -]*[0-9Xx]?)", re.IGNORECASE)


def repair_check_character(value: str) -> str | None:
    """``value`` with a Cyrillic Х check character made a Latin X; None when nothing to repair.

    Only an ISBN that is valid with ``X`` is repaired: a Cyrillic letter after
    digits that do not form an ISBN is left for the cataloguer.
    """

    def latin(match: re.Match[str]) -> str:
        candidate = match.group(1) + "X"
        return candidate if isbn.is_valid(candidate) else match.group()

    repaired = _CHECK_CHARACTER_CYRILLIC_X.sub(latin, value)
    return repaired if repaired != value else None


def leading_isbn(value: str) -> str | None:
    """The ISBN an 020 $a starts with (qualifiers such as ``(в пер.)`` may follow)."""
    match = _LEADING_ISBN.match(value)
    return match.group(1).strip() if match else None


def is_valid_isbn(value: str) -> bool:
    if _COMPACT_ISBN13.fullmatch(value):
        # All that ``isbn.is_valid`` checks of a compact ISBN-13, without the
        # character-by-character clean-up that makes it cost more than reading the record.
        return ean.calc_check_digit(value[:-1]) == value[-1]
    return isbn.is_valid(value)
