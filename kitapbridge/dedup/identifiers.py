"""Standard numbers as match evidence: ISBNs (020) and other identifiers (010, 015/016, 024, 035).

ISBNs are cleaned the way school data needs (dedup.md §3.2): qualifiers such as «в пер.»
and prices are dropped, and a Cyrillic «Х» typed for the ISBN-10 check character is read
as ``X``. Only checksum-valid ISBNs become keys (as ISBN-13); invalid ones are kept as
weak evidence. Checksums and ISBN-10 → 13 conversion come from python-stdnum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pymarc
from stdnum import isbn as stdnum_isbn

_CYRILLIC_X = str.maketrans({"Х": "X", "х": "X", "x": "X"})
_ISBN_CANDIDATE = re.compile(r"(?:97[89][\s\-‐‑–—]?)?(?:\d[\s\-‐‑–—]?){9}[\dX]")
_OCLC_PREFIX = re.compile(r"^\((?:OCoLC|OCLC|ocm|ocn|on)\)\s*(?:ocm|ocn|on)?0*(\d+)", re.I)
_PREFIXED_ID = re.compile(r"^\(([A-Za-z]{2,}(?:-[A-Za-z0-9:/]+)?)\)\s*(\S.*)$")


@dataclass(frozen=True, slots=True)
class RecordIsbns:
    """A record's ISBNs: ``valid`` as compact ISBN-13, ``invalid`` as cleaned digits."""

    valid: frozenset[str]
    invalid: frozenset[str]


def clean_isbn(text: str) -> str | None:
    """The ISBN digits in ``text`` (hyphens, spaces and qualifiers removed), or None.

    ``"ISBN 5-93093-342-Х (в пер.) : 150 р."`` → ``"593093342X"``. The result is not
    validated; see ``isbn13``.
    """
    match = _ISBN_CANDIDATE.search(text.translate(_CYRILLIC_X).upper())
    if match is None:
        return None
    return re.sub(r"[^\dX]", "", match.group(0))


@lru_cache(maxsize=65_536)
def isbn13(text: str) -> str | None:
    """The compact ISBN-13 of a checksum-valid ISBN-10 or -13 in ``text``, else None."""
    digits = clean_isbn(text)
    if digits is None or not stdnum_isbn.is_valid(digits):
        return None
    return str(stdnum_isbn.compact(stdnum_isbn.to_isbn13(digits)))


def record_isbns(record: pymarc.Record) -> RecordIsbns:
    """Valid and invalid ISBNs from 020 ``$a`` (valid or not) and ``$z`` (cancelled)."""
    valid: set[str] = set()
    invalid: set[str] = set()
    for field in record.get_fields("020"):
        for code, value in _subfield_pairs(field):
            if code not in "az":
                continue
            converted = isbn13(value) if code == "a" else None
            if converted is not None:
                valid.add(converted)
            elif (digits := clean_isbn(value)) is not None:
                invalid.add(digits)
    return RecordIsbns(frozenset(valid), frozenset(invalid - valid))


def other_identifiers(record: pymarc.Record) -> frozenset[str]:
    """Control numbers that name one manifestation across catalogues, as ``scheme:number``.

    LCCN (010 ``$a``), national bibliography numbers (015/016/017 with their source),
    typed 024 numbers (ind1 0–4: ISRC, UPC, ISMN, EAN, SICI), publisher numbers (028
    ``$b`` + ``$a``), and 035 numbers with a
    system prefix: ``(OCoLC)`` numbers lose their ``ocm``/``ocn`` prefixes and leading
    zeros so that all forms of one OCLC number agree.
    """
    found: set[str] = set()
    for field in record.get_fields("010"):
        found.update("lccn:" + v.replace(" ", "") for v in field.get_subfields("a") if v.strip())
    for tag in ("015", "016", "017"):
        for field in record.get_fields(tag):
            source = "".join(field.get_subfields("2", "b")).strip().casefold() or tag
            found.update(f"{tag}:{source}:{v.strip()}" for v in field.get_subfields("a"))
    for field in record.get_fields("024"):
        if field.indicator1 in "01234":
            found.update(
                f"024{field.indicator1}:{v.replace(' ', '')}" for v in field.get_subfields("a")
            )
    for field in record.get_fields("028"):
        # Publisher numbers: label code ($b) + number ($a), punctuation and case ignored.
        number = re.sub(r"[\W_]+", "", "".join(field.get_subfields("b", "a"))).upper()
        if number:
            found.add("028:" + number)
    for field in record.get_fields("035"):
        found.update(filter(None, (_system_number(v) for v in field.get_subfields("a"))))
    return frozenset(found)


def _system_number(value: str) -> str | None:
    value = value.strip()
    if (oclc := _OCLC_PREFIX.match(value)) is not None:
        return "ocolc:" + oclc.group(1)
    if (prefixed := _PREFIXED_ID.match(value)) is not None:
        return f"035:{prefixed.group(1).casefold()}:{prefixed.group(2).strip()}"
    # Unprefixed 035 numbers come from an unknown system; equal digits mean nothing.
    return None


def _subfield_pairs(field: pymarc.Field) -> Iterable[tuple[str, str]]:
    return ((sub.code, sub.value) for sub in field.subfields)
