"""CQL 1.2 text → :class:`~kitapbridge.cql.model.Query`, over the ``cql-parser`` package.

``cql-parser`` (PLY grammar of CQL 1.1/1.2) does the parsing; this module keeps one
built ``CQLParser12`` per thread, because ``cql.parse()`` rebuilds the PLY tables on
every call (5–7 ms) while a reused parser takes a fraction of a millisecond, and PLY
parser state is not thread-safe. Its tree is then turned into our own model, which
keeps ``sortBy`` (``cql-parser``'s ``toCQL()`` drops it) and its errors into
:class:`~kitapbridge.cql.errors.CQLSyntaxError` with the offending offset.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

import cql
from cql.lexer import CQLLexer, CQLLexerError
from cql.parser import (
    CQLBoolean,
    CQLModifier,
    CQLParserError,
    CQLSearchClause,
    CQLTriple,
)

from kitapbridge.cql.errors import CQLSyntaxError, UnbalancedParentheses, UnbalancedQuotes
from kitapbridge.cql.model import (
    SERVER_CHOICE,
    BooleanClause,
    BooleanOperator,
    Modifier,
    PrefixAssignment,
    Query,
    QueryNode,
    SearchClause,
    SortKey,
)

logger = logging.getLogger(__name__)

_OFFSET = re.compile(r"(?:at position|at) (\d+)")

# cql-parser logs the whole PLY stack at ERROR level for every malformed query; a
# public SRU endpoint receives many of those, and we report each as a diagnostic.
logging.getLogger("cql").setLevel(logging.CRITICAL)

_local = threading.local()


class _QuotedTermLexer(CQLLexer):
    """``cql-parser``'s lexer with quoted strings read correctly.

    Its pattern takes the closing quote of a term ending in an escaped backslash for an
    escaped one and runs on into the next term. Here a backslash always consumes the
    next character, and the text is kept exactly as written (escapes included),
    which is what XCQL carries and what masking needs.
    """

    def t_CHAR_STRING2(self, tok: Any) -> Any:
        r'"(?:\\.|[^"\\])*"'
        tok.value = tok.value[1:-1]
        return tok


def _thread_parser() -> Any:
    parser = getattr(_local, "parser", None)
    if parser is None:
        lexer: Any = _QuotedTermLexer()  # cql-parser annotates this as a PLY Lexer
        lexer.build()
        parser = cql.CQLParser12()
        parser.build(lexer=lexer, debug=False)
        _local.parser = parser
    return parser


def parse_cql(text: str) -> Query:
    """Parse a CQL 1.2 query (1.1 queries are a subset) into the query model.

    Raises :class:`CQLSyntaxError` (or its parentheses/quotes subclasses) on any
    text that is not CQL, including the empty string.
    """
    if not text.strip():
        raise CQLSyntaxError("empty query", 0)
    try:
        parsed = _thread_parser().parse(text)
    except CQLLexerError as error:
        raise _lexer_error(text, error) from error
    except CQLParserError as error:
        raise _parser_error(text, error) from error
    if parsed is None:  # PLY returns None when error recovery swallowed the input
        raise CQLSyntaxError("not a CQL query", 0)
    root = parsed.root
    sort_keys = tuple(
        SortKey(index=str(spec.index), modifiers=_modifiers(spec.modifiers))
        for spec in root.sortSpecs or ()
    )
    return Query(root=_node(root), sort_keys=sort_keys)


def _node(node: CQLSearchClause | CQLTriple) -> QueryNode:
    prefixes = tuple(PrefixAssignment(uri=p.uri, prefix=p.prefix) for p in node.prefixes or ())
    if isinstance(node, CQLTriple):
        operator: CQLBoolean = node.operator
        return BooleanClause(
            operator=BooleanOperator(operator.value.lower()),
            left=_node(node.left),
            right=_node(node.right),
            modifiers=_modifiers(operator.modifiers),
            prefixes=prefixes,
        )
    term = node.term
    if node.index is None or node.relation is None:
        return SearchClause(index=SERVER_CHOICE, relation="=", term=term, prefixes=prefixes)
    return SearchClause(
        index=str(node.index),
        relation=_relation_name(str(node.relation.comparitor)),
        term=term,
        modifiers=_modifiers(node.relation.modifiers),
        prefixes=prefixes,
    )


def _relation_name(comparitor: str) -> str:
    # Symbols stay as written; named relations are case-insensitive (CQL 1.2 §"Case").
    return comparitor if not comparitor[:1].isalpha() else comparitor.lower()


def _modifiers(modifiers: list[CQLModifier] | None) -> tuple[Modifier, ...]:
    return tuple(
        Modifier(name=str(m.name), comparison=m.comparitor, value=m.value) for m in modifiers or ()
    )


def _offset(error: Exception, text: str) -> int:
    """The offset the error names, clamped to the text (PLY reports one past the end)."""
    match = _OFFSET.search(str(error))
    return min(int(match.group(1)), len(text)) if match else len(text)


def _lexer_error(text: str, error: CQLLexerError) -> CQLSyntaxError:
    offset = _offset(error, text)
    if text[offset : offset + 1] == '"':
        return UnbalancedQuotes("unterminated quoted string", offset)
    return CQLSyntaxError(f"unexpected character {text[offset : offset + 1]!r}", offset)


def _parser_error(text: str, error: CQLParserError) -> CQLSyntaxError:
    message = str(error)
    offset = _offset(error, text)
    if "parenthesis" in message or text.count("(") != text.count(")"):
        return UnbalancedParentheses("unbalanced parentheses", offset)
    logger.debug("CQL syntax error in %r: %s", text, message)
    return CQLSyntaxError(message.rstrip("."), offset)
