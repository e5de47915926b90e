"""Normalisation repairs and reports; validation warns per MARC21 structure rule."""

from __future__ import annotations

import unicodedata

import pymarc

from kitapbridge.marc.issues import Issue
from kitapbridge.marc.leader import LeaderAsFound
from kitapbridge.marc.normalise import normalise_record
from kitapbridge.marc.validate import validate_record


def record(leader: str, *fields: pymarc.Field) -> pymarc.Record:
    result = pymarc.Record(to_unicode=True, force_utf8=True)
    result.leader = LeaderAsFound(leader)
    for field in fields:
        result.add_field(field)
    return result


def data_field(tag: str, ind: str, *pairs: tuple[str, str]) -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(ind[0], ind[1]),
        subfields=[pymarc.Subfield(code, value) for code, value in pairs],
    )


def codes(issues: list[Issue]) -> list[str]:
    return [issue.code for issue in issues]


def test_text_becomes_nfc_and_fields_are_ordered_by_tag() -> None:
    decomposed = unicodedata.normalize("NFD", "Йошкар-Ола, ёлка")
    assert decomposed != "Йошкар-Ола, ёлка"
    source = record(
        "00000nam  2200000 i 4500",
        data_field("700", "1 ", ("a", "Сейфуллин, Сәкен")),
        data_field("245", "10", ("a", decomposed)),
        pymarc.Field(tag="001", data="kz-1"),
        data_field("650", " 7", ("a", "Әдебиет")),
        data_field("650", " 7", ("a", "Тарих")),
    )
    issues: list[Issue] = []
    result = normalise_record(source, issues)
    assert [f.tag for f in result.fields] == ["001", "245", "650", "650", "700"]
    assert [f["a"] for f in result.get_fields("650")] == ["Әдебиет", "Тарих"]
    assert result["245"]["a"] == "Йошкар-Ола, ёлка"
    assert str(result.leader) == "00000nam a2200000 i 4500"
    assert issues == []


def test_structural_repairs_are_reported() -> None:
    source = record(
        "01142cam  2200301 a 450",  # 23 characters (seed-format-marc standburg.xml)
        data_field("245", "1X", ("a", "Title"), ("B", "upper-case code"), ("*", "stray")),
        data_field("500", "#\\", ("a", "dump-style blanks")),
        data_field("520", "  "),
        data_field("Ж45", "  ", ("a", "bad tag")),
        data_field("246", "  ", ("a", "bell\x07 inside")),
    )
    issues: list[Issue] = []
    result = normalise_record(source, issues)
    assert codes(issues) == [
        "bad-subfield-code",
        "bad-subfield-code",
        "bad-indicator",
        "empty-field",
        "bad-tag",
        "control-character",
        "bad-leader-length",
    ]
    assert result["245"].indicators == pymarc.Indicators("1", " ")
    assert list(result["245"].subfields) == [
        pymarc.Subfield("a", "Title"),
        pymarc.Subfield("b", "upper-case code*stray"),
    ]
    assert result["500"].indicators == pymarc.Indicators(" ", " ")
    assert result["246"]["a"] == "bell inside"
    assert [f.tag for f in result.fields] == ["245", "246", "500"]
    assert str(result.leader) == "01142cam a2200301 a 4500"


def test_missing_leader_gets_the_default() -> None:
    issues: list[Issue] = []
    result = normalise_record(record("", data_field("245", "00", ("a", "x"))), issues)
    assert codes(issues) == ["missing-leader"]
    assert str(result.leader) == "00000nam a2200000 u 4500"


def good_record() -> pymarc.Record:
    return record(
        "00000nam a2200000 i 4500",
        pymarc.Field(tag="001", data="kz-1"),
        pymarc.Field(tag="008", data="240115s2024    kz a          000 0 kaz d"),
        data_field("100", "1 ", ("a", "Әуезов, Мұхтар")),
        data_field("245", "10", ("a", "Абай жолы")),
    )


def test_a_sound_record_has_no_warnings() -> None:
    assert validate_record(good_record()) == []


def test_validation_warnings() -> None:
    bad = good_record()
    bad.leader = LeaderAsFound("00000xaq a2200000 i 4500")
    bad.remove_fields("245", "008")
    bad.add_field(pymarc.Field(tag="008", data="too short"))
    bad.add_field(data_field("110", "2 ", ("a", "Second main entry")))
    bad.add_field(pymarc.Field(tag="001", data="kz-1-again"))
    assert [(i.code, i.message) for i in validate_record(bad)] == [
        ("bad-leader-value", "Leader/05 record status 'x'"),
        ("bad-leader-value", "Leader/07 bibliographic level 'q'"),
        ("missing-245", "no title statement (245)"),
        ("bad-008-length", "008 has 9 characters, not 40"),
        ("repeated-field", "non-repeatable 001 occurs 2 times"),
        ("several-main-entries", "2 main entry fields (1XX)"),
    ]


def test_authority_records_are_recognised() -> None:
    authority = good_record()
    authority.leader = LeaderAsFound("00000nz  a2200000n  4500")
    authority.remove_fields("245")
    issues = validate_record(authority)
    assert codes(issues) == ["not-bibliographic"]
    assert issues[0].message == "Leader/06 'z': a authority record"


def _with_isbn(*values: str) -> pymarc.Record:
    record = pymarc.Record(leader="00000nam a2200000 i 4500", force_utf8=True)
    record.add_field(pymarc.Field(tag="008", data=" " * 40))
    for value in values:
        record.add_field(
            pymarc.Field(
                tag="020",
                indicators=pymarc.Indicators(" ", " "),
                subfields=[pymarc.Subfield("a", value)],
            )
        )
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("0", "0"),
            subfields=[pymarc.Subfield("a", "Хрестоматия")],
        )
    )
    return record


def test_cyrillic_x_check_character_is_repaired_and_reported() -> None:
    issues: list[Issue] = []
    record = normalise_record(
        _with_isbn("5-605-00011-Х", "5-605-00011-х (в пер.)", "5-605-00012-Х"), issues
    )
    assert [f["a"] for f in record.get_fields("020")] == [
        "5-605-00011-X",
        "5-605-00011-X (в пер.)",
        "5-605-00012-Х",  # not an ISBN with X either: left as typed
    ]
    assert issues == [
        Issue(
            "isbn-check-character-repaired",
            "$a '5-605-00011-Х': Cyrillic Х check character read as Latin X",
            tag="020",
        ),
        Issue(
            "isbn-check-character-repaired",
            "$a '5-605-00011-х (в пер.)': Cyrillic Х check character read as Latin X",
            tag="020",
        ),
    ]
    assert record["245"]["a"] == "Хрестоматия"
    assert [i for i in validate_record(record) if i.code == "invalid-isbn"] == [
        Issue("invalid-isbn", "$a '5-605-00012-Х' is not a valid ISBN", tag="020")
    ]


def test_valid_isbns_are_neither_changed_nor_reported() -> None:
    issues: list[Issue] = []
    record = normalise_record(_with_isbn("978-601-331-123-4", "ISBN 0-8044-2957-X (pbk.)"), issues)
    assert [f["a"] for f in record.get_fields("020")] == [
        "978-601-331-123-4",
        "ISBN 0-8044-2957-X (pbk.)",
    ]
    assert issues == []
    assert [i.code for i in validate_record(record)] == []


def test_latin_look_alikes_in_cyrillic_words_are_reported_not_changed() -> None:
    record = _with_isbn()
    record["245"].subfields = [pymarc.Subfield("a", "Kапитанская дoчка")]
    record.add_field(
        pymarc.Field(
            tag="650",
            indicators=pymarc.Indicators(" ", "4"),
            subfields=[pymarc.Subfield("a", "Қазақ әдебиетi"), pymarc.Subfield("2", "Excel")],
        )
    )
    issues = validate_record(record)
    assert record["245"]["a"] == "Kапитанская дoчка"
    assert [i for i in issues if i.code == "homoglyphs"] == [
        Issue(
            "homoglyphs",
            "$a 'Kапитанская дoчка' mixes Latin and Cyrillic look-alikes "
            "(reads as 'Капитанская дочка')",
            tag="245",
        ),
        Issue(
            "homoglyphs",
            "$a 'Қазақ әдебиетi' mixes Latin and Cyrillic look-alikes (reads as 'Қазақ әдебиеті')",
            tag="650",
        ),
    ]
