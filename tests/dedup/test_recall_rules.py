"""Rules added for recall on Goldfinch val misses. Each must link the same edition it was
written for and still keep apart the Kazakh/Russian case the standard protects
(dedup.md §2): a place in another state is no other country, an extent split over two
subfields is one extent, a one-word title whose heading names the rest is one title, and
printings a year apart link only under an explicit policy and never in Russian/Kazakh
practice.
"""

import dataclasses

import pymarc
import pytest
from dedup_records import book

from kitapbridge.dedup.blocking import candidate_pairs
from kitapbridge.dedup.features import (
    MatchRecord,
    catalogued_in_russian_kazakh_practice,
    match_record,
)
from kitapbridge.dedup.normalize import publishing_nation
from kitapbridge.dedup.scoring import (
    DEFAULT_POLICY,
    MatchDecision,
    ReprintYears,
    Veto,
    compare,
)

MATCH, REVIEW, NO = MatchDecision.MATCH, MatchDecision.REVIEW, MatchDecision.NO_MATCH
BY_PRACTICE = dataclasses.replace(DEFAULT_POLICY, reprint_years=ReprintYears.BY_PRACTICE)


def _pair(a: pymarc.Record, b: pymarc.Record) -> tuple[MatchRecord, MatchRecord]:
    return match_record(1, a), match_record(2, b)


def _feature(a: pymarc.Record, b: pymarc.Record, feature: str) -> tuple[float, str]:
    found = next(f for f in compare(*_pair(a, b)).features if f.feature == feature)
    return found.points, found.reason


def _english(title: str, **kw: object) -> pymarc.Record:
    fields: dict[str, object] = {
        "author": "Beck, Conrad",
        "year": 1903,
        "pages": "320 p.",
        "publisher": "R. & J. Beck",
        "place": "London",
        "language": "eng",
        "country": "enk",
    }
    fields.update(kw)
    return book(title, **fields)  # type: ignore[arg-type]


def _textbook(**kw: object) -> pymarc.Record:
    fields: dict[str, object] = {
        "subtitle": "жалпы білім беретін мектептің 5-сыныбына арналған оқулық",
        "author": "Абылкасымова, А. Е.",
        "year": 2015,
        "pages": "272 б.",
        "publisher": "Мектеп",
        "edition": "2-бас., стереотип.",
    }
    fields.update(kw)
    return book("Математика", **fields)  # type: ignore[arg-type]


# --- publisher: two states of one country are one country ---------------------------------


def test_a_country_code_of_a_state_or_province_names_its_nation() -> None:
    assert [publishing_nation(c) for c in ("mdu", "dcu", "nyu", "xxu")] == ["xxu"] * 4
    assert [publishing_nation(c) for c in ("enk", "stk", "onc", "xna")] == [
        "xxk",
        "xxk",
        "xxc",
        "at",
    ]
    # Soviet-era codes of Kazakh and Russian SSR: one country then; today's codes two.
    assert (publishing_nation("kzr"), publishing_nation("rur")) == ("xxr", "xxr")
    assert (publishing_nation("kz"), publishing_nation("ru")) == ("kz", "ru")


def test_publishers_in_two_states_differ_only_as_publishers() -> None:
    # Goldfinch val: a Bureau of Mines paper "Washington" (dcu) / "Govt. print. off."
    # catalogued from the Bethesda office (mdu) was penalised as published abroad.
    agency = _english("Miners' wash and change houses", publisher="Bureau of Mines",
                      place="Washington", country="dcu", year=1915, pages="27 p.")  # fmt: skip
    other = _english("Miners' wash and change houses", publisher="Smith & Co.",
                     place="Bethesda", country="mdu", year=1915, pages="27 p.")  # fmt: skip
    assert _feature(agency, other, "publisher") == (-0.3, "publishers differ")
    almaty = _textbook(publisher="Атамұра", country="kz ")
    moscow = _textbook(publisher="Просвещение", country="ru ", place="Москва")
    assert _feature(almaty, moscow, "publisher") == (
        -0.5,
        "publishers differ, published in kz vs ru",
    )


# --- extent: "3 p. $b l., 3-180 p." is one extent ----------------------------------------


def test_an_extent_continued_in_b_is_read_whole() -> None:
    split = _english("Chance in chains", pages="3 p.", year=1914)
    split["300"].add_subfield("b", "l., 3-180 p. col. front.")
    whole = _english("Chance in chains", pages="3 p. l., 3-180 p.", year=1914)
    assert (match_record(1, split).pages, match_record(2, whole).pages) == (180, 180)
    assert compare(*_pair(split, whole)).decision is MATCH
    # Other physical details («ил.», "illus.") are no continuation.
    illustrated = _textbook(pages="272 б.")
    illustrated["300"].add_subfield("b", "ил.")
    assert match_record(1, illustrated).pages == 272
    shorter = _textbook(pages="3 б.")
    shorter["300"].add_subfield("b", "ил., 180 б.")
    assert match_record(1, shorter).pages == 3


def test_an_extent_ending_in_a_comma_continues_in_b_and_a_cut_off_one_has_no_count() -> None:
    open_ended = _english("The wigwam and the cabin", pages="34 p., 1 l.,")
    open_ended["300"].add_subfield("b", "218 p.")
    leaf_first = _english("The wigwam and the cabin", pages="5 p.")
    leaf_first["300"].add_subfield("b", "1 l., 472 p. front., pl.")
    assert (match_record(1, open_ended).pages, match_record(2, leaf_first).pages) == (218, 472)
    # "xxvi p., 2" lost the rest of its extent: no page count, so no page veto.
    cut_off = _english("Eccentricities of genius", pages="xxvi p., 2")
    full = _english("Eccentricities of genius", pages="xxvi p., 2 l., 3-564 p.")
    assert (match_record(1, cut_off).pages, match_record(2, full).pages) == (None, 564)
    assert Veto.PAGES not in compare(*_pair(cut_off, full)).vetoes
    # A Kazakh extent ending in its unit is whole: «272 б.» against «172 б.» still vetoes.
    assert (
        Veto.PAGES in compare(*_pair(_textbook(pages="272 б."), _textbook(pages="172 б."))).vetoes
    )


def test_a_blank_written_as_hash_is_no_place_code() -> None:
    hashed = _english("Dosia", country="it#")
    assert match_record(1, hashed).country == "it"


# --- title: a one-word title whose heading names the rest ----------------------------------


def _corporate(record: pymarc.Record, body: str) -> pymarc.Record:
    record.remove_fields("100")
    record.add_field(
        pymarc.Field(
            tag="110",
            indicators=pymarc.Indicators("1", " "),
            subfields=[pymarc.Subfield("a", body)],
        )
    )
    return record


def test_a_one_word_title_with_the_rest_in_its_heading_is_the_longer_title() -> None:
    report = _corporate(_english("Report", pages="126 p.", year=1892), "Ontario.")
    full = _corporate(
        _english("Report of the Ontario commission on the dehorning of cattle",
                 pages="126 p.", year=1892),
        "Ontario.",
    )  # fmt: skip
    evidence = compare(*_pair(report, full))
    assert evidence.vetoes == ()
    assert _feature(report, full, "title") == (0.2, "a one-word title begins the other")
    # Russian: «Сочинения» by Пушкин / «Сочинения Пушкина», the case ending aside.
    works = book("Сочинения", author="Пушкин, А. С.", year=1949, pages="910 с.",
                 publisher="Гослитиздат", language="rus", country="ru ")  # fmt: skip
    works_named = book("Сочинения Пушкина", author="Пушкин, А. С.", year=1949,
                       pages="910 с.", publisher="Гослитиздат", language="rus",
                       country="ru ")  # fmt: skip
    assert compare(*_pair(works, works_named)).decision is MATCH


def test_a_one_word_title_against_a_title_naming_someone_else_stays_apart() -> None:
    report = _english("Report")
    other_body = _english("Report of the Ontario commission on the dehorning of cattle")
    assert compare(*_pair(report, other_body)).vetoes == (Veto.TITLE,)
    # Kazakh: «Есеп» (report) of one school against «Есеп Алматы қаласы …» of another body.
    esep = book("Есеп", author="Сейітов, Б.", year=2019, pages="40 б.")
    other = book("Есеп Алматы қаласы білім басқармасы", author="Сейітов, Б.", year=2019,
                 pages="40 б.")  # fmt: skip
    assert compare(*_pair(esep, other)).vetoes == (Veto.TITLE,)


# --- part: a volume number on a record of the whole set ------------------------------------


def test_a_volume_number_on_a_record_of_the_whole_set_is_no_part() -> None:
    # Goldfinch val: "Prairie farms and prairie folk. $n v.1" in "2 v." / the same in "2 v.".
    kw = {"author": "Әуезов, М.", "year": 2017, "publisher": "Жазушы"}
    set_with_volume = book("Абай жолы", part_number="1-кітап", pages="2 т.", **kw)  # type: ignore[arg-type]
    whole_set = book("Абай жолы", pages="2 т.", **kw)  # type: ignore[arg-type]
    evidence = compare(*_pair(set_with_volume, whole_set))
    assert (evidence.decision, evidence.vetoes) == (MATCH, ())
    # A record of one volume gives its pages: against the set the part veto stands, and
    # between two volumes as well.
    volume_one = book("Абай жолы", part_number="1-кітап", pages="432 б.", **kw)  # type: ignore[arg-type]
    volume_two = book("Абай жолы", part_number="2-кітап", pages="432 б.", **kw)  # type: ignore[arg-type]
    assert compare(*_pair(volume_one, whole_set)).vetoes == (Veto.PART,)
    assert compare(*_pair(volume_one, volume_two)).vetoes == (Veto.PART,)
    # Sets in other numbers of volumes keep their volume veto and the part veto.
    three = book("Абай жолы", part_number="1-кітап", pages="3 т.", **kw)  # type: ignore[arg-type]
    assert compare(*_pair(three, whole_set)).vetoes == (Veto.PART, Veto.VOLUMES)


# --- year: one multipart set dated by its first volume in hand -----------------------------


def _multipart(first: int, last: str, **kw: object) -> pymarc.Record:
    fields: dict[str, object] = {"author": "Мұқанов, С.", "pages": "6 т.", "publisher": "Жазушы"}
    fields.update(kw)
    record = book("Шығармалар жинағы", year=first, **fields)  # type: ignore[arg-type]
    fixed = record["008"].data
    record["008"].data = fixed[:6] + f"m{first}{last}" + fixed[15:]
    record["260"]["c"] = f"{first}-{last}."
    return record


def test_records_of_one_set_issued_over_overlapping_years_are_one_set() -> None:
    # Goldfinch val: "Sermons … 1866-1871" / "1867-1880", 5 v. each.
    from_first = _multipart(1984, "1986")
    from_second = _multipart(1985, "1986")
    assert match_record(1, from_first).publication_span == (1984, 1986)
    evidence = compare(*_pair(from_first, from_second))
    assert (evidence.decision, evidence.vetoes) == (MATCH, ())
    still_open = _multipart(1985, "9999")
    assert compare(*_pair(from_first, still_open)).vetoes == ()
    # The set reissued later does not overlap: another edition.
    reissued = _multipart(1990, "1992")
    assert compare(*_pair(from_first, reissued)).vetoes == (Veto.YEAR,)
    # A single-year record is no span, whatever year it has.
    single = book("Шығармалар жинағы", year=1985, author="Мұқанов, С.", pages="6 т.",
                  publisher="Жазушы")  # fmt: skip
    assert compare(*_pair(from_first, single)).vetoes == (Veto.YEAR,)


# --- blocking: records without an author meet across a supplied year ----------------------


def test_records_without_author_meet_across_a_supplied_year() -> None:
    # Goldfinch val: "California ocean fisheries resources to the year 1960." [1961]
    # under no heading / 1960 under the department's heading shared no key.
    title = "California ocean fisheries resources to the year 1960"
    supplied = book(title, year=1961, pages="79 p.", language="eng")
    supplied["260"]["c"] = "[1961]"
    printed = _corporate(book(title, year=1960, pages="79 p.", language="eng"), "California.")
    older = _corporate(book(title, year=1958, pages="79 p.", language="eng"), "California.")
    records = [match_record(i, r) for i, r in enumerate((supplied, printed, older))]
    # 1958 is outside the supplied date's tolerance: no block with it.
    assert candidate_pairs(records) == [(0, 1), (1, 2)]
    assert compare(records[0], records[1]).vetoes == ()


# --- year: printings a year apart, by cataloguing practice --------------------------------


def test_russian_or_kazakh_practice_is_read_from_the_record() -> None:
    assert catalogued_in_russian_kazakh_practice(_textbook()) is True
    assert catalogued_in_russian_kazakh_practice(_english("Photographic lenses")) is False
    # A Kazakh book in 2021 Latin script: the language of the text tells.
    latin = book("Matematika", author="Abylkasymova, A.", year=2022, pages="272 b.")
    assert catalogued_in_russian_kazakh_practice(latin) is True
    # An English title described by a Russian library (040 $b rus).
    described = _english("Photographic lenses")
    described.add_field(
        pymarc.Field(
            tag="040",
            indicators=pymarc.Indicators(" ", " "),
            subfields=[pymarc.Subfield("a", "RuMoRGB"), pymarc.Subfield("b", "rus")],
        )
    )
    assert catalogued_in_russian_kazakh_practice(described) is True
    # A Cyrillic title whatever the coded languages.
    cyrillic = book("Сборник задач", year=2001, pages="96 с.", language="eng")
    assert catalogued_in_russian_kazakh_practice(cyrillic) is True


def test_printings_a_year_apart_are_other_editions_by_default() -> None:
    first = _english("Photographic lenses", year=1903)
    next_year = _english("Photographic lenses", year=1904)
    assert DEFAULT_POLICY.reprint_years is ReprintYears.APART
    assert compare(*_pair(first, next_year)).vetoes == (Veto.YEAR,)


def test_by_practice_printings_a_year_apart_link_outside_russian_kazakh_practice() -> None:
    first = _english("Photographic lenses", year=1903)
    next_year = _english("Photographic lenses", year=1904)
    evidence = compare(*_pair(first, next_year), BY_PRACTICE)
    assert (evidence.decision, evidence.vetoes) == (MATCH, ())
    assert next(f for f in evidence.features if f.feature == "year").reason == (
        "1903 vs 1904, printings a year apart"
    )


@pytest.mark.parametrize(
    ("changes", "veto"),
    [
        ({"year": 1905}, (Veto.YEAR,)),  # two years apart
        ({"year": 1904, "pages": "324 p."}, (Veto.YEAR,)),  # extent not identical
        ({"year": 1904, "publisher": "Newnes"}, (Veto.YEAR,)),  # another publisher
        ({"year": 1904, "edition": "2d ed."}, (Veto.YEAR, Veto.EDITION)),
    ],
)
def test_by_practice_anything_else_differing_keeps_the_year_veto(
    changes: dict[str, object], veto: tuple[Veto, ...]
) -> None:
    first = _english("Photographic lenses", year=1903)
    other = _english("Photographic lenses", **changes)
    assert compare(*_pair(first, other), BY_PRACTICE).vetoes == veto


def test_by_practice_stereotyped_reprints_stay_apart_in_kazakh_and_russian_records() -> None:
    # A school holds the 2015 and the 2016 stereotyped reprint of one textbook and counts
    # them apart: identical descriptions but for the year never link.
    kazakh_2015, kazakh_2016 = _textbook(year=2015), _textbook(year=2016)
    evidence = compare(*_pair(kazakh_2015, kazakh_2016), BY_PRACTICE)
    assert (evidence.decision, evidence.vetoes) == (NO, (Veto.YEAR,))
    russian = {"author": "Макарычев, Ю. Н.", "pages": "271 с.", "publisher": "Просвещение",
               "language": "rus", "country": "ru ", "place": "Москва",
               "edition": "18-е изд., стереотип."}  # fmt: skip
    russian_2010 = book("Алгебра", year=2010, **russian)  # type: ignore[arg-type]
    russian_2011 = book("Алгебра", year=2011, **russian)  # type: ignore[arg-type]
    assert compare(*_pair(russian_2010, russian_2011), BY_PRACTICE).vetoes == (Veto.YEAR,)
    # One Russian-practice record is enough to keep the pair apart.
    english_2011 = book("Algebra", year=2011, **{**russian, "language": "eng"})  # type: ignore[arg-type]
    assert compare(*_pair(russian_2010, english_2011), BY_PRACTICE).vetoes[:1] == (Veto.YEAR,)
