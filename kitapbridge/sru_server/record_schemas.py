"""The record schemas SRU can return, by identifier and short name.

Requests may name a schema by its URI or by a short name from Explain; responses
always carry the full URI (SRU 1.2 §"recordSchema"). Identifiers other servers use
for the same schema (yaz-ztest's ``marcxml-1.1`` without the "v", DNB's
``MARC21-xml``, MODS minor versions) are accepted as aliases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree
from pymarc import Record

from kitapbridge.sru_server.dublin_core import SRW_DC_NAMESPACE, dublin_core_element
from kitapbridge.sru_server.marcxml import MARCXML_NAMESPACE, marcxml_element
from kitapbridge.sru_server.mods import MODS_NAMESPACE, mods_element

DIAGNOSTIC_SCHEMA = "info:srw/schema/1/diagnostics-v1.1"
"""``recordSchema`` of a surrogate diagnostic (what YAZ and the CLARIN server send)."""


@dataclass(frozen=True, slots=True)
class RecordSchema:
    """A schema a record can be rendered in."""

    identifier: str
    name: str
    title: str
    namespace: str
    render: Callable[[Record], etree._Element]
    aliases: frozenset[str] = frozenset()


MARCXML = RecordSchema(
    "info:srw/schema/1/marcxml-v1.1",
    "marcxml",
    "MARCXML (MARC 21 slim)",
    MARCXML_NAMESPACE,
    marcxml_element,
    frozenset(
        {"marcxml-v1.1", "marc21", "marc21-xml", "info:srw/schema/1/marcxml-1.1", MARCXML_NAMESPACE}
    ),
)
DUBLIN_CORE = RecordSchema(
    "info:srw/schema/1/dc-v1.1",
    "dc",
    "Dublin Core (LC MARC to Dublin Core crosswalk)",
    SRW_DC_NAMESPACE,
    dublin_core_element,
    frozenset({"dc-v1.1", "info:srw/schema/1/dc-schema", "http://purl.org/dc/elements/1.1/"}),
)
MODS = RecordSchema(
    "info:srw/schema/1/mods-v3.7",
    "mods",
    "MODS 3.7 (core elements)",
    MODS_NAMESPACE,
    mods_element,
    frozenset({"mods-v3.7", MODS_NAMESPACE} | {f"info:srw/schema/1/mods-v3.{n}" for n in range(8)}),
)
SCHEMAS = (MARCXML, DUBLIN_CORE, MODS)
DEFAULT_SCHEMA = MARCXML


def find_schema(requested: str) -> RecordSchema | None:
    """The schema a request names (URI, short name or alias; short names case-insensitive)."""
    lowered = requested.lower()
    for schema in SCHEMAS:
        if requested == schema.identifier or lowered == schema.name:
            return schema
        if requested in schema.aliases or lowered in schema.aliases:
            return schema
    return None
