"""Subject access (600-661) and classification (675 UDC, 676 DDC, 680 LCC, 686 BBK/other)."""

from __future__ import annotations

from pymarc import Field, Subfield

from kitapbridge.marc.crosswalk import tables
from kitapbridge.marc.crosswalk.context import Context, first, indicator, values
from kitapbridge.marc.crosswalk.names import corporate_subfields, personal_name

#: BBK table assumed for RUSMARC 686 without ``$2`` (§3.3: school data, children's tables).
DEFAULT_BBK_SOURCE = "rubbkd"


def _thesaurus(source: Field) -> tuple[str, list[tuple[str, str]]]:
    """MARC21 ind2 and ``$2``: ``7`` + ``$2`` when the source names its system, else ``4``."""
    system = first(source, "2")
    return ("7", [("2", system)]) if system else ("4", [])


def _subdivisions(source: Field) -> list[tuple[str, str]]:
    mapping = tables.SUBDIVISIONS
    return [(mapping[sf.code], sf.value) for sf in source.subfields if sf.code in mapping]


def _authority(source: Field) -> list[tuple[str, str]]:
    return [("0", number) for number in values(source, "3")]


def add_name_subject(ctx: Context, source: Field) -> bool:
    """600 → 600, 601 → 610/611, 602 → 600 (family, ind1 ``3``)."""
    if not first(source, "a"):
        return False
    ind2, system = _thesaurus(source)
    if source.tag == "600":
        tag, ind1 = "600", "1" if indicator(source, 2) == "1" else "0"
        name = [("a", personal_name(source))]
        name += [("b", numeral) for numeral in values(source, "d")]
        name += [("c", title) for title in values(source, "c")]
        name += [("d", dates) for dates in values(source, "f")]
        name += [("t", title) for title in values(source, "t")]
        used = "abcdfgtjxyz23"
    elif source.tag == "601":
        meeting = indicator(source, 1) == "1"
        tag = "611" if meeting else "610"
        ind1 = indicator(source, 2) if indicator(source, 2) in "012" else "2"
        name = corporate_subfields(source, meeting)
        used = "abcdefhjxyz23"
    else:
        tag, ind1 = "600", "3"
        name = [("a", first(source, "a"))] + [("d", dates) for dates in values(source, "f")]
        used = "afjxyz23"
    ctx.add(tag, ind1, ind2, name + _subdivisions(source) + system + _authority(source))
    ctx.report_unused(source, used)
    return True


def add_topical(ctx: Context, source: Field) -> None:
    """605 → 630, 606 → 650, 607 → 651, 608 → 655 (§3.3); the level indicator is kept for 650."""
    tag = tables.SUBJECTS[source.tag]
    ind2, _ = _thesaurus(source)
    mapping = tables.SUBJECT_SUBFIELDS
    subfields = [(mapping[sf.code], sf.value) for sf in source.subfields if sf.code in mapping]
    ind1 = indicator(source, 1) if tag == "650" and indicator(source, 1) in "012" else " "
    if tag == "630":
        ind1 = "0"
    ctx.add(tag, ind1, ind2, subfields)
    ctx.report_unused(source, mapping)


def add_uncontrolled(ctx: Context, source: Field) -> None:
    """610 → 653 (one ``$a`` per term; the level indicator has the same codes)."""
    ind1 = indicator(source, 1) if indicator(source, 1) in "012" else " "
    ctx.add("653", ind1, " ", [("a", term) for term in values(source, "a")])
    ctx.report_unused(source, "a")


def add_coded_subject(ctx: Context, source: Field) -> None:
    """615 → 072, 660 → 043, 661 → 045 (codes in ``$a``)."""
    tag = {"615": "072", "660": "043", "661": "045"}[source.tag]
    ctx.add(tag, " ", " ", [("a", code) for code in values(source, "a")])
    ctx.report_unused(source, "a")


def add_place_access(ctx: Context, source: Field) -> None:
    """620 place of publication access point → 752 (country, region, district, city)."""
    subfields = [(sf.code, sf.value) for sf in source.subfields if sf.code in "abcd"]
    ctx.add("752", " ", " ", subfields)
    ctx.report_unused(source, "abcd")


def add_classification(ctx: Context, source: Field) -> None:
    """675 → 080 (edition ``$v`` → ``$2``), 676 → 082, 680 → 050."""
    if source.tag == "675":
        subfields = [("a", index) for index in values(source, "a")]
        subfields += [("2", edition) for edition in values(source, "v")]
        ctx.add("080", " ", " ", subfields)
        ctx.report_unused(source, "avz3")
    elif source.tag == "676":
        subfields = [("a", index) for index in values(source, "a")]
        subfields += [("2", edition) for edition in values(source, "v")]
        ctx.add("082", "0", "4", subfields)
        ctx.report_unused(source, "av")
    else:
        subfields = [(sf.code, sf.value) for sf in source.subfields if sf.code in "ab"]
        ctx.add("050", " ", "4", subfields)
        ctx.report_unused(source, "ab")


def add_084(ctx: Context, source: Field) -> None:
    """686 → 084 ``$a`` index, ``$b`` book number (author mark), ``$2`` system (§3.5).

    RUSMARC 686 without ``$2`` is taken as BBK for children's libraries (``rubbkd``).
    """
    subfields = [(sf.code, sf.value) for sf in source.subfields if sf.code in "ab"]
    system = first(source, "2")
    if not system and ctx.is_rusmarc():
        system = DEFAULT_BBK_SOURCE
        ctx.warn("assumed-bbk-table", f"686 without $2: assumed {DEFAULT_BBK_SOURCE}", "686")
    ctx.add("084", " ", " ", subfields + ([("2", system)] if system else []))
    ctx.report_unused(source, "ab2")


def add_author_mark(ctx: Context, source: Field) -> bool:
    """ИРБИС 908 author mark (авторский знак) → ``$b`` of the first 084 without one (§3.5)."""
    mark = first(source, "a")
    target = next((f for f in ctx.fields if f.tag == "084" and not f.get_subfields("b")), None)
    if not mark or target is None:
        return False
    position = next(
        (i for i, sf in enumerate(target.subfields) if sf.code not in "a"), len(target.subfields)
    )
    target.subfields.insert(position, Subfield("b", mark))
    ctx.report_unused(source, "a")
    return True
