"""The search query model: what CQL (SRU), RPN (Z39.50) and the console translate into.

A query is a tree of ``TermClause`` (words in an index), ``ProximityClause`` (two
words near each other in one field), ``RangeClause`` (publication year or
last-modification time) and ``BooleanClause`` (and, or, not), or ``MatchAll``.
``catalog.search`` turns it into one parameterised SQL statement over the term index.
Protocol packages build these objects and never SQL; they map the errors below onto
their own diagnostics.

Index names (``TermClause.index``), with what they cover:

=============  ==========================================================
``title``      245, 246, 240, 130, 730, 740 ($a $b $n $p)
``creator``    100/110/111, 700/710/711 ($a $b $c $d $q)
``subject``    600–655 (descriptive subfields)
``publisher``  260 $b, 264 $b (publication)
``date``       publication year (008/07-10, else 260/264 $c)
``isbn``       020 $a $z, as ISBN-13 and ISBN-10 digits
``issn``       022 $a $y $z, eight characters
``identifier`` isbn, issn and control numbers (001, 035 $a)
``language``   008/35-37 and 041 $a (MARC language codes)
``udc``        080 $a, whole notation (``821.512.122``)
``bbk``        084 $a with $2 rubbk/bbk, whole notation
``description`` notes: 500 $a, 520 $a (words; whole fields in ``index_phrases`` only)
``type``       leader/06 type of record, 008/23 form of item (``text``, ``electronic``…)
``any``        every index above
``record``     the stored record id (SRU ``rec.id``), whole numbers
``region``     the region of the record's school (``schools.region``), words
=============  ==========================================================

``record`` and ``region`` are not in the term index: they are answered from
``source_records.id`` and from the (small) ``schools`` table.

Words are folded like the index (``kitapbridge.text.skeleton_words``): case,
diacritics, Kazakh Cyrillic vs 2021 Latin and homoglyphs do not matter. A word
ending in ``*`` is a prefix (right truncation); other masking is not supported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kitapbridge.catalog.models import SearchIndex
from kitapbridge.errors import KitapbridgeError

INDEXES: dict[str, frozenset[SearchIndex]] = {
    "title": frozenset({SearchIndex.TITLE}),
    "creator": frozenset({SearchIndex.CREATOR}),
    "subject": frozenset({SearchIndex.SUBJECT}),
    "publisher": frozenset({SearchIndex.PUBLISHER}),
    "date": frozenset({SearchIndex.DATE}),
    "isbn": frozenset({SearchIndex.ISBN}),
    "issn": frozenset({SearchIndex.ISSN}),
    "identifier": frozenset({SearchIndex.ISBN, SearchIndex.ISSN, SearchIndex.CONTROL_NUMBER}),
    "language": frozenset({SearchIndex.LANGUAGE}),
    "udc": frozenset({SearchIndex.UDC}),
    "bbk": frozenset({SearchIndex.BBK}),
    "description": frozenset({SearchIndex.DESCRIPTION}),
    "type": frozenset({SearchIndex.TYPE}),
    "any": frozenset(SearchIndex),
}
"""Query index name → the stored indexes it searches."""

RECORD_INDEX = "record"
"""Record ids (not in the term index)."""
REGION_INDEX = "region"
"""The holding school's region (not in the term index)."""


class Relation(StrEnum):
    """How the words of a term clause must occur (CQL ``all``/``=``, ``any``, ``adj``, ``==``)."""

    ALL = "all"
    """Every word, anywhere in the index (CQL ``all``; ``=`` with several words)."""
    ANY = "any"
    """At least one of the words."""
    ADJ = "adj"
    """The words next to each other, in this order, within one field (a phrase)."""
    EXACT = "exact"
    """The whole field is exactly these words (CQL ``==`` / ``exact``)."""


class BooleanOperator(StrEnum):
    AND = "and"
    OR = "or"
    NOT = "not"
    """``left NOT right``: records matching left and not right (CQL semantics)."""


class RangeField(StrEnum):
    DATE = "date"
    """Publication year, compared as an integer."""
    MODIFIED = "modified"
    """When the record's content last changed (SRU ``rec.lastModificationDate``, OAI datestamp)."""


class SortKey(StrEnum):
    ID = "id"
    TITLE = "title"
    CREATOR = "creator"
    DATE = "date"
    MODIFIED = "modified"


@dataclass(frozen=True)
class TermClause:
    index: str
    text: str
    relation: Relation = Relation.ALL
    case_sensitive: bool = False
    """The words as written, case included (CQL ``/respectCase``): title, creator,
    subject, publisher and any; matched on the case-keeping phrases."""


@dataclass(frozen=True)
class RangeClause:
    """``low <= field <= high`` (either bound may be None; each may be exclusive)."""

    field: RangeField
    low: int | datetime | None = None
    high: int | datetime | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True


@dataclass(frozen=True)
class BooleanClause:
    operator: BooleanOperator
    left: Query
    right: Query


class Comparison(StrEnum):
    """How a proximity distance compares (CQL ``prox/distance<op>n``)."""

    EQ = "="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    NE = "<>"


@dataclass(frozen=True)
class ProximityClause:
    """Two words of one index in one field, ``distance`` positions apart (CQL ``prox``).

    Adjacent words are 1 apart; ``ordered`` wants ``right`` after ``left``. Each word
    may end in ``*`` (a prefix). Evaluated on the whole-field phrases (``index_phrases``).
    """

    index: str
    left: str
    right: str
    comparison: Comparison = Comparison.LE
    distance: int = 1
    ordered: bool = False


@dataclass(frozen=True)
class MatchAll:
    """Every (live) record: CQL ``cql.allRecords = 1``."""


Query = TermClause | RangeClause | ProximityClause | BooleanClause | MatchAll


@dataclass(frozen=True)
class Sort:
    """Sort by ``key``, then by each of ``then`` (key, descending) for ties, then by id.

    Keyset paging (``Cursor``) follows the first key only; a sort with ``then`` keys is
    paged by position (SRU keeps such results as hit lists).
    """

    key: SortKey = SortKey.ID
    descending: bool = False
    then: tuple[tuple[SortKey, bool], ...] = ()

    @property
    def keys(self) -> tuple[tuple[SortKey, bool], ...]:
        """Every (key, descending) in order."""
        return ((self.key, self.descending), *self.then)


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the last record's sort value and id (keyset paging).

    ``token()`` / ``Cursor.from_token()`` give an opaque string for a URL or a
    result-set id.
    """

    value: str | int
    record_id: int

    def token(self) -> str:
        kind = "i" if isinstance(self.value, int) else "s"
        return f"{self.record_id}:{kind}:{self.value}"

    @classmethod
    def from_token(cls, token: str) -> Cursor:
        try:
            record_id, kind, value = token.split(":", 2)
            return cls(int(value) if kind == "i" else value, int(record_id))
        except ValueError as error:
            raise QueryError(f"not a result cursor: {token!r}") from error


class QueryError(KitapbridgeError):
    """A query the catalog cannot run; protocol layers map it onto a diagnostic."""


class UnknownIndexError(QueryError):
    """The index name is not one of ``INDEXES`` (SRU diagnostic 16)."""

    def __init__(self, index: str) -> None:
        super().__init__(f"unsupported index: {index!r}")
        self.index = index


class UnsupportedMaskingError(QueryError):
    """Masking other than a trailing ``*`` (SRU diagnostics 28–31)."""

    def __init__(self, term: str) -> None:
        super().__init__(f"only right truncation with a trailing '*' is supported: {term!r}")
        self.term = term


class EmptyTermError(QueryError):
    """A term with no searchable word left after folding (SRU diagnostic 27)."""

    def __init__(self, text: str) -> None:
        super().__init__(f"no searchable word in {text!r}")
        self.text = text
