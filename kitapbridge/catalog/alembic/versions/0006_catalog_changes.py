"""The catalog's commit-ordered change counter (``catalog.changes``).

``max(modified_at)`` and the dedup stamps were not in commit order: an import stamped
a batch when it read it and committed later, and writers interleave. A cache keyed on
them could miss a late commit, and a harvester asking ``rec.lastModificationDate >``
the latest date it saw could skip a record committed after its query. One row, updated
under a lock held to each writer's commit, hands out versions and record stamps in
commit order instead.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 05:50:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    changes = op.create_table(
        "catalog_changes",
        sa.Column("id", sa.SmallInteger(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("stamped_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Stamps continue after every date already stored (clock_timestamp() is later still).
    op.bulk_insert(changes, [{"id": 1, "version": 1, "stamped_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table("catalog_changes")
