"""Descriptive, subject and identifier fields of a hand-built RUSMARC school record, exactly."""

from __future__ import annotations

import pymarc
from pymarc import Field, Indicators, Subfield

from kitapbridge.marc.crosswalk import crosswalk_to_marc21
from kitapbridge.marc.flavour import Flavour
from kitapbridge.marc.issues import Severity


def data(tag: str, ind: str, *pairs: str) -> Field:
    subfields = [Subfield(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)


def convert(*fields: Field) -> tuple[pymarc.Record, list[str], list]:
    record = pymarc.Record(to_unicode=True, force_utf8=True)
    record.leader = pymarc.Leader("00000nam0 2200000 i 450 ")
    record.add_field(*fields, data("100", "  ", "a", "20240115d2019    a  y0kaza50      ca"))
    result = crosswalk_to_marc21(record, Flavour.RUSMARC)
    return result.record, result.unmapped, result.issues


def lines(record: pymarc.Record, *tags: str) -> list[str]:
    return [str(field) for field in record.get_fields(*tags)]


SUBTITLE = "жалпы білім беретін мектептің 5-сыныбына арналған оқулық"
SCHOOL_RECORD = (
    data("073", "  ", "a", "9786010112345"),
    data("200", "1 ", "a", "Қазақ тілі", "e", SUBTITLE, "f", "Ф. Оразбаева",
         "g", "суретші А. Ахметов"),
    data("205", "  ", "a", "2-бас.", "b", "өңделген", "f", "ред. Б. Кенжебаев"),
    data("214", " 1", "a", "Алматы", "c", "Атамұра", "d", "2019"),
    data("215", "  ", "a", "208 б.", "c", "сур.", "d", "24 см", "e", "1 CD-ROM"),
    data("225", "1 ", "a", "Мектеп кітапханасы", "v", "12"),
    data("327", "1 ", "a", "Фонетика", "a", "Лексика"),
    data("410", " 0", "1", "2001 ", "a", "Мектеп кітапханасы", "v", "12"),
    data("517", "1 ", "a", "Казахский язык"),
    data("601", "02", "a", "Қазақстан Республикасы", "b", "Білім министрлігі"),
    data("606", "1 ", "a", "Қазақ тілі", "x", "Оқулықтар", "2", "rubbk"),
    data("606", "  ", "a", "Грамматика"),
    data("686", "  ", "a", "81.2Каз-922", "2", "rubbkd"),
    data("908", "  ", "a", "Қ 17"),
)  # fmt: skip


def test_school_record_fields_exactly() -> None:
    out, unmapped, issues = convert(*SCHOOL_RECORD)
    assert lines(out, "245") == [
        "=245  00$aҚазақ тілі :$bжалпы білім беретін мектептің 5-сыныбына арналған оқулық /"
        "$cФ. Оразбаева ; суретші А. Ахметов"
    ]
    assert lines(out, "250") == ["=250  \\\\$a2-бас., өңделген /$bред. Б. Кенжебаев"]
    assert lines(out, "264") == ["=264  \\1$aАлматы :$bАтамұра,$c2019"]
    assert lines(out, "300") == ["=300  \\\\$a208 б. :$bсур. ;$c24 см +$e1 CD-ROM"]
    assert lines(out, "490", "830") == [
        "=490  1\\$aМектеп кітапханасы ;$v12",
        "=830  \\0$aМектеп кітапханасы$v12",
    ]
    assert lines(out, "505") == ["=505  0\\$aФонетика -- Лексика"]
    assert lines(out, "246") == ["=246  33$aКазахский язык"]
    assert lines(out, "610") == ["=610  24$aҚазақстан Республикасы$bБілім министрлігі"]
    assert lines(out, "650") == [
        "=650  17$aҚазақ тілі$xОқулықтар$2rubbk",
        "=650  \\4$aГрамматика",
    ]
    assert lines(out, "084") == ["=084  \\\\$a81.2Каз-922$bҚ 17$2rubbkd"]
    assert lines(out, "024") == ["=024  3\\$a9786010112345"]
    assert unmapped == []
    assert issues == []


def test_name_title_subject_604() -> None:
    out, unmapped, _ = convert(
        data("200", "1 ", "a", "Шахматы"),
        data("604", "  ", "1", "700 1", "a", "Нейман", "g", "Моисей Борисович", "f", "1889-1967",
             "1", "5011 ", "a", "Шахматные партии", "j", "Сборники", "2", "nlr-sh"),
    )  # fmt: skip
    assert lines(out, "600") == [
        "=600  17$aНейман, Моисей Борисович$d1889-1967$tШахматные партии$vСборники$2nlr-sh"
    ]
    assert unmapped == []


def test_record_without_title_is_an_error() -> None:
    out, _, issues = convert(data("215", "  ", "a", "12 б."))
    assert out.get_fields("245") == []
    assert [(i.code, i.severity, i.tag) for i in issues] == [
        ("missing-title", Severity.ERROR, "200")
    ]


def test_subfields_without_target_are_reported() -> None:
    _, unmapped, issues = convert(data("200", "1 ", "a", "Әліппе", "z", "kaz", "5", "KZ-1"))
    assert unmapped == []
    assert [(i.code, i.message) for i in issues] == [
        (
            "unmapped-subfield",
            "200 subfield(s) $5 $z have no MARC21 equivalent and were not carried",
        )
    ]
