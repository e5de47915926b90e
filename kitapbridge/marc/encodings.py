"""Per-record character encoding detection and decoding (standards doc §4.6).

Bytes win over declarations: Leader/09 (MARC21) and 100 $a/26-29 (RUSMARC,
UNIMARC) only break ties between candidates whose text scores the same. The
8-bit Cyrillic code pages are told apart by scoring each candidate's reading of
the record's high bytes: frequent Russian and Kazakh letters score high, the
Serbian/Ukrainian letters, box drawing and symbols a wrong code page produces
score low, and so do case flips inside words (KOI8-R read as CP1251) and
Latin/Cyrillic letter pairs inside words (MARC-8 diacritics read as CP1251).
Scores are computed on bytes with per-code-page tables and regular expressions
so that detection costs a few C-level passes over the record, not a Python loop
per character.

No general-purpose detector is used: charset-normalizer and chardet do not
separate CP1251, KZ-1048 and PTCP154, which differ exactly on the Kazakh letters.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from operator import mul

from pymarc.marc8 import MARC8ToUnicode

from kitapbridge.marc import letters

UTF8 = "utf-8"
MARC8 = "marc-8"
CP1251 = "cp1251"
CP866 = "cp866"
KOI8_R = "koi8-r"
KZ1048 = "kz1048"
PTCP154 = "ptcp154"

SUPPORTED_ENCODINGS = (UTF8, MARC8, CP1251, CP866, KOI8_R, KZ1048, PTCP154)
"""Names accepted by ``--encoding`` and reported in ``Conversion.encoding``."""

EIGHT_BIT_ENCODINGS = (CP1251, KZ1048, PTCP154, CP866, KOI8_R)
"""In the order ties are broken when no declaration decides: the commonest first."""

PYTHON_CODECS = {
    UTF8: "utf-8",
    CP1251: "cp1251",
    CP866: "cp866",
    KOI8_R: "koi8_r",
    KZ1048: "kz1048",
    PTCP154: "ptcp154",
}

# RUSMARC 100 $a/26-27 (G0 set) and 28-29 (G1 set) code list, §4.4. Codes 01-04 are
# ISO 646 / ISO 5426 / ISO 5427 sets that say nothing about the Cyrillic code page.
RUSMARC_CHARSET_CODES = {"50": UTF8, "79": CP866, "89": CP1251, "99": KOI8_R}

_ESCAPE = 0x1B
_ASCII_BYTES = bytes(range(0x80))
_ANSEL_COMBINING = bytes([*range(0xE0, 0xFC), 0xFE])
_ANSEL_SPACING = bytes(
    [0x88, 0x89, 0x8D, 0x8E, *range(0xA1, 0xAF), *range(0xB0, 0xBB), 0xBC, 0xBD, *range(0xC0, 0xC9)]
)
_MARC8_COMBINING_BEFORE_LETTER = re.compile(rb"[" + re.escape(_ANSEL_COMBINING) + rb"]+[A-Za-z]")
_SCORE_MARGIN = 1.0
"""Candidates within this many points (whole record) of the best are a tie."""
_FRONT_VOWELS = "әеіөүӘЕІӨҮ"
_HARMONY_LETTERS = frozenset("ӘәӨөҮүҒғҚқҰұЄєЇїҐґ")
"""Letters the word-level plausibility patterns are about; without them they cannot match."""
_BACK_VOWELS = "аоұыАОҰЫ"


@dataclass(frozen=True)
class EncodingDecision:
    """The encoding chosen for one record and, in words, why."""

    encoding: str
    reason: str
    confident: bool = True


def canonical_encoding(name: str) -> str:
    """Map user and codec spellings (``koi8_r``, ``windows-1251``, ``rk1048``) to ours."""
    key = name.strip().lower().replace("_", "-")
    aliases = {
        "utf8": UTF8,
        "marc8": MARC8,
        "windows-1251": CP1251,
        "win-1251": CP1251,
        "koi8r": KOI8_R,
        "kz-1048": KZ1048,
        "rk1048": KZ1048,
        "strk1048-2002": KZ1048,
        "pt154": PTCP154,
        "cp154": PTCP154,
        "ibm866": CP866,
    }
    key = aliases.get(key, key)
    if key not in SUPPORTED_ENCODINGS:
        raise ValueError(
            f"unsupported encoding {name!r}; use one of {', '.join(SUPPORTED_ENCODINGS)}"
        )
    return key


def declared_rusmarc_encoding(field_100_a: str) -> str | None:
    """The code page 100 $a/26-29 declares, or None when it names none we read."""
    if len(field_100_a) < 30:
        return None
    for code in (field_100_a[28:30], field_100_a[26:28]):
        if code in RUSMARC_CHARSET_CODES:
            return RUSMARC_CHARSET_CODES[code]
    return None


def detect_encoding(
    data: bytes, *, declared: str | None, declared_by: str, allow_marc8: bool
) -> EncodingDecision:
    """Decide the encoding of a record's field values (``data``: values joined by spaces).

    ``declared`` is what the record claims (``declared_by`` names where it says so,
    for the decision text). MARC-8 is a candidate only for MARC21 records.
    """
    claim = f"{declared_by} declares {declared}" if declared else f"{declared_by} declares nothing"
    if data.isascii():
        if allow_marc8 and _ESCAPE in data:
            return EncodingDecision(MARC8, f"marc-8: escape sequences in ASCII data ({claim})")
        return EncodingDecision(UTF8, f"utf-8: ASCII only ({claim})")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return EncodingDecision(UTF8, f"utf-8: bytes are valid UTF-8 ({claim})")
    if allow_marc8 and _ESCAPE in data:
        return EncodingDecision(MARC8, f"marc-8: escape sequences, bytes not UTF-8 ({claim})")
    utf8_reading = data.decode("utf-8", errors="replace")
    bad = utf8_reading.count("\ufffd")
    good = len(utf8_reading) - len(utf8_reading.encode("ascii", errors="ignore")) - bad
    if good >= 4 * bad:
        return EncodingDecision(
            UTF8, f"utf-8: {good} valid multibyte characters, {bad} invalid sequences ({claim})"
        )
    return _score_single_byte(data, declared, claim, allow_marc8)


def _score_single_byte(
    data: bytes, declared: str | None, claim: str, allow_marc8: bool
) -> EncodingDecision:
    high = data.translate(None, _ASCII_BYTES)
    counts = Counter(high)
    candidates = list(EIGHT_BIT_ENCODINGS) + ([MARC8] if allow_marc8 else [])
    totals = _candidate_totals(candidates, data, high, counts)
    best = max(totals.values())
    close = [name for name in candidates if totals[name] >= best - _SCORE_MARGIN]
    scores = {name: total / len(high) for name, total in totals.items()}
    chosen = declared if declared in close else close[0]
    ranking = ", ".join(
        f"{name} {scores[name]:.1f}" for name in sorted(candidates, key=lambda n: -scores[n])[:3]
    )
    distinct = {decode_text(high, name) for name in close}
    confident = len(distinct) == 1 and scores[chosen] > letters.OTHER_CYRILLIC_SCORE / 2
    why = "declaration breaks a tie" if chosen == declared and len(close) > 1 else "best score"
    confidence = "" if confident else "; low confidence"
    return EncodingDecision(
        chosen,
        f"{chosen}: not UTF-8; {why} per high byte ({ranking}); {claim}{confidence}",
        confident,
    )


def _candidate_totals(
    candidates: list[str], data: bytes, high: bytes, counts: Counter[int]
) -> dict[str, float]:
    """Each candidate's score, skipping work that cannot change the outcome.

    Pattern penalties only lower a score, so a candidate whose letter score is
    already below the best full score is not pattern-checked; and code pages that
    read every high byte of the record the same way share one score.
    """
    letter_scores = {name: _letter_score(name, high, counts) for name in candidates}
    totals: dict[str, float] = {}
    scored_texts: dict[str, str] = {}
    for name in sorted(candidates, key=lambda n: -letter_scores[n]):
        best = max(totals.values(), default=-math.inf)
        if name == MARC8:
            if letter_scores[name] >= best - _SCORE_MARGIN:
                totals[name] = _marc8_score(data, high)
            else:
                totals[name] = letter_scores[name]
            continue
        text = decode_text(high, name)
        if text in scored_texts:
            totals[name] = totals[scored_texts[text]]
            continue
        if letter_scores[name] < best - _SCORE_MARGIN:
            totals[name] = letter_scores[name]  # an upper bound, already out of the running
            continue
        totals[name] = letter_scores[name] + _pattern_score(name, data, text)
        scored_texts[text] = name
    return totals


def _letter_score(name: str, high: bytes, counts: Counter[int]) -> float:
    if name == MARC8:
        # the best MARC-8 can do: every diacritic placed before a letter
        combining, spacing = _ansel_counts(high)
        undefined = len(high) - combining - spacing
        return (
            combining * letters.PUNCTUATION_SCORE
            + spacing * letters.LATIN_ACCENTED_SCORE
            + undefined * letters.JUNK_CHARACTER_SCORE
        )
    # weight × count per distinct byte, summed in the order the bytes first occur
    weights = _byte_weights(name)
    score = sum(map(mul, map(weights.__getitem__, counts.keys()), counts.values()))
    return score + letters.CODE_PAGE_PRIOR.get(name, 0.0) * len(high)


def _ansel_counts(high: bytes) -> tuple[int, int]:
    """How many of the high bytes are ANSEL combining diacritics, and how many spacing."""
    return (
        len(high) - len(high.translate(None, _ANSEL_COMBINING)),
        len(high) - len(high.translate(None, _ANSEL_SPACING)),
    )


def _pattern_score(name: str, data: bytes, high_text: str) -> float:
    flips, mixed, disharmony = _pair_patterns(name)
    score = letters.CASE_FLIP_SCORE * len(flips.findall(data))
    score += letters.MIXED_SCRIPT_SCORE * len(mixed.findall(data))
    if not _HARMONY_LETTERS.isdisjoint(high_text):
        score += letters.DISHARMONY_SCORE * len(disharmony.findall(data))
    return score


def _marc8_score(data: bytes, high: bytes) -> float:
    # An ANSEL diacritic precedes the letter it modifies; elsewhere it is noise.
    combining, spacing = _ansel_counts(high)
    placed = sum(len(m.group()) - 1 for m in _MARC8_COMBINING_BEFORE_LETTER.finditer(data))
    undefined = len(high) - combining - spacing
    return (
        placed * letters.PUNCTUATION_SCORE
        + (combining - placed) * letters.JUNK_CHARACTER_SCORE
        + spacing * letters.LATIN_ACCENTED_SCORE
        + undefined * letters.JUNK_CHARACTER_SCORE
    )


@cache
def _byte_weights(name: str) -> tuple[float, ...]:
    """Score of each byte 0x80-0xFF as the code page reads it, indexed by the byte (ASCII 0)."""
    return (0.0,) * 0x80 + tuple(
        _character_score(decode_text(bytes([byte]), name)) for byte in range(0x80, 0x100)
    )


def _character_score(ch: str) -> float:
    lower = ch.lower()
    if lower in letters.RUSSIAN_LETTER_PERCENT:
        return math.log(letters.RUSSIAN_LETTER_PERCENT[lower] / 100)
    if lower in letters.KAZAKH_LETTER_PERCENT:
        return math.log(letters.KAZAKH_LETTER_PERCENT[lower] / 100)
    if lower in letters.UKRAINIAN_LETTER_PERCENT:
        return math.log(letters.UKRAINIAN_LETTER_PERCENT[lower] / 100)
    if ch in letters.COMMON_PUNCTUATION:
        return letters.PUNCTUATION_SCORE
    name = unicodedata.name(ch, "")
    if ch.isalpha() and name.startswith("CYRILLIC"):
        return letters.OTHER_CYRILLIC_SCORE
    if ch.isalpha() and name.startswith("LATIN"):
        return letters.LATIN_ACCENTED_SCORE
    return letters.JUNK_CHARACTER_SCORE


@cache
def _pair_patterns(name: str) -> tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes]]:
    """Byte patterns for a case flip, a Latin/Cyrillic pair, and broken vowel harmony.

    Vowel harmony separates KZ-1048 from PTCP154 where single letters cannot:
    byte 0xBA is ғ in KZ-1048 and ә in PTCP154, both Kazakh letters. Native
    Kazakh words keep ғ қ ұ next to back vowels and ә ө ү next to front ones,
    so «ғдебиеті» (PTCP154 «әдебиеті» read as KZ-1048) and «Украүни» (Ukrainian
    «Україна» in CP1251 read as KZ-1048) are implausible. Only the nearest vowel
    on each side counts: «Әуезов» is a good word.
    """
    lower, upper, cyrillic = bytearray(b"abcdefghijklmnopqrstuvwxyz"), bytearray(), bytearray()
    upper.extend(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for byte in range(0x80, 0x100):
        ch = decode_text(bytes([byte]), name)
        if not ch.isalpha():
            continue
        (lower if ch.islower() else upper).append(byte)
        if "CYRILLIC" in unicodedata.name(ch, ""):
            cyrillic.append(byte)
    latin = re.escape(b"A-Za-z").replace(b"\\-", b"-")
    lower_class = b"[" + re.escape(bytes(lower)) + b"]"
    upper_class = b"[" + re.escape(bytes(upper)) + b"]"
    cyrillic_class = b"[" + re.escape(bytes(cyrillic)) + b"]"
    flips = re.compile(lower_class + upper_class)
    mixed = re.compile(
        b"[" + latin + b"]" + cyrillic_class + b"|" + cyrillic_class + b"[" + latin + b"]"
    )

    def byte_class(chars: str) -> bytes:
        found = bytes(b for b in range(0x80, 0x100) if decode_text(bytes([b]), name) in chars)
        return b"[" + re.escape(found) + b"]" if found else b"(?!)"

    vowels = _FRONT_VOWELS + _BACK_VOWELS
    consonants = bytes(b for b in cyrillic if decode_text(bytes([b]), name) not in vowels)
    # between the letter and its nearest vowel: consonants (у and и count as such here)
    word = (b"[" + re.escape(consonants) + b"]*") if consonants else b""
    gh = byte_class("Ғғ")
    # Ukrainian has no ы э ъ ё: «Єылым» is KZ-1048 «Ғылым» read as CP1251
    ukrainian, russian_only = byte_class("ЄєЇїҐґ"), byte_class("ЫыЭэЪъЁё")
    yi = byte_class("Її")
    word_letters = cyrillic_class + b"*"
    front_only, back_only = byte_class("ӘәӨөҮү"), byte_class("ҒғҚқҰұ")
    front, back = byte_class(_FRONT_VOWELS), byte_class(_BACK_VOWELS)
    vowel = byte_class(vowels)
    lonely_gh = b"(?<!" + vowel + b")" + gh + b"(?!" + vowel + b")"  # ғ always touches a vowel
    disharmony = re.compile(
        b"|".join(
            [
                back_only + word + front,
                front + word + back_only,
                front_only + word + back,
                back + word + front_only,
                lonely_gh,
                ukrainian + word_letters + russian_only,
                russian_only + word_letters + ukrainian,
                b"[" + re.escape(consonants) + b"]" + yi,  # Ukrainian ї never follows a consonant
            ]
        )
    )
    return flips, mixed, disharmony


def decode_text(data: bytes, encoding: str) -> str:
    """Decode bytes in one of ``SUPPORTED_ENCODINGS``; undecodable bytes become U+FFFD."""
    if encoding == MARC8:
        return MARC8ToUnicode(quiet=True).translate(data)
    return data.decode(PYTHON_CODECS[encoding], errors="replace")
