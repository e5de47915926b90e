"""The MARC flavours kitapbridge reads, and how a record's flavour is recognised.

All flavours are converted to MARC21.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Flavour(StrEnum):
    MARC21 = "marc21"
    RUSMARC = "rusmarc"
    UNIMARC = "unimarc"


@dataclass(frozen=True)
class FlavourEvidence:
    """What flavour detection looks at, taken from a raw or a decoded record."""

    leader: str
    tags: frozenset[str]
    field_100_a: str | None
    """100 $a as text; in UNIMARC a 36-character block starting with a date."""
    field_100_has_indicators_and_name: bool = False
    classification_sources: tuple[str, ...] = ()
    """686 $2 values (``rubbk…`` is a Russian BBK table)."""
    cataloguing_countries: tuple[str, ...] = ()
    """801 $a values: the country of the agency that made the record."""


@dataclass(frozen=True)
class FlavourDecision:
    flavour: Flavour
    reason: str
    ambiguous: bool = False


_UNIMARC_100_A = re.compile(r"\d{8}[a-ku#| ]")
_UNIMARC_TAGS = frozenset({"200", "210", "215", "801", "675", "686", "701", "702"})
_MARC21_TAGS = frozenset({"008", "245", "260", "264", "300", "040"})
_RUSMARC_CHARSETS = frozenset({"79", "89", "99"})
_RUSMARC_COUNTRIES = frozenset({"RU", "KZ", "BY", "UA", "KG", "UZ"})
"""Agencies of the countries that catalogue in RUSMARC (and KazMARC, read as RUSMARC)."""


def detect_flavour(evidence: FlavourEvidence) -> FlavourDecision:
    """Score the evidence of the standards doc §2; never Leader/09 alone.

    A record with evidence for both families (a MARC21 export that kept 801 or
    686) is read as the stronger one and marked ambiguous, for review.
    """
    marc21: list[str] = []
    unimarc: list[str] = []
    leader = evidence.leader
    if leader[20:24] == "4500":
        marc21.append("leader/20-23 4500")
    elif leader[20:23] == "450" and leader[23:24] == " ":
        unimarc.append("leader/20-23 '450 '")
    if leader[8:9].isdigit():
        unimarc.append(f"leader/08 hierarchical level {leader[8]!r}")
    if "008" in evidence.tags:
        marc21.append("008 present")
    a100 = evidence.field_100_a
    if a100 is not None and _UNIMARC_100_A.match(a100) and len(a100) >= 22:
        unimarc.append("100 $a is a dated fixed-length block")
    elif "100" in evidence.tags and evidence.field_100_has_indicators_and_name:
        marc21.append("100 is a name heading")
    marc21.extend(f"{tag} present" for tag in sorted(evidence.tags & _MARC21_TAGS - {"008"}))
    unimarc.extend(f"{tag} present" for tag in sorted(evidence.tags & _UNIMARC_TAGS))
    if len(marc21) >= len(unimarc):
        ambiguous = bool(unimarc)
        reason = "MARC21: " + ", ".join(marc21 or ["no UNIMARC evidence"])
        if ambiguous:
            reason += "; but also " + ", ".join(unimarc)
        return FlavourDecision(Flavour.MARC21, reason, ambiguous)
    flavour, rusmarc = _unimarc_or_rusmarc(evidence)
    reason = f"{flavour.value.upper()}: " + ", ".join(unimarc + rusmarc)
    if marc21:
        reason += "; but also " + ", ".join(marc21)
    return FlavourDecision(flavour, reason, bool(marc21))


def _unimarc_or_rusmarc(evidence: FlavourEvidence) -> tuple[Flavour, list[str]]:
    signs = []
    a100 = evidence.field_100_a or ""
    charsets = {a100[26:28], a100[28:30]} & _RUSMARC_CHARSETS
    if charsets:
        signs.append(f"100 $a/26-29 RUSMARC charset {'/'.join(sorted(charsets))}")
    if any(source.startswith("rubbk") for source in evidence.classification_sources):
        signs.append("686 $2 rubbk")
    countries = sorted(set(evidence.cataloguing_countries) & _RUSMARC_COUNTRIES)
    if countries:
        signs.append(f"801 $a agency country {'/'.join(countries)}")
    # 899 and 9XX alone do not decide: Italian SBN UNIMARC (pymarc testunimarc.dat) has 899.
    if signs and "899" in evidence.tags:
        signs.append("899 present")
    if signs:
        return Flavour.RUSMARC, signs
    return Flavour.UNIMARC, []
