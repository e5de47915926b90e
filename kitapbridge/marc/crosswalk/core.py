"""RUSMARC/UNIMARC → MARC21: dispatch each source field to its handler, keep the rest in 995."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import pymarc
from pymarc import Field, Subfield

from kitapbridge.errors import KitapbridgeError
from kitapbridge.marc.crosswalk import (
    description,
    fixed,
    holdings,
    identifiers,
    links,
    local,
    names,
    scripts,
    subjects,
    tables,
)
from kitapbridge.marc.crosswalk.context import Context, strip_non_sort
from kitapbridge.marc.flavour import Flavour
from kitapbridge.marc.issues import Issue, Severity

logger = logging.getLogger(__name__)

#: A handler maps one source field into ``ctx``; False means "nothing mappable, keep it in 995".
Handler = Callable[[Context, Field], bool]


class CrosswalkError(KitapbridgeError):
    """The crosswalk was asked to do something it cannot (e.g. convert MARC21 to MARC21)."""


@dataclass
class CrosswalkResult:
    """The MARC21 record, the source tags kept in 995 because they have no target, the issues."""

    record: pymarc.Record
    unmapped: list[str]
    issues: list[Issue]


def _mapped(handler: Callable[[Context, Field], None]) -> Handler:
    """A handler maps the field only if it produced a MARC21 field carrying data, not just
    control subfields ($0-$9); otherwise its output is withdrawn and the field goes to 995."""

    def run(ctx: Context, source: Field) -> bool:
        fields_before, issues_before = len(ctx.fields), len(ctx.issues)
        handler(ctx, source)
        produced = ctx.fields[fields_before:]
        if any(_carries_data(built) for built in produced):
            return True
        del ctx.fields[fields_before:]
        del ctx.issues[issues_before:]
        return False

    return run


def _carries_data(built: Field) -> bool:
    return built.is_control_field() or any(not sf.code.isdigit() for sf in built.subfields)


def _consumed(ctx: Context, source: Field) -> bool:
    """Coded fields read by the leader/008/040 builders (§3.2)."""
    return True


def _copy_control(ctx: Context, source: Field) -> bool:
    if not source.data:
        return False
    ctx.add_control(source.tag, source.data)
    return True


def _dispatch() -> dict[str, Handler]:
    table: dict[str, Handler] = {tag: _consumed for tag in fixed.FIXED_TAGS}
    table |= {"001": _copy_control, "003": _copy_control, "005": _copy_control}
    table |= {
        "010": _mapped(identifiers.add_020),
        "011": _mapped(identifiers.add_022),
        "020": _mapped(identifiers.add_015),
        "021": _mapped(identifiers.add_017),
        "035": _mapped(identifiers.add_035),
        "101": _mapped(fixed.add_041),
        "102": _mapped(fixed.add_044),
        "200": _mapped(description.add_245),
        "205": _mapped(description.add_250),
        "206": _mapped(description.copier("255", {"a": "a", "b": "b", "c": "c", "d": "d"})),
        "207": _mapped(description.copier("362", {"a": "a", "z": "z"})),
        "208": _mapped(description.copier("254", {"a": "a"})),
        "210": _mapped(description.add_imprint),
        "214": _mapped(description.add_imprint),
        "215": _mapped(description.add_300),
        "225": _mapped(description.add_490),
        "321": _mapped(description.add_510),
        "327": _mapped(description.add_505),
        "410": links.add_series,
        "500": _mapped(description.add_uniform_title),
        "501": _mapped(description.add_uniform_title),
        "600": subjects.add_name_subject,
        "601": subjects.add_name_subject,
        "602": subjects.add_name_subject,
        "610": _mapped(subjects.add_uncontrolled),
        "615": _mapped(subjects.add_coded_subject),
        "620": _mapped(subjects.add_place_access),
        "660": _mapped(subjects.add_coded_subject),
        "661": _mapped(subjects.add_coded_subject),
        "675": _mapped(subjects.add_classification),
        "676": _mapped(subjects.add_classification),
        "680": _mapped(subjects.add_classification),
        "686": _mapped(subjects.add_084),
        "852": holdings.add_holdings,
        "856": _mapped(holdings.add_856),
        "886": local.restore_foreign_field,
        "604": links.add_name_title_subject,
        "071": _mapped(identifiers.add_024),
        "072": _mapped(identifiers.add_024),
        "073": _mapped(identifiers.add_024),
    }
    table |= {tag: _mapped(description.add_note) for tag in tables.NOTES}
    table |= {tag: _mapped(description.add_246) for tag in (*tables.VARIANT_TITLE_TYPE, "541")}
    table |= {tag: links.add_link for tag in tables.LINKS}
    table |= {tag: _mapped(subjects.add_topical) for tag in tables.SUBJECTS}
    table |= {tag: names.add_name for tag in (*names.PERSONAL, *names.CORPORATE, *names.FAMILY)}
    return table


_DISPATCH = _dispatch()
#: RUSMARC-only: 899 is the older RUSMARC location field; in UNIMARC it is a local field.
_RUSMARC_ONLY: dict[str, Handler] = {
    "899": holdings.add_holdings,
    "908": subjects.add_author_mark,  # ИРБИС author mark kept in RUSMARC exports
}

#: Tags this crosswalk maps for each flavour (everything else goes to 995).
HANDLED_TAGS: dict[Flavour, frozenset[str]] = {
    Flavour.UNIMARC: frozenset(_DISPATCH),
    Flavour.RUSMARC: frozenset(_DISPATCH) | frozenset(_RUSMARC_ONLY),
}


def _processing_order(record: pymarc.Record) -> list[Field]:
    """Names first, so the main entry is known before 245 ind1 and 240/130 are decided."""
    name_tags = {*names.PERSONAL, *names.CORPORATE, *names.FAMILY}
    fields = list(record.get_fields())
    return [f for f in fields if f.tag in name_tags] + [f for f in fields if f.tag not in name_tags]


def crosswalk_to_marc21(record: pymarc.Record, flavour: Flavour) -> CrosswalkResult:
    """Convert a decoded RUSMARC or UNIMARC record to MARC21 (§3 of sources-and-crosswalks)."""
    if flavour is Flavour.MARC21:
        raise CrosswalkError("the record is already MARC21; only RUSMARC/UNIMARC are crosswalked")
    ctx = Context(source=record, flavour=flavour)
    handlers = {**_DISPATCH, **(_RUSMARC_ONLY if flavour is Flavour.RUSMARC else {})}
    ordered = _processing_order(record)
    alternates = scripts.alternate_sources(ordered)
    primary_output: dict[tuple[str, str], list[Field]] = {}
    for index, source in enumerate(ordered):
        handler = handlers.get(source.tag)
        if handler is not None and index in alternates:
            mapped = scripts.add_alternate(ctx, source, handler, primary_output)
        else:
            before = len(ctx.fields)
            mapped = handler is not None and handler(ctx, source)
            if mapped and not source.is_control_field() and scripts.link_key(source):
                primary_output[(source.tag, scripts.link_key(source))] = ctx.fields[before:]
        if not mapped:
            local.keep_unmapped(ctx, source)
    if not any(f.tag == "245" and f.get_subfields("a") for f in ctx.fields):
        message = "no 200 $a: the record has no title proper (245 $a)"
        ctx.issues.append(Issue("missing-title", message, Severity.ERROR, tag="200"))
    _finish(ctx)
    out = pymarc.Record(to_unicode=True, force_utf8=True)
    out.leader = pymarc.Leader(fixed.build_leader(ctx, _links_to_set(record)))
    out.add_field(*_ordered(ctx.fields))
    if ctx.unmapped:
        logger.debug("kept unmapped tags in 995: %s", ", ".join(ctx.unmapped))
    return CrosswalkResult(record=out, unmapped=ctx.unmapped, issues=ctx.issues)


def _links_to_set(record: pymarc.Record) -> bool:
    return any(record.get_fields("461", "463"))


def _finish(ctx: Context) -> None:
    """Fields derived from the whole record: 003, 008, 040; 490 tracing; marker removal."""
    if not any(f.tag == "003" for f in ctx.fields):
        agency = fixed.control_number_source(ctx.source)
        if agency:
            ctx.add_control("003", agency)
    ctx.add_control("008", fixed.build_008(ctx))
    fixed.add_040(ctx)
    for built in ctx.fields:
        if built.is_control_field():
            built.data = strip_non_sort(built.data or "")
        elif built.tag != local.UNMAPPED_TAG:  # 995 stays verbatim, so the source can be rebuilt
            if built.tag == "490" and ctx.traced_series:
                built.indicator1 = "1"
            built.subfields = [
                Subfield(sf.code, strip_non_sort(sf.value)) for sf in built.subfields
            ]


def _ordered(fields: list[Field]) -> list[Field]:
    """Control fields first, then data fields by tag; source order kept within a tag."""
    return sorted(fields, key=lambda f: (not f.is_control_field(), f.tag))
