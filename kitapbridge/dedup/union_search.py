"""Searching the union catalog by cluster: one hit per edition, whichever schools hold it.

The SRU union database (``/sru``) answers with clusters, not source records. A query
is evaluated on source records exactly as ``catalog.search`` does (same term index,
same folding, so a Kazakh Cyrillic query and its 2021 Latin form find the same
records), and a cluster is a hit when any of its live members is. Records no dedup
run has placed yet are their own clusters, named as dedup would name them
(``"c" + record id``, ``clustering.cluster_id_for``), so their ids do not change when
dedup first runs on them.

Clusters are ordered by a sort value and then by their anchor (the number in the
cluster id); paging is keyset on that pair (``catalog.query.Cursor`` with the anchor in
``record_id``). A cluster's sort value is the smallest of its matching members' values
(the latest for ``modified``), so one result set numbers its clusters stably.

In this database ``rec.id`` names clusters (``c123``, or a retired id redirected to
its successor); a bare record id finds the cluster holding that record.
``rec.lastModificationDate`` finds clusters with a live member edited, or placed
(joined, re-compared) by dedup, in the range: see ``_cluster_modified``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pymarc
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session

from kitapbridge.catalog.models import Holding as StoredHolding
from kitapbridge.catalog.models import School, StoredRecord
from kitapbridge.catalog.query import (
    RECORD_INDEX,
    Cursor,
    EmptyTermError,
    Query,
    RangeClause,
    RangeField,
    Relation,
    Sort,
    SortKey,
    TermClause,
    UnsupportedMaskingError,
)
from kitapbridge.catalog.records import marc_of
from kitapbridge.catalog.search import compile_query, range_condition
from kitapbridge.connectors.base import Holding, HoldingStatus
from kitapbridge.dedup.display import ClusterMember, build_display_record
from kitapbridge.dedup.models import ClusterRedirect, DedupMember

_SORT_COLUMNS: dict[SortKey, Any] = {
    SortKey.TITLE: StoredRecord.sort_title,
    SortKey.CREATOR: StoredRecord.sort_creator,
    SortKey.DATE: StoredRecord.sort_year,
    SortKey.MODIFIED: StoredRecord.modified_at,
}


@dataclass(frozen=True)
class ClusterPage:
    """One page of matching cluster ids, with the cursor of the next page (None at the end)."""

    cluster_ids: list[str]
    next_cursor: Cursor | None


def cluster_anchor() -> ColumnElement[int]:
    """A stored record's cluster anchor: its cluster id's number, or its own id if unclustered."""
    return func.coalesce(cast(func.substr(DedupMember.cluster_id, 2), BigInteger), StoredRecord.id)


def count_clusters(session: Session, query: Query, *, school: str | None = None) -> int:
    """How many clusters have a live member matching ``query`` (SRU ``numberOfRecords``).

    With ``school``, only that school's members count as matching (``kz.school = …``).
    """
    matched = _matching_clusters(session, query, Sort(), school).subquery()
    return session.scalar(select(func.count()).select_from(matched)) or 0


def search_clusters(
    session: Session,
    query: Query,
    *,
    limit: int,
    sort: Sort = Sort(),  # noqa: B008 (frozen, shared safely)
    offset: int = 0,
    after: Cursor | None = None,
    school: str | None = None,
) -> ClusterPage:
    """One page of matching clusters, sorted by ``sort`` then anchor (see ``catalog.search``)."""
    # A cluster's anchor is its smallest member id (dedup's union-find keeps the smallest
    # root; members are only removed between runs), so clusters after anchor X have only
    # members after X: walking forward in id order reads fewer records the deeper it goes.
    forward = after is not None and sort.key is SortKey.ID and not sort.descending
    members_after = after.record_id if after is not None and forward else None
    matched = _matching_clusters(session, query, sort, school, members_after).subquery()
    order = [matched.c.sort_value, matched.c.anchor]
    statement = (
        select(matched.c.anchor, matched.c.sort_value)
        .order_by(*(c.desc() for c in order) if sort.descending else order)
        .limit(limit + 1)
    )
    if after is not None:
        value: Any = cursor_value(sort, after)
        key = tuple_(matched.c.sort_value, matched.c.anchor)
        bound = tuple_(value, after.record_id)
        statement = statement.where(key < bound if sort.descending else key > bound)
    if offset:
        statement = statement.offset(offset)
    rows = session.execute(statement).all()
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = _cursor(rows[-1].sort_value, rows[-1].anchor) if more and rows else None
    return ClusterPage([f"c{row.anchor}" for row in rows], cursor)


def cluster_hits(
    session: Session,
    query: Query,
    *,
    limit: int,
    sort: Sort = Sort(),  # noqa: B008 (frozen, shared safely)
    school: str | None = None,
) -> list[int] | None:
    """Every matching cluster's anchor in result order; None when more than ``limit`` match.

    One pass instead of a count and then a page: a cluster hit needs every matching
    member grouped, so a first page costs what the whole list costs. A result set
    keeps the list, and later pages at any depth are slices of it.
    """
    matched = _matching_clusters(session, query, sort, school).subquery()
    order = [matched.c.sort_value, matched.c.anchor]
    statement = (
        select(matched.c.anchor)
        .order_by(*(c.desc() for c in order) if sort.descending else order)
        .limit(limit + 1)
    )
    anchors = list(session.scalars(statement))
    return anchors if len(anchors) <= limit else None


def cluster_checkpoints(
    session: Session,
    query: Query,
    *,
    every: int,
    sort: Sort = Sort(),  # noqa: B008 (frozen, shared safely)
    school: str | None = None,
) -> dict[int, Cursor]:
    """Cursors after positions ``every``, ``2 × every``, … (``catalog.search.checkpoints``)."""
    matched = _matching_clusters(session, query, sort, school).subquery()
    order = [matched.c.sort_value, matched.c.anchor]
    numbered = select(
        matched.c.anchor,
        matched.c.sort_value,
        func.row_number()
        .over(order_by=[c.desc() for c in order] if sort.descending else order)
        .label("position"),
    ).subquery()
    statement = select(numbered.c.anchor, numbered.c.sort_value, numbered.c.position).where(
        numbered.c.position % every == 0
    )
    return {row.position: _cursor(row.sort_value, row.anchor) for row in session.execute(statement)}


@dataclass(frozen=True)
class MemberVersion:
    """What a member contributes to its cluster's display record, without its MARC."""

    record_id: int
    school: str
    local_id: str
    modified_at: datetime
    holdings: tuple[Holding, ...]


@dataclass(frozen=True)
class ClusterSnapshot:
    """A cluster's live members and retired ids: everything its display record depends on
    except the members' MARC, read in a few batched queries.

    Two equal snapshots build the same display record, so a snapshot (``version``) keys
    a cache of rendered records: a member edited (``modified_at``), joining or leaving,
    a copy added or retired ids changing all give a new version.
    """

    cluster_id: str
    members: tuple[MemberVersion, ...]
    retired: tuple[str, ...]

    @property
    def version(self) -> tuple[object, ...]:
        return ("cluster", self.cluster_id, self.members, self.retired)


def cluster_snapshots(session: Session, cluster_ids: Sequence[str]) -> dict[str, ClusterSnapshot]:
    """The snapshot of each cluster named (members in record id order; empty when gone)."""
    anchors = [int(c[1:]) for c in cluster_ids]
    columns = (StoredRecord.id, School.isil, StoredRecord.local_id, StoredRecord.modified_at)
    # Two indexed selects rather than one ``cluster_id IN … OR (unclustered AND id IN …)``:
    # the OR over an outer join makes PostgreSQL scan every source record.
    clustered = (
        select(*columns, DedupMember.cluster_id)
        .join(DedupMember, DedupMember.record_id == StoredRecord.id)
        .join(School, School.id == StoredRecord.school_id)
        .where(DedupMember.cluster_id.in_(list(cluster_ids)), StoredRecord.deleted.is_(False))
    )
    unclustered = (
        select(*columns, literal(None, String).label("cluster_id"))
        .join(School, School.id == StoredRecord.school_id)
        .where(
            StoredRecord.id.in_(anchors),
            StoredRecord.deleted.is_(False),
            ~exists().where(DedupMember.record_id == StoredRecord.id),
        )
    )
    rows = session.execute(union_all(clustered, unclustered)).all()
    copies = _holdings(session, [row[0] for row in rows])
    members: dict[str, list[MemberVersion]] = {c: [] for c in cluster_ids}
    for record_id, isil, local_id, modified_at, cluster_id in sorted(rows, key=lambda r: r[0]):
        version = MemberVersion(
            record_id, isil, local_id, modified_at, tuple(copies.get(record_id, ()))
        )
        members[cluster_id or f"c{record_id}"].append(version)
    retired = retired_ids_of(session, cluster_ids)
    return {
        c: ClusterSnapshot(c, tuple(members[c]), tuple(retired.get(c, ()))) for c in cluster_ids
    }


def _holdings(session: Session, record_ids: Sequence[int]) -> dict[int, list[Holding]]:
    """Each record's copies, ordered by barcode (as ``catalog.holdings.holdings_of``)."""
    if not record_ids:
        return {}
    statement = (
        select(StoredHolding)
        .where(StoredHolding.record_id.in_(list(record_ids)))
        .order_by(StoredHolding.record_id, StoredHolding.barcode)
    )
    found: dict[int, list[Holding]] = {}
    for stored in session.scalars(statement):
        found.setdefault(stored.record_id, []).append(
            Holding(
                barcode=stored.barcode,
                inventory_number=stored.inventory_number,
                call_number=stored.call_number,
                shelf_location=stored.shelf_location,
                status=HoldingStatus(stored.status),
            )
        )
    return found


def member_marc(session: Session, snapshots: Iterable[ClusterSnapshot]) -> dict[int, bytes]:
    """The stored MARC of every member of these snapshots (read only when a record is built)."""
    ids = sorted({m.record_id for s in snapshots for m in s.members})
    if not ids:
        return {}
    statement = select(StoredRecord.id, StoredRecord.marc).where(StoredRecord.id.in_(ids))
    return {record_id: marc for record_id, marc in session.execute(statement)}


def display_record(snapshot: ClusterSnapshot, marc: Mapping[int, bytes]) -> pymarc.Record:
    """The cluster's display record (raises ``StoredRecordError`` for an unreadable member,
    ``ValueError`` for a cluster without live members)."""
    members = [
        ClusterMember(
            m.record_id, marc_of(m.record_id, marc[m.record_id]), m.school, m.local_id, m.holdings
        )
        for m in snapshot.members
        if m.record_id in marc
    ]
    return build_display_record(snapshot.cluster_id, members, snapshot.retired)


def retired_ids_of(session: Session, cluster_ids: Sequence[str]) -> dict[str, list[str]]:
    """Cluster id → the retired ids redirected to it (019 of the display record)."""
    statement = (
        select(ClusterRedirect.old_id, ClusterRedirect.new_id)
        .where(ClusterRedirect.new_id.in_(list(cluster_ids)))
        .order_by(ClusterRedirect.old_id)
    )
    retired: dict[str, list[str]] = {}
    for old_id, new_id in session.execute(statement):
        retired.setdefault(new_id, []).append(old_id)
    return retired


def cursor_value(sort: Sort, cursor: Cursor) -> Any:
    """The cursor's sort value as the column compares it (times travel as ISO text)."""
    if sort.key is SortKey.MODIFIED and isinstance(cursor.value, str):
        return datetime.fromisoformat(cursor.value)
    return cursor.value


def _matching_clusters(
    session: Session,
    query: Query,
    sort: Sort,
    school: str | None,
    members_after: int | None = None,
) -> Select[Any]:
    """``(anchor, sort_value)`` of every cluster with a live member matching ``query``."""
    anchor = cluster_anchor()
    if sort.key is SortKey.ID:
        sort_value: Any = anchor
    elif sort.key is SortKey.MODIFIED:
        sort_value = func.max(_SORT_COLUMNS[sort.key])
    else:
        sort_value = func.min(_SORT_COLUMNS[sort.key])
    condition = compile_query(query, session, leaf=_union_clause)
    if school is not None:
        school_id = select(School.id).where(School.isil == school).scalar_subquery()
        condition = and_(condition, StoredRecord.school_id == school_id)
    if members_after is not None:
        condition = and_(condition, StoredRecord.id > members_after)
    return (
        select(anchor.label("anchor"), sort_value.label("sort_value"))
        .select_from(StoredRecord)
        .outerjoin(DedupMember, DedupMember.record_id == StoredRecord.id)
        .where(condition, StoredRecord.deleted.is_(False))
        .group_by(anchor)
    )


def _union_clause(clause: TermClause | RangeClause) -> ColumnElement[bool] | None:
    if isinstance(clause, TermClause) and clause.index == RECORD_INDEX:
        return _cluster_id_clause(clause)
    if isinstance(clause, RangeClause) and clause.field is RangeField.MODIFIED:
        return _cluster_modified(clause)
    return None


def _cluster_id_clause(clause: TermClause) -> ColumnElement[bool]:
    """Members of the clusters named (``c123``, retired ids followed), or records by id."""
    tokens = clause.text.split()
    if not tokens:
        raise EmptyTermError(clause.text)
    if any(token.endswith("*") for token in tokens):
        raise UnsupportedMaskingError(clause.text)
    if clause.relation is not Relation.ANY and len(set(tokens)) > 1:
        return false()  # one cluster cannot have two ids
    named = {t.lower() for t in tokens if t[:1] in "cC" and t[1:].isdigit()}
    record_ids = sorted({int(t) for t in tokens if t.isdigit()})
    if not named and not record_ids:
        return false()
    successors = select(ClusterRedirect.new_id).where(ClusterRedirect.old_id.in_(sorted(named)))
    clustered = select(DedupMember.record_id).where(
        or_(DedupMember.cluster_id.in_(sorted(named)), DedupMember.cluster_id.in_(successors))
    )
    unclustered = and_(
        StoredRecord.id.in_(sorted(int(c[1:]) for c in named)),
        StoredRecord.id.not_in(select(DedupMember.record_id)),
    )
    return or_(StoredRecord.id.in_(clustered), unclustered, StoredRecord.id.in_(record_ids))


def _cluster_modified(clause: RangeClause) -> ColumnElement[bool]:
    """Members edited in the range, or placed by dedup in it (joined or re-compared).

    A member leaving a cluster re-stamps only the leaving record (now in another
    cluster), so the cluster it left is not reported for that change.
    """
    placed = select(DedupMember.record_id).where(range_condition(DedupMember.decided_at, clause))
    return or_(range_condition(StoredRecord.modified_at, clause), StoredRecord.id.in_(placed))


def _cursor(value: Any, anchor: int) -> Cursor:
    return Cursor(value.isoformat() if isinstance(value, datetime) else value, anchor)
