"""Conformance against the YAZ CQL corpus (``shared/fixtures/cql/yaz``).

Each query of ``cql2xcqlsample`` has YAZ's XCQL in ``cql/S.N.out`` or "Syntax error"
in ``cql/S.N.err``. XCQL is compared semantically: YAZ prints modifiers in reverse
order and folds a used prefix map into a nameless one, so both trees are reduced
to (resolved context set, index, relation, sorted modifiers, term) before comparing.

Where we differ from YAZ, on purpose (strict CQL 1.2):
- 10.9 ``title = ("illegal parentheses")`` is a syntax error (YAZ accepts it);
- section 11 ("free-form term OK") is YAZ leniency, not CQL: several words without a
  relation are a syntax error, while ``a b c``-shaped queries parse as ``index
  relation term`` (``b`` being a named relation), as the grammar says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from kitapbridge.cql import CQLSyntaxError, SearchClause, parse_cql, to_cql, to_xcql

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "cql" / "yaz"

DELIBERATELY_STRICTER = {"10.9", "11.1", "11.3", "11.5", "11.7"}


def corpus_queries() -> list[tuple[str, str]]:
    cases: list[tuple[str, str]] = []
    section, number, in_comment = 0, 0, False
    for line in (CORPUS / "cql2xcqlsample").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            if not in_comment:
                section, number, in_comment = section + 1, 0, True
            continue
        in_comment = False
        if not line.strip():
            continue
        number += 1
        cases.append((f"{section}.{number}", line))
    return cases


CASES = corpus_queries()


def canonical(element: etree._Element, scope: tuple[tuple[str | None, str], ...] = ()) -> Any:
    """A comparable form of a YAZ/our XCQL node, with the index resolved by prefix maps."""
    tag = etree.QName(element).localname
    scope = scope + tuple(
        (_text(p, "name"), _text(p, "identifier") or "")
        for p in element.iterfind("{*}prefixes/{*}prefix")
    )
    sort_keys = [
        (_text(k, "index"), _modifiers(k.find("{*}modifiers")))
        for k in element.iterfind("{*}sortKeys/{*}key")
    ]
    if tag == "searchClause":
        relation = element.find("{*}relation")
        assert relation is not None
        terms = [t.text or "" for t in element.iterfind("{*}term")]
        node: Any = (
            "clause",
            _resolve(_text(element, "index") or "", scope),
            _text(relation, "value"),
            _modifiers(relation.find("{*}modifiers")),
            terms,
        )
    else:
        boolean = element.find("{*}boolean")
        assert boolean is not None
        left = element.find("{*}leftOperand/*")
        right = element.find("{*}rightOperand/*")
        assert left is not None and right is not None
        node = (
            "triple",
            _text(boolean, "value"),
            _modifiers(boolean.find("{*}modifiers")),
            canonical(left, scope),
            canonical(right, scope),
        )
    return (node, sort_keys) if sort_keys else node


def _text(element: etree._Element, child: str) -> str | None:
    found = element.find("{*}" + child)
    return None if found is None else (found.text or "")


def _modifiers(container: etree._Element | None) -> list[tuple[str | None, ...]]:
    if container is None:
        return []
    return sorted(
        (_text(m, "type"), _text(m, "comparison"), _text(m, "value"))
        for m in container.iterfind("{*}modifier")
    )  # type: ignore[type-var]


def _resolve(index: str, scope: tuple[tuple[str | None, str], ...]) -> tuple[str | None, str]:
    prefix, name = index.split(".", 1) if "." in index else ("", index)
    for assigned, uri in reversed(scope):
        if assigned == (prefix or None):
            return uri, name
    return prefix or None, name


LENIENT_ACCEPTED = {"11.2", "11.4", "11.6"}
STANDARD = [c for c in CASES if c[0] not in DELIBERATELY_STRICTER | LENIENT_ACCEPTED]


@pytest.mark.parametrize(("number", "query"), STANDARD, ids=[c[0] for c in STANDARD])
def test_agrees_with_yaz(number: str, query: str) -> None:
    expected_error = (CORPUS / "cql" / f"{number}.err").read_text(encoding="utf-8")
    if "Syntax error" in expected_error:
        with pytest.raises(CQLSyntaxError):
            parse_cql(query)
        return
    expected = etree.fromstring((CORPUS / "cql" / f"{number}.out").read_bytes())
    assert canonical(to_xcql(parse_cql(query))) == canonical(expected)


@pytest.mark.parametrize("number", sorted(DELIBERATELY_STRICTER), ids=sorted(DELIBERATELY_STRICTER))
def test_yaz_leniency_is_a_syntax_error(number: str) -> None:
    query = dict(CASES)[number]
    with pytest.raises(CQLSyntaxError):
        parse_cql(query)


@pytest.mark.parametrize(
    ("number", "index", "relation", "term"),
    [("11.2", "a", "b", "c"), ("11.4", "and", "b", "c"), ("11.6", "a", "any", "b")],
)
def test_lenient_section_parses_as_index_relation_term(
    number: str, index: str, relation: str, term: str
) -> None:
    query = parse_cql(dict(CASES)[number])
    assert query.root == SearchClause(index=index, relation=relation, term=term)


def test_corpus_is_complete() -> None:
    assert len(CASES) == 81
    assert [n for n, _ in CASES if n.startswith("13.")] == ["13.1", "13.2"]


@pytest.mark.parametrize(("number", "query"), STANDARD, ids=[c[0] for c in STANDARD])
def test_cql_round_trip_keeps_the_query(number: str, query: str) -> None:
    try:
        parsed = parse_cql(query)
    except CQLSyntaxError:
        return
    assert parse_cql(to_cql(parsed)) == parsed
