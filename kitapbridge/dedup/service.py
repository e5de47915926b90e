"""Dedup against the store: read records and constraints, run the pure core, write clusters.

Every function takes a ``Session`` and never commits: the CLI command, the job or the
web request owns the unit of work. Scoring and clustering stay in the pure modules.
"""

from __future__ import annotations

import csv
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO, TypeVar

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from kitapbridge.catalog import changes
from kitapbridge.catalog.models import AuditEntry, School, StoredRecord
from kitapbridge.catalog.records import marc_of
from kitapbridge.dedup.clustering import (
    ClusteringResult,
    ConstraintConflict,
    ConstraintKind,
    LinkConstraint,
    ScoredPair,
    anchor_of,
    cluster_records,
    merge_constraint,
    split_constraints,
)
from kitapbridge.dedup.feature_store import FEATURE_VERSION, features_from_json, features_to_json
from kitapbridge.dedup.features import MatchRecord, match_record
from kitapbridge.dedup.models import (
    ClusterChange,
    ClusterRedirect,
    DedupConstraint,
    DedupFeatures,
    DedupMember,
    MembershipMethod,
    ReviewItem,
    ReviewState,
)
from kitapbridge.dedup.pipeline import deduplicate
from kitapbridge.dedup.scoring import DEFAULT_POLICY, RULE_VERSION, MatchPolicy
from kitapbridge.errors import KitapbridgeError

logger = logging.getLogger(__name__)

CLUSTERS_CSV_HEADER = ("source_record_id", "local_id", "school", "cluster_id")
STREAM_BATCH = 1000
WRITE_BATCH = 5000
"""Rows per bulk statement (and ids per ``IN`` list) when writing membership."""

_Row = TypeVar("_Row")


class DedupError(KitapbridgeError):
    """A staff action that cannot be applied (unknown cluster, parts not covering it…)."""


@dataclass
class DedupSummary:
    """What a dedup run did, for the CLI and the job report."""

    records: int
    compared: int
    clusters: int
    multi_record_clusters: int
    review_open: int
    conflicts: list[ConstraintConflict]
    redirects: dict[str, str]


@dataclass
class StoreSnapshot:
    """What an incremental run starts from, read in one statement (one snapshot)."""

    records: list[MatchRecord]
    """Every live source record, in record id order (oldest first)."""
    membership: dict[int, str]
    """Record id → cluster id as the last run left it (deleted records' too)."""
    changed: set[int]
    """Members whose record was modified since a dedup run last compared it."""


def match_records(session: Session) -> list[MatchRecord]:
    """Every live source record as a ``MatchRecord``, in record id order (oldest first).

    Stored features (``dedup_features``) are reused while the record and the extractor
    are unchanged; the other records are read from their MARC and their features stored.
    """
    return read_store(session).records


def read_store(session: Session) -> StoreSnapshot:
    """The records, their stored clusters and which of those are out of date.

    A member is out of date when its record's ``modified_at`` is after its
    ``decided_at``, or differs from ``source_modified_at`` of its stored features: the
    version the last committed run read (and, being a member, compared). The second
    test is the one that cannot be missed: a record an import commits while a run is
    comparing, after that run read it, is stamped before the run's own stamp, so
    ``decided_at`` can end up later than the change, but the features the run stores
    keep the version it read. Records, features and membership come from one
    statement because on PostgreSQL (READ COMMITTED) each statement sees a newer
    snapshot: three reads could pair a record's old features with its new stamp.
    """
    statement = (
        select(
            StoredRecord.id,
            StoredRecord.local_id,
            School.isil,
            StoredRecord.modified_at,
            StoredRecord.deleted,
            DedupFeatures.feature_version,
            DedupFeatures.source_modified_at,
            DedupFeatures.features,
            DedupMember.cluster_id,
            DedupMember.decided_at,
        )
        .join(School, School.id == StoredRecord.school_id)
        .outerjoin(DedupFeatures, DedupFeatures.record_id == StoredRecord.id)
        .outerjoin(DedupMember, DedupMember.record_id == StoredRecord.id)
        # Deleted records only for their membership, which the run then removes.
        .where(or_(StoredRecord.deleted.is_(False), DedupMember.record_id.is_not(None)))
        .order_by(StoredRecord.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    records: list[MatchRecord | None] = []
    stale: dict[int, int] = {}  # record id → position in records
    modified: dict[int, datetime] = {}
    membership: dict[int, str] = {}
    changed: set[int] = set()
    for row in session.execute(statement):
        record_id, local_id, isil, modified_at, deleted, version, read_at, data = row[:8]
        cluster_id, decided_at = row[8:]
        read_this_version = _same_instant(read_at, modified_at)
        if cluster_id is not None:
            membership[record_id] = cluster_id
            # Stamps grow strictly per commit: a later change has a later ``modified_at``.
            # No stored features (clustered before they were kept): ``decided_at`` decides.
            if not deleted and (
                (read_at is not None and not read_this_version) or modified_at > decided_at
            ):
                changed.add(record_id)
        if deleted:
            continue
        if version == FEATURE_VERSION and read_this_version:
            records.append(features_from_json(record_id, data, isil, local_id))
        else:
            stale[record_id] = len(records)
            modified[record_id] = modified_at
            records.append(None)  # read from its MARC below
    if stale:
        _extract_and_store(session, records, stale, modified)
    return StoreSnapshot([record for record in records if record is not None], membership, changed)


def _same_instant(stored: datetime | None, current: datetime) -> bool:
    # SQLite returns naive datetimes; both sides were written in UTC.
    if stored is None:
        return False
    return stored.replace(tzinfo=None) == current.replace(tzinfo=None)


def _extract_and_store(
    session: Session,
    records: list[MatchRecord | None],
    stale: dict[int, int],
    modified: dict[int, datetime],
) -> None:
    """Read the stale records' MARC, fill their places in ``records``, store their features."""
    ids = sorted(stale)
    logger.info("dedup extracting match features of %d records", len(ids))
    for id_chunk in _chunks(ids):
        rows = session.execute(
            select(StoredRecord.id, StoredRecord.marc, StoredRecord.local_id, School.isil)
            .join(School, School.id == StoredRecord.school_id)
            .where(StoredRecord.id.in_(id_chunk))
        )
        stored_rows = []
        for record_id, marc, local_id, isil in rows:
            record = match_record(record_id, marc_of(record_id, marc), isil, local_id)
            records[stale[record_id]] = record
            stored_rows.append(
                {
                    "record_id": record_id,
                    "feature_version": FEATURE_VERSION,
                    "source_modified_at": modified[record_id],
                    "features": features_to_json(record),
                }
            )
        session.execute(delete(DedupFeatures).where(DedupFeatures.record_id.in_(id_chunk)))
        session.execute(insert(DedupFeatures), stored_rows)


def stored_constraints(session: Session) -> list[LinkConstraint]:
    """Every staff constraint, oldest first."""
    rows = session.scalars(select(DedupConstraint).order_by(DedupConstraint.id))
    return [
        LinkConstraint(r.record_a, r.record_b, ConstraintKind(r.kind), r.staff, r.reason)
        for r in rows
    ]


def stored_membership(session: Session) -> dict[int, str]:
    """Record id → cluster id as the last run left it."""
    rows = session.execute(select(DedupMember.record_id, DedupMember.cluster_id))
    return {record_id: cluster_id for record_id, cluster_id in rows}


def run_dedup(
    session: Session, *, full: bool = False, policy: MatchPolicy = DEFAULT_POLICY
) -> DedupSummary:
    """Cluster the store's records (``kitapbridge dedup [--full]``).

    Incremental (the default): records new since the last run, or modified since a run
    last read them (``read_store``), are compared with everything; the others keep their
    clusters. Nothing is locked while comparing: the catalog is stamped after.
    ``full`` compares every candidate pair again. Staff constraints apply either way.
    A changed ``policy`` reaches records already clustered only with ``full``.
    """
    # Constraints before clusters: a staff decision committed after this read is found
    # after the stamp below, whether or not the clusters read next show it.
    constraints = stored_constraints(session)
    snapshot = read_store(session)
    records, previous, changed = snapshot.records, snapshot.membership, snapshot.changed
    run = deduplicate(
        records,
        constraints,
        previous=None if full else previous,
        changed=frozenset() if full else changed,
        policy=policy,
    )
    now = changes.stamp(session).at
    # Re-stamp what was compared, so a modified record is compared once, not every run.
    compared = (
        set(run.clustering.membership)
        if full
        else changed | (set(run.clustering.membership) - set(previous))
    )
    clustering = run.clustering
    # The stamp waited for any staff decision that committed while this run compared:
    # its constraints bind this run's clusters too, and its clusters are what is stored.
    decided = stored_constraints(session)
    if decided != constraints:
        clustering, constraints = _with_constraints(clustering, decided), decided
        previous = stored_membership(session)
    _write_membership(session, clustering.membership, previous, constraints, now, compared)
    _write_review(session, clustering.review, clustering.membership, now)
    _write_redirects(session, clustering.redirects, now)
    for conflict in clustering.conflicts:
        logger.warning(
            "dedup constraint conflict: %s-%s (%s): %s",
            conflict.must_link.record_a,
            conflict.must_link.record_b,
            conflict.must_link.staff,
            conflict.reason,
        )
    clusters = clustering.clusters
    return DedupSummary(
        records=len(records),
        compared=run.compared,
        clusters=len(clusters),
        multi_record_clusters=sum(1 for members in clusters.values() if len(members) > 1),
        review_open=_count_open_review(session),
        conflicts=clustering.conflicts,
        redirects=clustering.redirects,
    )


def _with_constraints(
    clustering: ClusteringResult, constraints: Sequence[LinkConstraint]
) -> ClusteringResult:
    """``clustering`` with ``constraints`` applied as ``recluster`` applies them."""
    membership = clustering.membership
    result = cluster_records(membership, [], constraints, previous=membership)
    # A cluster id this run retired may be retired again: redirect it to the last one.
    redirects = {old: result.redirects.get(new, new) for old, new in clustering.redirects.items()}
    return ClusteringResult(
        clusters=result.clusters,
        membership=result.membership,
        review=clustering.review,
        conflicts=[*clustering.conflicts, *result.conflicts],
        redirects={**redirects, **result.redirects},
    )


def _write_membership(
    session: Session,
    membership: dict[int, str],
    previous: dict[int, str],
    constraints: Sequence[LinkConstraint],
    now: datetime,
    restamp: set[int] | frozenset[int] = frozenset(),
) -> None:
    staff_linked = {
        r
        for c in constraints
        if c.kind is ConstraintKind.MUST_LINK
        for r in (c.record_a, c.record_b)
    }
    sizes: dict[str, int] = defaultdict(int)
    for cluster_id in membership.values():
        sizes[cluster_id] += 1
    gone = [r for r in previous if r not in membership]
    for id_chunk in _chunks(gone):
        session.execute(delete(DedupMember).where(DedupMember.record_id.in_(id_chunk)))
    inserts: list[dict[str, object]] = []
    updates: list[dict[str, object]] = []
    for record_id, cluster_id in membership.items():
        if previous.get(record_id) == cluster_id and record_id not in restamp:
            continue
        method = (
            MembershipMethod.STAFF
            if record_id in staff_linked
            else MembershipMethod.AUTO
            if sizes[cluster_id] > 1
            else MembershipMethod.SINGLETON
        )
        row = {
            "record_id": record_id,
            "cluster_id": cluster_id,
            "method": str(method),
            "rule_version": RULE_VERSION,
            "decided_at": now,
        }
        (updates if record_id in previous else inserts).append(row)
    # Bulk statements: a first run over a national catalogue writes a million rows.
    for row_chunk in _chunks(inserts):
        session.execute(insert(DedupMember), row_chunk)
    for row_chunk in _chunks(updates):
        session.execute(update(DedupMember), row_chunk)
    _record_departures(session, membership, previous, now)
    session.flush()


def _record_departures(
    session: Session, membership: dict[int, str], previous: dict[int, str], now: datetime
) -> None:
    """Stamp each cluster a member left (moved or gone): its display record changed."""
    left = sorted({c for r, c in previous.items() if membership.get(r) != c})
    for id_chunk in _chunks(left):
        session.execute(delete(ClusterChange).where(ClusterChange.cluster_id.in_(id_chunk)))
    for id_chunk in _chunks(left):
        rows = [{"cluster_id": cluster_id, "changed_at": now} for cluster_id in id_chunk]
        session.execute(insert(ClusterChange), rows)


def _chunks(rows: Sequence[_Row]) -> Iterator[Sequence[_Row]]:
    for start in range(0, len(rows), WRITE_BATCH):
        yield rows[start : start + WRITE_BATCH]


def _write_review(
    session: Session, pairs: Iterable[ScoredPair], membership: dict[int, str], now: datetime
) -> None:
    existing = {
        (item.record_a, item.record_b): item for item in session.scalars(select(ReviewItem))
    }
    for key, item in existing.items():
        same = membership.get(key[0]) == membership.get(key[1]) is not None
        if item.state == ReviewState.OPEN and same:
            session.delete(item)  # the pair got linked some other way: nothing to decide
    for pair in pairs:
        key = (min(pair.record_a, pair.record_b), max(pair.record_a, pair.record_b))
        if key in existing:
            continue
        session.add(
            ReviewItem(
                record_a=key[0],
                record_b=key[1],
                score=pair.evidence.score,
                evidence=pair.evidence.as_dict(),
                state=str(ReviewState.OPEN),
                created_at=now,
            )
        )
    session.flush()


def _write_redirects(session: Session, redirects: dict[str, str], now: datetime) -> None:
    for old_id, new_id in redirects.items():
        session.merge(ClusterRedirect(old_id=old_id, new_id=new_id, created_at=now))
    session.flush()


def _count_open_review(session: Session) -> int:
    rows = session.scalars(select(ReviewItem.id).where(ReviewItem.state == ReviewState.OPEN))
    return len(rows.all())


def write_clusters_csv(session: Session, out: TextIO) -> int:
    """``export --clusters-csv``: one line per live source record; returns the line count.

    A record no dedup run has seen yet is its own cluster, ``c<record id>``.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CLUSTERS_CSV_HEADER)
    statement = (
        select(StoredRecord.id, StoredRecord.local_id, School.isil, DedupMember.cluster_id)
        .join(School, School.id == StoredRecord.school_id)
        .outerjoin(DedupMember, DedupMember.record_id == StoredRecord.id)
        .where(StoredRecord.deleted.is_(False))
        .order_by(StoredRecord.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    lines = 0
    for record_id, local_id, isil, cluster_id in session.execute(statement):
        writer.writerow((record_id, local_id, isil, cluster_id or f"c{record_id}"))
        lines += 1
    return lines


def recluster(session: Session) -> None:
    """Apply the stored constraints to the stored clusters without comparing any pair."""
    # Stamped before reading: no dedup run can commit clusters between this read and
    # the write (no pair is compared, so the lock is held for the reads and writes only).
    now = changes.stamp(session).at
    previous = stored_membership(session)
    constraints = stored_constraints(session)
    result = cluster_records(previous, [], constraints, previous=previous)
    _write_membership(session, result.membership, previous, constraints, now)
    _write_redirects(session, result.redirects, now)


def _add_constraints(session: Session, constraints: Iterable[LinkConstraint]) -> None:
    now = datetime.now(UTC)
    for c in constraints:
        a, b = min(c.record_a, c.record_b), max(c.record_a, c.record_b)
        exists = session.scalars(
            select(DedupConstraint.id).where(
                DedupConstraint.record_a == a,
                DedupConstraint.record_b == b,
                DedupConstraint.kind == str(c.kind),
            )
        ).first()
        if exists is None:
            session.add(
                DedupConstraint(
                    record_a=a, record_b=b, kind=str(c.kind), staff=c.staff, reason=c.reason,
                    created_at=now,
                )
            )  # fmt: skip
    session.flush()


def _audit(
    session: Session, who: str, action: str, entity: str, entity_id: int, why: str,
    before: dict[str, object], after: dict[str, object],
) -> None:  # fmt: skip
    if not who.strip() or not why.strip():
        raise DedupError("a staff decision needs who made it and why")
    session.add(
        AuditEntry(
            who=who, at=datetime.now(UTC), action=action, entity=entity, entity_id=entity_id,
            why=why, before=before, after=after,
        )
    )  # fmt: skip


def decide_review(
    session: Session, item_id: int, *, accept: bool, staff: str, reason: str
) -> ReviewItem:
    """Accept (must-link) or reject (cannot-link) a review item; clusters follow at once."""
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise DedupError(f"no review item {item_id}")
    if item.state != ReviewState.OPEN:
        raise DedupError(f"review item {item_id} was already {item.state}")
    kind = ConstraintKind.MUST_LINK if accept else ConstraintKind.CANNOT_LINK
    new_state = ReviewState.ACCEPTED if accept else ReviewState.REJECTED
    action = "review-accept" if accept else "review-reject"
    _audit(session, staff, action, "review", item.id, reason,
           {"state": item.state}, {"state": str(new_state)})  # fmt: skip
    _add_constraints(session, [LinkConstraint(item.record_a, item.record_b, kind, staff, reason)])
    item.state = str(new_state)
    item.decided_by, item.decided_at, item.reason = staff, datetime.now(UTC), reason
    recluster(session)
    return item


def cluster_members(session: Session, cluster_id: str) -> list[int]:
    """Record ids of a cluster, following redirects of retired ids; [] when unknown."""
    redirect = session.get(ClusterRedirect, cluster_id)
    if redirect is not None:
        cluster_id = redirect.new_id
    rows = session.scalars(
        select(DedupMember.record_id)
        .where(DedupMember.cluster_id == cluster_id)
        .order_by(DedupMember.record_id)
    )
    return list(rows)


def split_cluster(
    session: Session, cluster_id: str, parts: Sequence[Sequence[int]], *, staff: str, reason: str
) -> None:
    """Split a cluster into ``parts`` (which must cover its members exactly), for good."""
    members = cluster_members(session, cluster_id)
    if not members:
        raise DedupError(f"no cluster {cluster_id}")
    flat = sorted(r for part in parts for r in part)
    if flat != members or len(parts) < 2 or any(not part for part in parts):
        raise DedupError(f"the parts must divide the members of {cluster_id}: {members}")
    _audit(session, staff, "split", "cluster", anchor_of(cluster_id), reason,
           {"members": members}, {"parts": [sorted(p) for p in parts]})  # fmt: skip
    _add_constraints(session, split_constraints(parts, staff, reason))
    recluster(session)


def merge_clusters(
    session: Session, cluster_a: str, cluster_b: str, *, staff: str, reason: str
) -> None:
    """Merge two clusters for good; the older id survives and the other redirects to it."""
    for cluster_id in (cluster_a, cluster_b):
        if not cluster_members(session, cluster_id):
            raise DedupError(f"no cluster {cluster_id}")
    _audit(session, staff, "merge", "cluster", anchor_of(cluster_a), reason,
           {"clusters": [cluster_a, cluster_b]}, {})  # fmt: skip
    _add_constraints(session, [merge_constraint(cluster_a, cluster_b, staff, reason)])
    recluster(session)
