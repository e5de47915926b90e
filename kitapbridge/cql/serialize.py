"""The query model back to text: XCQL (for ``echoedSearchRetrieveRequest``) and CQL.

XCQL follows the layout of YAZ and cql-java: prefix maps first inside the node
they scope, sort keys last inside the root node. The CQL writer keeps ``sortBy``.
"""

from __future__ import annotations

from lxml import etree

from kitapbridge.cql.model import (
    BooleanClause,
    Modifier,
    PrefixAssignment,
    Query,
    QueryNode,
    SearchClause,
    SortKey,
)

XCQL_NAMESPACE = "http://www.loc.gov/zing/cql/xcql/"
"""The XCQL namespace SRU 1.1/1.2 echo queries in."""

_CQL_SPECIAL = frozenset(' \t\r\n()=<>"/')


def to_xcql(query: Query, namespace: str | None = XCQL_NAMESPACE) -> etree._Element:
    """The XCQL element (``searchClause`` or ``triple``) of a query."""
    element = _node_element(query.root, _Maker(namespace))
    if query.sort_keys:
        element.append(_sort_keys_element(query.sort_keys, _Maker(namespace)))
    return element


class _Maker:
    def __init__(self, namespace: str | None) -> None:
        self._prefix = f"{{{namespace}}}" if namespace else ""
        self._nsmap = {"xcql": namespace} if namespace else None

    def element(
        self, parent: etree._Element | None, tag: str, text: str | None = None
    ) -> etree._Element:
        name = self._prefix + tag
        if parent is None:
            child = etree.Element(name, nsmap=self._nsmap)
        else:
            child = etree.SubElement(parent, name)
        if text is not None:
            child.text = text
        return child


def _node_element(node: QueryNode, make: _Maker) -> etree._Element:
    if isinstance(node, SearchClause):
        element = make.element(None, "searchClause")
        _prefixes_element(element, node.prefixes, make)
        make.element(element, "index", node.index)
        relation = make.element(element, "relation")
        make.element(relation, "value", node.relation)
        _modifiers_element(relation, node.modifiers, make)
        make.element(element, "term", node.term)
        return element
    element = make.element(None, "triple")
    _prefixes_element(element, node.prefixes, make)
    boolean = make.element(element, "boolean")
    make.element(boolean, "value", node.operator.value)
    _modifiers_element(boolean, node.modifiers, make)
    make.element(element, "leftOperand").append(_node_element(node.left, make))
    make.element(element, "rightOperand").append(_node_element(node.right, make))
    return element


def _prefixes_element(
    parent: etree._Element, prefixes: tuple[PrefixAssignment, ...], make: _Maker
) -> None:
    if not prefixes:
        return
    container = make.element(parent, "prefixes")
    for assignment in prefixes:
        prefix = make.element(container, "prefix")
        if assignment.prefix is not None:
            make.element(prefix, "name", assignment.prefix)
        make.element(prefix, "identifier", assignment.uri)


def _modifiers_element(
    parent: etree._Element, modifiers: tuple[Modifier, ...], make: _Maker
) -> None:
    if not modifiers:
        return
    container = make.element(parent, "modifiers")
    for modifier in modifiers:
        element = make.element(container, "modifier")
        make.element(element, "type", modifier.name)
        if modifier.comparison is not None and modifier.value is not None:
            make.element(element, "comparison", modifier.comparison)
            make.element(element, "value", modifier.value)


def _sort_keys_element(keys: tuple[SortKey, ...], make: _Maker) -> etree._Element:
    container = make.element(None, "sortKeys")
    for key in keys:
        element = make.element(container, "key")
        make.element(element, "index", key.index)
        _modifiers_element(element, key.modifiers, make)
    return container


def to_cql(query: Query) -> str:
    """CQL text for a query, ``sortBy`` included; parsing it gives the same query."""
    text = _node_cql(query.root)
    if query.sort_keys:
        keys = " ".join(_quoted(k.index) + _modifiers_cql(k.modifiers) for k in query.sort_keys)
        text = f"{text} sortBy {keys}"
    return text


def _node_cql(node: QueryNode) -> str:
    prefixes = "".join(_prefix_cql(p) for p in node.prefixes)
    if isinstance(node, SearchClause):
        body = (
            f"{_quoted(node.index)} {node.relation}{_modifiers_cql(node.modifiers)} "
            f"{_quoted(node.term, raw=True)}"
        )
        return prefixes + body
    body = (
        f"{_operand_cql(node.left)} {node.operator.value}{_modifiers_cql(node.modifiers)} "
        f"{_operand_cql(node.right)}"
    )
    return prefixes + body


def _operand_cql(node: QueryNode) -> str:
    text = _node_cql(node)
    return f"({text})" if isinstance(node, BooleanClause) or node.prefixes else text


def _prefix_cql(assignment: PrefixAssignment) -> str:
    uri = _quoted(assignment.uri)
    return f"> {_quoted(assignment.prefix)} = {uri} " if assignment.prefix else f"> {uri} "


def _modifiers_cql(modifiers: tuple[Modifier, ...]) -> str:
    return "".join(
        f"/{m.name}{m.comparison}{_quoted(m.value)}"
        if m.comparison is not None and m.value is not None
        else f"/{m.name}"
        for m in modifiers
    )


def _quoted(value: str, raw: bool = False) -> str:
    """``value`` as a CQL term, quoted when it must be.

    ``raw`` terms already carry their escapes (\\" included); others get ``"`` escaped.
    """
    escaped = value if raw else value.replace("\\", "\\\\").replace('"', '\\"')
    reserved = value.lower() in {"and", "or", "not", "prox", "sortby"}
    if not value or reserved or any(c in _CQL_SPECIAL for c in value):
        return f'"{escaped}"'
    return escaped
