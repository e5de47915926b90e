"""File-level code page detection among UTF-8, CP1251, KZ-1048, PTCP154 and CP866."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitapbridge.connectors.text_encoding import detect_text_encoding

KAZAKH = "Мұхтар Әуезов «Абай жолы»; Қазақ тілі 5-сынып; Ғылым, Өнер, Үміт, Ұлт; Һ, Ң, І"
RUSSIAN = "Толстой Л. Н. Война и мир. Пушкин А. С. Капитанская дочка. № 5"


@pytest.mark.parametrize("encoding", ["kz1048", "ptcp154", "utf-8"])
def test_kazakh_text_comes_out_exact(encoding: str) -> None:
    data = KAZAKH.encode(encoding)
    guess = detect_text_encoding(data)
    assert guess.encoding == encoding
    assert guess.decode(data) == KAZAKH


@pytest.mark.parametrize("encoding", ["cp1251", "cp866", "utf-8"])
def test_russian_text_comes_out_exact(encoding: str) -> None:
    data = RUSSIAN.encode(encoding)
    guess = detect_text_encoding(data)
    assert guess.encoding == encoding
    assert guess.decode(data) == RUSSIAN


def test_kz1048_read_as_cp1251_is_penalised() -> None:
    """«Қазақ» in KZ-1048 bytes reads as «Ќазаќ» in CP1251 (standards doc §4.3)."""
    data = "Қазақ әдебиеті".encode("kz1048")
    assert data.decode("cp1251") == "Ќазаќ јдебиеті"
    guess = detect_text_encoding(data)
    assert (guess.encoding, guess.decode(data)) == ("kz1048", "Қазақ әдебиеті")


def test_reason_names_the_scores() -> None:
    guess = detect_text_encoding("Қазақ тілі".encode("kz1048"))
    assert guess.reason == (
        "kz1048: not UTF-8; best score per high byte (kz1048 -3.2, ptcp154 -3.2, cp1251 -4.7); "
        "the file declares nothing"
    )
    assert guess.confidence == 1.0


def test_bom_pin_and_ascii() -> None:
    assert detect_text_encoding(b"\xef\xbb\xbfAbai").encoding == "utf-8-sig"
    assert detect_text_encoding(b"Abai Kunanbaiuly").encoding == "utf-8"
    assert detect_text_encoding(KAZAKH.encode("kz1048"), pinned="ptcp154").encoding == "ptcp154"


def test_latin_script_file_goes_to_charset_normalizer() -> None:
    text = "Les Misérables; Hugo V.; Éditions Gallimard; Château, forêt, élève, Noël. " * 5
    guess = detect_text_encoding(text.encode("cp1252"))
    assert guess.reason.startswith("no Cyrillic text; charset-normalizer chose")
    # charset-normalizer cannot tell CP1250 from CP1252 on this text; the Latin
    # letters both share come out right, and no Cyrillic is invented.
    decoded = guess.decode(text.encode("cp1252"))
    assert "Les Misérables; Hugo V.; Éditions Gallimard; Château" in decoded
    assert not any("\u0400" <= ch <= "\u04ff" for ch in decoded)


@given(st.binary(max_size=300))
def test_never_crashes_on_arbitrary_bytes(data: bytes) -> None:
    guess = detect_text_encoding(data)
    assert isinstance(guess.decode(data), str)
    assert 0.0 <= guess.confidence <= 1.0
