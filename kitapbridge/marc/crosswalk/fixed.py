"""Leader, 008, 040, 041 and 044 from the RUSMARC/UNIMARC leader and coded fields 100-106, 801."""

from __future__ import annotations

import pymarc
from pymarc import Field

from kitapbridge.marc.crosswalk import tables
from kitapbridge.marc.crosswalk.context import Context, first, indicator, values

#: The coded fields whose content ends up in the leader, 008, 040, 041 and 044.
FIXED_TAGS = frozenset({"100", "101", "102", "105", "106", "801"})


def _padded(text: str, length: int) -> str:
    return (text + " " * length)[:length]


def build_leader(ctx: Context, has_link_to_set: bool) -> str:
    """MARC21 leader: lengths are recomputed by the writer, Leader/09 is ``a`` (UTF-8)."""
    source = _padded(str(ctx.source.leader), 24)
    status = tables.RECORD_STATUS.get(source[5], "n")
    record_type = tables.RECORD_TYPE.get(source[6])
    if record_type is None:
        ctx.warn("bad-leader", f"Leader/06 {source[6]!r} is not a UNIMARC record type; used 'a'")
        record_type = "a"
    level = source[7]
    if level not in tables.BIBLIOGRAPHIC_LEVEL:
        ctx.warn("bad-leader", f"Leader/07 {level!r} is not a bibliographic level; used 'm'")
        level = "m"
    control = "a" if source[9] == "a" else " "
    encoding = tables.ENCODING_LEVEL.get(source[17], "u")
    form = tables.DESCRIPTIVE_FORM.get(source[18], "u")
    linked = _multipart_level(source[8], has_link_to_set)
    return f"00000{status}{record_type}{level}{control}a2200000{encoding}{form}{linked}4500"


def _multipart_level(hierarchy: str, has_link_to_set: bool) -> str:
    """Leader/19 from RUSMARC Leader/08: ``1`` set → ``a``; ``2`` part → ``c`` or ``b``.

    A part that names its set in 461/463 depends on the set title (RSL's own part records use
    ``c``); a part without such a link stands under its own title (``b``).
    """
    if hierarchy == "1":
        return "a"
    if hierarchy == "2":
        return "c" if has_link_to_set else "b"
    return " "


def build_008(ctx: Context) -> str:
    """The 40 positions of 008 (Books) from 100 $a, 101, 102, 105 and 106."""
    general = _coded(ctx, "100", 36)
    if not general.strip():
        ctx.warn("missing-coded-data", "no 100 $a: 008 dates and audience are unknown", "100")
    entered = general[2:8] if general[:8].strip().isdigit() else "      "
    date_type = tables.DATE_TYPE.get(general[8], "|" if general[8] == "|" else " ")
    date1 = _date(general[9:13], blank_if_empty=False)
    date2 = _date(general[13:17], blank_if_empty=True)
    country = _country(ctx)
    language = _language_code(ctx)
    # without 105 nothing is known about the contents: fill characters, not "no"
    contents = _coded(ctx, "105", 13) if _has(ctx, "105") else "|" * 13
    illustrations = "".join(tables.ILLUSTRATION.get(code, " ") for code in contents[0:4])
    audience = tables.TARGET_AUDIENCE.get(general[17], " ")
    form = tables.FORM_OF_ITEM.get(_coded(ctx, "106", 1), " ")
    nature = "".join(tables.NATURE_OF_CONTENTS.get(code, " ") for code in contents[4:8])
    government = tables.GOVERNMENT_PUBLICATION.get(general[20], " ")
    conference = tables.YES_NO.get(contents[8], "0")
    festschrift = tables.YES_NO.get(contents[9], "0")
    index = tables.YES_NO.get(contents[10], "0")
    literary = tables.LITERARY_FORM.get(contents[11], "0")
    biography = tables.BIOGRAPHY.get(contents[12], " ")
    value = (
        f"{entered}{date_type}{date1}{date2}{country}{illustrations}{audience}{form}{nature}"
        f"{government}{conference}{festschrift}{index} {literary}{biography}{language} d"
    )
    assert len(value) == 40, value
    return value


def _has(ctx: Context, tag: str) -> bool:
    return bool(ctx.source.get_fields(tag))


def _coded(ctx: Context, tag: str, length: int) -> str:
    """``$a`` of the first ``tag`` padded to ``length`` (fill characters where absent)."""
    fields = ctx.source.get_fields(tag)
    text = first(fields[0], "a") if fields else ""
    return _padded(text, length)


def _date(text: str, *, blank_if_empty: bool) -> str:
    if not text.strip():
        return "    " if blank_if_empty else "uuuu"
    return "".join(char if char.isdigit() else "u" for char in _padded(text, 4))


def _country(ctx: Context) -> str:
    fields = ctx.source.get_fields("102")
    iso = first(fields[0], "a").strip().upper() if fields else ""
    if not iso:
        return "xx "
    code = tables.COUNTRY.get(iso)
    if code is None:
        ctx.warn("unknown-country", f"102 $a {iso!r} has no MARC country code; used 'xx'", "102")
        return "xx "
    return _padded(code, 3)


def marc_language(code: str) -> str:
    normal = code.strip().lower()
    return tables.LANGUAGE.get(normal, normal)


def _language_code(ctx: Context) -> str:
    for source in ctx.source.get_fields("101"):
        for code in values(source, "a"):
            language = marc_language(code)
            if len(language) == 3:
                return language
    return "und"


def add_040(ctx: Context) -> None:
    """040 from 801 (agencies by function) and 100 $a/22-24 (language of cataloguing)."""
    general = _coded(ctx, "100", 36)
    agencies: list[tuple[str, str]] = []
    rules = ""
    for source in ctx.source.get_fields("801"):
        code = tables.CATALOGUING_AGENCY.get(indicator(source, 2))
        agency = first(source, "b")
        duplicate = (code, agency) in agencies or (
            code == "a" and any(c == "a" for c, _ in agencies)
        )
        if code and agency and not duplicate:
            agencies.append((code, agency))
        rules = rules or first(source, "g")
        ctx.report_unused(source, "abcg2")
    language = general[22:25].strip()
    ordered = [sf for sf in agencies if sf[0] == "a"]
    ordered += [("b", marc_language(language))] if len(language) == 3 else []
    ordered += [sf for sf in agencies if sf[0] == "c"]
    ordered += [("e", rules.lower())] if rules else []
    ordered += [sf for sf in agencies if sf[0] == "d"]
    if ordered:
        ctx.add("040", " ", " ", ordered)


def control_number_source(record: pymarc.Record) -> str:
    """003: the agency whose number is in 001, i.e. the last transcribing (801 ind2 ``2``) or
    modifying (``1``) agency, else the original cataloguing agency (``0``)."""
    by_function: dict[str, str] = {}
    for source in record.get_fields("801"):
        agency = first(source, "b")
        if agency:
            by_function[indicator(source, 2)] = agency
    for function in ("2", "1", "0"):
        if function in by_function:
            return by_function[function]
    return ""


def add_041(ctx: Context, source: Field) -> None:
    """101 → 041 (§3.2): first indicator translation flag, subfields recoded."""
    ind1 = indicator(source, 1)
    subfields = [
        (tables.LANGUAGE_SUBFIELDS[sf.code], marc_language(sf.value))
        for sf in source.subfields
        if sf.code in tables.LANGUAGE_SUBFIELDS
    ]
    ctx.report_unused(source, tables.LANGUAGE_SUBFIELDS)
    if subfields:
        # UNIMARC 0 original / 1 translation / 2 contains translations → MARC21 0 / 1 / 1
        ctx.add("041", {"0": "0", "1": "1", "2": "1"}.get(ind1, " "), " ", subfields)


def add_044(ctx: Context, source: Field) -> None:
    """102 → 044 $a MARC country code, keeping the ISO code in $c."""
    subfields: list[tuple[str, str]] = []
    for iso in dict.fromkeys(value.strip().upper() for value in values(source, "a")):
        code = tables.COUNTRY.get(iso)
        if code:
            subfields.append(("a", code))
        subfields.append(("c", iso))
    ctx.report_unused(source, "a")
    if subfields:
        ctx.add("044", " ", " ", subfields)
