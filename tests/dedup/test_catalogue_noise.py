"""Catalogue-level differences that do not make another edition (dedup.md §2), and their limits.

Each rule was found in missed Goldfinch matches; each test also pins the case the rule
must not swallow (another year, another extent, a short generic title).
"""

import pymarc
from dedup_records import book

from kitapbridge.dedup.features import MatchRecord, match_record
from kitapbridge.dedup.scoring import MatchDecision, Veto, compare


def _pair(a: pymarc.Record, b: pymarc.Record) -> tuple[MatchRecord, MatchRecord]:
    return match_record(1, a), match_record(2, b)


def _with_date(record: pymarc.Record, date: str) -> pymarc.Record:
    """The record with its 260 $c replaced by ``date`` as transcribed."""
    record["260"]["c"] = date
    return record


def _reasons(a: pymarc.Record, b: pymarc.Record) -> dict[str, str]:
    return {f.feature: f.reason for f in compare(*_pair(a, b)).features}


def _english(title: str, **kw: object) -> pymarc.Record:
    fields: dict[str, object] = {
        "author": "Stevens, George Barker",
        "year": 1913,
        "pages": "xii, 230 p.",
        "publisher": "Macmillan",
        "place": "New York",
        "language": "eng",
        "country": "nyu",
    }
    fields.update(kw)
    return book(title, **fields)  # type: ignore[arg-type]


def test_a_copyright_date_stated_by_the_other_record_is_no_other_year() -> None:
    printing = _with_date(_english("The teaching of Jesus"), "1913, c1912.")
    copyright_only = _with_date(_english("The teaching of Jesus", year=1912), "c1912.")
    evidence = compare(*_pair(printing, copyright_only))
    assert evidence.vetoes == ()
    assert evidence.decision is MatchDecision.MATCH
    assert _reasons(printing, copyright_only)["year"] == (
        "1913 vs 1912, a printing or copyright date"
    )


def test_years_neither_record_states_for_the_other_stay_a_veto() -> None:
    earlier = _english("The teaching of Jesus", year=1906)
    later = _english("The teaching of Jesus", year=1907)
    evidence = compare(*_pair(earlier, later))
    assert evidence.vetoes == (Veto.YEAR,)
    assert evidence.decision is MatchDecision.NO_MATCH


def test_an_edition_statement_left_out_by_one_school_is_no_other_edition() -> None:
    stated = book("Қазақ әдебиеті", edition="2-ші басылым", year=2015, pages="240 б.")
    omitted = book("Қазақ әдебиеті", year=2015, pages="240 б.")
    evidence = compare(*_pair(stated, omitted))
    assert evidence.vetoes == ()


def test_an_edition_statement_on_one_side_with_another_extent_is_another_edition() -> None:
    revised = book("Қазақ әдебиеті", edition="2-ші басылым, өңделген", year=2015, pages="288 б.")
    first = book("Қазақ әдебиеті", year=2015, pages="240 б.")
    assert compare(*_pair(revised, first)).vetoes == (Veto.EDITION, Veto.PAGES)


def test_parallel_titles_in_the_other_order_are_one_title() -> None:
    a = _english("Autumn brocade", subtitle="Kinshu")
    b = _english("Kinshu", subtitle="Autumn brocade")
    assert _reasons(a, b)["title"] == "same title words in another order"
    assert compare(*_pair(a, b)).decision is MatchDecision.MATCH


def test_titles_differing_in_short_words_only_are_one_title() -> None:
    a = _english("Daniel Boone, pioneer of Kentucky")
    b = _english("Daniel Boone", subtitle="the pioneer of Kentucky")
    assert _reasons(a, b)["title"] == "titles differ only in short words or typos"


def test_a_title_proper_typo_beside_a_one_sided_subtitle_is_a_typo() -> None:
    a = _english("Index to palaeontology", subtitle="(Geological publications)")
    b = _english("Index to paleontology")
    assert _reasons(a, b)["title"] == "title 95% alike"


def test_a_title_whose_words_all_recur_in_the_other_is_weak_evidence() -> None:
    a = _english("Catalogue of the pedagogical library of the Office of the Superintendent")
    b = _english(
        "Catalogue of the pedagogical library, books of reference and maps, "
        "of the Office of the Superintendent"
    )
    assert _reasons(a, b)["title"] == "one title's words all in the other"
    # Auto-linked only when everything else agrees; without the extent, staff decide.
    assert compare(*_pair(a, b)).decision is MatchDecision.MATCH
    a["300"]["a"] = "1 v."
    assert compare(*_pair(a, b)).decision is MatchDecision.REVIEW


def test_a_short_generic_title_inside_a_longer_one_proves_nothing() -> None:
    a = _english("Report")
    b = _english("Report of the Ontario commission on the dehorning of cattle")
    assert compare(*_pair(a, b)).vetoes == (Veto.TITLE,)


def test_corporate_main_entries_differ_mildly_and_one_may_begin_the_other() -> None:
    def meeting(name: str) -> pymarc.Record:
        record = _english("The origin of the solar system", author=None)
        record.add_field(
            pymarc.Field(
                tag="111",
                indicators=pymarc.Indicators("2", " "),
                subfields=[pymarc.Subfield("a", name)],
            )
        )
        return record

    short = meeting("NATO Advanced Study Institute")
    long = meeting("NATO Advanced Study Institute on the Origin of the Solar System")
    other = meeting("Royal Astronomical Society")
    assert _reasons(short, long)["author"] == "one main entry begins the other"
    assert {f.feature: f.points for f in compare(*_pair(short, other)).features}["author"] == -0.1


def test_a_publisher_given_by_its_initials_is_the_same_publisher() -> None:
    a = _english("Microcomputer applications in transportation", publisher="ASCE")
    b = _english(
        "Microcomputer applications in transportation",
        publisher="American Society of Civil Engineers",
    )
    assert _reasons(a, b)["publisher"] == "one publisher the initials of the other"


def test_co_editions_of_other_publishers_stay_below_auto_link() -> None:
    london = _english("The fiery dawn", publisher="E. Arnold", place="London", country="enk")
    new_york = _english("The fiery dawn", publisher="Longmans, Green")
    assert compare(*_pair(london, new_york)).decision is not MatchDecision.MATCH


def test_series_numbering_transcribed_more_fully_is_the_same_issue() -> None:
    def in_series(numbering: str) -> pymarc.Record:
        return _english("The Far West and the Rockies", series=("Historical series", numbering))

    assert compare(*_pair(in_series("1820-1875, v. 14"), in_series("v. 14"))).vetoes == ()
    assert compare(*_pair(in_series("v. 46, no. 4"), in_series("no. 4"))).vetoes == ()
    assert compare(*_pair(in_series("Вып. 2, ч. 1"), in_series("Вып. 2, ч. 2"))).vetoes == (
        Veto.SERIES_NUMBER,
    )
    assert compare(*_pair(in_series("Т. 2"), in_series("Т. 3"))).vetoes == (Veto.SERIES_NUMBER,)


def test_numbers_of_a_one_sided_subtitle_are_no_other_title() -> None:
    short = _english("Fifty paintings, 1905-1913")
    long = _english(
        "Fifty paintings, 1905-1913",
        subtitle="the fiftieth anniversary exhibition, May 14-June 12, 1955",
    )
    assert compare(*_pair(short, long)).vetoes == ()
    grade_7 = book("Алгебра", subtitle="7 класс", year=2019, pages="272 б.")
    grade_8 = book("Алгебра", subtitle="8 класс", year=2019, pages="272 б.")
    # The grade is a part of the school series as well as a number in the title.
    assert compare(*_pair(grade_7, grade_8)).vetoes == (Veto.PART, Veto.TITLE_NUMBER)


def test_a_part_transcribed_in_the_subtitle_is_the_same_part() -> None:
    in_n = _english("Miscellanies")
    in_n["245"].add_subfield("n", "fourth series")
    in_b = _english("Miscellanies", subtitle="fourth series")
    assert compare(*_pair(in_n, in_b)).vetoes == ()
    volume = book("Абай жолы", part_number="Т. 2", year=2012, pages="480 б.")
    whole = book("Абай жолы", year=2012, pages="480 б.")
    assert compare(*_pair(volume, whole)).vetoes == (Veto.PART,)
    # A volume number stated with its word in the title is read as the part it names.
    volume_in_title = book("Абай жолы", subtitle="роман. Т. 2", year=2012, pages="480 б.")
    assert compare(*_pair(volume, volume_in_title)).vetoes == ()
    other_volume = book("Абай жолы", subtitle="роман. Т. 1", year=2012, pages="480 б.")
    assert compare(*_pair(volume, other_volume)).vetoes == (Veto.PART,)
