"""Vetoes refined on Goldfinch val misses: each must now let the same edition link, and
still stop the different edition it exists for (dedup.md §2). Kazakh/Russian cases pin
that a refinement found on English data does not open a door in school data.
"""

import pymarc
from dedup_records import book

from kitapbridge.dedup.features import MatchRecord, match_record
from kitapbridge.dedup.normalize import page_count, parse_edition, publisher_key
from kitapbridge.dedup.scoring import MatchDecision, Veto, compare

MATCH, REVIEW, NO = MatchDecision.MATCH, MatchDecision.REVIEW, MatchDecision.NO_MATCH


def _pair(a: pymarc.Record, b: pymarc.Record) -> tuple[MatchRecord, MatchRecord]:
    return match_record(1, a), match_record(2, b)


def _reason(a: pymarc.Record, b: pymarc.Record, feature: str) -> str:
    return next(f.reason for f in compare(*_pair(a, b)).features if f.feature == feature)


def _dated(record: pymarc.Record, date: str) -> pymarc.Record:
    record["260"]["c"] = date
    return record


def _english(title: str, **kw: object) -> pymarc.Record:
    fields: dict[str, object] = {
        "author": "Walt, Harold R.",
        "year": 1986,
        "pages": "8 p.",
        "publisher": "University of California",
        "place": "Berkeley",
        "language": "eng",
        "country": "cau",
    }
    fields.update(kw)
    return book(title, **fields)  # type: ignore[arg-type]


def _kazakh(**kw: object) -> pymarc.Record:
    fields: dict[str, object] = {
        "subtitle": "жалпы білім беретін мектептің 5-сыныбына арналған оқулық",
        "author": "Абылкасымова, А. Е.",
        "year": 2015,
        "pages": "272 б.",
        "publisher": "Мектеп",
    }
    fields.update(kw)
    return book("Математика", **fields)  # type: ignore[arg-type]


# --- year: a supplied date («[1987?]») may be a year or two off ---------------------------


def test_a_supplied_year_one_off_is_no_other_year() -> None:
    printed = _english("Of forestry, tree spikers, and the dinosaur")
    guessed = _dated(_english("Of forestry, tree spikers, and the dinosaur", year=1987), "[1987?]")
    evidence = compare(*_pair(printed, guessed))
    assert (evidence.decision, evidence.vetoes) == (MATCH, ())
    assert _reason(printed, guessed, "year") == "1986 vs 1987, a supplied date off by little"


def test_a_supplied_year_three_off_is_still_another_year() -> None:
    printed = _english("Of forestry, tree spikers, and the dinosaur")
    guessed = _dated(_english("Of forestry, tree spikers, and the dinosaur", year=1989), "[1989?]")
    assert compare(*_pair(printed, guessed)).vetoes == (Veto.YEAR,)


def test_a_bracketed_year_inferred_from_the_copyright_date_is_no_guess() -> None:
    # RDA brackets the publication date it infers from "©2016"; that date is printed.
    printed = _kazakh()
    inferred = _dated(_kazakh(year=2016), "[2016], ©2016")
    evidence = compare(*_pair(printed, inferred))
    assert (evidence.decision, evidence.vetoes) == (NO, (Veto.YEAR,))


def test_stereotyped_reprints_of_consecutive_printed_years_stay_apart() -> None:
    evidence = compare(*_pair(_kazakh(year=2015), _kazakh(year=2016)))
    assert (evidence.decision, evidence.vetoes) == (NO, (Veto.YEAR,))


# --- edition: printings and the statement's responsibility are no edition ---------------


def test_a_printing_inside_an_edition_statement_is_no_other_edition() -> None:
    assert parse_edition("Prelim. ed., second printing.") == parse_edition("Prelim. ed.")
    assert parse_edition("4th impression.") == parse_edition("5th impression.")
    assert parse_edition("2-й завод") == parse_edition("")
    first = _english("Handbook of statistical methods", edition="Prelim. ed.")
    second = _english("Handbook of statistical methods", edition="Prelim. ed., second printing.")
    assert compare(*_pair(first, second)).decision is MATCH


def test_a_second_edition_is_still_another_edition() -> None:
    assert parse_edition("2-е изд., перераб.").ordinal == 2
    assert parse_edition("Second edition, revised.").ordinal == 2
    revised = _kazakh(edition="2-е изд., перераб.", pages="280 б.")
    evidence = compare(*_pair(_kazakh(), revised))
    assert (evidence.decision, evidence.vetoes) == (REVIEW, (Veto.EDITION,))


def test_an_article_or_the_editions_responsibility_is_no_other_edition() -> None:
    assert parse_edition("A new edition") == parse_edition("New ed.")
    plain = _english("Memoirs", edition="New ed.")
    introduced = _english("Memoirs", edition="New ed.")
    introduced["250"].add_subfield("b", "with an introduction by Mrs. Henry Fawcett.")
    assert compare(*_pair(plain, introduced)).decision is MATCH
    enlarged = _english("Memoirs", edition="New ed., enlarged.")
    assert compare(*_pair(plain, enlarged)).vetoes == (Veto.EDITION,)


# --- series number: every $v, roman numerals, year against issue number -----------------


def _with_series(record: pymarc.Record, *numbers: str) -> pymarc.Record:
    series = pymarc.Field(
        tag="490",
        indicators=pymarc.Indicators("0", " "),
        subfields=[pymarc.Subfield("a", "Studies in history, economics and public law")]
        + [pymarc.Subfield("v", n) for n in numbers],
    )
    record.add_field(series)
    return record


def test_series_numbers_in_roman_or_split_over_two_v_are_one_issue() -> None:
    roman = _with_series(_english("A Hoosier village"), "Vol. xlvi, no. 4, whole no. 117")
    arabic = _with_series(_english("A Hoosier village"), "v. 46,", "no. 4")
    assert compare(*_pair(roman, arabic)).decision is MATCH


def test_a_year_against_an_issue_number_is_no_conflict_but_two_issues_are() -> None:
    by_year = _with_series(_english("Truth and credibility"), "1980")
    by_number = _with_series(_english("Truth and credibility"), "no. 17")
    assert compare(*_pair(by_year, by_number)).vetoes == ()
    other_issue = _with_series(_english("Truth and credibility"), "no. 18")
    assert compare(*_pair(by_number, other_issue)).vetoes == (Veto.SERIES_NUMBER,)
    other_year = _with_series(_english("Truth and credibility"), "1981")
    assert compare(*_pair(by_year, other_year)).vetoes == (Veto.SERIES_NUMBER,)


# --- pages: "p. plates" is no count of leaves --------------------------------------------


def test_pages_followed_by_plates_are_still_pages() -> None:
    assert page_count("2 p. L., [xi]-xvi, 17-445 p. plates, port.") == 445
    assert page_count("4 p. l., 416 p.") == 416
    assert page_count("12 plates") is None
    plates = _english("Paquita, the Indian heroine", pages="2 p. L., [xi]-xvi, 17-445 p. plates")
    leaves = _english("Paquita, the Indian heroine", pages="445 p., [24] leaves of plates")
    assert compare(*_pair(plates, leaves)).decision is MATCH
    shorter = _english("Paquita, the Indian heroine", pages="345 p.")
    assert compare(*_pair(plates, shorter)).vetoes == (Veto.PAGES,)


# --- publisher: placeholders, government printers, typos --------------------------------


def test_publisher_placeholders_and_printer_words_are_no_name() -> None:
    assert publisher_key("[n. p.,") == ""
    assert publisher_key("The Firm,") == ""
    assert publisher_key("Harper & brothers") == publisher_key("Harper")


def test_a_government_printer_against_an_agency_is_no_other_publisher() -> None:
    printer = _english("Soil survey of Iowa", publisher="U.S. Govt. Print. Off.", author=None)
    agency = _english("Soil survey of Iowa", publisher="U.S. Dept. of Agriculture", author=None)
    assert _reason(printer, agency, "publisher") == "a government printer against an agency"
    other = _english("Soil survey of Iowa", publisher="Iowa State College", author=None)
    assert _reason(agency, other, "publisher") == "publishers differ"
    abroad = _english("Soil survey of Iowa", publisher="H.M. Stationery Off.", country="enk")
    assert _reason(abroad, agency, "publisher") == ("publishers differ, published in enk vs cau")


def test_a_misspelt_publisher_is_alike_but_another_publisher_is_not() -> None:
    putnam = _english("The cult of incompetence", publisher="Putnam")
    typo = _english("The cult of incompetence", publisher="Putman")
    assert _reason(putnam, typo, "publisher") == "publishers alike but for a typo"
    assert _reason(_kazakh(publisher="Мектеп"), _kazakh(publisher="Атамұра"), "publisher") == (
        "publishers differ"
    )


# --- author: a forename left out, a swapped letter, a compound surname -------------------


def _by(author: str) -> pymarc.Record:
    return _english("Truth and credibility, the citizen's dilemma", author=author)


def test_a_forename_left_out_is_the_same_person_but_other_forenames_are_not() -> None:
    assert _reason(_by("Gordon, King"), _by("Gordon, J. King"), "author") == "same main entry"
    assert _reason(_by("Barnes, Arthur J."), _by("Barnes, Lovisa Ellen"), "author") == (
        "same surname, other initials"
    )


def test_a_swapped_letter_or_a_compound_surname_is_alike_but_another_name_is_not() -> None:
    assert _reason(_by("Dibdin, Thomas Frognall"), _by("Didbin, Thomas Frognall"), "author") == (
        "main entries alike"
    )
    assert _reason(_by("Smith, Iain Crichton"), _by("Crichton Smith, Iain"), "author") == (
        "one surname ends the other"
    )
    assert _reason(_by("Смит, Иван"), _by("Голдсмит, Оливер"), "author") == "main entries differ"
    assert _reason(_by("Merriman, Henry Seton"), _by("Scott, Hugh Stowell"), "author") == (
        "main entries differ"
    )


# --- extent: sizes and parts are no page counts -------------------------------------------


def test_a_size_or_a_count_of_parts_is_no_page_count() -> None:
    assert page_count("10 pts. 24 cm.") is None
    assert page_count("120 с. 20 см") == 120
    parts = _english("Hearings before the House Select Committee", pages="10 pts. 24 cm.")
    volumes = _english("Hearings before the House Select Committee", pages="10 volumes :")
    assert compare(*_pair(parts, volumes)).vetoes == ()
    fewer = _english("Hearings before the House Select Committee", pages="8 v.")
    assert compare(*_pair(parts, fewer)).vetoes == (Veto.VOLUMES,)


# --- title numbers: OCR'd "l" for "1", shortened year ranges ----------------------------


def test_title_numbers_read_in_full_but_other_numbers_still_differ() -> None:
    ocr = _english("The outline of Korean history", subtitle="until August l945")
    clean = _english("The outline of Korean history", subtitle="until August 1945")
    assert compare(*_pair(ocr, clean)).decision is MATCH
    short = _english("The Amherst memorial volume", subtitle="the world war, 1914-18")
    full = _english("The Amherst memorial volume", subtitle="the world war, 1914-1918")
    assert compare(*_pair(short, full)).decision is MATCH
    grade_7 = _kazakh(subtitle="7 сынып оқулығы")
    grade_8 = _kazakh(subtitle="8 сынып оқулығы")
    assert compare(*_pair(grade_7, grade_8)).decision is not MATCH


# --- parts: a series statement typed into 245 $n is no part ------------------------------


def _with_part_number(record: pymarc.Record, number: str) -> pymarc.Record:
    record["245"].add_subfield("n", number)
    return record


def test_a_series_statement_in_245_n_is_no_part_but_a_volume_number_is() -> None:
    bare = _english("A synoptic list of the fishes known to occur within fifty miles of Chicago")
    miscoded = _with_part_number(
        _english("A synoptic list of the fishes known to occur within fifty miles of Chicago"),
        "Fieldiana Zoology v.7, no. 9",
    )
    assert compare(*_pair(bare, miscoded)).decision is MATCH
    volume_1 = _with_part_number(_kazakh(), "1-кітап")
    volume_2 = _with_part_number(_kazakh(), "2-кітап")
    assert compare(*_pair(volume_1, volume_2)).vetoes == (Veto.PART,)
    assert compare(*_pair(_kazakh(), volume_2)).vetoes == (Veto.PART,)


# --- title: the shorter title is the longer one's first words -----------------------------


def test_a_title_cut_after_its_first_words_is_alike_but_a_one_word_title_is_not() -> None:
    short = _english("Hoof beats", pages="169 p.", year=1912)
    full = _english("Hoof beats from Virginia and other lands", pages="169 p.", year=1912)
    assert compare(*_pair(short, full)).decision is MATCH
    assert _reason(short, full, "title") == "one title's words begin the other"
    report = _english("Report")
    long_report = _english("Report of the Ontario commission on the dehorning of cattle")
    assert compare(*_pair(report, long_report)).vetoes == (Veto.TITLE,)


def test_a_title_beginning_another_still_needs_the_same_extent() -> None:
    textbook = _kazakh(subtitle=None)
    textbook["245"]["a"] = "Қазақ тілі"
    exercises = _kazakh(subtitle=None, pages="276 б.")
    exercises["245"]["a"] = "Қазақ тілі жаттығулар жинағы"
    assert compare(*_pair(textbook, exercises)).decision is not MATCH


# --- edition: left out of one record of a set in as many volumes -------------------------


def test_an_edition_left_out_of_a_set_in_as_many_volumes_is_the_same_set() -> None:
    stated = _english("The writings of George Washington", pages="14 v.", edition="2d ed.")
    left_out = _english("The writings of George Washington", pages="14 v.")
    assert compare(*_pair(stated, left_out)).vetoes == ()
    fewer = _english("The writings of George Washington", pages="12 v.")
    assert Veto.EDITION in compare(*_pair(stated, fewer)).vetoes
    other_year = _english("The writings of George Washington", pages="14 v.", year=1987)
    assert Veto.EDITION in compare(*_pair(stated, other_year)).vetoes


def _in_series(record: pymarc.Record, series: str, number: str) -> pymarc.Record:
    record.add_field(
        pymarc.Field(
            tag="490",
            indicators=pymarc.Indicators("0", " "),
            subfields=[pymarc.Subfield("a", series), pymarc.Subfield("v", number)],
        )
    )
    return record


def test_numbers_in_two_different_series_are_no_conflict_but_in_one_series_are() -> None:
    bollingen = _in_series(_english("Psyche and symbol"), "Bollingen series ;", "27")
    paperback = _in_series(_english("Psyche and symbol"), "Princeton/Bollingen paperbacks ;", "181")
    assert compare(*_pair(bollingen, paperback)).vetoes == ()
    same_series = _in_series(_english("Psyche and symbol"), "The Bollingen series.", "28")
    assert compare(*_pair(bollingen, same_series)).vetoes == (Veto.SERIES_NUMBER,)
    unnamed = _in_series(_english("Psyche and symbol"), "", "28")
    assert compare(*_pair(bollingen, unnamed)).vetoes == (Veto.SERIES_NUMBER,)


# --- sparse sets and subtitles transcribed at another length ------------------------------


def test_subtitles_with_more_or_fewer_words_are_alike_but_other_subtitles_are_not() -> None:
    short = _english("Broad grins", subtitle="My nightgown & slippers, and other humorous works")
    longer = _english(
        "Broad grins", subtitle="My nightgown and slippers, and other humorous works, prose"
    )
    assert _reason(short, longer, "title") == "title equal, subtitles alike"
    other = _english("Broad grins", subtitle="a comedy in three acts")
    assert _reason(short, other, "title") == "title equal, subtitles differ"


def test_sets_in_as_many_volumes_agree_on_extent_and_sets_in_more_do_not() -> None:
    three = _english("Calendar of state papers", pages="3 v.")
    assert _reason(three, _english("Calendar of state papers", pages="3 v."), "pages") == (
        "both in 3 volumes"
    )
    four = _english("Calendar of state papers", pages="4 v.")
    assert compare(*_pair(three, four)).vetoes == (Veto.VOLUMES,)


# --- author: life dates ---------------------------------------------------------------------


def _dated_author(name: str, dates: str) -> pymarc.Record:
    record = _english("The vultures", author=name)
    record["100"].add_subfield("d", dates)
    return record


def test_one_surname_born_the_same_year_is_one_person_whatever_the_forenames() -> None:
    baron = _dated_author("Robbins, Lionel Robbins,", "1898-1984.")
    charles = _dated_author("Robbins, Lionel Charles,", "1898-")
    assert _reason(baron, charles, "author") == "same main entry"
    younger = _dated_author("Robbins, Lionel Charles,", "1921-")
    assert _reason(baron, younger, "author") == "same surname, other initials"


def test_a_pseudonym_with_the_same_life_dates_is_alike_but_other_dates_are_not() -> None:
    pseudonym = _dated_author("Merriman, Henry Seton,", "1862-1903.")
    real_name = _dated_author("Scott, Hugh Stowell,", "1862-1903.")
    assert _reason(pseudonym, real_name, "author") == "main entries of the same life dates"
    other = _dated_author("Scott, Hugh Stowell,", "1862-1910.")
    assert _reason(pseudonym, other, "author") == "main entries differ"
