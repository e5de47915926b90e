"""Dedup: cluster membership, staff constraints, review queue, retired cluster ids.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dedup_members",
        sa.Column("record_id", ROW_ID, nullable=False),
        sa.Column("cluster_id", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("rule_version", sa.String(length=40), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["source_records.id"]),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_index(
        "ix_dedup_members_cluster", "dedup_members", ["cluster_id", "record_id"], unique=False
    )
    op.create_table(
        "dedup_constraints",
        sa.Column("id", ROW_ID, nullable=False),
        sa.Column("record_a", ROW_ID, nullable=False),
        sa.Column("record_b", ROW_ID, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("staff", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_a"], ["source_records.id"]),
        sa.ForeignKeyConstraint(["record_b"], ["source_records.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_a", "record_b", "kind", name="uq_dedup_constraints_pair"),
    )
    op.create_index("ix_dedup_constraints_record_a", "dedup_constraints", ["record_a"])
    op.create_index("ix_dedup_constraints_record_b", "dedup_constraints", ["record_b"])
    op.create_table(
        "dedup_review",
        sa.Column("id", ROW_ID, nullable=False),
        sa.Column("record_a", ROW_ID, nullable=False),
        sa.Column("record_b", ROW_ID, nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["record_a"], ["source_records.id"]),
        sa.ForeignKeyConstraint(["record_b"], ["source_records.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_a", "record_b", name="uq_dedup_review_pair"),
    )
    op.create_index("ix_dedup_review_state", "dedup_review", ["state", "score"])
    op.create_table(
        "dedup_redirects",
        sa.Column("old_id", sa.String(length=32), nullable=False),
        sa.Column("new_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("old_id"),
    )


def downgrade() -> None:
    op.drop_table("dedup_redirects")
    op.drop_index("ix_dedup_review_state", table_name="dedup_review")
    op.drop_table("dedup_review")
    op.drop_index("ix_dedup_constraints_record_b", table_name="dedup_constraints")
    op.drop_index("ix_dedup_constraints_record_a", table_name="dedup_constraints")
    op.drop_table("dedup_constraints")
    op.drop_index("ix_dedup_members_cluster", table_name="dedup_members")
    op.drop_table("dedup_members")
