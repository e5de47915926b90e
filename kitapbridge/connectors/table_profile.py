"""Mapping profiles: which column of a school's table feeds which MARC21 subfield or copy field.

A profile is a TOML file, one per source installation, versioned with the
import configuration (standards doc §1.3). Example::

    [profile]
    name = "Кітапхана 4.02, school 12"
    row_model = "title"        # one row per title; "copy": one row per copy
    encoding = "auto"          # or a pinned code page: "kz1048", "cp1251", …
    language = "kaz"           # 008/35-37 when no column gives it
    local_id = ["Код", "ID"]   # the column(s) whose value is the record's local id

    [[columns]]
    names = ["Автор", "Авторы", "Авторлар"]   # header synonyms, first found wins
    target = "100$a"
    parser = "author"          # "Фамилия И. О." → "Фамилия, И. О."
    split = ";"                # repeatable values …
    then = "700$a"             # … after the first go to this field

    [[columns]]
    names = ["Инв. №", "Түгендеу нөмірі"]
    holding = "inventory_number"
    split = ","

Every mistake is a ``ProfileError`` naming the entry (``columns[2].target``).
"""

from __future__ import annotations

import codecs
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from kitapbridge.connectors.errors import ProfileError

PARSERS = ("text", "title", "author", "isbn", "year", "imprint", "subjects", "language")
"""How a cell's text is read before it lands in its subfield (see ``table_record``)."""

HOLDING_ATTRIBUTES = (
    "barcode",
    "inventory_number",
    "call_number",
    "shelf_location",
    "sigla",
    "status",
    "price",
    "currency",
    "note",
)
"""``Holding`` fields a column can fill."""

ROW_MODELS = ("title", "copy")
BUILTIN_PROFILES = ("kitaphana_default", "kabis_print_list")

_TARGET = re.compile(r"(?P<tag>\d{3})\$(?P<code>[0-9a-z])")
_INDICATORS = re.compile(r"[0-9a-z ]{2}")
_PROFILE_KEYS = {"name", "row_model", "encoding", "language", "local_id", "group_by", "delimiter"}
_COLUMN_KEYS = {"names", "target", "holding", "parser", "indicators", "split", "then", "required"}


@dataclass(frozen=True)
class Target:
    """A MARC21 data field subfield such as ``245$a`` with the field's indicators."""

    tag: str
    code: str
    indicators: str = "  "


@dataclass(frozen=True)
class ColumnMapping:
    """One profile column: header synonyms → a subfield or a copy attribute."""

    names: tuple[str, ...]
    target: Target | None = None
    holding: str | None = None
    parser: str = "text"
    split: str | None = None
    then: Target | None = None
    required: bool = False


@dataclass(frozen=True)
class TableProfile:
    """A whole profile; ``source`` is where it was read from, for error messages."""

    name: str
    columns: tuple[ColumnMapping, ...]
    row_model: str = "title"
    encoding: str | None = None
    language: str | None = None
    local_id: tuple[str, ...] = ()
    group_by: tuple[str, ...] = ("245$a", "100$a", "260$c", "260$b")
    delimiter: str | None = None
    source: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)


def load_profile(path: str | Path) -> TableProfile:
    """Read and validate a TOML profile file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(str(path), "file", f"cannot be read: {error}") from error
    return parse_profile(text, str(path))


def builtin_profile(name: str) -> TableProfile:
    """A profile shipped in ``kitapbridge/connectors/profiles/`` (``kitaphana_default``, …)."""
    if name not in BUILTIN_PROFILES:
        raise ProfileError(
            name, "profile", f"no built-in profile {name!r}; have {BUILTIN_PROFILES}"
        )
    resource = resources.files("kitapbridge.connectors") / "profiles" / f"{name}.toml"
    return parse_profile(resource.read_text(encoding="utf-8"), f"built-in profile {name}")


def parse_profile(text: str, source: str) -> TableProfile:
    """Validate a profile's TOML text; ``source`` names it in every ``ProfileError``."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(source, "toml", str(error)) from error
    settings = _table(document.get("profile", {}), "profile", source)
    _reject_unknown(settings, _PROFILE_KEYS, "profile", source)
    columns_raw = document.get("columns")
    if not isinstance(columns_raw, list) or not columns_raw:
        raise ProfileError(source, "columns", "a profile needs at least one [[columns]] entry")
    columns = tuple(_column(entry, f"columns[{i}]", source) for i, entry in enumerate(columns_raw))
    if not any(c.target and (c.target.tag, c.target.code) == ("245", "a") for c in columns):
        raise ProfileError(source, "columns", "no column is mapped to the title (245$a)")
    row_model = _string(settings.get("row_model", "title"), "profile.row_model", source)
    if row_model not in ROW_MODELS:
        raise ProfileError(source, "profile.row_model", f"{row_model!r} is not one of {ROW_MODELS}")
    group_by = _strings(settings.get("group_by", TableProfile.group_by), "profile.group_by", source)
    for key in group_by:
        if not _TARGET.fullmatch(key):
            raise ProfileError(source, "profile.group_by", f"{key!r} is not a subfield like 245$a")
    encoding = _string(settings.get("encoding", "auto"), "profile.encoding", source)
    return TableProfile(
        name=_string(settings.get("name", source), "profile.name", source),
        columns=columns,
        row_model=row_model,
        encoding=None if encoding == "auto" else _checked_codec(encoding, source),
        language=_language(settings.get("language"), source),
        local_id=_strings(settings.get("local_id", []), "profile.local_id", source),
        group_by=group_by,
        delimiter=_delimiter(settings.get("delimiter", "auto"), source),
        source=source,
        settings=settings,
    )


def _column(entry: Any, key: str, source: str) -> ColumnMapping:
    entry = _table(entry, key, source)
    _reject_unknown(entry, _COLUMN_KEYS, key, source)
    names = _strings(entry.get("names"), f"{key}.names", source)
    if not names:
        raise ProfileError(source, f"{key}.names", "give at least one header name")
    target_text, holding = entry.get("target"), entry.get("holding")
    if (target_text is None) == (holding is None):
        raise ProfileError(source, key, "set exactly one of 'target' and 'holding'")
    if holding is not None and holding not in HOLDING_ATTRIBUTES:
        raise ProfileError(
            source, f"{key}.holding", f"{holding!r} is not one of {HOLDING_ATTRIBUTES}"
        )
    parser = _string(entry.get("parser", "text"), f"{key}.parser", source)
    if parser not in PARSERS:
        raise ProfileError(source, f"{key}.parser", f"{parser!r} is not one of {PARSERS}")
    indicators = _string(entry.get("indicators", "  "), f"{key}.indicators", source)
    if not _INDICATORS.fullmatch(indicators):
        raise ProfileError(
            source, f"{key}.indicators", f"{indicators!r}: two characters from 0-9, a-z, blank"
        )
    split = entry.get("split")
    if split is not None and (not isinstance(split, str) or not split):
        raise ProfileError(source, f"{key}.split", "the separator must be a non-empty string")
    then = entry.get("then")
    if then is not None and split is None:
        raise ProfileError(source, f"{key}.then", "'then' needs 'split' (values after the first)")
    required = entry.get("required", False)
    if not isinstance(required, bool):
        raise ProfileError(source, f"{key}.required", "must be true or false")
    return ColumnMapping(
        names=names,
        target=_target(target_text, indicators, f"{key}.target", source) if target_text else None,
        holding=holding,
        parser=parser,
        split=split,
        then=_target(then, "  ", f"{key}.then", source) if then is not None else None,
        required=required,
    )


def _target(value: Any, indicators: str, key: str, source: str) -> Target:
    text = _string(value, key, source)
    match = _TARGET.fullmatch(text)
    if not match:
        raise ProfileError(source, key, f"{text!r} is not a subfield like 245$a")
    if int(match["tag"]) < 10:
        raise ProfileError(source, key, f"{text!r}: control fields are built by the importer")
    return Target(match["tag"], match["code"], indicators)


def _table(value: Any, key: str, source: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProfileError(source, key, "must be a table")
    return value


def _reject_unknown(entry: Mapping[str, Any], allowed: set[str], key: str, source: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ProfileError(source, key, f"unknown keys {unknown}; allowed are {sorted(allowed)}")


def _string(value: Any, key: str, source: str) -> str:
    if not isinstance(value, str):
        raise ProfileError(source, key, f"must be a string, not {type(value).__name__}")
    return value


def _strings(value: Any, key: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Sequence) or not all(isinstance(item, str) for item in value):
        raise ProfileError(source, key, "must be a string or a list of strings")
    return tuple(value)


def _checked_codec(encoding: str, source: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError as error:
        raise ProfileError(source, "profile.encoding", f"unknown encoding {encoding!r}") from error


def _language(value: Any, source: str) -> str | None:
    if value is None:
        return None
    text = _string(value, "profile.language", source)
    if not re.fullmatch(r"[a-z]{3}", text):
        raise ProfileError(source, "profile.language", f"{text!r} is not a MARC language code")
    return text


def _delimiter(value: Any, source: str) -> str | None:
    text = _string(value, "profile.delimiter", source)
    if text == "auto":
        return None
    if len(text) != 1:
        raise ProfileError(source, "profile.delimiter", f"{text!r}: one character or 'auto'")
    return text
