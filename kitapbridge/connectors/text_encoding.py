"""File-level encoding of the structured exports we decode ourselves (HTML, CSV, DBF, SQL text).

MARC records are decoded per record by ``kitapbridge.marc``; this module only
answers "which code page is this whole table written in?", with the same scoring
of Russian/Kazakh plausibility (``kitapbridge.marc.encodings.detect_encoding``):
one detector for the whole code base.

Why not charset-normalizer alone: it is good at telling UTF-8 from legacy
code pages and Western from Cyrillic, but it does not reliably separate the
CP1251 family (plain CP1251, KZ-1048, PTCP154), which differ only in the bytes
that carry the Kazakh letters (standards doc §4.3). A wrong choice there does
not fail loudly: «Қазақ» read from KZ-1048 as CP1251 becomes «Ќазаќ», a valid
but lost letter. charset-normalizer decides only when no candidate yields a
Cyrillic word at all (Latin-script or Western files).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import charset_normalizer

from kitapbridge.marc import encodings

logger = logging.getLogger(__name__)

CONFIDENT, UNCERTAIN = 1.0, 0.5
"""``EncodingGuess.confidence`` when the scores single out one reading, or do not."""

_CYRILLIC_WORD = re.compile(r"(?<![^\W\d_])[\u0400-\u04ff]{2,}(?![^\W\d_])")
"""Two or more Cyrillic letters with no Latin letter in the word: Latin-1 «élève» read
as CP1251 gives «йlиve», never such a word."""


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
    decision = encodings.detect_encoding(
        data, declared=None, declared_by="the file", allow_marc8=False
    )
    if not _CYRILLIC_WORD.search(encodings.decode_text(data, decision.encoding)):
        return _charset_normalizer_guess(data)
    logger.debug("encoding decision %s", decision.reason)
    confidence = CONFIDENT if decision.confident else UNCERTAIN
    return EncodingGuess(decision.encoding, confidence, decision.reason)


def _charset_normalizer_guess(data: bytes) -> EncodingGuess:
    match = charset_normalizer.from_bytes(data).best()
    if match is None:
        return EncodingGuess("cp1251", 0.0, "no plausible encoding; cp1251 assumed")
    return EncodingGuess(
        match.encoding, 0.5, f"no Cyrillic text; charset-normalizer chose {match.encoding}"
    )
