"""Every shared fixture file converts fully, or each unreadable record is reported.

Counts are exact. Where they differ from MANIFEST.md's pymarc counts, the
comment says why: our reader re-synchronises on 0x1D and re-reads a bad
directory by field terminators, so it recovers records pymarc gives up on.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from kitapbridge.marc.flavour import Flavour
from kitapbridge.marc.formats import MarcFormat, UnknownFormatError, sniff_format
from kitapbridge.marc.pipeline import convert_record, decode_source
from kitapbridge.marc.reading import read_marc_file
from kitapbridge.marc.writers import leader_with_lengths

from .helpers import convert_file, needs_crosswalk

# path → (records converted, [(index, byte offset, reason)] rejected)
MARC21_FILES: dict[str, tuple[int, list[tuple[int, int, str]]]] = {
    "pymarc/1251.dat": (6, []),
    "pymarc/marc.dat": (20, []),
    "pymarc/test.dat": (10, []),
    "pymarc/regression45.dat": (12, []),
    "pymarc/batch.xml": (2, []),
    "pymarc/batch.json": (2, []),
    "pymarc/test.json": (1, []),  # a raw newline inside a JSON string
    "pymarc/bad_indicator.dat": (1, []),  # pymarc: 1 ok + 1 failed (trailing bytes)
    # pymarc reads 2 of 8; only the record with no directory at all is unreadable
    "pymarc/bad_records.mrc": (
        7,
        [(6, 764, "no readable directory before the first field terminator (byte 24)")],
    ),
    # pymarc: 0 of 6 (every length is wrong); re-read by field terminators
    "seed-format-marc/data/1251-split.mrc": (6, []),
    # pymarc stops after 5 and can split 70; the other 30 have a bad directory
    "seed-format-marc/mrc2json/marc-schema-test.mrc": (100, []),
    "seed-format-marc/data/mrc/rsl_10_broken.mrc": (1, []),  # Cyrillic letter in the leader
    "seed-format-marc/data/multipart/merged.mrc": (7, []),  # pymarc: 7 + trailing bytes
    "ruby-marc/cp866_multirecord.marc": (2, []),  # pymarc: 0 (off-by-one length)
    "ruby-marc/three-records-second-bad.xml": (
        2,
        [
            (
                1,
                2770,
                "XML not well-formed: invalid character in attribute value, line 19, column 29",
            )
        ],
    ),
    # 300 OAI records; one holds a stray byte, one MARC record has no leader (kept)
    "mod-reservoir/resources/pennstate-bad-rec-20221216.xml": (
        299,
        [
            (
                113,
                871578,
                "XML not well-formed: Invalid bytes in character encoding, line 73, column 32",
            )
        ],
    ),
    "mod-reservoir/resources/mfhd.marc": (14, []),
    "mod-reservoir/resources/badleader.marc": (3, []),
    "mod-reservoir/resources/record10.xml": (10, []),
    "mod-reservoir/resources/small.xml": (0, []),  # an empty collection
    "seed-format-marc/data/marcxml/namemrc.xml": (273, []),
    "yaz/marccol1.u8.marc": (19, []),
    "yaz/marccol1.u8.1.lst": (19, []),  # yaz line format
    "yaz/marccol5.u8.marc": (11, []),
    "yaz/marc4.marc": (1, []),  # degenerate leader; pymarc fails
    "yaz/marc4.xml.marc": (
        0,
        [(0, 0, "no readable directory before the first field terminator (byte 24)")],
    ),
}


@pytest.mark.parametrize("name", sorted(MARC21_FILES))
def test_marc21_file_counts(marc_fixtures: Path, name: str) -> None:
    converted, rejected = MARC21_FILES[name]
    result = convert_file(marc_fixtures / name)
    assert len(result.converted) == converted
    assert result.rejected == rejected


@pytest.mark.parametrize(
    "name",
    [
        "mod-reservoir/resources/bad.xml",
        "mod-reservoir/resources/small-bad-entities.xml",
        "yaz/tmarc1.xml",
        "seed-format-marc/data/marcxml/sandburgmods.xml",
        "pymarc/LICENSE",
    ],
)
def test_files_without_marc_records_are_unreadable(marc_fixtures: Path, name: str) -> None:
    with pytest.raises(UnknownFormatError):
        list(read_marc_file(marc_fixtures / name))


def test_misnamed_marcxml_is_detected_by_content(marc_fixtures: Path) -> None:
    files = sorted((marc_fixtures / "seed-format-marc" / "data" / "mrc").glob("rsl*.mrc"))
    xml_files = [f for f in files if f.name != "rsl_10_broken.mrc"]
    assert len(xml_files) == 13
    for path in xml_files:
        assert sniff_format(path.read_bytes()[:4096]) is MarcFormat.MARCXML
        result = convert_file(path)
        assert len(result.converted) == 1, path.name
        record = result.converted[0].record
        assert record is not None and record["245"] is not None
        assert re.search("[а-яА-Я]", record["245"].value()), path.name


def test_damage_is_reported_per_record(marc_fixtures: Path) -> None:
    result = convert_file(marc_fixtures / "seed-format-marc" / "data" / "1251-split.mrc")
    codes = Counter(issue.code for c in result.conversions for issue in c.issues)
    assert codes["record-length-mismatch"] == 6
    assert codes["bad-directory"] == 6
    assert codes["replacement-characters"] == 6  # the text was lost before export


def test_leaderless_record_gets_a_default_leader(marc_fixtures: Path) -> None:
    result = convert_file(
        marc_fixtures / "mod-reservoir" / "resources" / "pennstate-bad-rec-20221216.xml"
    )
    last = result.conversions[299]
    assert last.record is not None
    assert leader_with_lengths(last.record) == "01557nam a2200241 u 4500"
    assert "missing-leader" in [issue.code for issue in last.issues]
    assert last.record["100"]["a"] == "Campi, Antonio,"


def test_marcxml_with_a_broken_end_keeps_its_records(marc_fixtures: Path) -> None:
    """svod-18-partial.mrx: two RUSMARC records, then ``<collection>`` instead of its end tag."""
    path = marc_fixtures / "seed-format-marc" / "data" / "marcxml" / "svod-18-partial.mrx"
    sources = list(read_marc_file(path))
    assert [(s.index, s.offset) for s in sources] == [(0, 53), (1, 6622)]
    first, second = (decode_source(source) for source in sources)
    assert (first.flavour, second.flavour) == (Flavour.RUSMARC, Flavour.RUSMARC)
    assert first.record is not None and second.record is not None
    assert first.record["200"]["d"] == "Hori Apollinis Selecta Hieroglyphica."
    assert second.record["200"]["a"].startswith("Facetiarum, Heinrici Bebelii")


def rusmarc_oracle_titles(text: str) -> dict[str, str]:
    """001 → 200 $a of each record in rusmarc-loge-gh's TEST1.txt dump."""
    titles = {}
    for block in text.split("marker: ")[1:]:
        lines = block.splitlines()
        control = next(line[5:] for line in lines if line.startswith("001: "))
        title = next(line for line in lines if line.startswith("200: "))
        titles[control] = title.split("$a", 1)[1].split("$", 1)[0]
    return titles


def test_rusmarc_cp1251_decodes_like_the_oracle(marc_fixtures: Path) -> None:
    """TEST1.ISO: 81 RUSMARC records in CP1251 (0189); TEST1.txt dumps 80 of them."""
    folder = marc_fixtures / "rusmarc-loge-gh"
    expected = rusmarc_oracle_titles((folder / "TEST1.txt").read_text("utf-8"))
    decoded = [decode_source(source) for source in read_marc_file(folder / "TEST1.ISO")]
    assert len(decoded) == 81
    assert len(expected) == 80
    assert {(c.flavour, c.encoding) for c in decoded} == {(Flavour.RUSMARC, "cp1251")}
    titles = {c.record["001"].data: c.record["200"]["a"] for c in decoded if c.record is not None}
    assert {control: titles[control] for control in expected} == expected
    assert titles["RU\\NLR\\bibl\\5996"] == "Задачи и этюды"
    assert titles["RU\\NLR\\bibl\\342331"].startswith("Клiнiко-лабораторнi")  # Ukrainian


def test_rusmarc_declaring_cp1251_but_in_utf8(marc_fixtures: Path) -> None:
    """ur.iso says 89 (CP1251) in 100 $a/26-29; its bytes are UTF-8 and win."""
    (source,) = read_marc_file(marc_fixtures / "rusmarc-loge-gh" / "ur.iso")
    conversion = decode_source(source)
    assert conversion.flavour is Flavour.RUSMARC
    assert conversion.encoding == "utf-8"
    assert conversion.decisions[1] == (
        "encoding utf-8: bytes are valid UTF-8 (100 $a/26-29 declares cp1251)"
    )


def test_unimarc_is_told_from_rusmarc(marc_fixtures: Path) -> None:
    (source,) = read_marc_file(marc_fixtures / "pymarc" / "testunimarc.dat")
    conversion = decode_source(source)
    assert conversion.flavour is Flavour.UNIMARC
    assert conversion.encoding == "utf-8"


@needs_crosswalk
@pytest.mark.parametrize(
    ("name", "converted"),
    [
        ("rusmarc-loge-gh/TEST1.ISO", 81),
        ("rusmarc-loge-gh/TEST2.ISO", 1),
        ("rusmarc-loge-gh/ur.iso", 1),
        ("pymarc/testunimarc.dat", 1),
        ("seed-format-marc/data/7_rusmarc.mrc", 1),
        ("seed-format-marc/data/NLR009673669.mrc", 1),
    ],
)
def test_rusmarc_files_convert_end_to_end(marc_fixtures: Path, name: str, converted: int) -> None:
    result = convert_file(marc_fixtures / name)
    assert len(result.converted) == converted
    assert result.rejected == []
    for conversion in result.converted:
        record = conversion.record
        assert record is not None
        assert str(record.leader)[9] == "a"
        assert str(record.leader)[20:24] == "4500"
        assert record["245"] is not None


@needs_crosswalk
def test_rusmarc_title_reaches_245(marc_fixtures: Path) -> None:
    result = convert_file(marc_fixtures / "rusmarc-loge-gh" / "TEST1.ISO")
    record = result.converted[0].record
    assert record is not None
    assert record["245"]["a"].startswith("Задачи и этюды")


def test_a_non_marc_xml_file_is_explained_without_crashing(marc_fixtures: Path) -> None:
    """RUSMARC20190324.xml (a format description) crashed libxml2 (bus error, double free)
    when elements were cleared at their start event; it must just be named as not MARC."""
    path = marc_fixtures / "seed-format-marc" / "dialects" / "rusmarc" / "RUSMARC20190324.xml"
    with pytest.raises(UnknownFormatError) as raised:
        list(read_marc_file(path))
    assert str(raised.value) == "no MARC records: the root element is <FORMAT>"


@needs_crosswalk
def test_rusmarc_books_are_not_made_archival(marc_fixtures: Path) -> None:
    """RUSMARC Leader/09 is blank in TEST1.ISO; decoding once let pymarc write "a" (its
    UTF-8 flag) there, and the crosswalk read it as type of control: MARC21 Leader/08 "a",
    archival control, on every converted book."""
    sources = list(read_marc_file(marc_fixtures / "rusmarc-loge-gh" / "TEST1.ISO"))
    assert {source.raw[9:10] for source in sources} == {b" "}
    decoded = decode_source(sources[0]).record
    assert decoded is not None and str(decoded.leader)[9:10] == " "
    converted = [convert_record(source).record for source in sources]
    assert Counter(str(r.leader)[8:10] for r in converted if r is not None) == {" a": 81}
