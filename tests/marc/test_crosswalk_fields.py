"""Crosswalk field rules: 461/463 links, relators, non-filing markers, 995, UNIMARC, leader/008."""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest
from pymarc import Field, Indicators, Subfield

from kitapbridge.marc.crosswalk import CrosswalkError, crosswalk_to_marc21
from kitapbridge.marc.crosswalk.embedded import embedded_fields
from kitapbridge.marc.flavour import Flavour

SEED = Path("marc/seed-format-marc/data")


def read_one(path: Path) -> pymarc.Record:
    with path.open("rb") as handle:
        return next(r for r in pymarc.MARCReader(handle, to_unicode=True, force_utf8=True) if r)


#: 100 $a of the hand-built records: entered 2024-01-15, published 2023, juvenile, Kazakh.
GENERAL = "20240115d2023    a  y0kaza50      ca"


def rusmarc(*fields: Field, leader: str = "00000nam0 2200000 i 450 ") -> pymarc.Record:
    """A RUSMARC record with ``fields``, plus the general processing data field 100."""
    record = pymarc.Record(to_unicode=True, force_utf8=True)
    record.leader = pymarc.Leader(leader)
    record.add_field(*fields)
    if not record.get_fields("100"):
        record.add_field(data("100", "  ", "a", GENERAL))
    return record


def data(tag: str, ind: str, *pairs: str) -> Field:
    subfields = [Subfield(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)


def test_set_and_volumes_461(shared_fixtures: Path) -> None:
    head = crosswalk_to_marc21(
        read_one(shared_fixtures / SEED / "NLR009673669.mrc"), Flavour.RUSMARC
    )
    assert str(head.record.leader)[19] == "a"
    assert head.record.get_fields("773") == []
    for name, part_title in (
        ("NLR009673670.mrc", "Ч.1. ; Здесь должен быть попугай. В зеленолистии."),
        (
            "NLR009673671.mrc",
            "Ч.2. ; Здесь должен быть розан. Новаго, разпестреннаго, лакированнаго"
            " и точнаго издания.",
        ),
    ):
        part = crosswalk_to_marc21(read_one(shared_fixtures / SEED / name), Flavour.RUSMARC).record
        assert str(part.leader)[19] == "c"
        assert [str(f) for f in part.get_fields("773")] == [
            "=773  0\\$aКараччоли, Луи Антуан$tМодная книга.$wRU\\NLR\\A1\\10230"
        ]
        assert part["245"]["a"] == part_title
        assert part["245"]["h"] == "[Текст] :"


def test_embedded_fields_are_regrouped() -> None:
    link = data(
        "461", " 1",
        "1", "001RU\\NLR\\A1\\10230", "1", "2001 ", "a", "Модная книга.",
        "1", "700 1", "a", "Караччоли", "b", "Л.А.", "4", "070",
    )  # fmt: skip
    parts = embedded_fields(link)
    assert parts.own == []
    assert [(f.tag, f.data) for f in parts.embedded if f.is_control_field()] == [
        ("001", "RU\\NLR\\A1\\10230")
    ]
    title, name = parts.embedded[1:]
    assert (title.tag, title.indicator1, title.indicator2) == ("200", "1", " ")
    assert title.subfields == [Subfield("a", "Модная книга.")]
    assert (name.tag, name.indicator2) == ("700", "1")
    assert [sf.code for sf in name.subfields] == ["a", "b", "4"]


def test_463_and_464_links_with_volume() -> None:
    record = rusmarc(
        data("200", "1 ", "a", "Алгебра"),
        data("463", " 1", "1", "001kz-000042", "1", "2001 ", "a", "Математика", "v", "Т. 2",
             "1", "210  ", "a", "Алматы", "c", "Атамұра", "d", "2019"),
        leader="00000nam2 2200000 i 450 ",
    )  # fmt: skip
    out = crosswalk_to_marc21(record, Flavour.RUSMARC).record
    assert str(out["773"]) == ("=773  0\\$tМатематика$gТ. 2$dАлматы : Атамұра, 2019$wkz-000042")
    assert str(out.leader)[19] == "c"


def test_relator_codes_and_main_entry() -> None:
    record = rusmarc(
        data("200", "1 ", "a", "Абай жолы", "f", "Мұхтар Әуезов"),
        data("700", " 1", "a", "Әуезов", "b", "М. О.", "g", "Мұхтар Омарханұлы", "f", "1897-1961",
             "4", "070"),
        data("702", " 1", "a", "Кенжебаев", "b", "Б.", "4", "340", "4", "440"),
        data("702", " 1", "a", "Иванов", "b", "И. И.", "4", "999"),
        data("712", "02", "a", "Жазушы", "4", "650"),
    )  # fmt: skip
    result = crosswalk_to_marc21(record, Flavour.RUSMARC)
    out = result.record
    assert str(out["100"]) == ("=100  1\\$aӘуезов, Мұхтар Омарханұлы$d1897-1961$eавтор$4aut")
    assert [str(f) for f in out.get_fields("700")] == [
        "=700  1\\$aКенжебаев, Б.$eредактор$eиллюстратор$4edt$4ill",
        "=700  1\\$aИванов, И. И.",
    ]
    assert str(out["710"]) == "=710  2\\$aЖазушы$eиздатель$4pbl"
    assert out["245"].indicators == Indicators("1", "0")
    assert [i.code for i in result.issues] == ["unknown-relator"]
    assert result.issues[0].message == "702 $4 '999' is not a relator code"


@pytest.mark.parametrize(
    ("marked", "ind2", "title"),
    [
        ("\x98The \x9cKazakh steppe", "4", "The Kazakh steppe"),
        ("\x88L'\x89enfant et les sortilèges", "2", "L'enfant et les sortilèges"),
        ("Без артикля", "0", "Без артикля"),
        ("Абай \x98жолы\x9c", "0", "Абай жолы"),
    ],
)
def test_non_filing_markers(marked: str, ind2: str, title: str) -> None:
    out = crosswalk_to_marc21(rusmarc(data("200", "1 ", "a", marked)), Flavour.UNIMARC).record
    assert out["245"].indicator2 == ind2
    assert out["245"]["a"] == title


def test_unmapped_field_is_kept_in_995() -> None:
    record = rusmarc(
        data("200", "1 ", "a", "Қазақ әдебиеті"),
        data("941", "1 ", "a", "жергілікті", "b", "мән"),
        Field(tag="009", data="local control"),
    )
    result = crosswalk_to_marc21(record, Flavour.RUSMARC)
    assert sorted(result.unmapped) == ["009", "941"]
    assert sorted(str(f) for f in result.record.get_fields("995")) == [
        "=995  \\\\$a009$blocal control$2rusmarc",
        "=995  \\\\$a941$b1 $2rusmarc$aжергілікті$bмән",
    ]


def test_holdings_899_with_barcode_becomes_852_and_876() -> None:
    record = rusmarc(
        data("200", "1 ", "a", "Әліппе"),
        data("899", "  ", "a", "Мектеп №12", "b", "АБ", "h", "74.268", "i", "Ә 51", "p", "0001234"),
    )
    out = crosswalk_to_marc21(record, Flavour.RUSMARC).record
    assert str(out["852"]) == "=852  \\\\$aМектеп №12$bАБ$h74.268$iӘ 51"
    assert str(out["876"]) == "=876  \\\\$p0001234"


def test_udc_bbk_and_isbn_qualifiers() -> None:
    record = rusmarc(
        data("010", "  ", "a", "978-601-01-1234-5", "b", "в пер.", "d", "1500 тг", "9", "5000"),
        data("010", "  ", "a", "0-8044-2957-Х"),
        data("200", "1 ", "a", "Физика"),
        data("675", "  ", "a", "53(075.3)", "v", "4"),
        data("686", "  ", "a", "22.3я721", "b", "Ф 50", "2", "rubbk"),
        data("686", "  ", "a", "74.262"),
    )
    result = crosswalk_to_marc21(record, Flavour.RUSMARC)
    out = result.record
    assert [str(f) for f in out.get_fields("020")] == [
        "=020  \\\\$z9786010112345$qв пер.$c1500 тг",
        "=020  \\\\$a080442957X",
    ]
    assert str(out["500"]) == "=500  \\\\$aТираж 5000 экз."
    assert str(out["080"]) == "=080  \\\\$a53(075.3)$24"
    assert [str(f) for f in out.get_fields("084")] == [
        "=084  \\\\$a22.3я721$bФ 50$2rubbk",
        "=084  \\\\$a74.262$2rubbkd",
    ]
    assert [i.code for i in result.issues] == [
        "invalid-isbn",
        "isbn-check-character-repaired",
        "assumed-bbk-table",
    ]
    assert result.issues[1].message == (
        "010 $a '0-8044-2957-Х': Cyrillic Х check character read as Latin X"
    )


def test_leader_and_008_from_coded_fields() -> None:
    record = rusmarc(
        Field(tag="001", data="kz-7"),
        data("100", "  ", "a", "20240115d2023    a  y0kaza50      ca"),
        data("101", "1 ", "a", "kaz", "c", "rus"),
        data("102", "  ", "a", "KZ"),
        data("105", "  ", "a", "ac  j   000fy"),
        data("200", "1 ", "a", "Ертегілер"),
        data("801", " 0", "a", "KZ", "b", "KZ-AlNAB", "c", "20240115"),
        leader="00000cam0 2200000 i 450 ",
    )
    out = crosswalk_to_marc21(record, Flavour.RUSMARC).record
    assert str(out.leader) == "00000cam a2200000 i 4500"
    assert out["008"].data == "240115s2023    kz ac  j p    000 j kaz d"
    assert len(out["008"].data) == 40
    assert str(out["041"]) == "=041  1\\$akaz$hrus"
    assert str(out["040"]) == "=040  \\\\$aKZ-AlNAB$bkaz"
    assert out["003"].data == "KZ-AlNAB"


def test_unimarc_sample(shared_fixtures: Path) -> None:
    source = read_one(shared_fixtures / "marc/pymarc/testunimarc.dat")
    result = crosswalk_to_marc21(source, Flavour.UNIMARC)
    out = result.record
    assert str(out["100"]) == "=100  1\\$aAsimov, Isaac$eавтор$4aut$0IT\\ICCU\\CFIV\\007327"
    assert str(out["245"]) == (
        "=245  12$aL'altra faccia della spirale /$cIsaac Asimov ; traduzione di Cesare Scaglia"
        " ; introduzione di Fruttero & Lucentini"
    )
    assert [str(f) for f in out.get_fields("830")] == [
        "=830  \\0$aBestsellers$v641$wIT\\ICCU\\CFI\\0012751",
        "=830  \\3$aIl ciclo delle fondazioni$v4$wIT\\ICCU\\RMS\\1881044",
    ]
    assert [str(f) for f in out.get_fields("490")] == [
        "=490  1\\$aBestsellers ;$v641",
        "=490  1\\$aIl ciclo delle fondazioni ;$v4",
    ]
    assert str(out["765"]) == (
        "=765  1\\$aAsimov, Isaac$tSecond foundation.$wIT\\ICCU\\RAV\\0005061"
    )
    assert str(out["020"]) == "=020  \\\\$a8804406828"
    # UNIMARC 899 is a local field (here SBN holdings), not RUSMARC's location field.
    assert result.unmapped.count("899") == 40
    assert result.unmapped.count("790") == 1
    assert out["008"].data[35:38] == "ita" and out["008"].data[15:18] == "it "


def test_alternate_script_name_becomes_880(shared_fixtures: Path) -> None:
    source = read_one(shared_fixtures / SEED / "NLR009673669.mrc")
    result = crosswalk_to_marc21(source, Flavour.RUSMARC)
    out = result.record
    assert str(out["100"]) == ("=100  1\\$6880-01$aКараччоли, Луи Антуан$d1721-1803$eавтор$4aut")
    assert [str(f) for f in out.get_fields("880")] == [
        "=880  1\\$6100-01/(B$aCaraccioli, Louis Antoine"
    ]
    assert [f["a"] for f in out.get_fields("700")] == [
        "Новиков, Николай Иванович",
        "Барсов, Антон Алексеевич",
    ]
    assert result.issues == []


def test_alternate_script_added_entry_and_title() -> None:
    record = rusmarc(
        data("200", "1 ", "6", "a01200", "a", "Абай жолы"),
        data("200", "1 ", "6", "a01200", "7", "ba", "a", "Abai joly"),
        data("700", " 1", "a", "Әуезов", "g", "Мұхтар", "4", "070"),
        data("702", " 1", "6", "a02702", "a", "Кенжебаев", "g", "Бейсенбай", "4", "340"),
        data("702", " 1", "6", "a02702", "7", "ba", "a", "Kenzhebaev", "g", "Beisenbai"),
    )
    out = crosswalk_to_marc21(record, Flavour.RUSMARC).record
    assert str(out["245"]) == "=245  10$6880-02$aАбай жолы"
    assert str(out["700"]) == "=700  1\\$6880-01$aКенжебаев, Бейсенбай$eредактор$4edt"
    assert [str(f) for f in out.get_fields("880")] == [
        "=880  1\\$6700-01/(B$aKenzhebaev, Beisenbai",
        "=880  10$6245-02/(B$aAbai joly",
    ]


def test_link_without_embedded_fields_and_leftovers_reported() -> None:
    record = rusmarc(
        data("200", "1 ", "a", "Геометрия"),
        data("454", " 1", "t", "Geometry", "c", "London", "n", "Penguin", "d", "1990",
             "x", "0305-4470", "q", "?"),
        data("423", " 0", "1", "2001 ", "a", "Алгебра", "1", "320  ", "a", "Библиогр."),
    )  # fmt: skip
    result = crosswalk_to_marc21(record, Flavour.UNIMARC)
    assert [str(f) for f in result.record.get_fields("765", "777")] == [
        "=765  0\\$tGeometry$x0305-4470$dLondon : Penguin, 1990",
        "=777  1\\$tАлгебра",
    ]
    assert [i.message for i in result.issues] == [
        "454 $q have no place in the linking entry",
        "423 $1320 have no place in the linking entry",
    ]


@pytest.mark.parametrize(
    ("source_leader", "expected"),
    [
        ("00000nam0 2200000 i 450 ", "00000nam a2200000 i 4500"),
        ("00000cbm1 22000001  450 ", "00000ctm a22000002ia4500"),
        ("00000dlm2 22000002n 450 ", "00000dmm a22000008 b4500"),
        ("00000nas a22000003x 450 ", "00000nasaa22000005u 4500"),
    ],
)
def test_leader_positions(source_leader: str, expected: str) -> None:
    record = rusmarc(data("200", "1 ", "a", "Журнал"), leader=source_leader)
    out = crosswalk_to_marc21(record, Flavour.RUSMARC).record
    assert str(out.leader) == expected


def test_record_without_coded_data_is_reported() -> None:
    record = pymarc.Record(to_unicode=True, force_utf8=True)
    record.leader = pymarc.Leader("00000nam0 2200000 i 450 ")
    record.add_field(data("200", "1 ", "a", "Кітап"))
    result = crosswalk_to_marc21(record, Flavour.RUSMARC)
    assert result.record["008"].data == "       uuuu    xx ||||  |||| ||| ||und d"
    assert [(i.code, i.tag) for i in result.issues] == [("missing-coded-data", "100")]


def test_marc21_input_is_refused() -> None:
    with pytest.raises(CrosswalkError, match="already MARC21"):
        crosswalk_to_marc21(rusmarc(data("245", "10", "a", "Title")), Flavour.MARC21)


def test_part_named_only_by_its_designation_takes_the_set_title(shared_fixtures: Path) -> None:
    path = shared_fixtures / SEED / "history_xvii" / "RuSpRNB" / "NLR005177757_p9.mrc"
    out = crosswalk_to_marc21(read_one(path), Flavour.RUSMARC).record
    set_title = (
        "История XVIII столетия или Обстоятельное описание всех важнейших происшествий и"
        " достопамятных перемен, случившихся в осьмнадцатом столетии, с приобщением подробных"
        " известий о жизни и делах всех славных и достойных примечания мужей, в течении оного"
        " живших"
    )
    assert [(sf.code, sf.value) for sf in out["245"].subfields] == [
        ("a", set_title + "."),
        ("n", "Ч. 9"),
    ]
    assert out["773"]["t"] == set_title + " : Пер. с нем. Ч. 1"
    assert (out["773"]["g"], out["773"]["w"]) == ("Ч. 9", "v19\\rc\\2104622")
    assert str(out.leader)[19] == "c"


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        (("a", "Т. 1 (гл. 1-21)"), ["=245  00$aМатематика.$nТ. 1 (гл. 1-21)"]),
        (("a", "Т. 2", "h", "кн. 4", "i", "Алгебра"),
         ["=245  00$aМатематика.$nТ. 2.$nкн. 4,$pАлгебра"]),
        (("a", "Кітап 1"), ["=245  00$aМатематика.$nКітап 1"]),
        (("a", "1929-1939"), ["=245  00$a1929-1939"]),
        (("a", "No limits"), ["=245  00$aNo limits"]),
        (("a", "Ч. II"), ["=245  00$aМатематика.$nЧ. II"]),
    ],
)  # fmt: skip
def test_dependent_part_titles(part: tuple[str, ...], expected: list[str]) -> None:
    record = rusmarc(
        data("200", "0 ", *part),
        data("461", " 0", "1", "001set-1", "1", "2001 ", "a", "Математика"),
        leader="00000nam2 2200000 i 450 ",
    )
    out = crosswalk_to_marc21(record, Flavour.RUSMARC).record
    assert [str(f) for f in out.get_fields("245")] == expected


def test_manuscript_with_electronic_locations(shared_fixtures: Path) -> None:
    source = read_one(shared_fixtures / SEED / "rusmarc2marc-rusmarc.mrc")
    result = crosswalk_to_marc21(source, Flavour.RUSMARC)
    out = result.record
    assert str(out.leader)[6:8] == "tm"  # RUSMARC b (manuscript text) → MARC21 t
    assert [str(f) for f in out.get_fields("856")] == [
        "=856  4\\$uhttp://nlr.ru/manuscripts/RA1527/elektronnyiy-katalog"
        "?prm=3125C9BA-5273-4194-B3B2-FCD976FC2DCB",
        "=856  4\\$uhttp://vivaldi.nlr.ru/bc000001120/view",
        "=856  4\\$uhttp://vivaldi.nlr.ru/bc000001120/cover",
        "=856  4\\$uhttp://vivaldi.nlr.ru/bc000001120/text",
    ]
    assert [str(f) for f in out.get_fields("852")] == ["=852  \\\\$aNLR$bОР$jВяз. O. 47."]
    assert out["008"].data == "190111q18001899xx ||||| |||| ||| ||chu d"
    assert str(out["260"]) == "=260  \\\\$cXIX в."
    assert result.unmapped == ["135", "140"]
