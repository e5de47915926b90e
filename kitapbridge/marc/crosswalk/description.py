"""Descriptive fields: title 200 → 245, edition, imprint, extent, series, notes, variant titles."""

from __future__ import annotations

import re
from collections.abc import Callable

from pymarc import Field

from kitapbridge.marc.crosswalk import isbd, tables
from kitapbridge.marc.crosswalk.context import (
    NON_SORT_BEGIN,
    NON_SORT_END,
    Context,
    first,
    indicator,
    values,
)
from kitapbridge.marc.crosswalk.embedded import embedded_fields


def non_filing_count(text: str) -> int:
    """Characters to skip when filing: the length of a leading NSB…NSE span (§4.8), at most 9."""
    if not text or text[0] not in NON_SORT_BEGIN:
        return 0
    for position, char in enumerate(text[1:], start=1):
        if char in NON_SORT_END:
            return min(position - 1, 9)
    return 0


def add_245(ctx: Context, source: Field) -> None:
    """200 → 245 with ISBD punctuation; later 200 fields (collections without a collective
    title) become 740 analytical title entries."""
    titles = values(source, "a")
    if any(f.tag == "245" for f in ctx.fields):
        for title in titles:
            ctx.add("740", "0", "2", [("a", title)])
        ctx.report_unused(source, "a")
        return
    parts: list[tuple[str, str, str]] = [("a", isbd.join(titles, ";"), "")]
    set_title = _set_title_for_part(ctx, source)
    if set_title:
        # a part whose title is only its designation: common title + $n (MARC21 dependent title)
        parts = [("a", set_title, ""), ("n", titles[0], ".")]
        titles = [set_title]
    had_number = False
    for sf in source.subfields:
        if sf.code in "hv" and sf.value:
            parts.append(("n", sf.value, "."))
            had_number = True
        elif sf.code == "i" and sf.value:
            parts.append(("p", sf.value, "," if had_number else "."))
    gmd = first(source, "b")
    if gmd:
        parts.append(("h", gmd if gmd.startswith("[") else f"[{gmd}]", ""))
    other = [(sf.code, sf.value) for sf in source.subfields if sf.code in "de" and sf.value]
    if other:
        text = other[0][1]
        for code, value in other[1:]:
            text = isbd.join([text, value], "=" if code == "d" else ":")
        parts.append(("b", text, "=" if other[0][0] == "d" else ":"))
    statements = values(source, "f") + values(source, "g")
    if statements:
        parts.append(("c", isbd.join(statements, ";"), "/"))
    ind1 = "1" if ctx.main_entry_tag else "0"
    ind2 = str(non_filing_count(titles[0])) if titles else "0"
    ctx.add("245", ind1, ind2, isbd.punctuate(parts))
    ctx.report_unused(source, "abdefghiv")


#: A title proper that is only a part designation: «Ч. 9», «Т. 1 (гл. 1-21)», «Вып. 13», «Кітап 1».
_DESIGNATION = re.compile(
    r"^(?:ч|т|том|часть|вып|выпуск|кн|книга|бөлім|кітап|шығ|vol|part|bd|no|№)\.?\s*"
    r"(?:\d[\w.-]*|[ivxlc]+\.?)(?:\s*\([^()]*\))?$",
    re.IGNORECASE,
)


def _set_title_for_part(ctx: Context, source: Field) -> str:
    """The set's title when this 200 names only the part and a 461/463 gives the set title."""
    titles = values(source, "a")
    if len(titles) != 1 or values(source, "e") or not _DESIGNATION.match(titles[0].strip()):
        return ""
    for link in ctx.source.get_fields("461", "463"):
        title = embedded_fields(link).data("200")
        if title is not None and first(title, "a"):
            return first(title, "a")
    return ""


def add_250(ctx: Context, source: Field) -> None:
    """205 → 250: edition statement ``$a`` (+ ``$b`` additional, ``$d`` parallel) and
    ``$f``/``$g`` statements of responsibility → ``$b``."""
    statement = isbd.join(values(source, "a") + values(source, "b"), ",")
    for parallel in values(source, "d"):
        statement = isbd.join([statement, parallel], "=")
    responsibility = isbd.join(values(source, "f") + values(source, "g"), ";")
    ctx.add("250", " ", " ", isbd.punctuate([("a", statement, ""), ("b", responsibility, "/")]))
    ctx.report_unused(source, "abdfg")


def copier(tag: str, mapping: dict[str, str]) -> Callable[[Context, Field], None]:
    """A handler copying subfields one to one into ``tag`` (206 → 255, 207 → 362, 208 → 254)."""

    def copy(ctx: Context, source: Field) -> None:
        subfields = [(mapping[sf.code], sf.value) for sf in source.subfields if sf.code in mapping]
        ctx.report_unused(source, mapping)
        ctx.add(tag, "0" if tag == "362" else " ", " ", subfields)

    return copy


def add_imprint(ctx: Context, source: Field) -> None:
    """210 → 260 (§3.3: places ``$a`` ;, publisher ``$b`` :, date ``$c`` ,; manufacture
    ``$e``/``$g``/``$h`` → ``$e``/``$f``/``$g``). 214 → 264 with the same second indicator."""
    elements: list[tuple[str, str, str]] = []
    mapping = tables.IMPRINT | (tables.MANUFACTURE if source.tag == "210" else {})
    previous = ""
    for sf in source.subfields:
        if sf.code not in mapping or not sf.value:
            continue
        code, mark = mapping[sf.code]
        if code == "b" and previous == "b":
            mark = ":"
        elements.append((code, sf.value, mark))
        previous = code
    ctx.report_unused(source, mapping)
    if not elements:
        return
    if source.tag == "214":
        ind2 = indicator(source, 2) if indicator(source, 2) in "01234" else "1"
        ctx.add("264", " ", ind2, isbd.punctuate(elements))
    else:
        ctx.add("260", " ", " ", isbd.punctuate(elements))


def add_300(ctx: Context, source: Field) -> None:
    """215 → 300: extent ``$a``, other details ``$c`` → ``$b`` (:), dimensions ``$d`` → ``$c``
    (;), accompanying material ``$e`` (+)."""
    mapping = tables.PHYSICAL_DESCRIPTION
    elements = [
        (mapping[sf.code][0], sf.value, mapping[sf.code][1])
        for sf in source.subfields
        if sf.code in mapping
    ]
    ctx.report_unused(source, mapping)
    if elements:
        ctx.add("300", " ", " ", isbd.punctuate(elements))


def series_statement(source: Field) -> str:
    """The ISBD string of a 225 (or embedded 200) series title: ``$a = $d : $e / $f. $h, $i``."""
    text = isbd.join(values(source, "a"), ".")
    marks = tables.SERIES_MARKS
    for sf in source.subfields:
        if sf.code in marks and sf.value:
            text = isbd.join([text, sf.value], marks[sf.code]) if text else sf.value
    return text


def add_490(ctx: Context, source: Field) -> None:
    """225 → 490: ISBD series statement in ``$a``, ``$v`` (;), ``$x`` ISSN (,). The first
    indicator is set to ``1`` at the end when a traced series (8XX) was produced."""
    elements = [("a", series_statement(source), "")]
    elements += [("x", issn, ",") for issn in values(source, "x")]
    elements += [("v", volume, ";") for volume in values(source, "v")]
    ctx.report_unused(source, "adefhivxz")
    ctx.add("490", "0", " ", isbd.punctuate(elements))


def add_note(ctx: Context, source: Field) -> None:
    """3XX notes → 5XX (tables.NOTES); ``$5`` (the copy the note is about) is kept."""
    tag = tables.NOTES[source.tag]
    subfields = [("a", text) for text in values(source, "a")] + [
        ("5", institution) for institution in values(source, "5")
    ]
    ctx.report_unused(source, "a5")
    if subfields:
        ctx.add(tag, " ", " ", subfields)


def add_510(ctx: Context, source: Field) -> None:
    """321 → 510 citation note, as RSL exports it (``510 4`` when a location is given)."""
    ind1 = "4" if values(source, "c") else "3"
    subfields = [(sf.code, sf.value) for sf in source.subfields if sf.code in "abcx"]
    ctx.report_unused(source, "abcx")
    ctx.add("510", ind1, " ", subfields)


def add_505(ctx: Context, source: Field) -> None:
    """327 → 505: the completeness indicator is inverted (UNIMARC ``1`` complete = MARC21 ``0``)."""
    ind1 = tables.CONTENTS_COMPLETENESS.get(indicator(source, 1), "8")
    contents = [sf.value for sf in source.subfields if sf.code in "abcdefghi" and sf.value]
    ctx.report_unused(source, "abcdefghi")
    ctx.add("505", ind1, " ", [("a", isbd.join(contents, "--"))])


def add_uniform_title(ctx: Context, source: Field) -> None:
    """500 → 240 (130 when there is no 1XX main entry); 501 → 243."""
    mapping = tables.UNIFORM_TITLE
    subfields = [(mapping[sf.code], sf.value) for sf in source.subfields if sf.code in mapping]
    ctx.report_unused(source, mapping)
    if source.tag == "501":
        ctx.add("243", "1", "0", subfields)
    elif ctx.main_entry_tag is None and not any(f.tag == "130" for f in ctx.fields):
        ctx.add("130", "0", " ", subfields)
    else:
        ctx.add("240" if ctx.main_entry_tag else "730", "1", "0", subfields)


def add_246(ctx: Context, source: Field) -> None:
    """510-518, 532, 540 → 246 (type of title in ind2); 541 translated title → 242."""
    elements = [("a", isbd.join(values(source, "a"), ";"), "")]
    elements += [("n", number, ".") for number in values(source, "h")]
    elements += [("p", name, ".") for name in values(source, "i")]
    elements += [("b", other, ":") for other in values(source, "e")]
    ctx.report_unused(source, "aehiz")
    added_entry = indicator(source, 1) != "0"
    if source.tag == "541":
        ctx.add("242", "1" if added_entry else "0", "0", isbd.punctuate(elements))
        return
    ind1 = "3" if added_entry else "2"
    if source.tag in {"512", "513", "514", "515", "516"}:
        ind1 = "1" if added_entry else "0"
    ctx.add("246", ind1, tables.VARIANT_TITLE_TYPE[source.tag], isbd.punctuate(elements))
