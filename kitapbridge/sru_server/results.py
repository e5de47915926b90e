"""What running an SRU request produces, before it is written as XML.

The run step (over the catalog search) fills these; the response writers read
them. Keeping them plain data keeps the writers testable without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pymarc import Record

from kitapbridge.sru_server.diagnostics import SRUDiagnostic


@dataclass(frozen=True, slots=True)
class RetrievedRecord:
    """One record of a result page, at its 1-based position in the result set."""

    position: int
    identifier: str
    """The stable record id (``rec.id``; the cluster id in the union catalog)."""
    marc: Record | None
    """The record; None when ``rendered`` already holds it in the requested schema."""
    rendered: bytes | None = None
    """The record's XML in the request's schema (``rendered_records.serialized``), when
    the run step rendered it already."""


@dataclass(frozen=True, slots=True)
class SurrogateDiagnostic:
    """A record that could not be delivered; it stands in its place (diag 64/67/70)."""

    position: int
    diagnostic: SRUDiagnostic


@dataclass(frozen=True, slots=True)
class FacetTerm:
    """One value of a facet with the number of hits that carry it."""

    term: str
    count: int


@dataclass(frozen=True, slots=True)
class Facet:
    """The most frequent values of one index among the hits (SRU 2.0 ``facetedResults``)."""

    index: str
    terms: tuple[FacetTerm, ...]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of a search and what the client needs to fetch the next one."""

    number_of_records: int
    records: tuple[RetrievedRecord | SurrogateDiagnostic, ...] = ()
    next_record_position: int | None = None
    result_set_id: str | None = None
    result_set_ttl: int | None = None
    """Seconds the result set stays addressable by its id."""
    facets: tuple[Facet, ...] = ()
    diagnostics: tuple[SRUDiagnostic, ...] = field(default=())
    """Non-fatal diagnostics that accompany the records."""


@dataclass(frozen=True, slots=True)
class ScanTerm:
    """One entry of a scan list."""

    value: str
    number_of_records: int
    display_term: str | None = None
