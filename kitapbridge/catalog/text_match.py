"""``contains_text(haystack, needle)``: a case-sensitive substring test on both databases.

``LIKE`` will not do: SQLite's LIKE ignores the case of ASCII letters. SQLite's
``instr`` and PostgreSQL's ``strpos`` both compare code points exactly; SQLAlchemy
has no portable spelling of them, so this construct compiles to each (SQLAlchemy
"Custom SQL Constructs and Compilation Extension").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class contains_text(FunctionElement[bool]):
    """True when the second argument occurs in the first, case and all."""

    type = Boolean()
    inherit_cache = True
    name = "contains_text"


@compiles(contains_text, "sqlite")
def _sqlite(element: contains_text, compiler: Any, **kw: Any) -> str:
    return f"(instr({compiler.process(element.clauses, **kw)}) > 0)"


@compiles(contains_text)
def _default(element: contains_text, compiler: Any, **kw: Any) -> str:
    return f"(strpos({compiler.process(element.clauses, **kw)}) > 0)"
