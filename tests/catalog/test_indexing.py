"""What a record contributes to the term index; ISBN forms agree with python-stdnum."""

from __future__ import annotations

import pymarc
from catalog_builders import book
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean
from stdnum import isbn as stdnum_isbn

from kitapbridge.catalog.indexing import (
    CASED_INDEXES,
    MAX_KEY_LENGTH,
    WordFolder,
    cased_phrase,
    index_record,
    isbn_forms,
    phrase_key,
    publication_year,
)
from kitapbridge.catalog.models import SearchIndex
from kitapbridge.text import skeleton_words, strip_nonfiling


def test_index_entries_of_a_kazakh_book() -> None:
    record = book(
        "KZ-7",
        "Абай жолы : роман-эпопея",
        author="Әуезов, Мұхтар",
        year="1942",
        subjects=("Қазақ әдебиеті",),
        isbn="978-601-01-0002-2",
        udc="821.512.122",
    )

    entry = index_record(record)

    assert entry.terms == {
        (SearchIndex.TITLE, "abai"),
        (SearchIndex.TITLE, "joly"),
        (SearchIndex.TITLE, "roman"),
        (SearchIndex.TITLE, "epopeia"),
        (SearchIndex.CREATOR, "auezov"),
        (SearchIndex.CREATOR, "muhtar"),
        (SearchIndex.SUBJECT, "kazak"),
        (SearchIndex.SUBJECT, "adebieti"),
        (SearchIndex.PUBLISHER, "jazusy"),
        (SearchIndex.DATE, "1942"),
        (SearchIndex.ISBN, "9786010100022"),
        (SearchIndex.ISBN, "601010002X"),
        (SearchIndex.CONTROL_NUMBER, "kz-7"),
        (SearchIndex.LANGUAGE, "kaz"),
        (SearchIndex.UDC, "821.512.122"),
    }
    assert entry.phrases == {
        (SearchIndex.TITLE, " abai joly roman epopeia "),
        (SearchIndex.CREATOR, " auezov muhtar "),
        (SearchIndex.SUBJECT, " kazak adebieti "),
        (SearchIndex.PUBLISHER, " jazusy "),
        (SearchIndex.TYPE, " text "),
        (SearchIndex.TITLE_CASED, " Абай жолы роман эпопея "),
        (SearchIndex.CREATOR_CASED, " Әуезов Мұхтар "),
        (SearchIndex.SUBJECT_CASED, " Қазақ әдебиеті "),
        (SearchIndex.PUBLISHER_CASED, " Жазушы "),
    }
    assert (entry.sort_title, entry.sort_creator, entry.sort_year) == (
        "abai joly roman epopeia",
        "auezov muhtar",
        1942,
    )


def test_year_falls_back_to_260c_when_008_has_none() -> None:
    record = book("KZ-8", "Ертегілер", year="    ")
    record["260"]["c"] = "[б. ж., 1987?]"
    assert publication_year(record) == 1987


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["978", "979"]))
def test_isbn_forms_agree_with_stdnum(body: str, prefix: str) -> None:
    isbn13 = prefix + body + ean.calc_check_digit(prefix + body)
    assert stdnum_isbn.is_valid(isbn13)
    if prefix == "979":
        assert isbn_forms(isbn13) == [isbn13]
        return
    isbn10 = stdnum_isbn.to_isbn10(isbn13)
    assert isbn_forms(isbn13) == isbn_forms(isbn10) == sorted({isbn13, isbn10})
    assert isbn_forms(isbn10[:-1] + ("0" if isbn10[-1] != "0" else "1")) == [
        isbn10[:-1] + ("0" if isbn10[-1] != "0" else "1")
    ]


def test_notes_and_the_kind_of_resource_are_phrase_only_indexes() -> None:
    record = book("KZ-9", "Физика")
    record.leader = pymarc.Leader(str(record.leader)[:6] + "a" + str(record.leader)[7:])
    fixed = record["008"].data
    record["008"].data = fixed[:23] + "o" + fixed[24:]
    record.add_ordered_field(
        pymarc.Field("500", [" ", " "], [pymarc.Subfield("a", "Мемлекеттік тілде.")]),
        pymarc.Field("520", [" ", " "], [pymarc.Subfield("a", "Оқулық 8-сынып үшін")]),
    )
    entry = index_record(record)
    assert {p for p in entry.phrases if p[0] in {SearchIndex.DESCRIPTION, SearchIndex.TYPE}} == {
        (SearchIndex.DESCRIPTION, " memlekettik tilde "),
        (SearchIndex.DESCRIPTION, " okulyk 8 synyp usin "),
        (SearchIndex.TYPE, " text "),
        (SearchIndex.TYPE, " electronic "),
    }
    assert not any(term[0] in {SearchIndex.DESCRIPTION, SearchIndex.TYPE} for term in entry.terms)


# Kazakh and Russian Cyrillic, 2021 Kazakh Latin with its diacritics, Latin look-alikes
# for homoglyph-polluted words, RUSMARC non-sorting marks, punctuation and spacing.
_CATALOG_TEXT = st.text(
    alphabet="АаӘәБбҒғДдЕеЁёЖжЗзИиЙйКкҚқЛлМмНнҢңОоӨөПпРрСсТтУуҰұҮүФфХхҺһЦцЧчШшЩщЪъЫыІіЬьЭэЮюЯя"
    "ÄäĞğÑñÖöŞşŪūÜüIıAaBbCcEeHhKkMmOoPpTtXxYyJjQqZz0123456789"
    " \t.,:;-/()[]«»\u0098\u009c\u0088\u0089",
    max_size=40,
)


@given(st.sampled_from(list(CASED_INDEXES)), _CATALOG_TEXT)
def test_a_folded_field_equals_its_words_folded_one_by_one(
    search_index: SearchIndex, text: str
) -> None:
    folder = WordFolder()
    words = [w[:MAX_KEY_LENGTH] for w in skeleton_words(strip_nonfiling(text))]

    for _ in range(2):  # built, then from the memo
        entries = folder.field(search_index, text)
        if not words:
            assert entries is None
            continue
        assert entries is not None
        assert set(entries.terms) == {(search_index, word) for word in words}
        assert len(entries.terms) == len(set(entries.terms))
        assert entries.phrase == (search_index, phrase_key(words))
        cased = cased_phrase(text)
        assert entries.cased == ((CASED_INDEXES[search_index], cased) if cased else None)
        assert entries.sort_key == " ".join(words)[:MAX_KEY_LENGTH]
        assert folder.words(text) == words


@given(
    st.lists(
        st.tuples(_CATALOG_TEXT, _CATALOG_TEXT, st.sampled_from(["Жазушы", "Мектеп", "Mektep"])),
        min_size=1,
        max_size=6,
    )
)
def test_a_record_indexed_with_a_shared_folder_equals_one_with_a_fresh_folder(
    books: list[tuple[str, str, str]],
) -> None:
    shared = WordFolder()
    for title, author, publisher in books + books:
        record = book("KZ-1", title or "-", author=author or "-")
        record["260"]["b"] = publisher

        with_memo, fresh = index_record(record, shared), index_record(record, WordFolder())

        assert (with_memo.terms, with_memo.phrases) == (fresh.terms, fresh.phrases)
        assert (with_memo.sort_title, with_memo.sort_creator, with_memo.sort_year) == (
            fresh.sort_title,
            fresh.sort_creator,
            fresh.sort_year,
        )
