"""The query model: a small typed tree for CQL 1.2 queries.

This is the one query representation the catalog search, SRU, OAI-PMH and the
Z39.50 target share. SRU builds it from CQL text (:mod:`kitapbridge.cql.parser`),
Z39.50 builds it from RPN; ``kitapbridge.catalog.search`` translates it to SQL.
It holds what the query *says*, not what any index supports: checking indexes
and relations against a server's capabilities happens at the protocol boundary.

Terms are kept as written in CQL (escapes included, quotes removed), exactly as
XCQL carries them; :func:`term_pieces` interprets masking and escapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from kitapbridge.cql.errors import InvalidEscape

SERVER_CHOICE = "cql.serverChoice"
"""The index of a bare term (CQL 1.2 §"searchClause")."""

ALL_RECORDS = "cql.allRecords"
"""``cql.allRecords = 1`` matches every record."""

RELATION_ALIASES = {"exact": "==", "scr": "=", "eq": "="}
"""CQL 1.1 relation names and their CQL 1.2 equivalents."""


@dataclass(frozen=True, slots=True)
class Modifier:
    """``/name``, or ``/name <comparison> value`` on a relation, boolean or sort key.

    ``name`` keeps its optional context-set prefix (``sort.descending``); names are
    case-insensitive in CQL, so compare with :attr:`base_name`.
    """

    name: str
    comparison: str | None = None
    value: str | None = None

    @property
    def prefix(self) -> str | None:
        """The context-set prefix of the name (``None`` means the ``cql`` set)."""
        return self.name.split(".", 1)[0].lower() if "." in self.name else None

    @property
    def base_name(self) -> str:
        """The name without its prefix, lower-cased."""
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else self.name.lower()


@dataclass(frozen=True, slots=True)
class PrefixAssignment:
    """``> prefix = "uri"`` or, with no prefix, ``> "uri"`` (sets the default context set)."""

    uri: str
    prefix: str | None = None


@dataclass(frozen=True, slots=True)
class SearchClause:
    """``index relation term``; a bare term is ``cql.serverChoice = term``."""

    index: str
    relation: str
    term: str
    modifiers: tuple[Modifier, ...] = ()
    prefixes: tuple[PrefixAssignment, ...] = ()
    """Prefix maps written directly in front of this clause (their scope is this clause)."""

    @property
    def index_prefix(self) -> str | None:
        """The context-set prefix: split at the first dot (CQL 1.2), lower-cased."""
        return self.index.split(".", 1)[0].lower() if "." in self.index else None

    @property
    def index_name(self) -> str:
        """The index name without its prefix, as written."""
        return self.index.split(".", 1)[1] if "." in self.index else self.index

    @property
    def canonical_relation(self) -> str:
        """The relation with CQL 1.1 aliases (``exact``, ``scr``) mapped to CQL 1.2."""
        return RELATION_ALIASES.get(self.relation, self.relation)

    def modifier(self, base_name: str) -> Modifier | None:
        """The relation modifier called ``base_name`` (case-insensitive), if present."""
        wanted = base_name.lower()
        return next((m for m in self.modifiers if m.base_name == wanted), None)


class BooleanOperator(StrEnum):
    """The four CQL booleans; all have equal precedence and associate left."""

    AND = "and"
    OR = "or"
    NOT = "not"
    PROX = "prox"


@dataclass(frozen=True, slots=True)
class BooleanClause:
    """``left operator[/modifiers] right``; ``not`` is binary (and-not)."""

    operator: BooleanOperator
    left: QueryNode
    right: QueryNode
    modifiers: tuple[Modifier, ...] = ()
    prefixes: tuple[PrefixAssignment, ...] = ()


QueryNode: TypeAlias = SearchClause | BooleanClause


@dataclass(frozen=True, slots=True)
class SortKey:
    """One ``sortBy`` key (or one SRU 1.1 ``sortKeys`` key translated to CQL form)."""

    index: str
    modifiers: tuple[Modifier, ...] = ()

    @property
    def descending(self) -> bool:
        """``/sort.descending`` (the last direction modifier wins)."""
        direction = [m.base_name for m in self.modifiers if m.base_name in _DIRECTIONS]
        return bool(direction) and direction[-1] == "descending"

    @property
    def case_sensitive(self) -> bool:
        """``/sort.respectCase``; sorting ignores case by default."""
        case = [m.base_name for m in self.modifiers if m.base_name in _CASES]
        return bool(case) and case[-1] == "respectcase"


_DIRECTIONS = {"ascending", "descending"}
_CASES = {"ignorecase", "respectcase"}


@dataclass(frozen=True, slots=True)
class Query:
    """A whole CQL query: the search tree and its sort keys in priority order."""

    root: QueryNode
    sort_keys: tuple[SortKey, ...] = ()


def search_clauses(node: QueryNode) -> list[SearchClause]:
    """Every search clause of a tree, left to right."""
    if isinstance(node, SearchClause):
        return [node]
    return search_clauses(node.left) + search_clauses(node.right)


class Mask(StrEnum):
    """The CQL masking and anchoring characters (``cql.masked``, the default)."""

    ANY_CHARACTERS = "*"
    ONE_CHARACTER = "?"
    ANCHOR = "^"


TermPiece: TypeAlias = str | Mask


def term_pieces(term: str) -> list[TermPiece]:
    """Split a CQL term into literal text and masking characters.

    ``\\`` escapes ``* ? ^ "`` and itself; a backslash before any other character
    raises :class:`InvalidEscape` (SRU diagnostic 26). Adjacent literals are joined.
    """
    pieces: list[TermPiece] = []
    literal: list[str] = []
    position = 0
    while position < len(term):
        char = term[position]
        if char == "\\":
            escaped = term[position + 1 : position + 2]
            if escaped not in {"*", "?", "^", '"', "\\"}:
                raise InvalidEscape(escaped or "\\", position)
            literal.append(escaped)
            position += 2
            continue
        if char in "*?^":
            if literal:
                pieces.append("".join(literal))
                literal = []
            pieces.append(Mask(char))
        else:
            literal.append(char)
        position += 1
    if literal:
        pieces.append("".join(literal))
    return pieces


def unmasked_text(term: str) -> str:
    """The term with escapes resolved and masking characters taken literally."""
    return "".join(p.value if isinstance(p, Mask) else p for p in term_pieces(term))
