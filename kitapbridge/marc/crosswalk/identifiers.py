"""Standard numbers: 010 ISBN → 020, 011 ISSN → 022, 020/021 national numbers → 015/017, 035."""

from __future__ import annotations

from pymarc import Field
from stdnum import isbn, issn
from stdnum.exceptions import ValidationError

from kitapbridge.marc.crosswalk import tables
from kitapbridge.marc.crosswalk.context import Context, first, values
from kitapbridge.marc.isbn import repair_check_character


def _compact_isbn(raw: str) -> str:
    text = (repair_check_character(raw) or raw).strip()
    if text.upper().startswith("ISBN"):
        text = text[4:]
    return isbn.compact(text.strip(" :"))


def add_020(ctx: Context, source: Field) -> None:
    """010 → 020: ``$a`` compact ISBN (bad checksum → ``$z``), ``$b`` → ``$q``, ``$d`` → ``$c``.

    RUSMARC ``$9`` is the print run, which MARC21 has no place for in 020; it becomes a 500 note.
    """
    subfields: list[tuple[str, str]] = []
    for sf in source.subfields:
        if sf.code == "a" and sf.value.strip():
            if repair_check_character(sf.value) is not None:
                ctx.warn(
                    "isbn-check-character-repaired",
                    f"010 $a {sf.value!r}: Cyrillic Х check character read as Latin X",
                )
            number = _compact_isbn(sf.value)
            try:
                subfields.append(("a", isbn.validate(number)))
            except ValidationError:
                ctx.warn("invalid-isbn", f"010 $a {sf.value!r} is not a valid ISBN; kept in 020 $z")
                subfields.append(("z", number or sf.value.strip()))
        elif sf.code == "z":
            subfields.append(("z", _compact_isbn(sf.value) or sf.value))
        elif sf.code == "b":
            subfields.append(("q", sf.value.strip("() ")))
        elif sf.code == "d":
            subfields.append(("c", sf.value))
    used = "abdz9" if ctx.is_rusmarc() else "abdz"
    ctx.report_unused(source, used)
    if subfields:
        ctx.add("020", " ", " ", subfields)
    if ctx.is_rusmarc():
        for run in values(source, "9"):
            ctx.add("500", " ", " ", [("a", f"Тираж {run} экз.")])


def add_022(ctx: Context, source: Field) -> None:
    """011 → 022: ``$a`` ISSN, ``$f`` ISSN-L → ``$l``, ``$g`` → ``$m``, ``$y`` → ``$y``,
    ``$z`` → ``$z``; qualifier and price (``$b``, ``$d``) have no place in 022 and are reported."""
    mapping = tables.ISSN
    subfields: list[tuple[str, str]] = []
    for sf in source.subfields:
        if sf.code not in mapping or not sf.value.strip():
            continue
        code = mapping[sf.code]
        if code == "a" and not issn.is_valid(sf.value):
            ctx.warn("invalid-issn", f"011 $a {sf.value!r} is not a valid ISSN; kept in 022 $y")
            code = "y"
        subfields.append((code, issn.format(sf.value) if issn.is_valid(sf.value) else sf.value))
    ctx.report_unused(source, mapping)
    if subfields:
        ctx.add("022", " ", " ", subfields)


def add_015(ctx: Context, source: Field) -> None:
    """020 national bibliography number → 015 ``$a`` number, ``$z`` cancelled, ``$q`` country."""
    subfields = [("a", number) for number in values(source, "b")]
    subfields += [("z", number) for number in values(source, "z")]
    subfields += [("q", country) for country in values(source, "a")]
    ctx.report_unused(source, "abz9")
    if subfields:
        ctx.add("015", " ", " ", subfields)


def add_017(ctx: Context, source: Field) -> None:
    """021 legal deposit number → 017 ``$a`` number, ``$b`` agency (021 ``$a``), ``$z`` invalid."""
    subfields = [("a", number) for number in values(source, "b")]
    subfields += [("z", number) for number in values(source, "z")]
    agency = first(source, "a")
    if agency:
        subfields.append(("b", agency))
    ctx.report_unused(source, "abz9")
    if subfields:
        ctx.add("017", " ", " ", subfields)


def add_035(ctx: Context, source: Field) -> None:
    """035 other system number: ``$a``/``$z`` copied. NLR writes the number in a blank-coded or
    capital ``$U`` subfield (a data error); it is carried as ``$a``."""
    subfields = [
        ("z" if sf.code == "z" else "a", sf.value)
        for sf in source.subfields
        if sf.code in {"a", "z", "U", " "}
    ]
    ctx.report_unused(source, {"a", "z", "U", " "})
    if subfields:
        ctx.add("035", " ", " ", subfields)


def add_024(ctx: Context, source: Field) -> None:
    """071 publisher's number → 028; 072 UPC → 024 ``1``; 073 EAN → 024 ``3``
    (``$a`` number, ``$b`` qualifier → ``$q``, ``$c`` price → ``$c``, ``$z`` → ``$z``)."""
    if source.tag == "071":
        subfields = [("a", number) for number in values(source, "a")]
        subfields += [("b", source_name) for source_name in values(source, "b")]
        ctx.add("028", "5", "0", subfields)
        ctx.report_unused(source, "ab")
        return
    mapping = tables.OTHER_STANDARD_NUMBER
    subfields = [(mapping[sf.code], sf.value) for sf in source.subfields if sf.code in mapping]
    ctx.add("024", "1" if source.tag == "072" else "3", " ", subfields)
    ctx.report_unused(source, mapping)
