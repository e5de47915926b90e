"""SRU: when a cluster lost a member, the latest placement, redirects by their new id.

A record leaving a cluster re-stamps only the record (now in another cluster); the
cluster it left has to show a new lastModificationDate too, so harvesters asking
``rec.lastModificationDate >`` see its display record change. The display record of
a cluster also names the clusters retired into it, read by ``new_id``.

Revision ID: 0005
Revises: 0003 (the integrator chains it after 0004)
Create Date: 2026-11-22 00:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dedup_cluster_changes",
        sa.Column("cluster_id", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cluster_id"),
    )
    op.create_index("ix_dedup_redirects_new_id", "dedup_redirects", ["new_id"])
    # The latest placement, read by every SRU search to tell whether cached results are stale.
    op.create_index("ix_dedup_members_decided", "dedup_members", ["decided_at"])


def downgrade() -> None:
    op.drop_index("ix_dedup_members_decided", table_name="dedup_members")
    op.drop_index("ix_dedup_redirects_new_id", table_name="dedup_redirects")
    op.drop_table("dedup_cluster_changes")
