"""MARC21 → MODS 3.7 core elements, after LC's MARC to MODS mapping.

https://www.loc.gov/standards/mods/mods-mapping.html. Core means what a copy
cataloguer or a discovery layer reads: titleInfo, name (with role), typeOfResource,
genre, originInfo, language, physicalDescription, abstract, note, subject,
classification, identifier, location (holding schools) and recordInfo. LC's own
XSLT (MARC21slim2MODS3-7.xsl) crashes libxslt under lxml, so the mapping is here.
"""

from __future__ import annotations

from lxml import etree
from pymarc import Field, Record

MODS_NAMESPACE = "http://www.loc.gov/mods/v3"
MODS_VERSION = "3.7"
_M = f"{{{MODS_NAMESPACE}}}"

_TYPE_OF_RESOURCE = {
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
    "o": "mixed material",
    "p": "mixed material",
    "m": "software, multimedia",
    "r": "three dimensional object",
}
_NAME_TYPES = {"0": "personal", "1": "corporate", "2": "conference"}
_CLASSIFICATIONS = {"050": "lcc", "060": "nlm", "080": "udc", "082": "ddc"}
_ISSUANCE = {"m": "monographic", "s": "serial", "i": "integrating resource"}


def mods_element(record: Record) -> etree._Element:
    """``<mods version="3.7">`` with the core elements of one bibliographic record."""
    mods = etree.Element(
        _M + "mods",
        nsmap={None: MODS_NAMESPACE},  # type: ignore[dict-item]
        version=MODS_VERSION,
    )
    _title_info(mods, record)
    _names(mods, record)
    leader = str(record.leader)
    if resource_type := _TYPE_OF_RESOURCE.get(leader[6:7]):
        _sub(mods, "typeOfResource", resource_type)
    for field in record.get_fields("655"):
        _sub(mods, "genre", _text(field, "abvxyz"), authority=field.get("2"))
    _origin_info(mods, record, leader)
    for code in _languages(record):
        language = _sub(mods, "language")
        _sub(language, "languageTerm", code, authority="iso639-2b", type="code")
    for field in record.get_fields("300"):
        description = _sub(mods, "physicalDescription")
        _sub(description, "extent", _text(field, "abcefg"))
    for field in record.get_fields("520"):
        _sub(mods, "abstract", _text(field, "ab"))
    for field in record.fields:
        if (
            field.tag.startswith("5")
            and field.tag not in {"520", "505"}
            and not field.is_control_field()
        ):
            _sub(mods, "note", _text(field, "a"))
    _subjects(mods, record)
    _classifications(mods, record)
    for field in record.get_fields("020"):
        for isbn in field.get_subfields("a"):
            _sub(mods, "identifier", isbn.split(" ", 1)[0].rstrip(":;"), type="isbn")
    for field in record.get_fields("022"):
        for issn in field.get_subfields("a"):
            _sub(mods, "identifier", issn, type="issn")
    for field in record.get_fields("852"):
        if school := field.get("a"):
            location = _sub(mods, "location")
            _sub(location, "physicalLocation", school, authority="isil")
    _record_info(mods, record)
    return mods


def _sub(
    parent: etree._Element, name: str, text: str | None = None, **attributes: str | None
) -> etree._Element:
    element = etree.SubElement(
        parent, _M + name, {k: v for k, v in attributes.items() if v is not None}
    )
    if text is not None:
        element.text = text
    return element


def _text(field: Field, codes: str) -> str:
    return " ".join(
        sf.value.strip() for sf in field.subfields if sf.code in codes and sf.value.strip()
    )


def _title_info(mods: etree._Element, record: Record) -> None:
    for field in record.get_fields("245"):
        title_info = _sub(mods, "titleInfo")
        title = field.get("a") or ""
        skip = int(field.indicator2) if field.indicator2.isdigit() else 0
        if skip:
            _sub(title_info, "nonSort", title[:skip])
        _sub(title_info, "title", _strip_isbd(title[skip:]))
        if subtitle := field.get("b"):
            _sub(title_info, "subTitle", _strip_isbd(subtitle))
        for number in field.get_subfields("n"):
            _sub(title_info, "partNumber", _strip_isbd(number))
        for name in field.get_subfields("p"):
            _sub(title_info, "partName", _strip_isbd(name))


def _names(mods: etree._Element, record: Record) -> None:
    for field in record.get_fields("100", "110", "111", "700", "710", "711"):
        kind = _NAME_TYPES.get(field.tag[2], "personal")
        attributes = {"usage": "primary"} if field.tag.startswith("1") else {}
        name = _sub(mods, "name", type=kind, **attributes)
        _sub(name, "namePart", _strip_isbd(_text(field, "abcq")))
        for dates in field.get_subfields("d"):
            _sub(name, "namePart", _strip_isbd(dates), type="date")
        for term in field.get_subfields("e"):
            role = _sub(name, "role")
            _sub(role, "roleTerm", _strip_isbd(term), type="text")
        for code in field.get_subfields("4"):
            role = _sub(name, "role")
            _sub(role, "roleTerm", code, authority="marcrelator", type="code")


def _origin_info(mods: etree._Element, record: Record, leader: str) -> None:
    fields = record.get_fields("260", "264")
    edition = record.get_fields("250")
    if not fields and not edition:
        return
    origin = _sub(mods, "originInfo")
    for field in fields:
        for place in field.get_subfields("a"):
            _sub(_sub(origin, "place"), "placeTerm", _strip_isbd(place), type="text")
        for publisher in field.get_subfields("b"):
            _sub(origin, "publisher", _strip_isbd(publisher))
        for date in field.get_subfields("c"):
            _sub(origin, "dateIssued", _strip_isbd(date).rstrip("."))
    for field in edition:
        _sub(origin, "edition", _strip_isbd(field.get("a") or ""))
    if issuance := _ISSUANCE.get(leader[7:8]):
        _sub(origin, "issuance", issuance)


def _subjects(mods: etree._Element, record: Record) -> None:
    for field in record.get_fields("600", "610", "611", "630", "650", "651", "653"):
        subject = _sub(mods, "subject", authority=_subject_authority(field))
        if field.tag in {"600", "610", "611"}:
            name = _sub(subject, "name", type=_NAME_TYPES.get(field.tag[2], "personal"))
            _sub(name, "namePart", _strip_isbd(_text(field, "abcdq")))
        elif field.tag == "651":
            _sub(subject, "geographic", _strip_isbd(field.get("a") or ""))
        else:
            _sub(subject, "topic", _strip_isbd(field.get("a") or ""))
        for code, element in (
            ("x", "topic"),
            ("z", "geographic"),
            ("y", "temporal"),
            ("v", "genre"),
        ):
            for value in field.get_subfields(code):
                _sub(subject, element, _strip_isbd(value))


def _subject_authority(field: Field) -> str | None:
    if field.indicator2 == "7":
        return field.get("2")
    return {"0": "lcsh", "1": "lcshac", "2": "mesh", "5": "csh", "6": "rvm"}.get(field.indicator2)


def _classifications(mods: etree._Element, record: Record) -> None:
    for tag, authority in _CLASSIFICATIONS.items():
        for field in record.get_fields(tag):
            _sub(mods, "classification", _text(field, "ab"), authority=authority)
    for field in record.get_fields("084"):
        _sub(mods, "classification", _text(field, "a"), authority=field.get("2"))


def _languages(record: Record) -> list[str]:
    codes = [
        (f.data or "")[35:38]
        for f in record.get_fields("008")
        if (f.data or "")[35:38].strip().isalpha()
    ]
    for field in record.get_fields("041"):
        codes += [c for c in field.get_subfields("a") if c not in codes]
    return codes


def _record_info(mods: etree._Element, record: Record) -> None:
    info = _sub(mods, "recordInfo")
    for field in record.get_fields("040"):
        if source := field.get("a"):
            _sub(info, "recordContentSource", source, authority="marcorg")
    for field in record.get_fields("005"):
        _sub(info, "recordChangeDate", (field.data or "").strip(), encoding="iso8601")
    for field in record.get_fields("001"):
        source = next((f.data for f in record.get_fields("003")), None)
        _sub(info, "recordIdentifier", (field.data or "").strip(), source=source)
    _sub(info, "recordOrigin", "Converted from MARC21 to MODS 3.7 by kitapbridge")


def _strip_isbd(value: str) -> str:
    """Drop the trailing ISBD punctuation MARC carries (`` /``, `` :``, ``,``, ``;``)."""
    return value.strip().rstrip(" /:;,=").strip()
