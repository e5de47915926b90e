"""CQL 1.2: the shared query model, its parser and its serialisers.

Protocol packages (SRU, Z39.50, OAI-PMH) build :class:`Query` trees; the catalog
search translates them to SQL. Nothing here touches the database.
"""

from kitapbridge.cql.errors import (
    CQLError,
    CQLSyntaxError,
    InvalidEscape,
    UnbalancedParentheses,
    UnbalancedQuotes,
)
from kitapbridge.cql.model import (
    ALL_RECORDS,
    SERVER_CHOICE,
    BooleanClause,
    BooleanOperator,
    Mask,
    Modifier,
    PrefixAssignment,
    Query,
    QueryNode,
    SearchClause,
    SortKey,
    search_clauses,
    term_pieces,
)
from kitapbridge.cql.parser import parse_cql
from kitapbridge.cql.serialize import to_cql, to_xcql

__all__ = [
    "ALL_RECORDS",
    "SERVER_CHOICE",
    "BooleanClause",
    "BooleanOperator",
    "CQLError",
    "CQLSyntaxError",
    "InvalidEscape",
    "Mask",
    "Modifier",
    "PrefixAssignment",
    "Query",
    "QueryNode",
    "SearchClause",
    "SortKey",
    "UnbalancedParentheses",
    "UnbalancedQuotes",
    "parse_cql",
    "search_clauses",
    "term_pieces",
    "to_cql",
    "to_xcql",
]
