"""A checked CQL query (catalog fields, see ``query_check``) → the catalog's search model.

``kitapbridge.catalog.query`` is what ``catalog.search`` compiles into SQL: term
clauses (all/any/adj/exact words of one index), ranges (publication year, last
modification time), booleans and match-all, sort keys, and a school filter.
This module maps CQL relations and modifiers onto it; whatever has no equivalent
becomes an SRU diagnostic here, before any SQL runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kitapbridge.catalog import query as catalog
from kitapbridge.cql import (
    BooleanClause,
    BooleanOperator,
    Mask,
    Query,
    QueryNode,
    SearchClause,
    term_pieces,
)
from kitapbridge.sru_server import diagnostics as diag
from kitapbridge.sru_server.indexes import RESULT_SET_FIELD, SCHOOL_FIELD

ResultSetQueries = Callable[[str], catalog.Query]
"""Result set id → the catalog query that produced it (raises diagnostic 51 when gone)."""

_WORD_RELATIONS = {
    "=": catalog.Relation.ALL,
    "all": catalog.Relation.ALL,
    "any": catalog.Relation.ANY,
    "adj": catalog.Relation.ADJ,
    "==": catalog.Relation.EXACT,
}
_SORT_KEYS = {
    "title": catalog.SortKey.TITLE,
    "creator": catalog.SortKey.CREATOR,
    "date": catalog.SortKey.DATE,
    "modified": catalog.SortKey.MODIFIED,
}
MAXIMUM_SORT_KEYS = 4
"""Sort keys honoured in one request (there are four sortable indexes)."""
_CASED_FIELDS = frozenset({"title", "creator", "subject", "publisher", "any"})
_PROXIMITY_INDEXES = frozenset({"title", "creator", "subject", "publisher", "any"})
_PROXIMITY_RELATIONS = frozenset({"=", "all", "any", "adj"})
_RANGE_FIELDS = {"date": catalog.RangeField.DATE, "modified": catalog.RangeField.MODIFIED}


@dataclass(frozen=True, slots=True)
class CatalogPlan:
    """Everything ``catalog.search`` needs for one SRU query."""

    query: catalog.Query
    sort: catalog.Sort
    school: str | None
    """The holding school the query itself asks for (``kz.school = …`` as a conjunct)."""


def plan(query: Query, result_sets: ResultSetQueries | None = None) -> CatalogPlan:
    """Translate a checked query; raises :class:`SRUDiagnostic` for what cannot be run.

    ``result_sets`` resolves ``cql.resultSetId`` clauses; without it they are diagnostic 51.
    """
    root, school = _lift_school(query.root)
    return CatalogPlan(
        query=_node(root, result_sets) if root is not None else catalog.MatchAll(),
        sort=_sort(query),
        school=school,
    )


def _lift_school(node: QueryNode) -> tuple[QueryNode | None, str | None]:
    """Take ``school = X`` out of a top-level chain of ``and``s (the catalog filters on it)."""
    if isinstance(node, SearchClause) and node.index == SCHOOL_FIELD:
        if node.canonical_relation not in {"=", "=="} or any(
            isinstance(p, Mask) for p in term_pieces(node.term)
        ):
            raise diag.UnsupportedIndexRelation(f"{SCHOOL_FIELD} {node.relation}")
        return None, node.term
    if isinstance(node, BooleanClause) and node.operator is BooleanOperator.AND:
        left, left_school = _lift_school(node.left)
        right, right_school = _lift_school(node.right)
        if left_school and right_school and left_school != right_school:
            # Records belong to one school: ask for one that matches nothing.
            return BooleanClause(BooleanOperator.NOT, _all(), _all()), left_school
        school = left_school or right_school
        if left is None or right is None:
            return (left or right), school
        return BooleanClause(BooleanOperator.AND, left, right), school
    return node, None


def _all() -> SearchClause:
    return SearchClause("all", "=", "1")


def _node(node: QueryNode, result_sets: ResultSetQueries | None) -> catalog.Query:
    if isinstance(node, SearchClause):
        if node.index == RESULT_SET_FIELD:
            return _result_set(node, result_sets)
        return _clause(node)
    if node.operator is BooleanOperator.PROX:
        return _proximity(node)
    operator = catalog.BooleanOperator(node.operator.value)
    left, right = _node(node.left, result_sets), _node(node.right, result_sets)
    return catalog.BooleanClause(operator, left, right)


def _proximity(node: BooleanClause) -> catalog.ProximityClause:
    """``a prox/unit=word/distance<op>n/ordered b``: two words of one index in one field.

    Modifiers were checked by ``query_check`` (unit word only: 42; others: 46); what
    the phrases cannot answer is diagnostic 39 with the reason as its message.
    """
    left, right = node.left, node.right
    if not isinstance(left, SearchClause) or not isinstance(right, SearchClause):
        raise diag.ProximityNotSupported(None, "Proximity between two search terms only")
    if left.index != right.index or left.index not in _PROXIMITY_INDEXES:
        raise diag.ProximityNotSupported(
            None, "Proximity within one word index (title, creator, subject, publisher, any)"
        )
    for clause in (left, right):
        if clause.canonical_relation not in _PROXIMITY_RELATIONS:
            raise diag.ProximityNotSupported(None, f"Proximity with relation {clause.relation}")
        if len(_catalog_text(clause).split()) != 1:
            raise diag.ProximityNotSupported(None, "Proximity between single words")
    comparison, distance, ordered = catalog.Comparison.LE, 1, False
    for modifier in node.modifiers:
        if modifier.base_name == "distance":
            comparison, distance = _distance(modifier.comparison, modifier.value)
        elif modifier.base_name in {"ordered", "unordered"}:
            ordered = modifier.base_name == "ordered"
    return catalog.ProximityClause(
        left.index, _catalog_text(left), _catalog_text(right), comparison, distance, ordered
    )


def _distance(comparison: str | None, value: str | None) -> tuple[catalog.Comparison, int]:
    try:
        relation = catalog.Comparison(comparison or "")
    except ValueError:
        raise diag.UnsupportedProximityRelation(comparison) from None
    if value is None or not value.isdigit():
        raise diag.UnsupportedProximityDistance(value)
    return relation, int(value)


def _result_set(clause: SearchClause, result_sets: ResultSetQueries | None) -> catalog.Query:
    if clause.canonical_relation not in {"=", "=="}:
        raise diag.UnsupportedIndexRelation(f"cql.resultSetId {clause.relation}")
    if result_sets is None:
        raise diag.ResultSetDoesNotExist(clause.term)
    return result_sets(clause.term)


def _clause(clause: SearchClause) -> catalog.Query:
    if clause.index == SCHOOL_FIELD:
        raise diag.QueryFeatureUnsupported("holding school other than and-ed with the whole query")
    if clause.index == "all":
        return catalog.MatchAll()
    if clause.index in _RANGE_FIELDS:
        _respect_case(clause)  # diagnostic 20 if asked for: years and times have no case
        return _range(clause)
    relation = clause.canonical_relation
    text = _catalog_text(clause)
    if relation == "<>":
        positive = catalog.TermClause(
            clause.index, text, catalog.Relation.ALL, _respect_case(clause)
        )
        return catalog.BooleanClause(catalog.BooleanOperator.NOT, catalog.MatchAll(), positive)
    catalog_relation = _WORD_RELATIONS[relation]
    if clause.modifier("string") is not None and relation == "=":
        catalog_relation = catalog.Relation.EXACT
    return catalog.TermClause(clause.index, text, catalog_relation, _respect_case(clause))


def _respect_case(clause: SearchClause) -> bool:
    """``/respectCase`` (the last case modifier wins), on an index that keeps case."""
    cases = [m.base_name for m in clause.modifiers if m.base_name in {"ignorecase", "respectcase"}]
    if not cases or cases[-1] != "respectcase":
        return False
    if clause.index not in _CASED_FIELDS:
        # Codes, dates, notes and types are stored folded: case cannot be told apart.
        raise diag.UnsupportedRelationModifier("respectCase")
    return True


def _catalog_text(clause: SearchClause) -> str:
    """The term as the catalog reads it: escapes resolved, a trailing ``*`` kept as truncation."""
    unmasked = clause.modifier("unmasked") is not None
    parts: list[str] = []
    for piece in term_pieces(clause.term):
        if isinstance(piece, Mask):
            parts.append("" if unmasked else "*")
        else:
            # A literal * or ? cannot be indexed (words are letters and digits) and would
            # otherwise read as truncation.
            parts.append(piece.replace("*", " ").replace("?", " "))
    return "".join(parts)


def _range(clause: SearchClause) -> catalog.RangeClause:
    field = _RANGE_FIELDS[clause.index]
    relation = clause.canonical_relation
    if relation == "within":
        bounds = clause.term.split()
        if len(bounds) != 2:
            raise diag.TermInvalidFormat(f"{clause.index} {clause.term}")
        low, high = (_range_value(field, clause, b) for b in bounds)
        return catalog.RangeClause(field, low=low, high=high)
    value = _range_value(field, clause, clause.term)
    if relation in {"=", "=="}:
        return catalog.RangeClause(field, low=value, high=value)
    if relation in {"<", "<="}:
        return catalog.RangeClause(field, high=value, high_inclusive=relation == "<=")
    if relation in {">", ">="}:
        return catalog.RangeClause(field, low=value, low_inclusive=relation == ">=")
    raise diag.UnsupportedIndexRelation(f"{clause.index} {clause.relation}")


def _range_value(field: catalog.RangeField, clause: SearchClause, text: str) -> int | datetime:
    try:
        if field is catalog.RangeField.DATE:
            return int(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise diag.TermInvalidFormat(f"{clause.index} {text}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _sort(query: Query) -> catalog.Sort:
    """``sortBy`` (or 1.1 ``sortKeys``): the first key, then the others for its ties."""
    if not query.sort_keys:
        return catalog.Sort()
    if len(query.sort_keys) > MAXIMUM_SORT_KEYS:
        raise diag.TooManySortKeys(str(MAXIMUM_SORT_KEYS))
    keys = []
    for key in query.sort_keys:
        if key.case_sensitive:
            # Sort keys are folded like the index (case, script, diacritics).
            raise diag.UnsupportedSortCase("respectCase")
        keys.append((_SORT_KEYS[key.index], key.descending))
    (first, descending), *then = keys
    return catalog.Sort(first, descending=descending, then=tuple(then))
