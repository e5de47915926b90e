"""Folding text into comparison forms: the folded form and the script-neutral skeleton.

Stored records keep their decoded NFC text; these forms are derived, for the
term index and for match keys only (``dedup.md`` §3). ``fold`` keeps the script
(a Cyrillic-folded form, shown in review screens); ``skeleton_words`` makes
Kazakh Cyrillic, 2021 Kazakh Latin and older Latin spellings equal:
«Абай жолы», «Abai joly» and «ABAI ZHOLY» all give ``["abai", "joly"]``.
"""

from __future__ import annotations

import re
import unicodedata

from kitapbridge.text.homoglyphs import repair_homoglyphs
from kitapbridge.text.kazakh_latin import (
    CYRILLIC_TO_LATIN_2021,
    SKELETON_DIGRAPHS,
    SKELETON_LETTERS,
)

# RUSMARC/UNIMARC non-sorting spans: NSB U+0098 … NSE U+009C, and U+0088 … U+0089
# written by ISO 5426-era converters. The span's text is not part of the filing title.
_NON_SORTING_SPAN = re.compile("\u0098[^\u009c]*\u009c|\u0088[^\u0089]*\u0089")
_NON_SORTING_MARK = re.compile("[\u0088\u0089\u0098\u009c]")
_TRANSLITERATE = str.maketrans(CYRILLIC_TO_LATIN_2021)
_SKELETON_LETTERS = str.maketrans(SKELETON_LETTERS)
_NOT_SKELETON = re.compile(r"[^0-9a-z]+")
_WORD_SPLIT = re.compile(r"\s+")


def strip_nonfiling(text: str, count: int = 0) -> str:
    """Drop non-filing characters: RUSMARC marker spans, then ``count`` leading characters.

    ``count`` is the MARC21 non-filing indicator (245 ind2 and its siblings).
    """
    text = _NON_SORTING_MARK.sub("", _NON_SORTING_SPAN.sub("", text))
    return text[count:] if 0 < count < len(text) else text


def fold(text: str) -> str:
    """Case-, compatibility- and punctuation-folded text in its own script.

    Homoglyphs repaired, NFKC, ``casefold``; every punctuation mark, symbol or
    control character becomes a space; runs of spaces collapse.
    """
    folded = unicodedata.normalize("NFKC", repair_homoglyphs(strip_nonfiling(text))).casefold()
    return " ".join("".join(_fold_char(ch) for ch in folded).split())


def _fold_char(ch: str) -> str:
    if ch.isalnum():
        return ch
    category = unicodedata.category(ch)
    return ch if category.startswith("M") else " "


def skeleton_words(text: str) -> list[str]:
    """The folded words made script-neutral, for the term index and blocking keys.

    Transliterates Cyrillic with the Kazakh 2021 table, collapses digraphs
    (zh→j, sh→s, ch→c, ts→c, kh→h, gh→g), drops diacritics, keeps ``[0-9a-z]``.
    Never shown to a person: it is lossy on purpose.
    """
    return [word for raw in _WORD_SPLIT.split(fold(text)) if (word := _skeleton_word(raw))]


def skeleton(text: str) -> str:
    """All skeleton words run together: a key for comparing whole titles or names."""
    return "".join(skeleton_words(text))


def _skeleton_word(word: str) -> str:
    latin = word.translate(_TRANSLITERATE)
    for digraph, letter in SKELETON_DIGRAPHS:
        if digraph in latin:
            latin = latin.replace(digraph, letter)
    bare = "".join(
        ch for ch in unicodedata.normalize("NFD", latin) if not unicodedata.combining(ch)
    )
    return _NOT_SKELETON.sub("", bare.translate(_SKELETON_LETTERS))
