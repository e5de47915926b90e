"""One table row (CSV, XLSX, DBF, HTML print list) → a minimal MARC21 record and its copies.

The profile (``table_profile``) says which column feeds which subfield. What
is built here is a *source* record: Leader/17 ``7`` (minimal level), 008 from
the year and language, 040 naming us as the transcribing agency, and the
cell texts as they are. Repairs (ISBN check digits, homoglyphs, Cyrillic Х in
an ISBN) belong to ``kitapbridge.marc`` normalisation, which also keeps the
original; a connector must not change what the school typed.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pymarc

from kitapbridge.connectors.base import Holding, HoldingStatus
from kitapbridge.connectors.errors import ProfileError
from kitapbridge.connectors.holding_values import (
    parse_price,
    parse_status,
    placeholder_inventory_note,
)
from kitapbridge.connectors.table_profile import ColumnMapping, TableProfile, Target
from kitapbridge.marc.issues import Issue

logger = logging.getLogger(__name__)

LEADER = "     nam a22     7c 4500"
"""New, language material, monograph, UTF-8, minimal level, ISBD punctuation omitted."""
CATALOGUING_AGENCY = "kitapbridge"
"""040 $a/$c: we transcribed the table into MARC (no MARC organisation code yet)."""

LANGUAGE_CODES = {
    "kaz": "kaz", "каз": "kaz", "қаз": "kaz", "казахский": "kaz", "қазақ": "kaz",
    "қазақша": "kaz", "kk": "kaz", "rus": "rus", "рус": "rus", "русский": "rus",
    "орыс": "rus", "орысша": "rus", "ru": "rus", "eng": "eng", "англ": "eng",
    "английский": "eng", "ағылшын": "eng", "ағылшынша": "eng", "en": "eng",
}  # fmt: skip

_INITIALS_AFTER_SURNAME = re.compile(r"(?P<surname>[^\s,.]+)\s+(?P<initials>(?:\w\.\s?){1,3})")
_YEAR = re.compile(r"(1[5-9]|20)\d\d")
_IMPRINT = re.compile(
    r"(?P<place>[^:]+?)\s*:\s*(?P<publisher>.+?)(?:\s*,\s*(?P<year>[^,]*\d{4}\D*))?"
)


@dataclass(frozen=True)
class ResolvedColumn:
    """A profile column matched to the header text it has in this particular table."""

    mapping: ColumnMapping
    header: str


def resolve_columns(
    profile: TableProfile, header: Sequence[str], source: str
) -> list[ResolvedColumn]:
    """Match the profile's header synonyms against a table's header row.

    Matching ignores case, surrounding blanks and a trailing colon. A column
    marked ``required`` that is absent, or a table that matches no column at
    all, is a ``ProfileError``: the profile does not fit the file.
    """
    by_key = {_header_key(name): name for name in header if name}
    resolved: list[ResolvedColumn] = []
    for position, mapping in enumerate(profile.columns):
        found = next((by_key[k] for k in map(_header_key, mapping.names) if k in by_key), None)
        if found is not None:
            resolved.append(ResolvedColumn(mapping, found))
        elif mapping.required:
            raise ProfileError(
                source,
                f"columns[{position}]",
                f"required column {list(mapping.names)} not in the header {list(header)}",
            )
    if not any(c.mapping.target and c.mapping.target.tag == "245" for c in resolved):
        raise ProfileError(
            source,
            "columns",
            f"profile {profile.name!r} finds no title column in the header {list(header)}",
        )
    used = {c.header for c in resolved} | set(_local_id_headers(profile, header))
    unmapped = [name for name in header if name and name not in used]
    if unmapped:
        logger.info("%s: columns not mapped by the profile (kept in raw): %s", source, unmapped)
    return resolved


def record_from_row(
    cells: Mapping[str, str],
    columns: Sequence[ResolvedColumn],
    profile: TableProfile,
    issues: list[Issue],
) -> pymarc.Record:
    """The MARC21 record of one row; cells are already decoded text.

    A value the profile's parser cannot map (a language with no MARC code) is
    appended to ``issues``; the cell stays in the row's raw bytes.
    """
    fields: dict[tuple[str, str], pymarc.Field] = {}
    repeated: list[pymarc.Field] = []
    year: str | None = None
    for column in columns:
        mapping, text = column.mapping, (cells.get(column.header) or "").strip()
        if not text or mapping.target is None:
            continue
        values = _split(text, mapping.split)
        for position, value in enumerate(values):
            target = mapping.then if position and mapping.then else mapping.target
            subfields = _parse_value(mapping.parser, target, value, issues)
            if not subfields:
                continue
            if mapping.split:
                repeated.append(_field(target, subfields))
            else:
                _merge(fields, target, subfields)
        if mapping.parser in {"year", "imprint"} and year is None:
            match = _YEAR.search(text)
            year = match.group() if match else None
    record = pymarc.Record(leader=LEADER, force_utf8=True)
    language = _first_language(list(fields.values()) + repeated) or profile.language
    record.add_field(pymarc.Field(tag="008", data=_fixed_length_data(year, language)))
    data_fields = sorted([*fields.values(), *repeated], key=lambda f: f.tag)
    has_main_entry = any(f.tag.startswith("1") for f in data_fields)
    record.add_field(
        pymarc.Field(
            tag="040",
            indicators=pymarc.Indicators(" ", " "),
            subfields=[
                pymarc.Subfield("a", CATALOGUING_AGENCY),
                pymarc.Subfield("c", CATALOGUING_AGENCY),
            ],
        )
    )
    for data_field in data_fields:
        if data_field.tag == "245":
            data_field.indicators = pymarc.Indicators(
                "1" if has_main_entry else "0", data_field.indicator2
            )
        record.add_ordered_field(data_field)
    return record


def holdings_from_row(cells: Mapping[str, str], columns: Sequence[ResolvedColumn]) -> list[Holding]:
    """The copies a row describes.

    A holding column with ``split`` lists one value per copy (``"101, 102"``);
    values line up by position across columns. A column without ``split``
    (a price, a sigla) applies to every copy. No copy columns, no holdings.
    """
    per_copy: dict[str, list[str]] = {}
    shared: dict[str, str] = {}
    for column in columns:
        attribute, text = column.mapping.holding, (cells.get(column.header) or "").strip()
        if attribute is None or not text:
            continue
        if column.mapping.split:
            per_copy[attribute] = _split(text, column.mapping.split)
        else:
            shared[attribute] = text
    count = max((len(values) for values in per_copy.values()), default=1 if shared else 0)
    holdings = []
    for position in range(count):
        values = dict(shared)
        for attribute, listed in per_copy.items():
            if position < len(listed):
                values[attribute] = listed[position]
        holdings.append(_holding(values))
    return holdings


def local_id_for(
    cells: Mapping[str, str], profile: TableProfile, header: Sequence[str], record: pymarc.Record
) -> str:
    """The row's id column when the profile names one, otherwise a key from the description.

    Print lists often have no stable id; a hash of the title, author, year and
    publisher stays the same across re-exports as long as the description does,
    so a re-import updates the record instead of adding a copy of it.
    """
    for name in _local_id_headers(profile, header):
        value = (cells.get(name) or "").strip()
        if value:
            return value
    digest = hashlib.sha1(group_key(record, profile).encode("utf-8"), usedforsecurity=False)
    return "key:" + digest.hexdigest()[:16]


def group_key(record: pymarc.Record, profile: TableProfile) -> str:
    """The normalised description that groups copy rows into one title (``profile.group_by``)."""
    parts = []
    for target in profile.group_by:
        tag, code = target.split("$")
        values = [v for f in record.get_fields(tag) for v in f.get_subfields(code)]
        parts.append(_normalise_for_key(values[0]) if values else "")
    return "|".join(parts)


def _local_id_headers(profile: TableProfile, header: Sequence[str]) -> list[str]:
    keys = {_header_key(name) for name in profile.local_id}
    return [name for name in header if name and _header_key(name) in keys]


def _header_key(name: str) -> str:
    return " ".join(name.replace("\u00a0", " ").split()).rstrip(":").casefold()


def _normalise_for_key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _split(text: str, separator: str | None) -> list[str]:
    if separator is None:
        return [text]
    return [part.strip() for part in text.split(separator) if part.strip()]


def _parse_value(
    parser: str, target: Target, value: str, issues: list[Issue]
) -> list[pymarc.Subfield]:
    if parser == "author":
        return [pymarc.Subfield(target.code, _inverted_name(value))]
    if parser == "isbn":
        cleaned = re.sub(r"^\s*ISBN[:\s]*", "", value, flags=re.IGNORECASE).strip()
        return [pymarc.Subfield(target.code, cleaned)] if cleaned else []
    if parser == "language":
        code = LANGUAGE_CODES.get(value.strip().rstrip(".").casefold())
        if code is None:
            issues.append(
                Issue("unknown-language", f"language {value!r} has no MARC code; not mapped")
            )
            return []
        return [pymarc.Subfield(target.code, code)]
    if parser == "imprint":
        return _imprint(value)
    if parser == "title" and target.code == "a" and " : " in value:
        title, remainder = value.split(" : ", 1)
        return [pymarc.Subfield("a", title.strip()), pymarc.Subfield("b", remainder.strip())]
    return [pymarc.Subfield(target.code, value)]


def _inverted_name(value: str) -> str:
    """``Әуезов М. О.`` → ``Әуезов, М. О.``; names already inverted or without initials stay."""
    match = _INITIALS_AFTER_SURNAME.fullmatch(value.strip())
    if match is None or "," in value:
        return value.strip()
    return f"{match['surname']}, {match['initials'].strip()}"


def _imprint(value: str) -> list[pymarc.Subfield]:
    """``Алматы : Мектеп, 2019`` → 260 $a place $b publisher $c year (ISBD-style pub info)."""
    match = _IMPRINT.fullmatch(value.strip())
    if match is None:
        year = _YEAR.search(value)
        rest = value.replace(year.group(), "").strip(" ,.") if year else value.strip()
        subfields = [pymarc.Subfield("b", rest)] if rest else []
        return subfields + ([pymarc.Subfield("c", year.group())] if year else [])
    subfields = [
        pymarc.Subfield("a", match["place"].strip()),
        pymarc.Subfield("b", match["publisher"].strip()),
    ]
    if match["year"]:
        subfields.append(pymarc.Subfield("c", match["year"].strip()))
    return subfields


def _field(target: Target, subfields: list[pymarc.Subfield]) -> pymarc.Field:
    return pymarc.Field(
        tag=target.tag,
        indicators=pymarc.Indicators(target.indicators[0], target.indicators[1]),
        subfields=subfields,
    )


def _merge(
    fields: dict[tuple[str, str], pymarc.Field], target: Target, subfields: list[pymarc.Subfield]
) -> None:
    """Single-valued columns of one tag build one field (245 $a $b $c, 260 $a $b $c).

    The first column to fill a subfield wins; a later column with the same
    subfield (a year column next to a full imprint) is not repeated.
    """
    key = (target.tag, target.indicators)
    existing = fields.get(key)
    if existing is None:
        fields[key] = _field(target, subfields)
        return
    present = {subfield.code for subfield in existing.subfields}
    for subfield in subfields:
        if subfield.code not in present:
            existing.add_subfield(subfield.code, subfield.value)
    existing.subfields.sort(key=lambda s: (s.code.isdigit(), s.code))


def _first_language(fields: Sequence[pymarc.Field]) -> str | None:
    for data_field in fields:
        if data_field.tag == "041" and data_field.get_subfields("a"):
            return str(data_field.get_subfields("a")[0])
    return None


def _fixed_length_data(year: str | None, language: str | None) -> str:
    """008 for books: date entered unknown (``|`` fill), single date or ``n``, language."""
    date_type, date1 = ("s", year) if year else ("n", "uuuu")
    fixed = f"{'|' * 6}{date_type}{date1}{' ' * 4}xx {'|' * 17}{language or 'und'} d"
    return fixed


def _holding(values: Mapping[str, Any]) -> Holding:
    inventory = values.get("inventory_number")
    notes = [values["note"]] if values.get("note") else []
    placeholder = placeholder_inventory_note(inventory)
    if placeholder:
        notes.append(placeholder)
        inventory = None
    price: Decimal | None = parse_price(values.get("price"))
    status = parse_status(values.get("status"))
    return Holding(
        barcode=values.get("barcode"),
        inventory_number=inventory,
        call_number=values.get("call_number"),
        shelf_location=values.get("shelf_location"),
        sigla=values.get("sigla"),
        status=status if values.get("status") else HoldingStatus.AVAILABLE,
        price=price,
        # School tables give prices without a currency: tenge, the only one they use.
        currency=values.get("currency") or ("KZT" if price is not None else None),
        note="; ".join(notes) or None,
    )
