"""SRU: when a cluster lost a member, the latest placement, redirects by their new id,
and the CQL proximity function on PostgreSQL.

A record leaving a cluster re-stamps only the record (now in another cluster); the
cluster it left has to show a new lastModificationDate too, so harvesters asking
``rec.lastModificationDate >`` see its display record change. The display record of
a cluster also names the clusters retired into it, read by ``new_id``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 00:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# CQL prox on PostgreSQL: the same test as kitapbridge.catalog.proximity.words_near
# (kept here, not imported, so the migration stays what it was when it ran).
PROX_FUNCTION = """
CREATE OR REPLACE FUNCTION kitapbridge_prox(
    phrase text, lft text, lft_prefix boolean, rgt text, rgt_prefix boolean,
    comparison text, wanted integer, ordered boolean
) RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    words text[] := regexp_split_to_array(btrim(phrase), ' +');
    a integer;
    b integer;
    apart integer;
    near boolean;
BEGIN
    IF phrase IS NULL OR btrim(phrase) = '' THEN
        RETURN false;
    END IF;
    FOR a IN 1 .. array_length(words, 1) LOOP
        CONTINUE WHEN NOT (CASE WHEN lft_prefix THEN left(words[a], length(lft)) = lft
                                ELSE words[a] = lft END);
        FOR b IN 1 .. array_length(words, 1) LOOP
            CONTINUE WHEN a = b OR (ordered AND b < a);
            CONTINUE WHEN NOT (CASE WHEN rgt_prefix THEN left(words[b], length(rgt)) = rgt
                                    ELSE words[b] = rgt END);
            apart := abs(b - a);
            near := CASE comparison
                WHEN '=' THEN apart = wanted
                WHEN '<' THEN apart < wanted
                WHEN '<=' THEN apart <= wanted
                WHEN '>' THEN apart > wanted
                WHEN '>=' THEN apart >= wanted
                WHEN '<>' THEN apart <> wanted
                ELSE false END;
            IF near THEN
                RETURN true;
            END IF;
        END LOOP;
    END LOOP;
    RETURN false;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PROX_FUNCTION)
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
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP FUNCTION IF EXISTS kitapbridge_prox(text, text, boolean, text, boolean, "
            "text, integer, boolean)"
        )
    op.drop_index("ix_dedup_members_decided", table_name="dedup_members")
    op.drop_index("ix_dedup_redirects_new_id", table_name="dedup_redirects")
    op.drop_table("dedup_cluster_changes")
