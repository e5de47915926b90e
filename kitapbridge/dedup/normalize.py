"""Matching-specific readings of transcribed text: years, extents, editions, publishers, parts.

General text folding (homoglyphs, NFKC + casefold, punctuation, the Kazakh 2021
transliteration skeleton) lives in ``kitapbridge.text`` and is shared with search; this
module only knows what the *values* of MARC fields mean for deciding "same edition".
Russian and Kazakh forms are first-class: «2-е изд., перераб.», «екінші басылым»,
«121, [3] с.», «2015 ж.», «ТОО "Атамұра"».
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from kitapbridge.text import fold, skeleton_words

EARLIEST_YEAR = 1450
"""No printed book predates this; smaller 4-digit numbers are not publication years."""

YEAR_PATTERN = re.compile(r"(?<!\d)(1[4-9]\d\d|20\d\d)(?!\d)")
"""A 4-digit year 1400-2099 not inside a longer number."""
_NUMBER = re.compile(r"(?<![\d\[])(\d{1,5})(?![\d\]])")
_PAGED_NUMBER = re.compile(
    r"(?<![\d\[])(\d{1,5})(?![\d\]])(?:\s*,?\s*\[\d+\])*\s*(?:pp?|pages?|с|стр|б|bet)(?![^\W\d_])",
    re.I,
)
_LEAVES = re.compile(r"\d+\s*(?:p\.\s*(?:l|ℓ)|l|ℓ|leaves|leaf|plates?)(?![^\W\d_])", re.I)
"""Counts of leaves and plates: "4 p. l." (preliminary leaves), "2 l.", "12 plates". Only
"p. l." takes the "p." along: in "17-445 p. plates" the 445 is pages."""
_OCR_ONE = re.compile(r"(?<=\d)[lI](?=\d|\s*p\b|p\b)")
_CUT_OFF_EXTENT = re.compile(r",\s*\d+\s*$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_VOLUME_COUNT = re.compile(
    r"(\d{1,3})\s*(?:v\b|vols?\b|volumes?\b|pts?\b|parts?\b|т\b|том|кн\b|ч\b|бөлім)", re.I
)
_DIMENSION = re.compile(r"\d+(?:[.,]\d+)?\s*(?:x\s*\d+\s*)?(?:cm|см|mm|мм)\b", re.I)
"""A size ("24 cm", «20 см»): typed into 300 $a instead of $c, it is no page count."""

_ORDINAL_WORDS = {
    # English
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    # Russian (stems: первое/второе/третье, изд. третье …)
    "перв": 1, "втор": 2, "трет": 3, "четверт": 4, "пят": 5, "шест": 6, "седьм": 7,
    "восьм": 8, "девят": 9, "десят": 10,
    # Kazakh
    "бірінші": 1, "екінші": 2, "үшінші": 3, "төртінші": 4, "бесінші": 5, "алтыншы": 6,
    "жетінші": 7, "сегізінші": 8, "тоғызыншы": 9, "оныншы": 10,
}  # fmt: skip
_ORDINAL_NUMBER = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:-?\s*(?:е|ое|ье|й|ші|шы|ci|st|nd|rd|th|d|e|er|ème|a|te|\.)|(?=\s|$))",
    re.I,
)
_EDITION_FLAGS = {
    "revised": ("перераб", "rev", "өңдел", "qayta", "қайта"),
    "enlarged": ("доп", "enl", "толық", "expanded", "augm"),
    "corrected": ("испр", "corr", "түзет"),
}
_EDITION_WORDS = frozenset(
    ["ed", "edn", "edition", "izd", "izdanie", "basylym", "basylymy", "aufl", "auflage"]
)
"""Skeletons of the word "edition" itself: "Berkley ed." and "Berkley edition" are one."""
_ARTICLES = frozenset(["a", "an", "the"])
"""Articles in an edition statement: "New ed." and "A new edition" are one statement."""
_PRINTING = re.compile(
    r"(?:\b\d+\s*(?:st|nd|rd|th|d|e|й|ый|ші|шы)?"
    r"|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth))"
    r"\s+(?:printing|impression|thousand|завод)\b"
    r"|\breprinted\b.*$"
)
"""A printing, impression or "thousand" (and a "reprinted …" note) inside an edition
statement: RDA and BFAS make a new printing no new manifestation (dedup.md §2), so
"Prelim. ed., second printing" is the "Prelim. ed." and «2-й завод» no second edition."""
_BINDING_ONLY = ("в пер", "обл", "hardcover", "paperback", "pbk", "cloth", "мұқаба")
_STEREOTYPE = ("стереотип", "stereotyp")

_UNNAMED_PUBLISHER = re.compile(
    r"s n|б и|s l|б м|n p|n s|sine nomine|publisher not identified|"
    r"(?:the )?(?:author|authors|firm|committee|office|society|department|dept|commission"
    r"|board|bureau|institute|association|council|survey|station|division)|"
)
"""Placeholders for an unknown publisher ("[s.n.]", «[б. и.]», "[n.p.]") and a pointer
back to the issuing body named elsewhere ("The Firm", "The Committee", "Author"): the
same as no publisher name."""

_LEGAL_FORMS = frozenset(
    [
        "too",
        "тоо",
        "жшс",
        "ао",
        "ак",
        "ақ",
        "ооо",
        "зао",
        "оао",
        "пао",
        "ип",
        "llp",
        "llc",
        "ltd",
        "inc",
        "co",
        "corp",
        "gmbh",
        "plc",
        "издательство",
        "изд",
        "во",
        "издво",
        "изд",
        "издат",
        "баспасы",
        "баспа",
        "үйі",
        "уйі",
        "издательский",
        "дом",
        "publishing",
        "publisher",
        "publishers",
        "house",
        "press",
        "verlag",
        "pub",
        "company",
        "and",
        "the",
        "of",
        "for",
        "by",
        "sons",
        "son",
        "bros",
        "brothers",
        "printers",
        "printer",
        "printed",
    ]
)


@dataclass(frozen=True, slots=True)
class Edition:
    """An edition statement reduced to what decides "another edition".

    ``ordinal`` is the edition number («3-е изд.» → 3, «екінші басылым» → 2); ``flags``
    are the content-changing qualifiers (revised, enlarged, corrected); ``words`` is the
    skeleton of a statement with neither, so "Library ed." still differs from
    "School ed.". Binding-only and stereotype statements reduce to an empty edition.
    """

    ordinal: int | None = None
    flags: frozenset[str] = frozenset()
    words: str = ""

    @property
    def stated(self) -> bool:
        return self.ordinal is not None or bool(self.flags) or bool(self.words)


_UNCERTAIN_YEAR = re.compile(r"(?<!\d)1[4-9](?:\d-|--)|(?<!\d)20(?:\d-|--)")


def year_is_uncertain(text: str) -> bool:
    """True for a decade or century only («[19--?]», «189-?»): no year to compare."""
    return YEAR_PATTERN.search(text) is None and _UNCERTAIN_YEAR.search(text) is not None


def plausible_year(text: str) -> int | None:
    """The first 4-digit year between 1450 and next year in ``text`` («[2015]», «2015 ж.»)."""
    last = date.today().year + 1
    for match in YEAR_PATTERN.finditer(text):
        year = int(match.group(1))
        if EARLIEST_YEAR <= year <= last:
            return year
    return None


def year_is_supplied(text: str) -> bool:
    """True when the first plausible year in ``text`` was supplied by the cataloguer.

    ISBD brackets a date not printed on the item («[1911]», "[c1942]") and a question mark
    marks a guess («[1987?]», "1911?"): an inference from the preface or the copyright
    page, often a year off. A date printed on the title page is transcribed bare.
    """
    last = date.today().year + 1
    for match in YEAR_PATTERN.finditer(text):
        if EARLIEST_YEAR <= int(match.group(1)) <= last:
            before = text[: match.start()]
            return (
                before.count("[") > before.count("]") or "?" in text[match.end() : match.end() + 2]
            )
    return False


_DATED_008_TYPES = frozenset("cdeikmprst")
"""008/06 types whose date 1 is a publication year; ``q`` (questionable), ``n``, ``u``,
``b`` (B.C.) and fill characters give no usable year."""


def year_from_008(value: str) -> int | None:
    """Date 1 of a MARC21 008 (positions 07-10) when it is a full year; ``u`` digits → None."""
    if len(value) < 11 or value[6] not in _DATED_008_TYPES:
        return None
    digits = value[7:11]
    return int(digits) if digits.isdigit() and int(digits) >= EARLIEST_YEAR else None


def page_count(extent: str) -> int | None:
    """The largest numbered page count in a 300 ``$a`` extent; bracketed pages are not counted.

    ``"121, [3] с."`` → 121; ``"xii, 284 p."`` → 284; ``"2 v."`` → None. Counts of leaves
    and plates ("4 p. l.", "2 l.", "[7] leaves of plates") are not pages. OCR'd records
    write ``l`` for ``1`` ("4l6 p.") and "1,042 p." carries a thousands comma. An
    extent cut off after a bare number ("xxvi p., 2", the "l., 3-564 p." lost) gives no
    count: its largest number is no page count.
    """
    if _CUT_OFF_EXTENT.search(extent):
        return None
    cleaned = _THOUSANDS.sub("", _OCR_ONE.sub("1", _DIMENSION.sub(" ", extent)))
    if _VOLUME_COUNT.search(cleaned) and not _PAGED_NUMBER.search(cleaned):
        return None
    numbers = [int(n) for n in _NUMBER.findall(_LEAVES.sub(" ", cleaned))]
    return max(numbers) if numbers else None


def volume_count(extent: str) -> int | None:
    """The number of physical volumes in an extent («3 v.», «2 т.»), else None."""
    match = _VOLUME_COUNT.search(extent)
    return int(match.group(1)) if match else None


def pages_compatible(a: int, b: int) -> bool:
    """Page counts that still describe one edition: within 10 pages or within 10 %.

    dedup.md §2 vetoes only when the difference exceeds *both* 10 pages and 10 %.
    """
    difference = abs(a - b)
    return difference <= 10 or difference <= 0.1 * max(a, b)


@lru_cache(maxsize=16_384)
def parse_edition(statement: str) -> Edition:
    """Read a 250 / RUSMARC 205 edition statement (see ``Edition``)."""
    folded = " ".join(_PRINTING.sub(" ", fold(statement)).split())
    if not folded or any(folded.startswith(b) for b in _BINDING_ONLY):
        return Edition()
    flags = frozenset(
        name for name, stems in _EDITION_FLAGS.items() if any(s in folded for s in stems)
    )
    ordinal = _edition_ordinal(folded)
    if ordinal is None and not flags:
        if any(s in folded for s in _STEREOTYPE):
            return Edition()
        words = [
            w for w in skeleton_words(folded) if w not in _EDITION_WORDS and w not in _ARTICLES
        ]
        return Edition(words="".join(words))
    return Edition(ordinal=ordinal, flags=flags)


def _edition_ordinal(folded: str) -> int | None:
    match = _ORDINAL_NUMBER.search(folded)
    if match is not None and int(match.group(1)) > 0:
        return int(match.group(1))
    for word in folded.split():
        for stem, number in _ORDINAL_WORDS.items():
            if word.startswith(stem):
                return number
    return None


def editions_conflict(a: Edition, b: Edition) -> bool:
    """True when two edition statements name different editions.

    A missing statement equals a first edition (catalogues rarely transcribe
    "1st ed."), but not a later or revised one (dedup.md §2: «2-е изд., перераб.»
    vs none is another edition).
    """
    if a == b:
        return False
    first = Edition(ordinal=1)
    if not a.stated:
        return b not in (first, Edition())
    if not b.stated:
        return a not in (first, Edition())
    if a.ordinal is not None and b.ordinal is not None:
        # Equal numbers name one edition even when one cataloguer left out «перераб.».
        return a.ordinal != b.ordinal
    return a.words != b.words or a.flags != b.flags


_GOVERNMENT_PRINTER = re.compile(
    r"\b(?:g ?p ?o|h ?m ?s ?o|govt print(?:ing)? off(?:ice)?|government print(?:ing)? off(?:ice)?"
    r"|stationery off(?:ice)?|supt docs)\b"
)
"""A government printer or sales agent ("U.S. G.P.O.", "H.M.S.O.", "Govt. Print. Off."):
a record naming it instead of the issuing agency names the same publication's printer,
not another publisher."""


def is_government_printer(key: str) -> bool:
    """True when a ``publisher_key`` names a government printer or sales agent."""
    return _GOVERNMENT_PRINTER.search(key) is not None


_NATION_OF_SUBDIVISION = {"u": "xxu", "c": "xxc", "k": "xxk", "a": "at", "r": "xxr"}
"""MARC country codes of three letters name a state, province or constituent country
and end in their nation's letter: ``nyu``/``dcu`` (United States), ``onc`` (Canada),
``enk``/``stk`` (United Kingdom), ``xna`` (Australia), ``kzr``/``rur`` (USSR, discontinued
codes still found in Soviet-era records). Two-letter codes (``kz``, ``ru``) are nations."""


def publishing_nation(country: str) -> str:
    """The nation of a MARC 008/15-17 place-of-publication code: ``mdu`` and ``dcu`` → ``xxu``.

    Washington and Bethesda, or New York and Boston, are one country; a publisher's
    penalty for "another country" (a co-edition or a foreign reissue) must not fire on
    them.
    """
    if len(country) == 3:
        return _NATION_OF_SUBDIVISION.get(country[2], country)
    return country


@lru_cache(maxsize=65_536)
def publisher_key(name: str) -> str:
    """A publisher name without quotes, legal forms and generic words, as skeleton words.

    «ТОО "Издательство Атамұра"» and "Atamura" fold to the same key, ``"atamura"``.
    """
    folded = fold(name)
    if _UNNAMED_PUBLISHER.fullmatch(folded):
        return ""
    words = [w for w in folded.split() if w not in _LEGAL_FORMS]
    return " ".join(skeleton_words(" ".join(words)))


# A numbered volume, part or school grade transcribed in the title rather than in $n:
# «Абай жолы : роман-эпопея. 2-кітап», «Война и мир. Т. 1», «Қазақ тілі 5-сынып»,
# «Математика. 6 класс». School catalogues (MARC-SQL, Кітапхана) rarely use $n, and two
# volumes or two grades are never one edition.
_VOLUME_WORD = r"(?:кітап|том|т\.|книга|кн\.|часть|ч\.|бөлім|выпуск|вып\.|сынып|класс|кл\.)"
_TITLE_VOLUME = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*-?\s*(?:ші|шы|ое|ой|й)?\s*{_VOLUME_WORD}"
    rf"|{_VOLUME_WORD}\s*(\d{{1,2}})(?!\d)",
    re.I,
)


def title_volume_designations(text: str) -> set[str]:
    """Volume, part or grade numbers stated with their word in a title («2-кітап» → ``"2"``)."""
    return {str(int(m.group(1) or m.group(2))) for m in _TITLE_VOLUME.finditer(text)}


_NUMERAL = re.compile(r"\d+|[^\W\d_]+")
_ROMAN = re.compile(
    r"(?=[ivxlcdm]{2,}$)m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
)
"""A roman numeral of two letters or more: "xlvi", "ii". A single "v" or "i" is too often
the abbreviation "v." (volume) or a letter to read as a number."""
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _roman_value(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def part_designation(text: str) -> str:
    """A part or volume designation (245 ``$n``, 490 ``$v``, 773 ``$g``) as a comparable key.

    Numbers are kept as the key, roman ones as arabic («Т. 2» → ``"2"``, "Part II" →
    ``"2"``, "Vol. xlvi, no. 4" → ``"46.4"``); without a number the skeleton of the words
    is the key.
    """
    numbers = [
        str(int(token)) if token.isdigit() else str(_roman_value(token))
        for token in _NUMERAL.findall(fold(text))
        if token.isdigit() or _ROMAN.fullmatch(token)
    ]
    if numbers:
        return ".".join(numbers)
    words = skeleton_words(text)
    roman = [w for w in words if re.fullmatch(r"[ivxlc]+", w)]
    return roman[-1] if roman else "".join(words)
