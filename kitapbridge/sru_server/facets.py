"""SRU 2.0 facets: the most frequent values of an index among a search's hits.

The catalog's term index stores folded words, not display values, so facet values
are read from the hit records' MARC (a subject heading as catalogued, not
``kazak adebieti``). That costs one record read per hit, so facets are computed
for results up to :data:`FACET_MAXIMUM_RECORDS`; larger results get a non-fatal
diagnostic 60 instead of a silently partial count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from pymarc import Record

from kitapbridge.sru_server import diagnostics as diag
from kitapbridge.sru_server.query_check import resolve_index
from kitapbridge.sru_server.request import FacetRequest
from kitapbridge.sru_server.results import Facet, FacetTerm

FACET_MAXIMUM_RECORDS = 1000
"""Results larger than this get diagnostic 60 rather than facets."""


def _subfield_a(*tags: str) -> Callable[[Record], list[str]]:
    def values(record: Record) -> list[str]:
        found = (f.get("a") for f in record.get_fields(*tags))
        return [v.strip().rstrip(" .,;:/").strip() for v in found if v and v.strip()]

    return values


def _fixed(start: int, end: int) -> Callable[[Record], list[str]]:
    def values(record: Record) -> list[str]:
        field = record.get("008")
        value = (field.data or "")[start:end].strip() if field is not None else ""
        return [value] if value and value.isalnum() else []

    return values


FACET_VALUES: dict[str, Callable[[Record], list[str]]] = {
    "subject": _subfield_a("600", "610", "611", "630", "650", "651", "655"),
    "creator": _subfield_a("100", "110", "111", "700", "710", "711"),
    "publisher": lambda record: [
        v.strip().rstrip(" .,;:").strip()
        for f in record.get_fields("260", "264")
        for v in f.get_subfields("b")
        if v.strip()
    ],
    "date": _fixed(7, 11),
    "language": _fixed(35, 38),
    "bbk": _subfield_a("084"),
    "udc": _subfield_a("080"),
}
"""Catalog field → the values a record contributes to its facet."""


def check_facets(requests: Iterable[FacetRequest]) -> list[tuple[FacetRequest, str]]:
    """Each facet request with its catalog field; diagnostic 16 for an index without facets."""
    checked = []
    for request in requests:
        field = resolve_index(request.index, ()).field
        if field not in FACET_VALUES:
            raise diag.UnsupportedIndex(request.index, "No facets for this index")
        checked.append((request, field))
    return checked


def count_facets(
    requests: list[tuple[FacetRequest, str]], records: Iterable[Record]
) -> tuple[Facet, ...]:
    """The top ``limit`` values per facet (ties by value), each counted once per record."""
    counters: list[Counter[str]] = [Counter() for _ in requests]
    for record in records:
        for counter, (_, field) in zip(counters, requests, strict=True):
            counter.update(set(FACET_VALUES[field](record)))
    facets = []
    for counter, (request, _) in zip(counters, requests, strict=True):
        ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[: request.limit]
        facets.append(Facet(request.index, tuple(FacetTerm(v, n) for v, n in ranked)))
    return tuple(facets)
