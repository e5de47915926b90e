"""The CQL parser and the query model: precedence, modifiers, masking, errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitapbridge.cql import (
    BooleanClause,
    BooleanOperator,
    CQLError,
    CQLSyntaxError,
    InvalidEscape,
    Mask,
    Modifier,
    PrefixAssignment,
    Query,
    SearchClause,
    SortKey,
    UnbalancedParentheses,
    UnbalancedQuotes,
    parse_cql,
    term_pieces,
    to_cql,
)


def clause(term: str, index: str = "cql.serverChoice", relation: str = "=") -> SearchClause:
    return SearchClause(index=index, relation=relation, term=term)


def test_booleans_have_equal_precedence_and_associate_left() -> None:
    query = parse_cql("a or b and c not d")
    assert query.root == BooleanClause(
        BooleanOperator.NOT,
        BooleanClause(
            BooleanOperator.AND,
            BooleanClause(BooleanOperator.OR, clause("a"), clause("b")),
            clause("c"),
        ),
        clause("d"),
    )


def test_kazakh_index_relation_term_with_modifiers_and_sort() -> None:
    query = parse_cql(
        'dc.title ANY/ignoreCase/rel.algorithm=cori "Қазақ тілі" '
        "sortBy dc.date/sort.descending dc.title"
    )
    assert query == Query(
        root=SearchClause(
            index="dc.title",
            relation="any",
            term="Қазақ тілі",
            modifiers=(Modifier("ignoreCase"), Modifier("rel.algorithm", "=", "cori")),
        ),
        sort_keys=(
            SortKey("dc.date", (Modifier("sort.descending"),)),
            SortKey("dc.title"),
        ),
    )
    assert query.sort_keys[0].descending and not query.sort_keys[1].descending
    assert to_cql(query) == (
        'dc.title any/ignoreCase/rel.algorithm=cori "Қазақ тілі" '
        "sortBy dc.date/sort.descending dc.title"
    )


def test_prox_modifiers_in_order() -> None:
    root = parse_cql("cat prox/unit=word/distance>2/ordered hat").root
    assert isinstance(root, BooleanClause)
    assert root.modifiers == (
        Modifier("unit", "=", "word"),
        Modifier("distance", ">", "2"),
        Modifier("ordered"),
    )


def test_prefix_maps_stay_on_the_node_they_scope() -> None:
    root = parse_cql('> kz = "info:kitapbridge/kz" > "info:default" (kz.bbk = 74 or x)').root
    assert isinstance(root, BooleanClause)
    assert root.prefixes == (
        PrefixAssignment("info:kitapbridge/kz", "kz"),
        PrefixAssignment("info:default"),
    )
    assert parse_cql(to_cql(Query(root))).root == root


def test_relation_aliases_and_clause_accessors() -> None:
    found = parse_cql("rec.lastModificationDate exact 2026").root
    assert isinstance(found, SearchClause)
    assert (found.index_prefix, found.index_name, found.canonical_relation) == (
        "rec",
        "lastModificationDate",
        "==",
    )


def test_escaped_quote_is_kept_as_xcql_carries_it() -> None:
    root = parse_cql(r'"Абай \"Қара сөздер\" \*"').root
    assert isinstance(root, SearchClause)
    assert root.term == r"Абай \"Қара сөздер\" \*"
    assert term_pieces(root.term) == ['Абай "Қара сөздер" *']


def test_term_pieces_masking_and_anchors() -> None:
    assert term_pieces("^физ*ка?") == [
        Mask.ANCHOR,
        "физ",
        Mask.ANY_CHARACTERS,
        "ка",
        Mask.ONE_CHARACTER,
    ]
    with pytest.raises(InvalidEscape) as raised:
        term_pieces(r"a\b")
    assert (raised.value.character, raised.value.offset) == ("b", 1)


@pytest.mark.parametrize(
    ("query", "error", "offset"),
    [
        ("(dc.title = абай", UnbalancedParentheses, 16),
        ("dc.title = абай)", UnbalancedParentheses, 16),
        ('dc.title = "абай', UnbalancedQuotes, 11),
        ("dc.title =", CQLSyntaxError, 10),
        ("", CQLSyntaxError, 0),
        ("a sortby", CQLSyntaxError, 8),
    ],
)
def test_syntax_errors_carry_their_kind_and_offset(
    query: str, error: type[CQLSyntaxError], offset: int
) -> None:
    with pytest.raises(error) as raised:
        parse_cql(query)
    assert type(raised.value) is error
    assert raised.value.offset == offset


@given(st.text(max_size=60))
def test_arbitrary_text_parses_or_raises_a_cql_error(text: str) -> None:
    try:
        query = parse_cql(text)
    except CQLError:
        return
    assert parse_cql(to_cql(query)) == query


words = st.text(
    alphabet=st.sampled_from('абвқәұіңғүһө xyz*?^\\"()=<>/.-1'), min_size=1, max_size=12
)


@given(st.lists(words, min_size=1, max_size=4), st.sampled_from(["and", "or", "not", "prox"]))
def test_serialised_terms_round_trip(terms: list[str], operator: str) -> None:
    nodes = [clause(t.replace("\\", "\\\\").replace('"', '\\"'), "dc.title") for t in terms]
    root = nodes[0]
    for node in nodes[1:]:
        root = BooleanClause(BooleanOperator(operator), root, node)  # type: ignore[assignment]
    query = Query(root=root, sort_keys=(SortKey("dc.date", (Modifier("sort.descending"),)),))
    assert parse_cql(to_cql(query)) == query
