"""MARC21 → simple Dublin Core, per the Library of Congress MARC to Dublin Core crosswalk.

https://www.loc.gov/marc/marc2dc.html, in the form of LC's MARC21slim2DC stylesheet
(whose output for the Sandburg record is our test oracle). Two deliberate
additions over that stylesheet's output, both from the crosswalk table itself:
``type`` is filled from leader/06 (the old stylesheet emits an empty element), and
ISBNs (020 $a) become ``identifier`` values ``URN:ISBN:…`` as LC's SRW DC does.

The crosswalk is written here rather than run as LC's XSLT: the SRW-DC stylesheet
joins subject subdivisions differently from the oracle, and the MODS stylesheet
crashes libxslt under lxml; a table in Python is also several times faster.
"""

from __future__ import annotations

from lxml import etree
from pymarc import Field, Record

DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
SRW_DC_NAMESPACE = "info:srw/schema/1/dc-schema"

_TYPE_OF_RECORD = {
    "a": "text",
    "t": "text",
    "e": "cartographic",
    "f": "cartographic",
    "c": "notated music",
    "d": "notated music",
    "i": "sound recording-nonmusical",
    "j": "sound recording-musical",
    "k": "still image",
    "g": "moving image",
    "o": "kit",
    "m": "software, multimedia",
    "p": "mixed material",
    "r": "three dimensional object",
}
_CREATOR_TAGS = ("100", "110", "111", "700", "710", "711", "720")
_SUBJECT_TAGS = ("600", "610", "611", "630", "650", "653")
_NOT_DESCRIPTION = {"506", "520", "521", "530", "540", "546"}


def dublin_core_elements(record: Record) -> list[tuple[str, str]]:
    """(element name, value) pairs in crosswalk order: title, creator, type, publisher…"""
    elements: list[tuple[str, str]] = []
    elements += [("title", _text(f, "abfghknps")) for f in record.get_fields("245")]
    elements += [("creator", _text(f)) for f in record.get_fields(*_CREATOR_TAGS)]
    elements.append(("type", _TYPE_OF_RECORD.get(str(record.leader)[6:7], "")))
    elements += [("type", _text(f)) for f in record.get_fields("655")]
    for field in record.get_fields("260", "264"):
        if publisher := _text(field, "ab"):
            elements.append(("publisher", publisher))
        elements += [("date", date) for date in field.get_subfields("c")]
    elements += [("language", code) for code in _languages(record)]
    elements += [("format", _text(f, "q")) for f in record.get_fields("856") if f.get("q")]
    elements += [("description", _text(f, "a")) for f in record.get_fields("520", "521")]
    elements += [
        ("description", _text(f, "a"))
        for f in record.fields
        if f.tag.startswith("5") and f.tag not in _NOT_DESCRIPTION and not f.is_control_field()
    ]
    elements += [("subject", _text(f, "abcdq")) for f in record.get_fields(*_SUBJECT_TAGS)]
    elements += [("coverage", _text(f)) for f in record.get_fields("651", "752")]
    elements += [("relation", _text(f, "ot")) for f in _linking_fields(record)]
    elements += [("identifier", "URN:ISBN:" + isbn) for isbn in _isbns(record)]
    elements += [
        ("identifier", url) for f in record.get_fields("856") for url in f.get_subfields("u")
    ]
    elements += [("rights", _text(f, "a")) for f in record.get_fields("506", "540")]
    return [(name, value) for name, value in elements if value]


def dublin_core_element(record: Record) -> etree._Element:
    """The SRU ``dc`` schema record: ``<srw_dc:dc>`` holding ``dc:*`` elements."""
    root = etree.Element(
        f"{{{SRW_DC_NAMESPACE}}}dc", nsmap={"srw_dc": SRW_DC_NAMESPACE, "dc": DC_NAMESPACE}
    )
    for name, value in dublin_core_elements(record):
        etree.SubElement(root, f"{{{DC_NAMESPACE}}}{name}").text = value
    return root


def _text(field: Field, codes: str | None = None) -> str:
    values = (sf.value for sf in field.subfields if codes is None or sf.code in codes)
    return " ".join(v.strip() for v in values if v.strip())


def _languages(record: Record) -> list[str]:
    codes: list[str] = []
    for field in record.get_fields("008"):
        code = (field.data or "")[35:38].strip()
        if len(code) == 3 and code.isalpha():
            codes.append(code)
    for field in record.get_fields("041"):
        codes += [c for c in field.get_subfields("a") if c not in codes]
    return codes


def _isbns(record: Record) -> list[str]:
    isbns = []
    for field in record.get_fields("020"):
        for value in field.get_subfields("a"):
            isbn = value.split(" ", 1)[0].rstrip(":;").strip()
            if isbn:
                isbns.append(isbn)
    return isbns


def _linking_fields(record: Record) -> list[Field]:
    return [f for f in record.fields if "760" <= f.tag <= "787" and not f.is_control_field()]
