"""Linking fields 4XX (with embedded fields, see :mod:`.embedded`) → 76X-78X, 8XX; 604."""

from __future__ import annotations

from pymarc import Field, Indicators, Subfield

from kitapbridge.marc.crosswalk import isbd, tables
from kitapbridge.marc.crosswalk.context import Context, first, indicator, values
from kitapbridge.marc.crosswalk.description import non_filing_count, series_statement
from kitapbridge.marc.crosswalk.embedded import LinkParts, embedded_fields
from kitapbridge.marc.crosswalk.names import CORPORATE, PERSONAL, personal_name


def _imprint(embedded: Field) -> str:
    """``Place : Publisher, date`` from an embedded 210."""
    text = isbd.join(values(embedded, "a"), ";")
    for code, mark in (("c", ":"), ("d", ",")):
        for value in values(embedded, code):
            text = isbd.join([text, value], mark) if text else value
    return text


def _title(embedded: Field) -> str:
    """Title proper with other title information from an embedded 200 (markers kept)."""
    text = isbd.join(values(embedded, "a"), ";")
    for other in values(embedded, "e"):
        text = isbd.join([text, other], ":")
    return text


def _name(parts: LinkParts) -> str:
    """The first embedded 70X/71X name (later ones are parallel-script forms of it)."""
    for embedded in parts.embedded:
        if embedded.tag in PERSONAL:
            return personal_name(embedded)
        if embedded.tag in CORPORATE:
            return isbd.join([first(embedded, "a"), *values(embedded, "b")], ".")
    return ""


def add_link(ctx: Context, source: Field) -> bool:
    """4XX → 76X-78X (tables.LINKS). Returns False when the field holds nothing to link."""
    parts = embedded_fields(source)
    for problem in parts.malformed:
        ctx.warn("malformed-embedded-field", f"{source.tag}: {problem}", source.tag)
    subfields = _link_subfields(parts)
    if not subfields:
        return False
    _report_leftovers(ctx, source, parts)
    # UNIMARC 4XX ind2 ``1`` = make a note; MARC21 76X-78X ind1 ``0`` = display a note
    ind1 = "0" if indicator(source, 2) == "1" else "1"
    ctx.add(tables.LINKS[source.tag], ind1, " ", subfields)
    return True


def _link_subfields(parts: LinkParts) -> list[tuple[str, str]]:
    name = _name(parts) or next((sf.value for sf in parts.own if sf.code == "a"), "")
    result: list[tuple[str, str]] = [("a", name)] if name else []
    title = parts.data("200")
    if title is not None:
        result.append(("t", _title(title)))
        result += [("g", volume) for volume in values(title, "v") + values(title, "h")]
    result += [
        (tables.LINK_SUBFIELDS[sf.code], sf.value)
        for sf in parts.own
        if sf.code in tables.LINK_SUBFIELDS and sf.code != "a" and sf.value
    ]
    edition = parts.data("205")
    if edition is not None:
        result.append(("b", isbd.join(values(edition, "a"), ",")))
    imprint = parts.data("210", "214") or _own_imprint(parts)
    if imprint is not None:
        result.append(("d", _imprint(imprint)))
    extent = parts.data("215")
    if extent is not None:
        result.append(("h", isbd.join(values(extent, "a") + values(extent, "d"), ";")))
    series = parts.data("225")
    if series is not None:
        result.append(("k", series_statement(series)))
    result += [("x", number) for number in _numbers(parts, "011")]
    result += [("z", number) for number in _numbers(parts, "010")]
    record_id = parts.control("001")
    if record_id:
        result.append(("w", record_id))
    return [(code, value) for code, value in result if value]


def _own_imprint(parts: LinkParts) -> Field | None:
    """Place ``$c``, publisher ``$n`` and date ``$d`` of a link written without embedded fields,
    regrouped as the 210 they stand for."""
    as_210 = tables.LINK_IMPRINT
    imprint = [Subfield(as_210[sf.code], sf.value) for sf in parts.own if sf.code in as_210]
    if not imprint:
        return None
    return Field(tag="210", indicators=Indicators(" ", " "), subfields=imprint)


#: Subfields and embedded fields of a 4XX that the 76X-78X entry carries.
_OWN_CARRIED = frozenset({*tables.LINK_SUBFIELDS, "c", "n", "d"})
_EMBEDDED_CARRIED = frozenset(
    {"001", "010", "011", "200", "205", "210", "214", "215", "225", *PERSONAL, *CORPORATE}
)


def _report_leftovers(ctx: Context, source: Field, parts: LinkParts) -> None:
    """Never drop silently: name the own subfields and embedded fields the entry leaves out."""
    lost = sorted({f"${sf.code}" for sf in parts.own if sf.code not in _OWN_CARRIED})
    lost += sorted({f"$1{f.tag}" for f in parts.embedded if f.tag not in _EMBEDDED_CARRIED})
    if lost:
        message = f"{source.tag} {' '.join(lost)} have no place in the linking entry"
        ctx.warn("unmapped-subfield", message, source.tag)


def _numbers(parts: LinkParts, tag: str) -> list[str]:
    return [value for f in parts.embedded if f.tag == tag for value in values(f, "a")]


def add_series(ctx: Context, source: Field) -> bool:
    """410 series → 8XX traced series entry (800/810 when the series has an author, else 830),
    plus a 490 ``1`` statement when the record has no 225."""
    parts = embedded_fields(source)
    for problem in parts.malformed:
        ctx.warn("malformed-embedded-field", f"{source.tag}: {problem}", source.tag)
    title_field = parts.data("200")
    title = _title(title_field) if title_field is not None else first(source, "t")
    if not title:
        return False
    _report_leftovers(ctx, source, parts)
    volumes = values(title_field, "v") if title_field is not None else []
    volumes += [sf.value for sf in parts.own if sf.code == "v" and sf.value]
    issns = _numbers(parts, "011") + [sf.value for sf in parts.own if sf.code == "x"]
    record_id = parts.control("001")
    author = parts.data(*PERSONAL, *CORPORATE)
    trailer = [("v", volume) for volume in volumes] + [("x", issn) for issn in issns]
    trailer += [("w", record_id)] if record_id else []
    if author is not None and author.tag in PERSONAL:
        ind1 = "1" if indicator(author, 2) == "1" else "0"
        ctx.add("800", ind1, " ", [("a", personal_name(author)), ("t", title), *trailer])
    elif author is not None:
        ctx.add("810", "2", " ", [("a", first(author, "a")), ("t", title), *trailer])
    else:
        nonfiling = str(non_filing_count(title))
        ctx.add("830", " ", nonfiling, [("a", title), *trailer])
    ctx.traced_series = True
    if not ctx.source.get_fields("225"):
        statement = [("a", title, "")] + [("x", issn, ",") for issn in issns]
        statement += [("v", volume, ";") for volume in volumes]
        ctx.add("490", "1", " ", isbd.punctuate(statement))
    return True


def add_name_title_subject(ctx: Context, source: Field) -> bool:
    """604 name/title subject (embedded 70X/71X + 500/501/200) → 600 or 610 with ``$t``."""
    parts = embedded_fields(source)
    for problem in parts.malformed:
        ctx.warn("malformed-embedded-field", f"{source.tag}: {problem}", source.tag)
    author = parts.data(*PERSONAL, *CORPORATE)
    title_field = parts.data("500", "501", "200")
    if author is None or title_field is None or not first(author, "a"):
        return False
    # Subdivisions and $2 follow the last embedded field, so a parser attaches them to it.
    subdivisions = tables.SUBDIVISIONS | {"2": "2"}
    trailing = [sf for sf in title_field.subfields if sf.code in subdivisions]
    trailer = [
        (subdivisions[sf.code], sf.value)
        for sf in [*parts.own, *trailing]
        if sf.code in subdivisions
    ]
    ind2 = "7" if any(code == "2" for code, _ in trailer) else "4"
    title = [("t", isbd.join(values(title_field, "a"), "."))]
    if author.tag in PERSONAL:
        ind1 = "1" if indicator(author, 2) == "1" else "0"
        name = [("a", personal_name(author))] + [("d", d) for d in values(author, "f")]
        ctx.add("600", ind1, ind2, name + title + trailer)
    else:
        name = [("a", first(author, "a"))] + [("b", unit) for unit in values(author, "b")]
        ind1 = indicator(author, 2) if indicator(author, 2) in "012" else "2"
        ctx.add("610", ind1, ind2, name + title + trailer)
    unused = {sf.code for sf in parts.own} - set(subdivisions)
    if unused:
        codes = " ".join(f"${code}" for code in sorted(unused))
        ctx.warn("unmapped-subfield", f"604 subfield(s) {codes} were not carried", "604")
    return True
