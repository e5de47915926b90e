"""``MatchRecord``: everything the matcher compares, read once from a MARC21 record.

Extraction is the only step that looks at MARC; blocking, scoring and clustering work on
these small immutable values, so a million records fit in memory and tests can build
them directly. Keys are derived and never shown; the record itself is never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pymarc

from kitapbridge.dedup.identifiers import other_identifiers, record_isbns
from kitapbridge.dedup.normalize import (
    EARLIEST_YEAR,
    YEAR_PATTERN,
    Edition,
    page_count,
    parse_edition,
    part_designation,
    plausible_year,
    publisher_key,
    title_volume_designations,
    volume_count,
    year_from_008,
    year_is_supplied,
    year_is_uncertain,
)
from kitapbridge.text import skeleton, skeleton_words, strip_nonfiling

_ELECTRONIC_GMD = re.compile(r"electronic|электрон|электрондық|online", re.I)
_LANGUAGE_CODE = re.compile(r"^[a-z]{3}$")
_BRACKETED = re.compile(r"\[[^\]]*\]")


def _unbracketed(title: str) -> str:
    """A title without cataloguer-supplied text in square brackets.

    Russian-tradition records often carry the GMD inside the title («Алгебра [Текст] :
    учебник»), and interpolations ("The four million [stories]") vary between
    cataloguers; neither is part of the title as printed.
    """
    return _BRACKETED.sub(" ", title)


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """The comparable reading of one source record.

    ``record_id`` is the store's source-record id (smaller = older). Title and name
    values are transliteration skeletons (``kitapbridge.text.skeleton``), so Cyrillic
    and Latin-script Kazakh compare equal. ``school`` is the holding school's ISIL.
    """

    record_id: int
    title: str
    """Skeleton of 245 $a (non-filing characters stripped)."""
    subtitle: str
    """Skeleton of 245 $b."""
    title_words: tuple[str, ...]
    """Skeleton words of 245 $a and $b."""
    parts: frozenset[str]
    """Part/volume designations: 245 $n/$p, 773 $g."""
    responsibility: str
    """Skeleton of 245 $c."""
    author: str
    """Skeleton of the main entry surname (100/110/111 $a, else first 700 $a)."""
    author_initials: str
    names: frozenset[str]
    """Surname skeletons of every 1XX and 7XX name."""
    title_numbers: tuple[str, ...]
    """Numbers in the title and subtitle («Отчёт за 1998 год», "S. 1970"), in order;
    bracketed ones too ("[to accompany S. 1970]")."""
    year: int | None
    pages: int | None
    volumes: int | None
    edition: Edition
    publisher: str
    country: str
    """008/15-17 place of publication code, blank when unknown."""
    series: str
    series_number: str
    languages: frozenset[str]
    record_type: str
    """Leader/06 + Leader/07 + ``e`` for electronic, ``p`` for print."""
    isbns: frozenset[str]
    invalid_isbns: frozenset[str]
    identifiers: frozenset[str]
    encoding_level: str
    corporate_author: bool = False
    """The main entry is a corporate body or meeting (110/111), not a person."""
    years_stated: frozenset[int] = frozenset()
    """Every year the record states for itself: all of 260/264 $c (printing and copyright
    dates too, "1913, c1912") and 008 date 2 when it is a copyright or production date."""
    author_dates: tuple[int, ...] = ()
    """The years in the personal main entry's dates (100 $d): birth, and death if given."""
    year_supplied: bool = False
    """``year`` is a date the cataloguer supplied or guessed («[1911]», "[1987?]"), not
    one printed on the item (``year_is_supplied``)."""
    title_proper_words: tuple[str, ...] = ()
    """Skeleton words of 245 $a alone."""
    publication_span: tuple[int, ...] = ()
    """First and last year of a multipart item published over years (008/06 ``m``,
    ``9999`` while still open), else empty."""
    russian_kazakh_practice: bool = False
    """Catalogued under Russian or Kazakh practice (``catalogued_in_russian_kazakh_practice``),
    which describes each year of a stereotyped reprint as its own edition."""
    school: str = ""
    local_id: str = ""
    """The record's id in its school's system; with ``school`` it names the source record."""


def match_record(
    record_id: int, record: pymarc.Record, school: str = "", local_id: str = ""
) -> MatchRecord:
    """Read a (decoded, NFC, MARC21) record into a ``MatchRecord``."""
    title_field = record.get("245")
    title = subtitle = responsibility = ""
    parts: set[str] = set()
    if title_field is not None:
        nonfiling = int(title_field.indicator2) if title_field.indicator2.isdigit() else 0
        title = strip_nonfiling(" ".join(title_field.get_subfields("a")), nonfiling)
        subtitle = " ".join(title_field.get_subfields("b"))
        responsibility = " ".join(title_field.get_subfields("c"))
        parts.update(part_designation(v) for v in title_field.get_subfields("p"))
        parts.update(
            part_designation(v) for v in title_field.get_subfields("n") if _is_part_number(v)
        )
        parts.update(title_volume_designations(" ".join(title_field.get_subfields("a", "b"))))
    for field in record.get_fields("773"):
        parts.update(part_designation(v) for v in field.get_subfields("g"))
    title_words = skeleton_words(_unbracketed(title))
    subtitle_words = skeleton_words(_unbracketed(subtitle))
    author, initials = _main_author(record)
    extent = _extent(record)
    series, series_number = _series(record)
    year, year_supplied = _publication_year(record)
    # A date inferred from the copyright date ("[2020]" with "©2020", RDA practice) is
    # as good as a transcribed one: the copyright date is printed on the item.
    year_supplied = year_supplied and year not in _copyright_years(record)
    isbns = record_isbns(record)
    leader = str(record.leader)
    return MatchRecord(
        record_id=record_id,
        title="".join(title_words),
        subtitle="".join(subtitle_words),
        title_words=(*title_words, *subtitle_words),
        parts=frozenset(p for p in parts if p),
        responsibility=skeleton(responsibility),
        author=author,
        author_initials=initials,
        author_dates=_author_dates(record),
        names=_names(record),
        title_numbers=title_numbers(title + " " + subtitle),
        year=year,
        year_supplied=year_supplied,
        pages=page_count(extent),
        volumes=volume_count(extent),
        # 250 $a only: $b is the edition's statement of responsibility or a parallel
        # statement ("New ed. $b with an introduction by …"), not another edition.
        edition=parse_edition(" ".join(_subfields(record, "250", "a"))),
        publisher=" ".join(publisher_key(name) for name in _publishers(record)).strip(),
        country=_country(record),
        series=series,
        series_number=series_number,
        languages=_languages(record),
        record_type=leader[6:8] + ("e" if _is_electronic(record) else "p"),
        isbns=isbns.valid,
        invalid_isbns=isbns.invalid,
        identifiers=other_identifiers(record),
        encoding_level=leader[17:18],
        corporate_author=not record.get_fields("100") and bool(record.get_fields("110", "111")),
        years_stated=_stated_years(record),
        publication_span=_publication_span(record),
        title_proper_words=tuple(title_words),
        russian_kazakh_practice=catalogued_in_russian_kazakh_practice(record),
        school=school,
        local_id=local_id,
    )


_PART_NUMBER_WORDS = 3
"""A 245 $n of more words than this is a series statement typed into $n ("Fieldiana,
Zoology v. 7, no. 9", "Talbot collection of British pamphlets"), not a part number
(«2-кітап», "Part I", "Book 2")."""


def _is_part_number(value: str) -> bool:
    return len(skeleton_words(value)) <= _PART_NUMBER_WORDS


_OCR_DIGIT_ONE = re.compile(r"(?<![^\W\d_])l(?=\d{3}(?!\d))|(?<=\d)l(?=\d)")
_SHORT_YEAR_RANGE = re.compile(r"\b(1[4-9]|20)(\d\d)\s*[-–]\s*(\d\d)\b")


def title_numbers(text: str) -> tuple[str, ...]:
    """The numbers in a title, in order, read as a cataloguer would write them in full.

    OCR'd records write ``l`` for ``1`` ("August l945", "the l990s"), and a year range
    is often shortened ("1914-18" for "1914-1918").
    """
    text = _OCR_DIGIT_ONE.sub("1", text)
    text = _SHORT_YEAR_RANGE.sub(r"\1\2-\1\3", text)
    return tuple(re.findall(r"\d+", text))


@lru_cache(maxsize=65_536)
def name_skeleton(name: str) -> str:
    """``skeleton`` memoised: names and publishers repeat across a catalogue thousands of times."""
    return skeleton(name)


@lru_cache(maxsize=65_536)
def name_skeleton_words(name: str) -> tuple[str, ...]:
    """``skeleton_words`` memoised, for forenames."""
    return tuple(skeleton_words(name))


def _subfields(record: pymarc.Record, tag: str, codes: str) -> list[str]:
    return [v for f in record.get_fields(tag) for v in f.get_subfields(*codes)]


def _main_author(record: pymarc.Record) -> tuple[str, str]:
    names = _subfields(record, "100", "a") or _subfields(record, "110", "a")
    names = names or _subfields(record, "111", "a")
    if not names:
        return "", ""
    name = names[0]
    surname, _, forenames = name.partition(",")
    initials = "".join(w[0] for w in name_skeleton_words(forenames))
    return name_skeleton(surname), initials


_LEAF_CONTINUATION = re.compile(r"^\s*(?:\d+\s*)?(?:l|L|ℓ)\.?\s*,")
"""A 300 ``$b`` that begins "l., …" or "1 l., …": the extent "3 p. l., 3-180 p." was split
after "3 p." by a converter or a careless keyer, so ``$a`` holds only the preliminary
leaves."""


def _extent(record: pymarc.Record) -> str:
    """The extent statements (300 ``$a``), each with a ``$b`` that continues it.

    A ``$b`` continues ``$a`` when ``$a`` ends in a comma ("34 p., 1 l., $b 218 p.") or
    ``$b`` begins with a count of leaves. Without the continuation, "3 p. $b l., 3-180
    p." reads as a 3-page book and the page veto parts it from its own other copy.
    """
    parts: list[str] = []
    for field in record.get_fields("300"):
        extents = field.get_subfields("a")
        details = field.get_subfields("b")[:1]
        parts.extend(extents)
        ends_open = bool(extents) and extents[-1].rstrip().endswith(",")
        if details and (ends_open or _LEAF_CONTINUATION.match(details[0])):
            parts.append(details[0])
    return " ".join(parts)


def _author_dates(record: pymarc.Record) -> tuple[int, ...]:
    dates = _subfields(record, "100", "d")
    return tuple(int(y) for y in YEAR_PATTERN.findall(dates[0])[:2]) if dates else ()


def _names(record: pymarc.Record) -> frozenset[str]:
    names = _subfields(record, "100", "a") + _subfields(record, "700", "a")
    names += _subfields(record, "110", "a") + _subfields(record, "710", "a")
    surnames = (name_skeleton(name.partition(",")[0]) for name in names)
    return frozenset(s for s in surnames if s)


def _country(record: pymarc.Record) -> str:
    fixed = record.get("008")
    if fixed is None or fixed.data is None or len(fixed.data) < 18:
        return ""
    # "#" is the blank of MARC documentation, written literally by some converters.
    code = fixed.data[15:18].strip(" |\\#").casefold()
    return "" if code in {"", "xx", "vp"} else code


def _publication_year(record: pymarc.Record) -> tuple[int | None, bool]:
    """The transcribed year (260 $c, 264 $c of a publication statement), else 008 date 1,
    and whether the cataloguer supplied it (``year_is_supplied``).

    A transcribed decade or century («[19--?]») means the year is unknown; the 008
    date is then a cataloguer's guess and is not used either.
    """
    for field in record.get_fields("260", "264"):
        if field.tag == "264" and field.indicator2 not in "1 ":
            continue
        for value in field.get_subfields("c"):
            if (year := plausible_year(value)) is not None:
                return year, year_is_supplied(value)
            if year_is_uncertain(value):
                return None, False
    fixed = record.get("008")
    if fixed is not None and fixed.data is not None:
        return year_from_008(fixed.data), False
    return None, False


_SECOND_DATE_TYPES = frozenset("tpm")
"""008/06 types whose date 2 belongs to this manifestation: copyright (``t``), production
(``p``) and range (``m``). A reprint's (``r``) date 2 is the original's, another edition."""


def _stated_years(record: pymarc.Record) -> frozenset[int]:
    years = {
        int(y)
        for field in record.get_fields("260", "264")
        for value in field.get_subfields("c")
        for y in YEAR_PATTERN.findall(value)
    }
    fixed = record.get("008")
    if fixed is not None and fixed.data is not None and len(fixed.data) >= 15:
        dates = [fixed.data[7:11]]
        if fixed.data[6] in _SECOND_DATE_TYPES:
            dates.append(fixed.data[11:15])
        years.update(int(d) for d in dates if d.isdigit() and int(d) >= EARLIEST_YEAR)
    return frozenset(years)


def _publication_span(record: pymarc.Record) -> tuple[int, ...]:
    fixed = record.get("008")
    data = fixed.data if fixed is not None and fixed.data is not None else ""
    if len(data) < 15 or data[6] != "m" or not data[7:11].isdigit():
        return ()
    first = int(data[7:11])
    last = int(data[11:15]) if data[11:15].isdigit() else 9999
    return (first, last) if EARLIEST_YEAR <= first <= last else ()


def _copyright_years(record: pymarc.Record) -> set[int]:
    """Copyright dates: 264 ind2 ``4``, "c1912"/"©2020" in 260 $c, 008 date 2 of type ``t``."""
    values = [
        v for f in record.get_fields("264") if f.indicator2 == "4" for v in f.get_subfields("c")
    ]
    values += [
        v
        for f in record.get_fields("260")
        for value in f.get_subfields("c")
        for v in re.findall(r"(?:c|©|cop\.?\s*)(\d{4})", value)
    ]
    years = {int(y) for v in values for y in YEAR_PATTERN.findall(v)}
    fixed = record.get("008")
    data = fixed.data if fixed is not None and fixed.data is not None else ""
    if len(data) >= 15 and data[6] == "t" and data[11:15].isdigit():
        years.add(int(data[11:15]))
    return years


def _publishers(record: pymarc.Record) -> list[str]:
    """Every publisher named (260 $b, else 264 $b of a publication statement).

    All of them, not the first: co-publishers and distributors are listed in any order
    ("Hall & McCreary; F. A. Owen" in one record, "F. A. Owen" in another).
    """
    values = _subfields(record, "260", "b")
    if not values:
        values = [
            v for f in record.get_fields("264") if f.indicator2 == "1" for v in f.get_subfields("b")
        ]
    return values


def _series(record: pymarc.Record) -> tuple[str, str]:
    for tag in ("490", "830", "440"):
        for field in record.get_fields(tag):
            title_text = " ".join(field.get_subfields("a"))
            numbers = field.get_subfields("v")
            if not numbers and ";" in title_text:
                # "RC 77-C ; 48": the number typed into $a instead of $v.
                title_text, _, number = title_text.rpartition(";")
                numbers = [number]
            # Every $v: one cataloguer splits "1820-1875, $v v. 14" into two.
            return skeleton(title_text), part_designation(" ".join(numbers)) if numbers else ""
    return "", ""


def _languages(record: pymarc.Record) -> frozenset[str]:
    codes: set[str] = set()
    fixed = record.get("008")
    if fixed is not None and fixed.data is not None and len(fixed.data) >= 38:
        codes.add(fixed.data[35:38].casefold())
    for value in _subfields(record, "041", "a"):
        # Old records pack several codes into one $a ("engrus").
        codes.update(value[i : i + 3].casefold() for i in range(0, len(value) - 2, 3))
    return frozenset(c for c in codes if _LANGUAGE_CODE.match(c) and c not in {"und", "zxx", "mul"})


_RUSSIAN_KAZAKH = frozenset({"rus", "kaz"})
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def catalogued_in_russian_kazakh_practice(record: pymarc.Record) -> bool:
    """True when the record itself shows Russian or Kazakh cataloguing practice.

    Any of: the language of cataloguing (040 ``$b``) or of the text (008/35-37, 041 ``$a``)
    is Russian or Kazakh, or the title is in Cyrillic. That practice (ГОСТ 7.1, and the
    school catalogues converted from it) gives each stereotyped reprint year its own
    record and counts holdings per year (dedup.md §2), whatever the rest of the
    description says.
    """
    if {v.strip().casefold() for v in _subfields(record, "040", "b")} & _RUSSIAN_KAZAKH:
        return True
    if _languages(record) & _RUSSIAN_KAZAKH:
        return True
    return any(_CYRILLIC.search(v) for v in _subfields(record, "245", "a"))


def _is_electronic(record: pymarc.Record) -> bool:
    # The GMD sits in 245 $h, or inside $a in brackets («[Электронный ресурс]»).
    if any(_ELECTRONIC_GMD.search(v) for v in _subfields(record, "245", "h")):
        return True
    if any(
        _ELECTRONIC_GMD.search(b)
        for v in _subfields(record, "245", "a")
        for b in _BRACKETED.findall(v)
    ):
        return True
    physical = record.get("007")
    if physical is not None and physical.data and physical.data[0] == "c":
        return True
    return any(
        v.casefold() in {"computer", "компьютер", "c"} for v in _subfields(record, "337", "ab")
    )
