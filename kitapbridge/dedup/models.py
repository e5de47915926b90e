"""Dedup's tables in the union catalog store (dedup.md §5): clusters, constraints, review.

Clusters are stored, merged records are not: ``dedup_members`` maps every live source
record to its cluster id, ``dedup_constraints`` holds the staff must-link / cannot-link
decisions every run obeys, ``dedup_review`` the pairs waiting for a person, and
``dedup_redirects`` the retired cluster ids (OCLC 019 semantics). Staff actions are
written to the catalog's ``audit_log``. Migration: ``catalog/alembic/versions/0002``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kitapbridge.catalog.models import Base, RowId


class ReviewState(StrEnum):
    """Where a review item stands."""

    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class MembershipMethod(StrEnum):
    """How a record came into its cluster."""

    AUTO = "auto"
    STAFF = "staff"
    SINGLETON = "singleton"


class DedupMember(Base):
    """A source record's cluster, with the rule version and time of the decision."""

    __tablename__ = "dedup_members"
    __table_args__ = (
        Index("ix_dedup_members_cluster", "cluster_id", "record_id"),
        Index("ix_dedup_members_decided", "decided_at"),
    )

    record_id: Mapped[int] = mapped_column(RowId, ForeignKey("source_records.id"), primary_key=True)
    cluster_id: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(20))
    rule_version: Mapped[str] = mapped_column(String(40))
    decided_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"DedupMember(record_id={self.record_id!r}, cluster_id={self.cluster_id!r})"


class DedupConstraint(Base):
    """A staff decision that two records are (``must-link``) or are not one edition."""

    __tablename__ = "dedup_constraints"
    __table_args__ = (
        UniqueConstraint("record_a", "record_b", "kind", name="uq_dedup_constraints_pair"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    record_a: Mapped[int] = mapped_column(RowId, ForeignKey("source_records.id"), index=True)
    record_b: Mapped[int] = mapped_column(RowId, ForeignKey("source_records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    staff: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class ReviewItem(Base):
    """A pair the matcher could not decide, with its evidence, until staff decide it."""

    __tablename__ = "dedup_review"
    __table_args__ = (
        UniqueConstraint("record_a", "record_b", name="uq_dedup_review_pair"),
        Index("ix_dedup_review_state", "state", "score"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    record_a: Mapped[int] = mapped_column(RowId, ForeignKey("source_records.id"))
    record_b: Mapped[int] = mapped_column(RowId, ForeignKey("source_records.id"))
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(20), default=ReviewState.OPEN)
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)


class ClusterRedirect(Base):
    """A retired cluster id and the cluster that now holds its anchor record."""

    __tablename__ = "dedup_redirects"
    __table_args__ = (Index("ix_dedup_redirects_new_id", "new_id"),)

    old_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    new_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]


class ClusterChange(Base):
    """The last time a cluster lost a member (it left for another cluster, or was deleted).

    A member joining or edited shows in the member's own times (``decided_at``,
    ``modified_at``); a member leaving leaves no row in the cluster, so it is
    recorded here. Together they are the cluster's lastModificationDate (SRU, OAI).
    Migration: ``catalog/alembic/versions/0004``.
    """

    __tablename__ = "dedup_cluster_changes"

    cluster_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    changed_at: Mapped[datetime]


class DedupFeatures(Base):
    """A record's match features as JSON, valid while the record and the extractor are unchanged.

    ``source_modified_at`` is the record's ``modified_at`` when the features were read;
    ``feature_version`` is ``feature_store.FEATURE_VERSION`` of the code that read them.
    """

    __tablename__ = "dedup_features"

    record_id: Mapped[int] = mapped_column(RowId, ForeignKey("source_records.id"), primary_key=True)
    feature_version: Mapped[str] = mapped_column(String(40))
    source_modified_at: Mapped[datetime]
    features: Mapped[dict[str, Any]]
