"""Reading ISBNs, control numbers, years, extents, editions and publishers for matching."""

import pymarc
import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import isbn as stdnum_isbn

from kitapbridge.dedup.identifiers import clean_isbn, isbn13, other_identifiers, record_isbns
from kitapbridge.dedup.normalize import (
    Edition,
    editions_conflict,
    page_count,
    pages_compatible,
    parse_edition,
    part_designation,
    plausible_year,
    publisher_key,
    volume_count,
    year_from_008,
    year_is_uncertain,
)


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("ISBN 5-93093-342-1 (в пер.) : 150 р.", "5930933421"),
        ("9965-00-014-Х", "996500014X"),  # Cyrillic Х typed for the check character
        ("978–601–10–0003–1", "9786011000031"),
        ("в пер.", None),
    ],
)
def test_clean_isbn_drops_qualifiers_and_reads_cyrillic_x(text: str, digits: str | None) -> None:
    assert clean_isbn(text) == digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5-93093-342-1", "9785930933420"),  # pymarc/test/1251.dat, dedup.md §3.2
        ("9965-00-014-Х", "9789965000140"),
        ("978-601-10-0003-1", "9786011000031"),
        ("978-601-10-0003-2", None),  # checksum wrong
        ("5-93093-342-2", None),
    ],
)
def test_isbn13_converts_only_valid_isbns(text: str, expected: str | None) -> None:
    assert isbn13(text) == expected


def _record(*fields: pymarc.Field) -> pymarc.Record:
    record = pymarc.Record()
    record.add_field(*fields)
    return record


def test_record_isbns_keeps_invalid_and_cancelled_apart() -> None:
    record = _record(
        pymarc.Field("020", pymarc.Indicators(" ", " "), [pymarc.Subfield("a", "5-93093-342-1")]),
        pymarc.Field("020", pymarc.Indicators(" ", " "), [pymarc.Subfield("a", "5-93093-342-2")]),
        pymarc.Field("020", pymarc.Indicators(" ", " "), [pymarc.Subfield("z", "9965-00-014-X")]),
    )
    isbns = record_isbns(record)
    assert isbns.valid == frozenset({"9785930933420"})
    assert isbns.invalid == frozenset({"5930933422", "996500014X"})


def test_other_identifiers_normalise_oclc_and_lccn() -> None:
    record = _record(
        pymarc.Field("010", pymarc.Indicators(" ", " "), [pymarc.Subfield("a", " 79012345 ")]),
        pymarc.Field(
            "035", pymarc.Indicators(" ", " "), [pymarc.Subfield("a", "(OCoLC)ocm00012345")]
        ),
        pymarc.Field("035", pymarc.Indicators(" ", " "), [pymarc.Subfield("a", "(KZ-AlNL)RU123")]),
        pymarc.Field("035", pymarc.Indicators(" ", " "), [pymarc.Subfield("a", "123")]),
    )
    assert other_identifiers(record) == frozenset(
        {"lccn:79012345", "ocolc:12345", "035:kz-alnl:RU123"}
    )


@pytest.mark.parametrize(
    ("text", "year"),
    [("[2015]", 2015), ("c2015.", 2015), ("cop. 2015", 2015), ("2015 ж.", 2015),
     ("2015-2016", 2015), ("1902 [c1892]", 1902), ("[19--?]", None), ("12345", None)],
)  # fmt: skip
def test_plausible_year(text: str, year: int | None) -> None:
    assert plausible_year(text) == year


def test_uncertain_years_are_recognised() -> None:
    assert year_is_uncertain("[19--?]") and year_is_uncertain("[189-?]")
    assert not year_is_uncertain("[1895?]")


def test_year_from_008_ignores_questionable_and_unknown_dates() -> None:
    assert year_from_008("200101s2015    kz a           000 0 kaz d") == 2015
    assert year_from_008("200101q19001999kz a           000 0 kaz d") is None
    assert year_from_008("200101s20uu    kz a           000 0 kaz d") is None


@pytest.mark.parametrize(
    ("extent", "pages", "volumes"),
    [("121, [3] с.", 121, None), ("xii, 284 p.", 284, None), ("2 v.", None, 2),
     ("3 т.", None, 3), ("240 б.", 240, None), ("2 v. (x, 482 p.)", 482, 2),
     ("xviii, 4l6 p.", 416, None), ("xvi, 1,042 p.", 1042, None), ("4 p. l., 291 p.", 291, None),
     ("309, 32 p., [7] leaves of plates", 309, None), ("xvi p., 2 l.,", None, None)],
)  # fmt: skip
def test_page_and_volume_counts(extent: str, pages: int | None, volumes: int | None) -> None:
    assert page_count(extent) == pages
    assert volume_count(extent) == volumes


def test_pages_differ_only_beyond_both_ten_pages_and_ten_percent() -> None:
    assert pages_compatible(121, 124)
    assert pages_compatible(698, 742)  # 44 pages but 6 %
    assert not pages_compatible(64, 80)  # 16 pages and 20 %


@pytest.mark.parametrize(
    ("statement", "edition"),
    [
        ("2-е изд., перераб.", Edition(2, frozenset({"revised"}))),
        ("Изд. 3-е, испр. и доп.", Edition(3, frozenset({"corrected", "enlarged"}))),
        ("Екінші басылым", Edition(2)),
        ("2-ші басылым, өңделген", Edition(2, frozenset({"revised"}))),
        ("2nd ed.", Edition(2)),
        ("2d ed.", Edition(2)),
        ("Third edition", Edition(3)),
        ("Стереотип. изд.", Edition()),
        ("в пер.", Edition()),
        ("Library ed.", Edition(words="library")),
        ("Berkley edition.", Edition(words="berkley")),
    ],
)
def test_parse_edition(statement: str, edition: Edition) -> None:
    assert parse_edition(statement) == edition


def test_edition_conflicts_follow_dedup_policy() -> None:
    none, first, second = Edition(), Edition(1), Edition(2)
    assert not editions_conflict(none, first)
    assert editions_conflict(none, Edition(2, frozenset({"revised"})))
    assert editions_conflict(first, second)
    # One cataloguer left out «перераб.»: the number still names one edition.
    assert not editions_conflict(second, Edition(2, frozenset({"revised"})))


def test_publisher_key_drops_legal_forms_and_script() -> None:
    assert publisher_key('ТОО "Издательство Атамұра"') == "atamura"
    assert publisher_key("Atamūra") == "atamura"
    assert publisher_key("«Мектеп» баспасы") == "mektep"
    assert publisher_key("[s.n.]") == ""


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Т. 2", "2"),
        ("Ч. 1", "1"),
        ("Part II", "2"),
        ("Part 2", "2"),
        ("1-бөлім", "1"),
        # Roman volume numbers read as arabic; the abbreviation "v." is no numeral.
        ("Vol. xlvi, no. 4, whole no. 117", "46.4.117"),
        ("v. 46, no. 4", "46.4"),
        ("Part I", "i"),
    ],
)
def test_part_designation(text: str, key: str) -> None:
    assert part_designation(text) == key


@given(st.text())
def test_readers_never_fail_on_arbitrary_text(text: str) -> None:
    page_count(text)
    volume_count(text)
    plausible_year(text)
    parse_edition(text)
    publisher_key(text)
    part_designation(text)
    clean_isbn(text)


@given(st.text(alphabet="0123456789Xx-Х ", max_size=20))
def test_isbn13_returns_only_valid_isbn13(text: str) -> None:
    converted = isbn13(text)
    assert converted is None or (len(converted) == 13 and stdnum_isbn.is_valid(converted))
