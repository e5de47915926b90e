"""Letter statistics the encoding detector scores candidate decodings with. Data only.

Frequencies are percent of letters in running text: Russian from the usual
corpus tables (Национальный корпус русского языка counts, rounded), the nine
Kazakh letters estimated from Kazakh prose (they are frequent: і, қ, ә each
around 2-3 %). Exact values matter little; what matters is that real letters
of Russian and Kazakh score far above the Serbian, Macedonian, Ukrainian and
Tajik letters, box-drawing characters and symbols a wrong code page produces
(table in ``docs/standards/sources-and-crosswalks.md`` §4.3 and §4.5).
"""

from __future__ import annotations

RUSSIAN_LETTER_PERCENT: dict[str, float] = {
    "о": 10.97,
    "е": 8.45,
    "а": 8.01,
    "и": 7.35,
    "н": 6.70,
    "т": 6.26,
    "с": 5.47,
    "р": 4.73,
    "в": 4.54,
    "л": 4.40,
    "к": 3.49,
    "м": 3.21,
    "д": 2.98,
    "п": 2.81,
    "у": 2.62,
    "я": 2.01,
    "ы": 1.90,
    "ь": 1.74,
    "г": 1.70,
    "з": 1.65,
    "б": 1.59,
    "ч": 1.44,
    "й": 1.21,
    "х": 0.97,
    "ж": 0.94,
    "ш": 0.73,
    "ю": 0.64,
    "ц": 0.48,
    "щ": 0.36,
    "э": 0.32,
    "ф": 0.26,
    "ъ": 0.04,
    "ё": 0.04,
}

KAZAKH_LETTER_PERCENT: dict[str, float] = {
    "і": 3.0,
    "қ": 2.8,
    "ә": 2.2,
    "ң": 1.4,
    "ғ": 1.1,
    "ү": 1.5,
    "ұ": 1.1,
    "ө": 0.8,
    "һ": 0.05,
}

KAZAKH_LETTERS = frozenset("ӘәҒғҚқҢңӨөҰұҮүҺһІі")

# Russian and Kazakh libraries hold Ukrainian books (``rusmarc-loge-gh`` ``TEST1.ISO``
# record 44, «Україна» in CP1251): its letters are rare but real, not damage.
# Weighted below their share in Ukrainian text: in a school catalogue they are the
# exception, and ї/є are what Kazakh ү/Ғ look like in CP1251.
UKRAINIAN_LETTER_PERCENT: dict[str, float] = {"є": 0.3, "ї": 0.2, "ґ": 0.05}

# Typographic characters that real Russian and Kazakh catalogue text carries.
COMMON_PUNCTUATION = frozenset("«»—–№…“”„‘’•\u00a0")

# Score of one character (natural log of its share of text, see ``encodings``).
JUNK_CHARACTER_SCORE = -12.0
"""Undecodable bytes, C1 controls, box drawing, stray symbols (¤ ¦ µ ± ‡ ‰)."""
OTHER_CYRILLIC_SCORE = -10.0
"""Cyrillic letters of other languages (Ѓ Ќ Ј Є Ѕ Ў Ї Ґ Ћ Ҷ Ӯ …): a wrong code page."""
PUNCTUATION_SCORE = -3.0
LATIN_ACCENTED_SCORE = -5.0
CASE_FLIP_SCORE = -6.0
"""Per lower-to-upper transition inside a word (KOI8-R read as CP1251 inverts case)."""
MIXED_SCRIPT_SCORE = -6.0
"""Per Latin/Cyrillic letter pair inside a word (Latin MARC-8 diacritics read as CP1251)."""
DISHARMONY_SCORE = -4.0
"""Per Kazakh word mixing ғ with front vowels or ә with back vowels."""

CODE_PAGE_PRIOR = {"cp866": -0.5, "koi8-r": -0.5}
"""Per high byte. DOS (CP866) and Unix (KOI8-R) exports are rarer than the Windows
code pages; a short lower-case CP1251 text read as KOI8-R gives an all-capitals
text of plausible letters («мектеп» → «ЛЕЙРЕО»), which only this prior outweighs."""
