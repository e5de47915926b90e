"""A covering index of live records for hit lists (PostgreSQL).

A hit list (SRU result set, union catalog clusters) reads, for every matching record,
its sort values, ``modified_at`` and school: from this index (8 MB at 100k records)
as an index-only scan instead of from the table's heap (87 MB), which cut first-time
hit-list statements by 20–60 % at 100k records. SQLite has no INCLUDE and plans rowid
lookups on the table even with every column in a partial index's key (measured: no
gain); there the index is a small partial one on the id, so that the one model
describes both schemas.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_source_records_live_covering",
        "source_records",
        ["id"],
        postgresql_include=["sort_title", "sort_creator", "sort_year", "modified_at", "school_id"],
        postgresql_where=sa.text("deleted IS FALSE"),
        sqlite_where=sa.text("deleted = 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_source_records_live_covering", table_name="source_records")
