"""Builds MARC-SQL-shaped databases (``DOC``/``INV``/``INVOFF``/``SIGLA``) on any SQLAlchemy URL.

The layout follows the standards doc §1.1 (``voleg/bicat`` models and the
KazUTB migration): ``T<tag><subfield>`` copy columns, ``STATE`` 2 for written
off, OLE-Automation dates as floats. Column names keep MARC-SQL's mixed case
(``T090e``), which PostgreSQL preserves because SQLAlchemy quotes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

FS, SF = "\x1e", "\x1f"

metadata = sa.MetaData()

sigla = sa.Table(
    "SIGLA",
    metadata,
    sa.Column("SIGLA_ID", sa.Integer, primary_key=True),
    sa.Column("SHORTNAME", sa.Unicode(20)),
    sa.Column("NAME", sa.Unicode(100)),
)
doc = sa.Table(
    "DOC",
    metadata,
    sa.Column("DOC_ID", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("RECTYPE", sa.Unicode(1)),
    sa.Column("BIBLEVEL", sa.Unicode(1)),
    sa.Column("ITEM", sa.UnicodeText),
)


def _copy_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("INV_ID", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("DOC_ID", sa.Integer, index=True),
        sa.Column("T090e", sa.Unicode(30)),
        sa.Column("T090f", sa.Integer),
        sa.Column("T090w", sa.Unicode(30)),
        sa.Column("T876p", sa.Unicode(30)),
        sa.Column("T876c", sa.Numeric(12, 2)),
        sa.Column("T020d", sa.Unicode(10)),
        sa.Column("T990t", sa.Unicode(30)),
        sa.Column("CNT", sa.Integer),
        sa.Column("REGDATE", sa.Float),
        sa.Column("INVMODE", sa.Unicode(1)),
        sa.Column("TRACKINDEX", sa.Unicode(60)),
        sa.Column("STATE", sa.Integer),
    ]


inv = sa.Table("INV", metadata, *_copy_columns())
invoff = sa.Table(
    "INVOFF",
    metadata,
    *_copy_columns(),
    sa.Column("OFFDATE", sa.Date),
    sa.Column("NOTES", sa.Unicode(200)),
    sa.Column("WROFFACT", sa.Unicode(30)),
)


def item(*fields: str) -> str:
    """A ``DOC.ITEM`` string from fields written as ``"24510\\x1fa…"``."""
    return FS.join(fields) + FS


def data_field(tag: str, indicators: str, *subfields: tuple[str, str]) -> str:
    return tag + indicators + "".join(SF + code + value for code, value in subfields)


def create_marc_sql_database(
    url_or_engine: str | sa.Engine,
    *,
    docs: Iterable[Mapping[str, Any]] = (),
    copies: Iterable[Mapping[str, Any]] = (),
    written_off: Iterable[Mapping[str, Any]] = (),
    siglas: Iterable[Mapping[str, Any]] = (),
) -> None:
    """Create the tables and insert the given rows (dicts keyed by column name)."""
    engine = sa.create_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
    metadata.create_all(engine)
    with engine.begin() as connection:
        for table, rows in ((sigla, siglas), (doc, docs), (inv, copies), (invoff, written_off)):
            full_rows = [{c.name: row.get(c.name) for c in table.columns} for row in rows]
            if full_rows:
                connection.execute(table.insert(), full_rows)
    if isinstance(url_or_engine, str):
        engine.dispose()
