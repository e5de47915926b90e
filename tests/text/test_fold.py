"""The folded and skeleton forms: Kazakh Cyrillic, 2021 Latin and older spellings meet."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitapbridge.text import (
    fold,
    mixed_script_words,
    repair_homoglyphs,
    skeleton,
    skeleton_words,
    strip_nonfiling,
)


@pytest.mark.parametrize(
    ("cyrillic", "latin", "key"),
    [
        # The four pairs dedup.md §3 says generic transliterators fail on.
        ("Қазақ әдебиеті", "Qazaq ädebietı", "kazakadebieti"),
        ("Шығармалар жинағы", "Şyğarmalar jinağy", "sygarmalarjinagy"),
        ("Абай жолы", "Abai joly", "abaijoly"),
        ("тарихы", "tarihy", "tarihy"),
        # The Wikipedia sample words of the 2021 alphabet.
        ("Бұрыңғы", "Būryñğy", "buryngy"),
        ("шаһарының", "şaharynyñ", "saharynyn"),
    ],
)
def test_kazakh_cyrillic_and_2021_latin_share_one_skeleton(cyrillic, latin, key):
    assert skeleton(cyrillic) == key
    assert skeleton(latin) == key
    assert skeleton(cyrillic.upper()) == key


@pytest.mark.parametrize(
    ("written", "plain", "key"),
    [
        ("Phœnixiana", "Phoenixiana", "phoenixiana"),
        ("Æsop's fables", "Aesop's fables", "aesopsfables"),
        ("Straße", "Strasse", "strasse"),
        ("Søren", "Soren", "soren"),
        ("Łódź", "Lodz", "lodz"),
        ("Đakovo", "Dakovo", "dakovo"),
        ("Þjóðsögur", "Thjodsogur", "thjodsogur"),
    ],
)
def test_ligatures_and_stroked_letters_keep_their_letters(written, plain, key):
    assert skeleton(written) == skeleton(plain) == key


def test_older_latin_spellings_fold_to_the_same_words():
    # BGN-style digraphs (zh, sh) and the 2021 letters (j, ş) meet.
    assert skeleton_words("ABAI ZHOLY") == ["abai", "joly"]
    assert skeleton_words("Shygarmalar zhinagy") == ["sygarmalar", "jinagy"]
    # Ң written Ŋ in some summaries of the 2021 alphabet.
    assert skeleton("jeŋe") == skeleton("жеңе") == "jene"


def test_fold_keeps_the_script_and_drops_case_and_punctuation():
    assert fold("Математика. 5 класс : учебник / А. Е. Абылкасымова") == (
        "математика 5 класс учебник а е абылкасымова"
    )
    assert fold("«Абай жолы» — роман-эпопея") == "абай жолы роман эпопея"
    assert fold("ҚАЗАҚ") == fold("қазақ") == "қазақ"


def test_homoglyph_words_are_repaired_to_the_script_they_must_belong_to():
    # з and қ have no Latin look-alike: the Latin K and a are typing slips.
    assert repair_homoglyphs("Kaзaқ тілі") == "Казақ тілі"
    assert repair_homoglyphs("Cтaрик и мoре") == "Старик и море"
    assert repair_homoglyphs("Война и миp") == "Война и мир"
    # Latin majority with Cyrillic look-alikes goes the other way.
    assert repair_homoglyphs("Pаscal") == "Pascal"
    # Clean words of either script are untouched.
    assert repair_homoglyphs("Pascal программа") == "Pascal программа"


def test_unresolvable_mixed_words_are_left_alone_and_flagged():
    assert repair_homoglyphs("Qазақ") == "Qазақ"  # Q has no Cyrillic look-alike, з no Latin one
    assert mixed_script_words("Qазақ тілі") == ["Qазақ"]
    assert mixed_script_words("Kaзaқ тілі") == []


def test_nonfiling_markers_and_indicator_count_are_stripped():
    assert strip_nonfiling("\u0098The \u009cCat") == "Cat"
    assert strip_nonfiling("\u0088Die \u0089Welt") == "Welt"
    assert strip_nonfiling("The cat", 4) == "cat"
    assert strip_nonfiling("abc", 9) == "abc"
    assert fold("\u0098Le \u009cPetit prince") == "petit prince"


def test_russian_soft_and_hard_signs_vanish_from_the_skeleton():
    assert skeleton_words("Жизнь и судьба") == ["jizn", "i", "sudba"]
    assert skeleton("объём") == "obiom"


@given(st.text())
def test_fold_is_idempotent(text):
    once = fold(text)
    assert fold(once) == once


@given(st.text())
def test_skeleton_words_are_plain_ascii_alphanumerics(text):
    for word in skeleton_words(text):
        assert re.fullmatch(r"[0-9a-z]+", word)
