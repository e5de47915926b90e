"""Names: 700-702 personal, 710-712 corporate/meeting, 720-722 family → 1XX/7XX with relators."""

from __future__ import annotations

from pymarc import Field

from kitapbridge.marc.crosswalk.context import Context, first, indicator, values
from kitapbridge.marc.crosswalk.relators import RELATORS

PERSONAL = frozenset({"700", "701", "702"})
CORPORATE = frozenset({"710", "711", "712"})
FAMILY = frozenset({"720", "721", "722"})
MAIN_ENTRY_TAGS = ("700", "710", "720")


def personal_name(source: Field) -> str:
    """``$a`` + ", " + full forenames ``$g`` (else the initials/forenames ``$b``), as RSL writes.

    UNIMARC sources often start ``$b`` with the separating comma (``$a Asimov $b , Isaac``).
    """
    surname = first(source, "a").rstrip(" ,")
    forenames = (first(source, "g") or first(source, "b")).lstrip(" ,")
    return f"{surname}, {forenames}" if surname and forenames else surname or forenames


def personal_subfields(source: Field) -> list[tuple[str, str]]:
    """The name part of MARC21 X00: ``$a`` name, ``$b`` numeration (``$d``), ``$c`` titles,
    ``$d`` dates (``$f``)."""
    return (
        [("a", personal_name(source))]
        + [("b", numeral) for numeral in values(source, "d")]
        + [("c", title) for title in values(source, "c")]
        + [("d", dates) for dates in values(source, "f")]
    )


def corporate_subfields(source: Field, meeting: bool) -> list[tuple[str, str]]:
    """X10 ``$a $b`` (+ ``$c`` place/qualifier ``$c``/``$e``); X11 ``$a``, number ``$n`` (``$d``),
    date ``$d`` (``$f``), place ``$c`` (``$e``)."""
    subfields = [("a", first(source, "a"))] + [("b", unit) for unit in values(source, "b")]
    subfields += [("e" if meeting else "b", unit) for unit in values(source, "h")]
    if meeting:
        subfields += [("n", number) for number in values(source, "d")]
        subfields += [("d", date) for date in values(source, "f")]
        subfields += [("c", place) for place in values(source, "e") + values(source, "c")]
    else:
        qualifiers = values(source, "c") + values(source, "e")
        subfields += [("c", qualifier) for qualifier in qualifiers]
    return subfields


def relator_subfields(ctx: Context, source: Field) -> list[tuple[str, str]]:
    """``$4`` numeric codes → ``$e`` Russian term(s) then ``$4`` MARC21 code(s) (§3.4)."""
    terms: list[tuple[str, str]] = []
    codes: list[tuple[str, str]] = []
    for raw in values(source, "4"):
        code = raw.strip()
        if code in RELATORS:
            marc, term = RELATORS[code]
            if marc is not None:
                terms.append(("e", term))
                codes.append(("4", marc))
        elif code.isalpha() and len(code) == 3:
            codes.append(("4", code.lower()))  # already a MARC21 code (UNIMARC allows these)
        else:
            ctx.warn(
                "unknown-relator", f"{source.tag} $4 {code!r} is not a relator code", source.tag
            )
    return terms + codes


def add_name(ctx: Context, source: Field) -> bool:
    """One 7XX name. Returns False when the field has no name to map (it is then kept in 9XX)."""
    if not first(source, "a"):
        return False
    tag = source.tag
    # 700/710/720 (primary responsibility) give the 1XX main entry; only the first one does
    main = tag in MAIN_ENTRY_TAGS and ctx.main_entry_tag is None
    extra = [("0", number) for number in values(source, "3")]
    extra += [("u", affiliation) for affiliation in values(source, "p")]
    extra += [("5", institution) for institution in values(source, "5")]
    if tag in PERSONAL:
        out_tag = "100" if main else "700"
        ind1 = "1" if indicator(source, 2) == "1" else "0"
        subfields = personal_subfields(source)
        used = "abcdfg345p"
    elif tag in CORPORATE:
        meeting = indicator(source, 1) == "1"
        out_tag = ("111" if meeting else "110") if main else ("711" if meeting else "710")
        # UNIMARC ind2 (0 inverted, 1 jurisdiction, 2 direct order) = MARC21 X10/X11 ind1
        ind1 = indicator(source, 2) if indicator(source, 2) in "012" else "2"
        subfields = corporate_subfields(source, meeting)
        used = "abcdefh345p"
    else:
        out_tag = "100" if main else "700"
        ind1 = "3"
        subfields = [("a", first(source, "a"))] + [("d", dates) for dates in values(source, "f")]
        used = "af345"
    if main:
        ctx.main_entry_tag = out_tag
    ctx.add(out_tag, ind1, " ", subfields + relator_subfields(ctx, source) + extra)
    ctx.report_unused(source, used)
    return True
