"""Checking CQL against the indexes we honour, and rewriting it into catalog fields."""

from __future__ import annotations

import pytest

from kitapbridge.cql import BooleanClause, BooleanOperator, Modifier, Query, SearchClause, SortKey
from kitapbridge.cql.parser import parse_cql
from kitapbridge.sru_server.diagnostics import SRUDiagnostic
from kitapbridge.sru_server.indexes import INDEXES, find_context_set
from kitapbridge.sru_server.query_check import catalog_query, parse_query


def checked(text: str, proximity: bool = False) -> Query:
    return catalog_query(parse_query(text), proximity=proximity)


def test_indexes_become_catalog_fields() -> None:
    query = checked(
        'dc.title any "Қазақ тілі" and bath.isbn = 9786010000007 or абай '
        "sortBy dc.date/sort.descending dc.creator"
    )
    assert query == Query(
        root=BooleanClause(
            BooleanOperator.OR,
            BooleanClause(
                BooleanOperator.AND,
                SearchClause("title", "any", "Қазақ тілі"),
                SearchClause("isbn", "=", "9786010000007"),
            ),
            SearchClause("any", "=", "абай"),
        ),
        sort_keys=(SortKey("date", (Modifier("sort.descending"),)), SortKey("creator")),
    )


def test_prefix_maps_and_aliases_resolve() -> None:
    query = checked(
        '> d = "info:srw/cql-context-set/1/dc-v1.1" '
        'd.title exact "Абай жолы" and srw.serverChoice = x'
    )
    assert query.root == BooleanClause(
        BooleanOperator.AND,
        SearchClause("title", "==", "Абай жолы"),
        SearchClause("any", "=", "x"),
    )
    assert checked('> "info:srw/cql-context-set/1/dc-v1.1" title = физика').root == SearchClause(
        "title", "=", "физика"
    )


def test_relation_modifiers_we_evaluate_are_kept() -> None:
    root = checked("dc.title =/ignoreCase/string Физика").root
    assert root == SearchClause(
        "title", "=", "Физика", (Modifier("ignoreCase"), Modifier("string"))
    )


@pytest.mark.parametrize(
    ("query", "number", "details"),
    [
        ("foo.title = x", 15, "foo"),
        ("dc.foo = bar", 16, "dc.foo"),
        ("dc.relation = x", 16, "dc.relation"),
        ("dc.title encloses x", 19, "encloses"),
        ("dc.title < x", 22, "dc.title <"),
        ("dc.date any 2020", 22, "dc.date any"),
        ("dc.title =/fuzzy x", 20, "fuzzy"),
        ("dc.title =/stem x", 20, "stem"),
        ("dc.title =/rel.algorithm=cori x", 20, "rel.algorithm"),
        (r"dc.title = a\b", 26, "b"),
        ('dc.title = ""', 27, None),
        ("dc.title = *", 29, "1"),
        ("dc.date = 20*", 28, "20*"),
        ("dc.date = ^2020", 31, None),
        ("dc.title any ^абай", 31, None),
        ("dc.title = физ?ка", 28, "физ?ка"),
        ("dc.title = *ика", 28, "*ика"),
        ("dc.title = ф*ка", 28, "ф*ка"),
        ("dc.title =/regexp Абай", 20, "regexp"),
        ("a prox b", 39, None),
        ("a and/rel.SumOfScores b", 46, "rel.SumOfScores"),
        ("a sortBy dc.subject", 88, "dc.subject"),
        ("a sortBy dc.title/sort.missingFail", 92, "sort.missingFail"),
        ("a sortBy dc.title/sort.locale=kk", 88, "dc.title/sort.locale"),
    ],
)
def test_unsupported_features_give_diagnostics(
    query: str, number: int, details: str | None
) -> None:
    with pytest.raises(SRUDiagnostic) as raised:
        checked(query)
    assert (raised.value.number, raised.value.details) == (number, details)


def test_proximity_where_the_catalog_supports_it() -> None:
    root = checked("a prox/unit=word/distance<=2/ordered b", proximity=True).root
    assert isinstance(root, BooleanClause)
    assert root.operator is BooleanOperator.PROX
    with pytest.raises(SRUDiagnostic) as raised:
        checked("a prox/unit=sentence b", proximity=True)
    assert (raised.value.number, raised.value.details) == (42, "sentence")


def test_every_index_resolves_through_its_own_context_set() -> None:
    for index in INDEXES:
        assert find_context_set(index.context_set.identifier) is index.context_set
        clause = checked(f"{index.qualified_name} = 1").root
        assert isinstance(clause, SearchClause)
        assert clause.index == index.field


def test_escaped_masking_characters_are_literal() -> None:
    assert checked(r"dc.date = 2020\*").root == SearchClause("date", "=", r"2020\*")
    assert checked(r'dc.title = "C\*\*"').root == SearchClause("title", "=", r"C\*\*")


def test_right_truncation_of_each_word_is_accepted() -> None:
    assert checked('dc.title all "физ* қаз*"').root == SearchClause("title", "all", "физ* қаз*")


def test_a_repeated_query_text_is_parsed_and_checked_once() -> None:
    text = "dc.title = физика and dc.date >= 2010 sortBy dc.date/sort.descending"
    parsed = parse_query(text)
    assert parse_query(text) is parsed
    assert parsed == parse_cql(text)
    checked = catalog_query(parsed, proximity=True)
    assert catalog_query(parse_query(text), proximity=True) is checked
    assert catalog_query(parsed, proximity=False) is not checked


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        ("dc.title = (", "info:srw/diagnostic/1/13"),
        ("dc.nosuchindex = x", "info:srw/diagnostic/1/16"),
    ],
)
def test_a_rejected_query_is_rejected_again_not_remembered_as_parsed(text: str, uri: str) -> None:
    assert _diagnostic_uri(text) == uri
    assert _diagnostic_uri(text) == uri


def _diagnostic_uri(text: str) -> str:
    with pytest.raises(SRUDiagnostic) as raised:
        catalog_query(parse_query(text), proximity=True)
    return raised.value.uri
