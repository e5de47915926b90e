"""Check a parsed CQL query against what the server honours, and hand it to the catalog.

CQL text that parses may still ask for something we cannot do; SRU requires a
diagnostic then, never a silent empty result. :func:`catalog_query` raises the
matching :class:`SRUDiagnostic` or returns the query rewritten into catalog terms:
every index replaced by its catalog search field (``dc.title`` → ``title``), prefix
maps resolved and dropped, CQL 1.1 relation aliases mapped to CQL 1.2.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from kitapbridge.cql import (
    BooleanClause,
    BooleanOperator,
    CQLError,
    InvalidEscape,
    Mask,
    PrefixAssignment,
    Query,
    QueryNode,
    SearchClause,
    SortKey,
    UnbalancedParentheses,
    UnbalancedQuotes,
    parse_cql,
    term_pieces,
)
from kitapbridge.cql.model import TermPiece
from kitapbridge.sru_server import diagnostics as diag
from kitapbridge.sru_server.indexes import (
    CQL,
    SORT_CONTEXT_SET,
    IndexDefinition,
    IndexKind,
    find_context_set,
    find_index,
)

SUPPORTED_RELATION_MODIFIERS = frozenset(
    {"ignorecase", "respectcase", "masked", "unmasked", "word", "string", "isodate", "number"}
)
"""Relation modifiers (``cql`` set) the catalog search evaluates. ``respectCase`` is
answered from the case-keeping phrases of the word indexes (``catalog_search``)."""

SUPPORTED_SORT_MODIFIERS = frozenset(
    {"ascending", "descending", "ignorecase", "respectcase", "missinglow", "missinghigh"}
)

Scope = tuple[PrefixAssignment, ...]


PARSED_QUERIES = 4096
"""Parsed (and checked) queries kept per process: harvesters and catalogues repeat their queries,
and parsing (PLY) costs more than answering a page of a kept result set."""


@lru_cache(maxsize=PARSED_QUERIES)
def parse_query(text: str) -> Query:
    """Parse CQL text, turning syntax errors into diagnostics 10, 13 and 14.

    Cached: the query model is immutable (frozen dataclasses and tuples), so one parse
    serves every request with the same text; a diagnostic is raised afresh each time.
    """
    try:
        return parse_cql(text)
    except UnbalancedParentheses as error:
        raise diag.UnbalancedParentheses(str(error.offset), error.reason) from error
    except UnbalancedQuotes as error:
        raise diag.UnbalancedQuotes(str(error.offset), error.reason) from error
    except CQLError as error:
        raise diag.QuerySyntaxError(str(error)) from error


@lru_cache(maxsize=PARSED_QUERIES)
def catalog_query(query: Query, *, proximity: bool = False) -> Query:
    """The query in catalog fields, or the diagnostic for the first thing we cannot do.

    Cached like ``parse_query``: a pure function of an immutable (hashable) query.
    """
    root = _catalog_node(query.root, (), proximity)
    return Query(root=root, sort_keys=tuple(_catalog_sort_key(key) for key in query.sort_keys))


def catalog_clause(clause: SearchClause, scope: Scope = ()) -> tuple[SearchClause, IndexDefinition]:
    """One search clause in catalog terms, with the index it was resolved to."""
    definition = resolve_index(clause.index, scope + clause.prefixes)
    relation = clause.canonical_relation
    if relation not in definition.relations:
        if relation in {"=", "==", "<>", "<", ">", "<=", ">=", "adj", "any", "all", "within"}:
            raise diag.UnsupportedIndexRelation(f"{clause.index} {clause.relation}")
        raise diag.UnsupportedRelation(clause.relation)
    for modifier in clause.modifiers:
        prefix = modifier.prefix
        if (prefix is not None and find_context_set(prefix) is not CQL) or (
            modifier.base_name not in SUPPORTED_RELATION_MODIFIERS
        ):
            raise diag.UnsupportedRelationModifier(modifier.name)
    _check_term(clause, definition)
    normalised = SearchClause(
        index=definition.field,
        relation=relation,
        term=clause.term,
        modifiers=clause.modifiers,
    )
    return normalised, definition


def resolve_index(index: str, scope: Scope) -> IndexDefinition:
    """The index definition for a CQL index name under the prefix maps in scope."""
    prefix, name = index.split(".", 1) if "." in index else (None, index)
    set_name: str = prefix or CQL.name
    for assignment in reversed(scope):
        if (assignment.prefix or None) == prefix:
            set_name = assignment.uri
            break
    context_set = find_context_set(set_name)
    if context_set is None:
        raise diag.UnsupportedContextSet(set_name)
    definition = find_index(context_set, name)
    if definition is None:
        raise diag.UnsupportedIndex(index)
    return definition


def _catalog_node(node: QueryNode, scope: Scope, proximity: bool) -> QueryNode:
    if isinstance(node, SearchClause):
        return catalog_clause(node, scope)[0]
    inner = scope + node.prefixes
    if node.operator is BooleanOperator.PROX:
        _check_proximity(node, proximity)
    elif node.modifiers:
        raise diag.UnsupportedBooleanModifier(node.modifiers[0].name)
    return BooleanClause(
        operator=node.operator,
        left=_catalog_node(node.left, inner, proximity),
        right=_catalog_node(node.right, inner, proximity),
        modifiers=node.modifiers,
    )


def _check_proximity(node: BooleanClause, proximity: bool) -> None:
    if not proximity:
        raise diag.ProximityNotSupported(None, "Proximity not supported by the union catalog")
    for modifier in node.modifiers:
        name = modifier.base_name
        if name == "unit" and (modifier.value or "").lower() != "word":
            raise diag.UnsupportedProximityUnit(modifier.value)
        if name not in {"unit", "distance", "ordered", "unordered"}:
            raise diag.UnsupportedBooleanModifier(modifier.name)


def _check_term(clause: SearchClause, definition: IndexDefinition) -> None:
    if definition.kind is IndexKind.ALL_RECORDS:
        return
    if not clause.term:
        raise diag.EmptyTermUnsupported(None)
    if clause.modifier("unmasked") is not None:
        return
    try:
        pieces = term_pieces(clause.term)
    except InvalidEscape as error:
        raise diag.NonSpecialCharacterEscaped(error.character) from error
    if any(p is Mask.ANCHOR for p in pieces):
        raise diag.AnchoringCharacterNotSupported(None)
    masked = any(isinstance(p, Mask) for p in pieces)
    if definition.kind is IndexKind.ORDERED and masked:
        raise diag.MaskingCharacterNotSupported(clause.term)
    if all(isinstance(p, Mask) or not p.strip() for p in pieces):
        raise diag.MaskedWordsTooShort("1")
    _check_truncation(clause.term, pieces)


def _check_truncation(term: str, pieces: list[TermPiece]) -> None:
    """Only right truncation of a word (``физ*``) is indexed; other masks are diag 28."""
    for position, piece in enumerate(pieces):
        if piece is Mask.ONE_CHARACTER:
            raise diag.MaskingCharacterNotSupported(term)
        if piece is not Mask.ANY_CHARACTERS:
            continue
        before = pieces[position - 1] if position else ""
        after = pieces[position + 1] if position + 1 < len(pieces) else " "
        ends_word = isinstance(after, str) and after[:1].isspace()
        if not (isinstance(before, str) and before[-1:].isalnum() and ends_word):
            raise diag.MaskingCharacterNotSupported(term)


def _catalog_sort_key(key: SortKey) -> SortKey:
    definition = resolve_index(key.index, ())
    if not definition.sort:
        raise diag.UnsupportedSortPath(key.index)
    for modifier in key.modifiers:
        prefix = modifier.prefix
        in_sort_set = prefix is None or prefix == "sort" or prefix == SORT_CONTEXT_SET
        if not in_sort_set or modifier.base_name not in SUPPORTED_SORT_MODIFIERS:
            if modifier.base_name.startswith("missing"):
                raise diag.MissingValueActionUnsupported(modifier.name)
            raise diag.UnsupportedSortPath(f"{key.index}/{modifier.name}")
    return replace(key, index=definition.field)
