"""The ZeeRex record Explain returns: server, database, indexes, schemas and limits.

Namespace ``http://explain.z3950.org/dtd/2.0/`` (what YAZ and Zebra emit), with the
element order of the OASIS ``explain.xsd`` so the record validates against it:
serverInfo, databaseInfo, metaInfo, indexInfo, searchInfo, schemaInfo, configInfo.
Everything listed comes from the same tables that check queries, so Explain
cannot advertise an index or schema the server would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from kitapbridge.sru_server.indexes import CONTEXT_SETS, INDEXES
from kitapbridge.sru_server.record_schemas import SCHEMAS

ZEEREX_NAMESPACE = "http://explain.z3950.org/dtd/2.0/"
ZEEREX_SCHEMA = ZEEREX_NAMESPACE
"""The recordSchema of an explain record is its namespace."""

_Z = f"{{{ZEEREX_NAMESPACE}}}"

FEATURES = {
    "sort": True,
    "resultSets": True,
    "scan": True,
    "facets": True,
    "emptyTerm": False,
    "proximity": True,
}


@dataclass(frozen=True, slots=True)
class DatabaseDescription:
    """What Explain says about the database behind one SRU base URL."""

    host: str
    port: int
    database: str
    """The URL path without its leading slash: ``sru`` or ``sru/KZ-AST-SCH001``."""
    title: str
    description: str
    date_modified: str
    """ISO 8601 time of the last change to the catalog."""
    default_records: int
    maximum_records: int
    maximum_terms: int


def explain_record(database: DatabaseDescription) -> etree._Element:
    """The ``<explain>`` element for one database."""
    explain = etree.Element(
        _Z + "explain",
        nsmap={None: ZEEREX_NAMESPACE},  # type: ignore[dict-item]
        authoritative="true",
    )
    server = _sub(explain, "serverInfo", protocol="SRU", version="2.0", transport="http")
    _sub(server, "host", database.host)
    _sub(server, "port", str(database.port))
    _sub(server, "database", database.database)
    info = _sub(explain, "databaseInfo")
    _sub(info, "title", database.title, lang="en", primary="true")
    _sub(info, "description", database.description, lang="en", primary="true")
    implementation = _sub(info, "implementation", identifier="kitapbridge")
    _sub(implementation, "title", "kitapbridge union catalog SRU server")
    meta = _sub(explain, "metaInfo")
    _sub(meta, "dateModified", database.date_modified)
    _index_info(explain)
    search = _sub(explain, "searchInfo")
    _sub(search, "queryExample", 'dc.title any "Қазақ тілі" and dc.date >= 2015')
    _sub(search, "queryExample", "bath.possessingInstitution = KZ-AST-SCH001")
    schemas = _sub(explain, "schemaInfo")
    for schema in SCHEMAS:
        element = _sub(schemas, "schema", identifier=schema.identifier, name=schema.name)
        element.set("sort", "false")
        element.set("retrieve", "true")
        _sub(element, "title", schema.title, lang="en")
    config = _sub(explain, "configInfo")
    _sub(config, "default", str(database.default_records), type="numberOfRecords")
    _sub(config, "default", "marcxml", type="retrieveSchema")
    _sub(config, "default", "cql.serverChoice", type="index")
    _sub(config, "default", "=", type="relation")
    _sub(config, "setting", str(database.maximum_records), type="maximumRecords")
    _sub(config, "setting", str(database.maximum_terms), type="maximumTerms")
    for feature, supported in FEATURES.items():
        _sub(config, "supports", _flag(supported), type=feature)
    _sub(config, "supports", "*", type="maskingCharacter")  # right truncation of a word
    for relation in ("=", "==", "<>", "<", ">", "<=", ">=", "adj", "any", "all", "within"):
        _sub(config, "supports", relation, type="relation")
    for modifier in ("ignoreCase", "respectCase", "masked", "unmasked", "word", "string"):
        _sub(config, "supports", modifier, type="relationModifier")
    for modifier in ("unit=word", "distance", "ordered", "unordered"):
        _sub(config, "supports", modifier, type="proximityModifier")
    return explain


def _index_info(explain: etree._Element) -> None:
    index_info = _sub(explain, "indexInfo")
    for context_set in CONTEXT_SETS:
        element = _sub(index_info, "set", name=context_set.name, identifier=context_set.identifier)
        _sub(element, "title", context_set.title, lang="en")
    for index in INDEXES:
        element = _sub(index_info, "index")
        element.set("search", "true")
        element.set("scan", _flag(index.scan))
        element.set("sort", _flag(index.sort))
        _sub(element, "title", index.title, lang="en")
        _sub(_sub(element, "map"), "name", index.name, set=index.context_set.name)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, _Z + tag, attributes)
    if text is not None:
        element.text = text
    return element
