"""Display records from the store: one per cluster, built on demand (never stored).

``display_records`` yields ``(anchor record id, record)`` pairs, the shape
``catalog.export.write_records`` writes, so ``kitapbridge export --display`` reuses the
catalog's writers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pymarc
from sqlalchemy import select
from sqlalchemy.orm import Session

from kitapbridge.catalog.holdings import as_source_holding, holdings_of
from kitapbridge.catalog.models import School, StoredRecord
from kitapbridge.catalog.records import marc_of
from kitapbridge.dedup.display import ClusterMember, build_display_record
from kitapbridge.dedup.models import ClusterRedirect, DedupMember

STREAM_BATCH = 1000


def cluster_member(
    session: Session, stored: StoredRecord, isil: str | None = None
) -> ClusterMember:
    """A stored record with its school's ISIL and its copies, as the display builder takes it."""
    if isil is None:
        school = session.get(School, stored.school_id)
        isil = school.isil if school is not None else ""
    copies = tuple(as_source_holding(h) for h in holdings_of(session, stored.id))
    return ClusterMember(stored.id, marc_of(stored.id, stored.marc), isil, stored.local_id, copies)


def retired_ids(session: Session) -> dict[str, list[str]]:
    """Cluster id → the retired ids redirected to it (for 019)."""
    retired: dict[str, list[str]] = {}
    for old_id, new_id in session.execute(select(ClusterRedirect.old_id, ClusterRedirect.new_id)):
        retired.setdefault(new_id, []).append(old_id)
    return retired


def display_records(session: Session) -> Iterator[tuple[int, pymarc.Record]]:
    """One display record per cluster of live records, in cluster anchor order.

    Records no dedup run has seen yet are their own clusters (``c<record id>``).
    """
    retired = retired_ids(session)
    statement = (
        select(StoredRecord.id, DedupMember.cluster_id)
        .outerjoin(DedupMember, DedupMember.record_id == StoredRecord.id)
        .where(StoredRecord.deleted.is_(False))
        .execution_options(yield_per=STREAM_BATCH)
    )
    # Only ids are held in memory; records are read cluster by cluster, in anchor order
    # so the output is deterministic.
    clusters: dict[str, list[int]] = {}
    for record_id, cluster_id in session.execute(statement):
        clusters.setdefault(cluster_id or f"c{record_id}", []).append(record_id)
    for cluster_id in sorted(clusters, key=lambda c: int(c[1:])):
        members = []
        for record_id in sorted(clusters[cluster_id]):
            stored = session.get(StoredRecord, record_id)
            assert stored is not None, "listed above"
            members.append(cluster_member(session, stored))
        yield (
            int(cluster_id[1:]),
            build_display_record(cluster_id, members, retired.get(cluster_id, ())),
        )
