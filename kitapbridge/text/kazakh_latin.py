"""Cyrillic → Latin letters for match keys: the Kazakh 2021 alphabet, plus Russian letters.

Data only. Source: ``shared/docs/standards/dedup.md`` §3.1 (2021 revision,
presented 28 January 2021). Keys are lower case because text is case-folded
before transliteration. Loan letters (ё ц ч щ ъ ь э ю я) follow common practice,
not a cited rule; the skeleton step collapses their digraphs anyway.

Latin → Cyrillic is ambiguous (h = х/һ, i = и/й/і, e = е/э), so there is no
reverse table: both scripts meet in the skeleton instead.
"""

CYRILLIC_TO_LATIN_2021: dict[str, str] = {
    "а": "a",
    "ә": "ä",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "ğ",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ñ",
    "о": "o",
    "ө": "ö",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "ū",
    "ү": "ü",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "ş",
    "щ": "şş",
    "ъ": "",
    "ы": "y",
    "і": "ı",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    # Ukrainian and Belarusian letters that turn up in Russian-language catalogues.
    "ї": "i",
    "є": "e",
    "ў": "u",
    "ґ": "g",
}

SKELETON_DIGRAPHS: tuple[tuple[str, str], ...] = (
    # Older Latin spellings (BGN, 2018 digraphs) meet the 2021 letters here.
    ("zh", "j"),
    ("sh", "s"),
    ("ch", "c"),
    ("ts", "c"),
    ("kh", "h"),
    ("gh", "g"),
)
"""Digraphs collapsed in the skeleton, after transliteration, before marks are dropped."""

SKELETON_LETTERS: dict[str, str] = {
    "ı": "i",
    "ŋ": "n",
    "q": "k",
    "ə": "a",
    # Ligatures and letters with a stroke have no canonical decomposition, so dropping
    # combining marks leaves them alone and ``[0-9a-z]`` would then delete them
    # ("Phœnixiana" would lose a letter against "Phoenixiana").
    "œ": "oe",
    "æ": "ae",
    "ß": "ss",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "þ": "th",
    "ð": "d",
}
"""Letters without a decomposition that the skeleton still folds to base letters."""
