"""Encoding detection per record: Kazakh letters must survive every code page."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kitapbridge.connectors.base import SourceRecord, SourceSystem
from kitapbridge.marc.encodings import PYTHON_CODECS, decode_text, detect_encoding
from kitapbridge.marc.flavour import Flavour
from kitapbridge.marc.mojibake import repair_double_encoding
from kitapbridge.marc.pipeline import convert_record, decode_source

from .test_iso2709 import iso_record

KAZAKH_TITLES = [
    "Қазақ әдебиеті: оқулық",
    "Ғылым және өнер",
    "Абай жолы: роман-эпопея. Бірінші кітап",
    "Үлкен Һәм кіші ұлттық құндылықтар",
    "Мұхтар Әуезов шығармалары",
]
RUSSIAN_TITLES = ["Русская книга", "Основы гидравлического расчета инженерных сетей"]


def kazakh_record(encoding: str, title: str, author: str) -> bytes:
    codec = PYTHON_CODECS[encoding]
    return iso_record(
        [
            ("001", b"kz-school-17"),
            ("008", b"250101s2024    kz            000 0 kaz d"),
            ("100", b"1 \x1fa" + author.encode(codec)),
            ("245", b"10\x1fa" + title.encode(codec)),
            ("260", _imprint(codec)),
        ],
        leader_tail=" nam  22",
    )


def _imprint(codec: str) -> bytes:
    return b"  \x1fa" + "Алматы :".encode(codec) + b"\x1fb" + "Мектеп,".encode(codec)


def _source(raw: bytes) -> SourceRecord:
    return SourceRecord(SourceSystem.MARC, raw, "iso2709", 0, 0)


@pytest.mark.parametrize("encoding", ["kz1048", "ptcp154"])
@pytest.mark.parametrize("title", KAZAKH_TITLES)
def test_kazakh_code_pages_round_trip(encoding: str, title: str) -> None:
    conversion = convert_record(_source(kazakh_record(encoding, title, "Әуезов, Мұхтар")))
    assert conversion.encoding == encoding
    assert conversion.record is not None
    assert conversion.record["245"]["a"] == title
    assert conversion.record["100"]["a"] == "Әуезов, Мұхтар"
    assert conversion.record["260"]["a"] == "Алматы :"
    assert str(conversion.record.leader)[9] == "a"


@pytest.mark.parametrize("encoding", ["cp1251", "cp866", "koi8-r"])
@pytest.mark.parametrize("title", ["Абай жолы: роман-эпопея", *RUSSIAN_TITLES])
def test_cyrillic_code_pages_round_trip(encoding: str, title: str) -> None:
    """CP866 and KOI8-R have no Kazakh letters: only text without them can be in them."""
    conversion = convert_record(_source(kazakh_record(encoding, title, "Толстой, Лев")))
    assert conversion.encoding == encoding
    assert conversion.record is not None
    assert conversion.record["245"]["a"] == title
    assert conversion.record["100"]["a"] == "Толстой, Лев"


@pytest.mark.parametrize("encoding", ["cp866", "koi8-r", "cp1251"])
def test_kazakh_letters_do_not_exist_in_russian_code_pages(encoding: str) -> None:
    with pytest.raises(UnicodeEncodeError):
        "Қ".encode(PYTHON_CODECS[encoding])


def test_kz1048_and_ptcp154_share_byte_aa_for_different_letters() -> None:
    """The trap of the standards doc §4.3: 0xAA is Ғ in KZ-1048 and Ә in PTCP154."""
    kz = detect_encoding(
        "Ғылым".encode("kz1048"), declared=None, declared_by="t", allow_marc8=False
    )
    pt = detect_encoding(
        "Әлем".encode("ptcp154"), declared=None, declared_by="t", allow_marc8=False
    )
    assert "Ғылым".encode("kz1048")[0] == "Әлем".encode("ptcp154")[0] == 0xAA
    assert (kz.encoding, pt.encoding) == ("kz1048", "ptcp154")


def test_declaration_breaks_a_tie_only() -> None:
    russian = "Русская книга".encode("cp1251")
    tie = detect_encoding(russian, declared="kz1048", declared_by="100 $a/26-29", allow_marc8=False)
    assert tie.encoding == "kz1048"  # same text in both: the declaration decides
    lie = detect_encoding(russian, declared="koi8-r", declared_by="100 $a/26-29", allow_marc8=False)
    assert lie.encoding == "cp1251"  # KOI8-R reads «тХУУЛБС ЛОЙЗБ»: the bytes win
    assert "100 $a/26-29 declares koi8-r" in lie.reason


def test_utf8_wins_over_a_marc8_leader(marc_fixtures: Path) -> None:
    raw = (marc_fixtures / "pymarc" / "utf8_without_leader_flag.dat").read_bytes()
    conversion = convert_record(_source(raw))
    assert conversion.encoding == "utf-8"
    assert (
        conversion.decisions[1]
        == "encoding utf-8: bytes are valid UTF-8 (Leader/09 declares marc-8)"
    )


def test_cp1251_marc21_titles(marc_fixtures: Path) -> None:
    """pymarc's 1251.dat: six Russian Book Chamber records, Leader/09 blank."""
    from .helpers import convert_file

    result = convert_file(marc_fixtures / "pymarc" / "1251.dat")
    assert [c.encoding for c in result.conversions] == ["cp1251"] * 6
    titles = [c.record["245"]["a"] for c in result.conversions if c.record is not None]
    assert titles == [
        "Основы гидравлического расчета инженерных сетей",
        "Психологический тренинг с подростками",
        "Управление проектно-строительным процессом",
        "Экономика строительства",
        "Мио, мой Мио!",
        "Нелинейные системы: геометрические методы анализа и синтеза",
    ]
    record = result.conversions[0].record
    assert record is not None
    assert record["100"]["a"] == "Ильина, Татьяна Николаевна"


def test_marc8_oracle_lines(marc_fixtures: Path) -> None:
    """pymarc's test_marc8.txt ↔ test_utf8.txt: 1,516 lines, every one equal after NFC."""
    marc8 = (marc_fixtures / "pymarc" / "test_marc8.txt").read_bytes().split(b"\n")
    utf8 = (marc_fixtures / "pymarc" / "test_utf8.txt").read_text("utf-8").split("\n")
    assert len(marc8) == len(utf8) == 1516
    for line_marc8, line_utf8 in zip(marc8, utf8, strict=True):
        assert decode_text(line_marc8, "marc-8") == unicodedata.normalize("NFC", line_utf8)


def test_marc8_records_match_their_marcxml(marc_fixtures: Path) -> None:
    """mod-reservoir marc3.marc (MARC-8 record 3) against marc3.xml (UTF-8).

    They differ only where MARC-8 maps the halves of a ligature and double tilde
    to U+FE20-U+FE22 and the XML has U+0361/U+0360: three 500 fields of record 3.
    """
    from .helpers import convert_file

    iso = convert_file(marc_fixtures / "mod-reservoir" / "resources" / "marc3.marc")
    xml = convert_file(marc_fixtures / "mod-reservoir" / "resources" / "marc3.xml")
    assert [c.encoding for c in iso.conversions] == ["utf-8", "utf-8", "marc-8"]
    differing = []
    for number, (a, b) in enumerate(zip(iso.conversions, xml.conversions, strict=True)):
        assert a.record is not None and b.record is not None
        pairs = zip(a.record.fields, b.record.fields, strict=True)
        differing += [(number, fa.tag) for fa, fb in pairs if fa.value() != fb.value()]
    assert differing == [(2, "500"), (2, "500"), (2, "500")]
    assert iso.conversions[2].record is not None
    assert (
        iso.conversions[2].record["245"]["a"] == "Voyager Diacritic test -- New input 001 (SBIE)."
    )


@pytest.mark.parametrize("misread_as", ["cp1251", "latin-1"])
@pytest.mark.parametrize("text", ["Русская книга", "Қазақ әдебиеті", "Сёмин, Ёжик", "Café Zürich"])
def test_double_encoded_utf8_is_repaired(misread_as: str, text: str) -> None:
    try:
        damaged = text.encode("utf-8").decode(misread_as)
    except UnicodeDecodeError:
        pytest.skip(f"{text!r} as UTF-8 has bytes {misread_as} does not define")
    assert repair_double_encoding(damaged) == text
    assert repair_double_encoding(text) is None


def test_double_encoded_record_is_repaired() -> None:
    damaged = "Қазақ әдебиеті".encode().decode("cp1251").encode("utf-8")
    raw = iso_record([("001", b"x"), ("245", b"10\x1fa" + damaged)], leader_tail="cnam a22")
    conversion = convert_record(_source(raw))
    assert conversion.record is not None
    assert conversion.record["245"]["a"] == "Қазақ әдебиеті"
    assert "double-encoded-utf8" in [issue.code for issue in conversion.issues]


KAZAKH_WORDS = [
    "қазақ",
    "әдебиеті",
    "тарихы",
    "ғылым",
    "өнер",
    "мұхтар",
    "әуезов",
    "абай",
    "жолы",
    "бірінші",
    "кітап",
    "оқулық",
    "мектеп",
    "балалар",
    "ұлттық",
    "құндылықтар",
    "үлкен",
    "кіші",
    "қала",
    "дала",
    "жыры",
    "ән",
    "күй",
    "тіл",
    "өлең",
    "ертегілер",
    "жинағы",
    "шығармалары",
    "таңдамалы",
    "ақын",
    "жазушы",
    "сөздік",
    "ағылшын",
    "орыс",
]


@settings(max_examples=200, deadline=2000)
@given(
    st.lists(st.sampled_from(KAZAKH_WORDS), min_size=2, max_size=12),
    st.sampled_from(["kz1048", "ptcp154"]),
    st.booleans(),
)
def test_kazakh_phrases_are_read_in_their_own_code_page(
    words: list[str], encoding: str, capitalise: bool
) -> None:
    """Any phrase of Kazakh words comes back letter for letter (or as the same text)."""
    text = " ".join(words)
    if capitalise:
        text = text.capitalize()
    encoded = text.encode(encoding)
    decision = detect_encoding(encoded, declared=None, declared_by="t", allow_marc8=True)
    assert decode_text(encoded, decision.encoding) == text


def test_kazakh_rusmarc_declaring_cp1251_is_read_as_kz1048() -> None:
    """RUSMARC has no code for KZ-1048: Kazakh 8-bit records still say 89 (CP1251)."""
    raw = iso_record(
        [
            ("001", b"KZ-ALM-0001"),
            ("100", b"  \x1fa20240115d2024    u  y0kazy0189    ca"),
            ("200", "1 \x1faҚазақ әдебиеті\x1ffӘуезов".encode("kz1048")),
            ("801", b" 0\x1faKZ\x1fbKZ-ALM"),
        ],
        leader_tail="nam0 22",
    ).replace(b"   4500", b" i 450 ")
    conversion = decode_source(_source(raw))
    assert conversion.flavour is Flavour.RUSMARC
    assert conversion.encoding == "kz1048"
    assert conversion.record is not None
    assert conversion.record["200"]["a"] == "Қазақ әдебиеті"
    assert conversion.record["200"]["f"] == "Әуезов"
    assert conversion.decisions[1].endswith("100 $a/26-29 declares cp1251")
