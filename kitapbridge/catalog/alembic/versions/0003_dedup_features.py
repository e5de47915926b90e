"""Dedup: stored match features, so runs extract only new or changed records.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 23:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dedup_features",
        sa.Column("record_id", ROW_ID, nullable=False),
        sa.Column("feature_version", sa.String(length=40), nullable=False),
        sa.Column("source_modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["source_records.id"]),
        sa.PrimaryKeyConstraint("record_id"),
    )


def downgrade() -> None:
    op.drop_table("dedup_features")
