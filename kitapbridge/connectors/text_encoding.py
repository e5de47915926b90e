"""File-level encoding of the structured exports we decode ourselves (HTML, CSV, DBF, SQL text).

MARC records are decoded per record by ``kitapbridge.marc``; this module only
answers "which code page is this whole table written in?".

Why not charset-normalizer alone: it is good at telling UTF-8 from legacy
code pages and Western from Cyrillic, but it does not reliably separate the
CP1251 family (plain CP1251, KZ-1048, PTCP154), which differ only in the bytes
that carry the Kazakh letters (standards doc §4.3). A wrong choice there does
not fail loudly: «Қазақ» read from KZ-1048 as CP1251 becomes «Ќазаќ», a valid
but lost letter. So the candidates our schools use (UTF-8, CP1251, KZ-1048,
PTCP154, CP866) are scored by a plausibility check: text decoded with the
right code page consists of Russian and Kazakh letters, while a wrong one
produces Serbian, Ukrainian, Tajik or box-drawing characters inside words.
charset-normalizer decides only when no candidate yields Cyrillic text at all
(Latin-script or Western files).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import charset_normalizer

logger = logging.getLogger(__name__)

RUSSIAN_LETTERS = frozenset("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя")
KAZAKH_LETTERS = frozenset("ӘәҒғҚқҢңӨөҰұҮүҺһІі")
EXPECTED_LETTERS = RUSSIAN_LETTERS | KAZAKH_LETTERS

SINGLE_BYTE_CANDIDATES = ("cp1251", "kz1048", "ptcp154", "cp866")
"""In order of preference when texts decode identically (Russian-only text is
the same in the first three; CP1251 is by far the most common in school data)."""

FOREIGN_CHARACTER_PENALTY = 5
"""One misread Kazakh letter outweighs several well-read Russian ones: a file
is mostly Russian-compatible letters in every member of the CP1251 family."""


_EXPECTED_CLASS = "".join(sorted(EXPECTED_LETTERS))
_EXPECTED = re.compile(f"[{_EXPECTED_CLASS}]")
_KAZAKH = re.compile(f"[{''.join(sorted(KAZAKH_LETTERS))}]")
_FOREIGN = re.compile(f"[^\\W\\d_\\x00-\\x7f{_EXPECTED_CLASS}]|[\\ufffd\\x80-\\x9f\\u2500-\\u259f]")
"""Non-ASCII letters outside both alphabets, U+FFFD, C1 controls, box drawing."""
_MIXED_WORD = re.compile(r"(?=[^\W\d_]*[A-Za-z])(?=[^\W\d_]*[^\W\d_\x00-\x7f])[^\W\d_]+")
"""A word with both ASCII and non-ASCII letters: a Latin-1 «é» read as «й», or a homoglyph."""


@dataclass(frozen=True)
class EncodingGuess:
    """The decided code page, how sure we are (0..1) and why, for the import report."""

    encoding: str
    confidence: float
    reason: str

    def decode(self, data: bytes) -> str:
        """Decode ``data`` with the guessed code page; undecodable bytes become U+FFFD."""
        return data.decode(self.encoding, errors="replace")


def detect_text_encoding(data: bytes, pinned: str | None = None) -> EncodingGuess:
    """Decide the code page of a whole text file or table.

    ``pinned`` (from a mapping profile or the operator) wins without scoring:
    the operator knows best when detection cannot. A UTF-8 BOM or bytes that
    are valid UTF-8 with multibyte characters mean UTF-8, whatever a header says.
    """
    if pinned:
        return EncodingGuess(pinned, 1.0, f"encoding {pinned} pinned by the profile or operator")
    if data.startswith(b"\xef\xbb\xbf"):
        return EncodingGuess("utf-8-sig", 1.0, "UTF-8 byte order mark")
    if data.isascii():
        return EncodingGuess("utf-8", 1.0, "ASCII only")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return EncodingGuess("utf-8", 1.0, "valid UTF-8 with multibyte characters")
    return _score_single_byte(data)


def plausibility(text: str) -> tuple[int, int, int]:
    """(expected letters, Kazakh letters, foreign characters) of decoded text.

    Foreign are non-ASCII letters outside the Russian and Kazakh alphabets,
    U+FFFD (an undefined byte), C1 controls and box-drawing characters: what
    a wrong member of the CP1251 family or CP866 produces (§4.3, §4.5). A
    Cyrillic letter inside a mostly Latin word is foreign too: that is a
    Latin-1 «é» read as CP1251 «й». (The reverse, a Latin «a» inside a Cyrillic
    word, is a real homoglyph defect of school data and is not penalised.)
    """
    # Counted by regular expressions (in C): a 10,000-row table is ~1 MB of text.
    expected = len(_EXPECTED.findall(text))
    kazakh = len(_KAZAKH.findall(text))
    foreign = len(_FOREIGN.findall(text))
    for word in _MIXED_WORD.findall(text):
        latin = sum(char.isascii() for char in word)
        if latin * 2 > len(word):
            moved = sum(char in EXPECTED_LETTERS for char in word)
            expected -= moved
            kazakh -= sum(char in KAZAKH_LETTERS for char in word)
            foreign += moved
    return expected, kazakh, foreign


def _score_single_byte(data: bytes) -> EncodingGuess:
    scores: dict[str, tuple[int, int, int]] = {}
    for encoding in SINGLE_BYTE_CANDIDATES:
        scores[encoding] = plausibility(data.decode(encoding, errors="replace"))

    def score(encoding: str) -> int:
        expected, _kazakh, foreign = scores[encoding]
        return expected - FOREIGN_CHARACTER_PENALTY * foreign

    best = max(SINGLE_BYTE_CANDIDATES, key=score)  # max keeps the first of equals
    expected, kazakh, foreign = scores[best]
    if expected == 0:
        return _charset_normalizer_guess(data)
    # Share of well-read letters; a tie between code pages that decode the
    # file identically (Russian-only text) costs nothing, so it is not counted.
    confidence = round(expected / (expected + foreign), 3)
    reason = (
        f"{best}: {expected} Russian/Kazakh letters ({kazakh} Kazakh), {foreign} foreign "
        f"characters; scores {', '.join(f'{e}={score(e)}' for e in SINGLE_BYTE_CANDIDATES)}"
    )
    logger.debug("encoding decision %s", reason)
    return EncodingGuess(best, confidence, reason)


def _charset_normalizer_guess(data: bytes) -> EncodingGuess:
    match = charset_normalizer.from_bytes(data).best()
    if match is None:
        return EncodingGuess("cp1251", 0.0, "no plausible encoding; cp1251 assumed")
    return EncodingGuess(
        match.encoding, 0.5, f"no Cyrillic text; charset-normalizer chose {match.encoding}"
    )
