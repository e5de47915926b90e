"""Union catalog store: schools, runs, records, history, holdings, quarantine, audit, index.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 21:48:41.211380
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Byte-wise collation on PostgreSQL, so that a prefix range is exactly "starts with".
TERM_TEXT = sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column(
            "entity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"], unique=False)
    op.create_table(
        "schools",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("isil", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("source_system", sa.String(length=20), nullable=True),
        sa.Column("api_token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("api_token_hash"),
        sa.UniqueConstraint("isil"),
    )
    op.create_table(
        "import_runs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "school_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("system", sa.String(length=20), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("started_by", sa.String(length=200), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("records_total", sa.Integer(), nullable=True),
        sa.Column("records_done", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("restored", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_import_runs_school_id"), "import_runs", ["school_id"], unique=False)
    op.create_table(
        "quarantine",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "school_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("record_index", sa.Integer(), nullable=False),
        sa.Column("byte_offset", sa.BigInteger(), nullable=False),
        sa.Column("local_id", sa.String(length=200), nullable=True),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("issues", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["import_runs.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "record_index", name="uq_quarantine_position"),
    )
    op.create_index(op.f("ix_quarantine_run_id"), "quarantine", ["run_id"], unique=False)
    op.create_table(
        "source_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "school_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("system", sa.String(length=20), nullable=False),
        sa.Column("local_id", sa.String(length=200), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("raw_format", sa.String(length=20), nullable=False),
        sa.Column("flavour", sa.String(length=20), nullable=True),
        sa.Column("encoding", sa.String(length=40), nullable=True),
        sa.Column("marc", sa.LargeBinary(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "first_seen_run_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "last_seen_run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column(
            "sort_title",
            TERM_TEXT,
            nullable=False,
        ),
        sa.Column(
            "sort_creator",
            TERM_TEXT,
            nullable=False,
        ),
        sa.Column("sort_year", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_seen_run_id"],
            ["import_runs.id"],
        ),
        sa.ForeignKeyConstraint(
            ["last_seen_run_id"],
            ["import_runs.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "system", "local_id", name="uq_source_records_local_id"),
    )
    op.create_index(
        "ix_source_records_modified", "source_records", ["modified_at", "id"], unique=False
    )
    op.create_index(
        "ix_source_records_sort_creator", "source_records", ["sort_creator", "id"], unique=False
    )
    op.create_index(
        "ix_source_records_sort_title", "source_records", ["sort_title", "id"], unique=False
    )
    op.create_index(
        "ix_source_records_sort_year", "source_records", ["sort_year", "id"], unique=False
    )
    op.create_table(
        "holdings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "school_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("barcode", sa.String(length=64), nullable=True),
        sa.Column("inventory_number", sa.Text(), nullable=True),
        sa.Column("call_number", sa.Text(), nullable=True),
        sa.Column("shelf_location", sa.Text(), nullable=True),
        sa.Column("sigla", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["source_records.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_holdings_record_id"), "holdings", ["record_id"], unique=False)
    op.create_index(
        "uq_holdings_school_barcode",
        "holdings",
        ["school_id", "barcode"],
        unique=True,
        sqlite_where=sa.text("barcode IS NOT NULL"),
        postgresql_where=sa.text("barcode IS NOT NULL"),
    )
    op.create_table(
        "index_phrases",
        sa.Column(
            "record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("idx", sa.SmallInteger(), nullable=False),
        sa.Column("phrase", TERM_TEXT, nullable=False),
        sa.PrimaryKeyConstraint("record_id", "idx", "phrase"),
    )
    op.create_index("ix_index_phrases_lookup", "index_phrases", ["idx", "phrase"], unique=False)
    op.create_table(
        "index_terms",
        sa.Column("term", TERM_TEXT, nullable=False),
        sa.Column("idx", sa.SmallInteger(), nullable=False),
        sa.Column(
            "record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.PrimaryKeyConstraint("term", "idx", "record_id"),
    )
    op.create_index(op.f("ix_index_terms_record_id"), "index_terms", ["record_id"], unique=False)
    op.create_table(
        "record_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "record_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("marc", sa.LargeBinary(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "replaced_by_run_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["source_records.id"],
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_run_id"],
            ["import_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_record_versions_record_id"), "record_versions", ["record_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_record_versions_record_id"), table_name="record_versions")
    op.drop_table("record_versions")
    op.drop_index(op.f("ix_index_terms_record_id"), table_name="index_terms")
    op.drop_table("index_terms")
    op.drop_index("ix_index_phrases_lookup", table_name="index_phrases")
    op.drop_table("index_phrases")
    op.drop_index(
        "uq_holdings_school_barcode",
        table_name="holdings",
        sqlite_where=sa.text("barcode IS NOT NULL"),
        postgresql_where=sa.text("barcode IS NOT NULL"),
    )
    op.drop_index(op.f("ix_holdings_record_id"), table_name="holdings")
    op.drop_table("holdings")
    op.drop_index("ix_source_records_sort_year", table_name="source_records")
    op.drop_index("ix_source_records_sort_title", table_name="source_records")
    op.drop_index("ix_source_records_sort_creator", table_name="source_records")
    op.drop_index("ix_source_records_modified", table_name="source_records")
    op.drop_table("source_records")
    op.drop_index(op.f("ix_quarantine_run_id"), table_name="quarantine")
    op.drop_table("quarantine")
    op.drop_index(op.f("ix_import_runs_school_id"), table_name="import_runs")
    op.drop_table("import_runs")
    op.drop_table("schools")
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
    op.drop_table("audit_log")
