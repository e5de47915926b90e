"""Pair decisions on Kazakh and Russian school records (dedup.md §2 vetoes, two thresholds)."""

import pymarc
from dedup_records import book

from kitapbridge.dedup.features import MatchRecord, match_record
from kitapbridge.dedup.scoring import MatchDecision, Veto, compare


def _pair(a: pymarc.Record, b: pymarc.Record, **kw: str) -> tuple[MatchRecord, MatchRecord]:
    return match_record(1, a, **kw), match_record(2, b)


ABAI_CYRILLIC = book(
    "Абай жолы",
    subtitle="роман-эпопея",
    author="Әуезов, Мұхтар",
    isbns=("9965-00-014-Х",),
    year=2012,
    pages="480 б.",
    publisher="Жазушы",
)
ABAI_LATIN = book(
    "Abai joly",
    subtitle="roman-epopeia",
    author="Äuezov, Mūhtar",
    isbns=("9789965000140",),
    year=2012,
    pages="480 b.",
    publisher="Jazuşy",
    place="Almaty",
)


def test_same_edition_in_cyrillic_and_latin_script_is_a_match() -> None:
    evidence = compare(*_pair(ABAI_CYRILLIC, ABAI_LATIN))
    assert evidence.decision is MatchDecision.MATCH
    assert evidence.vetoes == ()
    by_feature = {f.feature: f for f in evidence.features}
    assert by_feature["title"].reason == "title and subtitle equal"
    assert by_feature["author"].reason == "same main entry"
    assert by_feature["isbn"].reason == "shared valid ISBN"


def test_a_mistyped_isbn_does_not_hide_a_match() -> None:
    typo = book(
        "Абай жолы",
        subtitle="роман-эпопея",
        author="Әуезов, Мұхтар",
        isbns=("9965-00-014-9",),  # wrong check digit
        year=2012,
        pages="480 б.",
        publisher="Жазушы",
    )
    evidence = compare(*_pair(ABAI_CYRILLIC, typo))
    assert evidence.decision is MatchDecision.MATCH
    assert {f.feature: f.points for f in evidence.features}["isbn"] == 0.0


def test_valid_disjoint_isbns_count_against_a_match() -> None:
    other = book(
        "Абай жолы",
        subtitle="роман-эпопея",
        author="Әуезов, Мұхтар",
        isbns=("978-601-10-0003-1",),
        year=2012,
        pages="480 б.",
        publisher="Жазушы",
    )
    evidence = compare(*_pair(ABAI_CYRILLIC, other))
    assert evidence.decision is MatchDecision.REVIEW
    assert {f.feature: f.reason for f in evidence.features}["isbn"] == (
        "both have valid ISBNs, none shared"
    )


def test_a_revised_edition_with_the_same_isbn_is_never_auto_linked() -> None:
    first = book(
        "Алгебра",
        subtitle="учебник для 7 класса",
        author="Шыныбеков, А. Н.",
        isbns=("978-601-10-0003-1",),
        year=2012,
        pages="272 с.",
        publisher="Атамұра",
        language="rus",
    )
    revised = book(
        "Алгебра",
        subtitle="учебник для 7 класса",
        author="Шыныбеков, А. Н.",
        isbns=("978-601-10-0003-1",),
        year=2017,
        pages="272 с.",
        edition="2-е изд., перераб.",
        publisher="Атамұра",
        language="rus",
    )
    evidence = compare(*_pair(first, revised))
    assert evidence.decision is MatchDecision.NO_MATCH
    assert evidence.vetoes == (Veto.YEAR, Veto.EDITION)


def test_a_stereotyped_reprint_of_another_year_stays_apart() -> None:
    reprint = book(
        "Алгебра",
        subtitle="учебник для 7 класса",
        author="Шыныбеков, А. Н.",
        isbns=("978-601-10-0003-1",),
        year=2013,
        pages="272 с.",
        edition="Стереотип. изд.",
        language="rus",
    )
    first = book(
        "Алгебра",
        subtitle="учебник для 7 класса",
        author="Шыныбеков, А. Н.",
        isbns=("978-601-10-0003-1",),
        year=2012,
        pages="272 с.",
        language="rus",
    )
    assert compare(*_pair(first, reprint)).vetoes == (Veto.YEAR,)


def test_volumes_of_a_multi_volume_set_do_not_merge() -> None:
    volumes = [
        book(
            "Қазақ әдебиетінің тарихы",
            part_number=f"Т. {n}",
            isbns=("978-601-10-0000-0",),  # the set ISBN printed in every volume
            year=2008,
            pages="600 б.",
            publisher="Қазақпарат",
        )
        for n in (1, 2)
    ]
    evidence = compare(*_pair(*volumes))
    assert evidence.decision is MatchDecision.REVIEW
    assert evidence.vetoes == (Veto.PART,)


def test_kazakh_original_and_russian_translation_are_different_expressions() -> None:
    original = book("Абай жолы", author="Әуезов, Мұхтар", year=2012, pages="480 б.")
    translation = book(
        "Abai joly", author="Auezov, Mukhtar", year=2012, pages="480 с.", language="rus"
    )
    evidence = compare(*_pair(original, translation))
    assert Veto.LANGUAGE in evidence.vetoes
    assert evidence.decision is not MatchDecision.MATCH


def test_language_of_cataloguing_is_not_a_difference() -> None:
    # The same Kazakh book described by a Russian-speaking school: responsibility and
    # extent in Russian, the text language (008/35-37) still kaz.
    kazakh = book("Әліппе", author="Жұмабаева, Ә. Е.", year=2016, pages="160 б.",
                  responsibility="Ә. Е. Жұмабаева")  # fmt: skip
    russian = book("Әліппе", author="Жумабаева, А. Е.", year=2016, pages="160 с.",
                   responsibility="А. Е. Жумабаева")  # fmt: skip
    assert compare(*_pair(kazakh, russian)).decision is MatchDecision.MATCH


def test_two_records_of_one_school_go_to_review() -> None:
    a = match_record(1, ABAI_CYRILLIC, school="KZ-ALM-001", local_id="17")
    b = match_record(2, ABAI_CYRILLIC, school="KZ-ALM-001", local_id="18")
    evidence = compare(a, b)
    assert evidence.decision is MatchDecision.REVIEW
    assert evidence.features[-1].reason == "two records of one school (KZ-ALM-001)"


def test_evidence_serialises_for_the_review_queue() -> None:
    data = compare(*_pair(ABAI_CYRILLIC, ABAI_LATIN)).as_dict()
    assert data["decision"] == "match"
    assert data["vetoes"] == []
    assert data["features"][0] == {
        "feature": "title",
        "points": 0.6,
        "reason": "title and subtitle equal",
    }


def test_gmd_in_brackets_is_not_part_of_the_title() -> None:
    with_gmd = book("Алгебра [Текст]", subtitle="учебник", author="Шыныбеков, А. Н.", year=2017,
                    pages="272 с.", language="rus")  # fmt: skip
    plain = book("Алгебра", subtitle="учебник", author="Шыныбеков, А. Н.", year=2017,
                 pages="272 с.", language="rus")  # fmt: skip
    electronic = book("Алгебра [Электронный ресурс]", subtitle="учебник",
                      author="Шыныбеков, А. Н.", year=2017, language="rus")  # fmt: skip
    assert compare(*_pair(with_gmd, plain)).decision is MatchDecision.MATCH
    assert match_record(3, electronic).record_type == "ame"
    assert compare(*_pair(plain, electronic)).vetoes == (Veto.FORMAT,)
