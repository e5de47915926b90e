"""``DOC.ITEM`` parsing: layout, indicator conventions, tolerance."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kitapbridge.connectors.doc_item import parse_doc_item

FS, SF = "\x1e", "\x1f"


def codes(parsed: object) -> list[tuple[str, str | None]]:
    return [(issue.code, issue.tag) for issue in parsed.issues]  # type: ignore[attr-defined]


def test_fields_subfields_and_indicators() -> None:
    item = (
        f"001KZ-1001{FS}008150101s2015    kz            000 1 kaz d{FS}"
        f"1001 {SF}aӘуезов, М. О.{FS}24510{SF}aАбай жолы{SF}bроман-эпопея{FS}"
        f"650 4{SF}aҚазақ әдебиеті{FS}650 4{SF}aРоман{FS}"
    )
    parsed = parse_doc_item(item, "a", "m")
    record = parsed.record
    assert parsed.issues == []
    assert record["001"].data == "KZ-1001"
    assert record["008"].data[35:38] == "kaz"
    assert record["100"].indicators == ("1", " ")
    assert record["100"]["a"] == "Әуезов, М. О."
    assert record["245"].indicators == ("1", "0")
    assert record["245"].get_subfields("a", "b") == ["Абай жолы", "роман-эпопея"]
    assert [f["a"] for f in record.get_fields("650")] == ["Қазақ әдебиеті", "Роман"]
    assert str(record.leader) == "     nam a22     7u 4500"


def test_rectype_and_biblevel_set_the_leader() -> None:
    record = parse_doc_item(f"24500{SF}aЖурнал{FS}", "a", "s").record
    assert str(record.leader)[6:8] == "as"


def test_no_indicators_means_blanks_and_hash_means_blank() -> None:
    parsed = parse_doc_item(f"245{SF}aҮркер{FS}650#4{SF}aРоман{FS}", None, None)
    assert parsed.issues == []
    assert parsed.record["245"].indicators == (" ", " ")
    assert parsed.record["650"].indicators == (" ", "4")


def test_one_indicator_character_is_ind1() -> None:
    assert parse_doc_item(f"1001{SF}aАбай{FS}").record["100"].indicators == ("1", " ")


def test_too_many_indicator_characters_are_reported_and_cut() -> None:
    parsed = parse_doc_item(f"24510x{SF}aМаса{FS}")
    assert parsed.record["245"].indicators == ("1", "0")
    assert codes(parsed) == [("bad-indicators", "245")]


def test_leader_segment_and_ldr_pseudo_field() -> None:
    leader = "01234cam a2200289 i 4500"
    assert str(parse_doc_item(f"{leader}{FS}24500{SF}aА{FS}").record.leader) == leader
    parsed = parse_doc_item(f"LDR{leader}{FS}24500{SF}aА{FS}", "t", "s")
    assert str(parsed.record.leader) == "01234cts a2200289 i 4500"


def test_field_without_subfields_is_kept_as_a() -> None:
    parsed = parse_doc_item(f"500  Мектеп кітапханасының қоры{FS}")
    assert parsed.record["500"]["a"] == "Мектеп кітапханасының қоры"
    assert codes(parsed) == [("no-subfields", "500")]


def test_bad_tag_empty_subfield_and_bad_codes_are_reported() -> None:
    parsed = parse_doc_item(f"2?5{SF}aX{FS}245  {SF}{SF}AТитул{SF}!жоқ{FS}RECTYPEab", "ab")
    assert [f.tag for f in parsed.record.fields] == ["245", "REC"]
    assert parsed.record["245"].subfields[0].code == "a"
    assert [s.value for s in parsed.record["245"].subfields] == ["Титул", "жоқ"]
    assert codes(parsed) == [
        ("bad-tag", None),
        ("empty-subfield", "245"),
        ("bad-subfield-code", "245"),
        ("bad-subfield-code", "245"),
        ("no-subfields", "REC"),
        ("bad-leader-code", "LDR"),
    ]


def test_control_field_with_delimiters_is_joined() -> None:
    parsed = parse_doc_item(f"001{SF}a123{FS}")
    assert parsed.record["001"].data == "123"
    assert codes(parsed) == [("control-field-subfields", "001")]


def test_crlf_and_record_terminator_around_fields_are_ignored() -> None:
    record = parse_doc_item(f"24510{SF}aАбай жолы\r\n{FS}\r\n260  {SF}c2015{FS}\x1d").record
    assert record["245"]["a"] == "Абай жолы"
    assert record["260"]["c"] == "2015"


@given(st.text(alphabet=st.sampled_from("0124ab#x \x1e\x1f\x1dҚә\r\n"), max_size=200))
def test_never_crashes_on_delimiter_heavy_strings(item: str) -> None:
    parsed = parse_doc_item(item, "a", "m")
    for field in parsed.record.fields:
        assert len(field.tag) == 3


@given(st.text(), st.one_of(st.none(), st.text(max_size=3)), st.one_of(st.none(), st.text()))
def test_never_crashes_on_arbitrary_text(
    item: str, rectype: str | None, biblevel: str | None
) -> None:
    parsed = parse_doc_item(item, rectype, biblevel)
    assert len(str(parsed.record.leader)) == 24
