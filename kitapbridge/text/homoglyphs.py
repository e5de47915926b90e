"""Repair of Latin/Cyrillic look-alike letters mixed into one word.

Legacy catalogues were typed on keyboards switched between layouts, so a
Cyrillic word often hides a Latin ``a``, ``o`` or ``c`` (and the reverse):
such a word never matches its clean form. Per word, the majority script wins
and the look-alikes of the minority are mapped to it (``dedup.md`` §3 step 2;
the per-letter choices are a project design, after Unicode UTS #39 confusables).
"""

from __future__ import annotations

import re

_LATIN_TO_CYRILLIC = {
    "a": "а",
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "x": "х",
    "y": "у",
    "i": "і",
    "h": "һ",
    "A": "А",
    "B": "В",
    "C": "С",
    "E": "Е",
    "H": "Н",
    "K": "К",
    "M": "М",
    "O": "О",
    "P": "Р",
    "T": "Т",
    "X": "Х",
    "I": "І",
    "Y": "У",
    "Ə": "Ә",
    "ə": "ә",
}
_KAZAKH_OVERRIDES = {"Y": "Ү"}
_CYRILLIC_TO_LATIN = {
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "х": "x",
    "у": "y",
    "і": "i",
    "һ": "h",
    "А": "A",
    "В": "B",
    "С": "C",
    "Е": "E",
    "Н": "H",
    "К": "K",
    "М": "M",
    "О": "O",
    "Р": "P",
    "Т": "T",
    "Х": "X",
    "І": "I",
    "У": "Y",
    "Ү": "Y",
    "Ә": "Ə",
    "ә": "ə",
}

_TO_CYRILLIC = str.maketrans(_LATIN_TO_CYRILLIC)
_TO_CYRILLIC_KAZAKH = str.maketrans({**_LATIN_TO_CYRILLIC, **_KAZAKH_OVERRIDES})
_TO_LATIN = str.maketrans(_CYRILLIC_TO_LATIN)

CYRILLIC_LETTERS = "\u0400-\u04ff"
LATIN_LETTERS = "A-Za-z\u00c0-\u024f\u0259\u018f"
"""The two scripts as regular-expression class contents (what counts as a letter of each)."""
_CYRILLIC = re.compile(f"[{CYRILLIC_LETTERS}]")
_LATIN = re.compile(f"[{LATIN_LETTERS}]")
_WORD = re.compile(r"\w+")
_KAZAKH_LETTERS = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def repair_homoglyphs(text: str) -> str:
    """Map look-alike letters in each mixed-script word to the script they must belong to.

    A word goes to the script that owns a letter the other script has no
    look-alike for («Kaзaқ»: з and қ cannot be Latin, so the word is Cyrillic);
    when every letter has a look-alike, the majority wins. A word with letters
    of both scripts that cannot be converted, or with no majority, is left
    alone: there is no safe guess (see ``mixed_script_words`` to flag it).
    """
    if not (_CYRILLIC.search(text) and _LATIN.search(text)):
        return text
    to_cyrillic = _TO_CYRILLIC_KAZAKH if _KAZAKH_LETTERS.search(text) else _TO_CYRILLIC
    return _WORD.sub(lambda m: _repair_word(m.group(), to_cyrillic), text)


def mixed_script_words(text: str) -> list[str]:
    """Words that still mix scripts after repair: flag them for a person to look at."""
    return [
        word
        for word in _WORD.findall(repair_homoglyphs(text))
        if _CYRILLIC.search(word) and _LATIN.search(word)
    ]


def _repair_word(word: str, to_cyrillic: dict[int, str]) -> str:
    cyrillic = _CYRILLIC.findall(word)
    latin = _LATIN.findall(word)
    if not cyrillic or not latin:
        return word
    cyrillic_only = sum(ch not in _CYRILLIC_TO_LATIN for ch in cyrillic)
    latin_only = sum(ch not in _LATIN_TO_CYRILLIC for ch in latin)
    if cyrillic_only and latin_only:
        return word
    if cyrillic_only or latin_only:
        return word.translate(to_cyrillic if cyrillic_only else _TO_LATIN)
    if len(cyrillic) == len(latin):
        return word
    return word.translate(to_cyrillic if len(cyrillic) > len(latin) else _TO_LATIN)
