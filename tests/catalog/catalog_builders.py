"""Builders of converted records for catalog tests: MARC21 books with Kazakh and Russian text."""

from __future__ import annotations

from decimal import Decimal

import pymarc

from kitapbridge.catalog.ingest import IncomingRecord
from kitapbridge.connectors.base import Holding, SourceRecord, SourceSystem
from kitapbridge.marc.conversion import Conversion
from kitapbridge.marc.flavour import Flavour
from kitapbridge.marc.issues import Issue, Severity

SCHOOL = "KZ-ALM-0042"


def book(
    local_id: str | None,
    title: str,
    *,
    author: str = "Әуезов, Мұхтар",
    year: str = "1995",
    subjects: tuple[str, ...] = (),
    isbn: str | None = None,
    language: str = "kaz",
    udc: str | None = None,
    nonfiling: int = 0,
) -> pymarc.Record:
    """A MARC21 book record as the conversion step would hand it over."""
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader("00000nam a2200000 i 4500")
    if local_id is not None:
        record.add_field(pymarc.Field(tag="001", data=local_id))
    record.add_field(
        pymarc.Field(tag="005", data="20240101120000.0"),
        pymarc.Field(tag="008", data=f"240101s{year}    kz            000 1 {language} d"),
    )
    if isbn:
        record.add_field(_field("020", [("a", isbn)]))
    if udc:
        record.add_field(_field("080", [("a", udc)]))
    record.add_field(
        _field("100", [("a", author)], "1 "),
        _field("245", [("a", title)], f"1{nonfiling}"),
        _field("260", [("a", "Алматы"), ("b", "Жазушы"), ("c", year)]),
    )
    for subject in subjects:
        record.add_field(_field("650", [("a", subject)], " 7"))
    return record


def _field(tag: str, subfields: list[tuple[str, str]], indicators: str = "  ") -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=list(indicators),
        subfields=[pymarc.Subfield(code, value) for code, value in subfields],
    )


def copy(barcode: str | None, shelf: str = "Абонемент", price: str = "1500.00") -> Holding:
    return Holding(
        barcode=barcode,
        inventory_number=None if barcode is None else f"инв-{barcode}",
        call_number="84(5Каз)",
        shelf_location=shelf,
        price=Decimal(price),
        currency="KZT",
    )


def incoming(
    record: pymarc.Record, *, holdings: list[Holding] | None = None, index: int = 0
) -> IncomingRecord:
    """A (SourceRecord, Conversion) pair for a converted record; local id from its 001."""
    control = record.get("001")
    source = SourceRecord(
        system=SourceSystem.MARC,
        raw=record.as_marc(),
        raw_format="iso2709",
        index=index,
        offset=index * 500,
        local_id=None if control is None else control.data,
        holdings=holdings or [],
        source_name="export.mrc",
    )
    return source, Conversion(record=record, flavour=Flavour.MARC21, encoding="utf-8")


def rejected(raw: bytes, *, index: int, offset: int, local_id: str | None = None) -> IncomingRecord:
    """A record the conversion step could not read."""
    source = SourceRecord(
        system=SourceSystem.MARC,
        raw=raw,
        raw_format="iso2709",
        index=index,
        offset=offset,
        local_id=local_id,
        source_name="export.mrc",
    )
    issue = Issue("bad-directory", "directory length is not a multiple of 12", Severity.ERROR)
    return source, Conversion(record=None, issues=[issue])
