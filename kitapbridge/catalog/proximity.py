"""Word proximity within one field: the test behind ``ProximityClause`` (CQL ``prox``).

Phrases (``index_phrases``) hold each field as its skeleton words between single
spaces (`` kazak tili 5 synyp ``), so a word's position is its place in that list.
Two occurrences are ``distance`` apart when their positions differ by it (adjacent
words: 1); the same occurrence never counts as both words.

The database evaluates this per candidate phrase, after the word postings have
narrowed the records: SQLite through ``register_sqlite_functions`` (a Python function
on each connection), PostgreSQL through the plpgsql function of the same name that
migration 0004 creates. Both implement :func:`words_near`.
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Callable

SQL_FUNCTION = "kitapbridge_prox"

_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "<>": operator.ne,
}


def words_near(
    phrase: str | None,
    left: str,
    left_prefix: bool | int,
    right: str,
    right_prefix: bool | int,
    comparison: str,
    distance: int,
    ordered: bool | int,
) -> bool:
    """Whether ``phrase`` has ``left`` and ``right`` (each a word, or a prefix) at a
    distance that compares to ``distance``; with ``ordered``, ``right`` comes after."""
    if phrase is None:
        return False
    words = phrase.split()
    compare = _COMPARE[comparison]
    lefts = [n for n, w in enumerate(words) if _matches(w, left, left_prefix)]
    if not lefts:
        return False
    rights = [n for n, w in enumerate(words) if _matches(w, right, right_prefix)]
    for a in lefts:
        for b in rights:
            if a == b or (ordered and b < a):
                continue
            if compare(abs(b - a), distance):
                return True
    return False


def _matches(word: str, wanted: str, prefix: bool | int) -> bool:
    return word.startswith(wanted) if prefix else word == wanted


def register_sqlite_functions(connection: sqlite3.Connection) -> None:
    """Make ``kitapbridge_prox(...)`` callable in SQL on this SQLite connection."""
    connection.create_function(SQL_FUNCTION, 8, words_near, deterministic=True)
