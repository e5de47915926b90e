"""The CQL context sets and indexes the SRU server honours, and what each maps to.

One table drives query checking (diagnostics 15/16/19/22), Explain's ``indexInfo``
and the hand-over to the catalog: each :class:`IndexDefinition` names the catalog
search field (``title``, ``creator``…) that ``kitapbridge.catalog.search`` queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class ContextSet:
    """A CQL context set: its usual short name, identifier and accepted aliases."""

    name: str
    identifier: str
    title: str
    aliases: frozenset[str] = frozenset()
    other_identifiers: frozenset[str] = frozenset()


CQL = ContextSet(
    "cql",
    "info:srw/cql-context-set/1/cql-v1.2",
    "CQL context set 1.2",
    aliases=frozenset({"srw"}),  # the CQL 1.0 name, still sent by old clients
    other_identifiers=frozenset({"info:srw/cql-context-set/1/cql-v1.1"}),
)
DC = ContextSet("dc", "info:srw/cql-context-set/1/dc-v1.1", "Dublin Core context set")
BATH = ContextSet("bath", "http://zing.z3950.org/cql/bath/2.0/", "Bath profile context set")
REC = ContextSet(
    "rec",
    "info:srw/cql-context-set/2/rec-1.1",
    "Record metadata context set",
    other_identifiers=frozenset({"http://srw.cheshire3.org/contextSets/rec/1.0/"}),
)
KZ = ContextSet(
    "kz",
    "info:kitapbridge/cql-context-set/kz-1.0",
    "Kazakhstan school libraries: classification and schools",
)
CONTEXT_SETS = (CQL, DC, BATH, REC, KZ)

SORT_CONTEXT_SET = "info:srw/cql-context-set/1/sort-v1.0"
"""The ``sort`` set, whose members are only modifiers of sortBy keys."""


class IndexKind(StrEnum):
    """How an index compares terms, which decides the relations it accepts."""

    WORDS = "words"
    """Free text: words are case-folded and NFC-normalised."""
    CODE = "code"
    """Identifiers and codes (ISBN, ISIL, BBK): compared whole, masks allowed."""
    ORDERED = "ordered"
    """Years and timestamps: compared in order."""
    ALL_RECORDS = "allRecords"
    """``cql.allRecords``: matches every record whatever the term."""


RELATIONS = {
    IndexKind.WORDS: frozenset({"=", "==", "<>", "adj", "any", "all"}),
    IndexKind.CODE: frozenset({"=", "==", "<>", "any"}),
    IndexKind.ORDERED: frozenset({"=", "==", "<>", "<", ">", "<=", ">=", "within"}),
    IndexKind.ALL_RECORDS: frozenset({"=", "==", "any", "all", "adj"}),
}
"""Relations (CQL 1.2 names; ``exact``/``scr`` map onto ``==``/``=``) per index kind."""


@dataclass(frozen=True, slots=True)
class IndexDefinition:
    """One CQL index: where it lives, what the catalog calls it, and what it can do."""

    context_set: ContextSet
    name: str
    field: str
    """The catalog search field this index queries."""
    title: str
    kind: IndexKind = IndexKind.WORDS
    scan: bool = False
    sort: bool = False

    @property
    def qualified_name(self) -> str:
        """``set.name``, as written in CQL and listed in Explain."""
        return f"{self.context_set.name}.{self.name}"

    @property
    def relations(self) -> frozenset[str]:
        """The relations this index accepts."""
        return RELATIONS[self.kind]


def _index(
    context_set: ContextSet,
    name: str,
    field: str,
    title: str,
    kind: IndexKind = IndexKind.WORDS,
    *,
    scan: bool = False,
    sort: bool = False,
) -> IndexDefinition:
    return IndexDefinition(context_set, name, field, title, kind, scan, sort)


WORDS, CODE, ORDERED = IndexKind.WORDS, IndexKind.CODE, IndexKind.ORDERED

RESULT_SET_FIELD = "result_set"
"""Not a term index: ``cql.resultSetId = id`` stands for the query of that result set."""

SCHOOL_FIELD = "school"
"""Not a term index: the catalog restricts a search to one school's records instead, so
a school clause is honoured as a conjunct of the whole query (``… and kz.school = X``)."""

INDEXES: tuple[IndexDefinition, ...] = (
    _index(CQL, "serverChoice", "any", "any word in the record"),
    _index(CQL, "anywhere", "any", "any word in the record"),
    _index(CQL, "allIndexes", "any", "any word in the record"),
    _index(CQL, "anyIndexes", "any", "any word in the record"),
    _index(CQL, "keywords", "any", "any word in the record"),
    _index(CQL, "allRecords", "all", "every record", IndexKind.ALL_RECORDS),
    _index(CQL, "resultSetId", RESULT_SET_FIELD, "records of an earlier result set", CODE),
    _index(DC, "title", "title", "title", scan=True, sort=True),
    _index(DC, "creator", "creator", "author", scan=True, sort=True),
    _index(DC, "author", "creator", "author", scan=True, sort=True),
    _index(DC, "contributor", "creator", "author or contributor"),
    _index(DC, "subject", "subject", "subject", scan=True),
    _index(DC, "publisher", "publisher", "publisher", scan=True),
    _index(DC, "description", "description", "notes and summary (500, 520)"),
    _index(DC, "type", "type", "kind of resource (text, electronic, notated music…)"),
    _index(DC, "date", "date", "year of publication", ORDERED, sort=True),
    _index(DC, "identifier", "identifier", "ISBN, ISSN or control number", CODE),
    _index(DC, "language", "language", "language code (MARC, e.g. kaz)", CODE),
    _index(BATH, "keyTitle", "title", "title"),
    _index(BATH, "uniformTitle", "title", "uniform title"),
    _index(BATH, "name", "creator", "any name"),
    _index(BATH, "personalName", "creator", "personal name"),
    _index(BATH, "corporateName", "creator", "corporate name"),
    _index(BATH, "conferenceName", "creator", "conference name"),
    _index(BATH, "topicalSubject", "subject", "topical subject"),
    _index(BATH, "geographicName", "subject", "geographic subject"),
    _index(BATH, "genreForm", "subject", "genre or form"),
    _index(BATH, "isbn", "isbn", "ISBN", CODE),
    _index(BATH, "issn", "issn", "ISSN", CODE),
    _index(BATH, "possessingInstitution", SCHOOL_FIELD, "holding school (ISIL)", CODE),
    _index(REC, "id", "record", "record identifier (recordIdentifier)", CODE),
    _index(REC, "lastModificationDate", "modified", "last modified (ISO 8601)", ORDERED, sort=True),
    _index(KZ, "bbk", "bbk", "BBK classification (084 $2 rubbk)", CODE, scan=True),
    _index(KZ, "udc", "udc", "UDC classification (080)", CODE, scan=True),
    _index(KZ, "school", SCHOOL_FIELD, "holding school (ISIL)", CODE),
    _index(KZ, "region", "region", "region of the holding school (e.g. Алматы облысы)"),
)


def find_context_set(prefix_or_uri: str) -> ContextSet | None:
    """The context set with this short name, alias or identifier (names case-insensitive)."""
    lowered = prefix_or_uri.lower()
    for context_set in CONTEXT_SETS:
        if lowered == context_set.name or lowered in context_set.aliases:
            return context_set
        identifiers = {context_set.identifier, *context_set.other_identifiers}
        if prefix_or_uri in identifiers:
            return context_set
    return None


_BY_NAME = {(i.context_set.name, i.name.lower()): i for i in INDEXES}


def find_index(context_set: ContextSet, name: str) -> IndexDefinition | None:
    """The index ``name`` (case-insensitive) of a context set."""
    return _BY_NAME.get((context_set.name, name.lower()))
