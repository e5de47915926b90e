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
(joined, re-compared) by dedup, or that lost a member, in the range (see
``_cluster_modified``); the display record's 005 is that time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pymarc
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
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

from kitapbridge.catalog import changes
from kitapbridge.catalog.holdings import as_source_holding
from kitapbridge.catalog.models import Holding as StoredHolding
from kitapbridge.catalog.models import School, StoredRecord
from kitapbridge.catalog.query import (
    RECORD_INDEX,
    Cursor,
    Query,
    QueryError,
    RangeClause,
    RangeField,
    Sort,
    SortKey,
    TermClause,
)
from kitapbridge.catalog.records import marc_of
from kitapbridge.catalog.search import (
    compile_query,
    id_tokens,
    ids_in_order,
    in_bound_list,
    range_condition,
    stored_marc,
)
from kitapbridge.connectors.base import Holding
from kitapbridge.dedup.display import ClusterMember, build_display_record
from kitapbridge.dedup.models import ClusterChange, ClusterRedirect, DedupMember

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


def count_clusters(connection: Connection, query: Query, *, school: str | None = None) -> int:
    """How many clusters have a live member matching ``query`` (SRU ``numberOfRecords``).

    With ``school``, only that school's members count as matching (``kz.school = …``).
    """
    matched = _matching_clusters(connection, query, Sort(), school).subquery()
    return connection.scalar(select(func.count()).select_from(matched)) or 0


def search_clusters(
    connection: Connection,
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
    if after is not None and sort.then:
        raise QueryError("keyset paging follows one sort key")
    forward = after is not None and sort.key is SortKey.ID and not sort.descending
    members_after = after.record_id if after is not None and forward else None
    matched = _matching_clusters(connection, query, sort, school, members_after).subquery()
    statement = (
        select(matched.c.anchor, matched.c.sort_value)
        .order_by(*_cluster_order(matched, sort))
        .limit(limit + 1)
    )
    if after is not None:
        value: Any = cursor_value(sort, after)
        key = tuple_(matched.c.sort_value, matched.c.anchor)
        bound = tuple_(value, after.record_id)
        statement = statement.where(key < bound if sort.descending else key > bound)
    if offset:
        statement = statement.offset(offset)
    rows = connection.execute(statement).all()
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = _cursor(rows[-1].sort_value, rows[-1].anchor) if more and rows else None
    return ClusterPage([f"c{row.anchor}" for row in rows], cursor)


def cluster_hits(
    connection: Connection,
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
    matched = _matching_clusters(connection, query, sort, school).subquery()
    anchors = ids_in_order(
        connection, select(matched.c.anchor), _cluster_order(matched, sort), limit + 1
    )
    return anchors if len(anchors) <= limit else None


def cluster_checkpoints(
    connection: Connection,
    query: Query,
    *,
    every: int,
    sort: Sort = Sort(),  # noqa: B008 (frozen, shared safely)
    school: str | None = None,
) -> dict[int, Cursor]:
    """Cursors after positions ``every``, ``2 × every``, … (``catalog.search.checkpoints``)."""
    if sort.then:
        raise QueryError("keyset paging follows one sort key")
    matched = _matching_clusters(connection, query, sort, school).subquery()
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
    return {
        row.position: _cursor(row.sort_value, row.anchor) for row in connection.execute(statement)
    }


@dataclass(frozen=True)
class MemberVersion:
    """What a member contributes to its cluster's display record, without its MARC."""

    record_id: int
    school: str
    local_id: str
    modified_at: datetime
    placed_at: datetime | None
    """When dedup last placed it in its cluster (None: no dedup run has seen it)."""
    holdings: tuple[Holding, ...]


@dataclass(frozen=True)
class ClusterSnapshot:
    """A cluster's live members, retired ids and last departure: everything its display
    record depends on except the members' MARC, read in one query.

    Two equal snapshots build the same display record, so a snapshot (``version``) keys
    a cache of rendered records: a member edited (``modified_at``), joining (its
    ``placed_at``) or leaving (``left_at``), a copy added or retired ids changing all
    give a new version.
    """

    cluster_id: str
    members: tuple[MemberVersion, ...]
    retired: tuple[str, ...]
    left_at: datetime | None = None
    """When a member last left the cluster (``dedup_cluster_changes``)."""

    @property
    def version(self) -> tuple[object, ...]:
        return ("cluster", self.cluster_id, self.members, self.retired, self.left_at)

    @property
    def modified_at(self) -> datetime | None:
        """The cluster's lastModificationDate: a member edited, placed, or one leaving."""
        moments = [m.modified_at for m in self.members]
        moments += [m.placed_at for m in self.members if m.placed_at is not None]
        moments += [self.left_at] if self.left_at is not None else []
        return max(moments, key=_comparable) if moments else None


def _comparable(moment: datetime) -> datetime:
    """SQLite hands back naive times (stored as UTC); PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cluster_snapshots(
    connection: Connection, cluster_ids: Sequence[str]
) -> dict[str, ClusterSnapshot]:
    """The snapshot of each cluster named (members in record id order; empty when gone)."""
    return cluster_snapshots_as_of(connection, cluster_ids)[0]


def cluster_snapshots_as_of(
    connection: Connection, cluster_ids: Sequence[str]
) -> tuple[dict[str, ClusterSnapshot], int | None]:
    """The snapshots, and the catalog's change version as the same statement saw it
    (None without rows).

    One statement (a page costs round trips, not rows): each live member with its
    school, its copies (one row per copy), its cluster's retired ids and last departure,
    and when the catalog last changed, so a cached result can be checked for free.
    """
    anchors = [int(c[1:]) for c in cluster_ids]
    parameters = {"cluster_ids": list(cluster_ids), "anchors": anchors}
    rows = sorted(
        connection.execute(_snapshot_statement(connection.dialect.name), parameters),
        key=lambda row: (row.record_id, row.holding_id or 0),
    )
    copies: dict[int, list[Holding]] = {}
    members: dict[str, dict[int, Any]] = {c: {} for c in cluster_ids}
    retired: dict[str, tuple[str, ...]] = {}
    left_at: dict[str, datetime | None] = {}
    for row in rows:
        members[row.cluster_id].setdefault(row.record_id, row)
        retired[row.cluster_id] = tuple(sorted((row.retired or "").split()))
        left_at[row.cluster_id] = row.left_at
        if row.holding_id is not None:
            copies.setdefault(row.record_id, []).append(as_source_holding(row))
    seen = int(rows[0].catalog_version) if rows else None
    snapshots = {
        c: ClusterSnapshot(
            c,
            tuple(
                MemberVersion(
                    row.record_id,
                    row.isil,
                    row.local_id,
                    row.modified_at,
                    row.placed_at,
                    tuple(sorted(copies.get(row.record_id, ()), key=_copy_order)),
                )
                for row in members[c].values()
            ),
            retired.get(c, ()),
            left_at.get(c),
        )
        for c in cluster_ids
    }
    return snapshots, seen


@cache
def _snapshot_statement(dialect: str) -> Any:
    """The snapshot query, built once per dialect: it runs for every page of the union
    database, and building and keying a statement of this size costs more CPU than
    running it."""
    # Two indexed selects rather than one ``cluster_id IN … OR (unclustered AND id IN …)``:
    # the OR over an outer join makes PostgreSQL scan every source record.
    clustered = _snapshot_rows(DedupMember.cluster_id, DedupMember.decided_at).where(
        in_bound_list(DedupMember.cluster_id, "cluster_ids", dialect)
    )
    own_cluster = literal("c", String) + cast(StoredRecord.id, String)
    unclustered = (
        _snapshot_rows(own_cluster, literal(None, DedupMember.decided_at.type), joined=False)
        .where(in_bound_list(StoredRecord.id, "anchors", dialect))
        .where(~exists().where(DedupMember.record_id == StoredRecord.id))
    )
    return union_all(clustered, unclustered)


def _copy_order(copy: Holding) -> tuple[str, str]:
    return copy.barcode or "", copy.inventory_number or ""


def _snapshot_rows(cluster: Any, placed_at: Any, *, joined: bool = True) -> Select[Any]:
    """Live members with school, copies, the cluster's retired ids and last departure."""
    retired = (
        select(func.aggregate_strings(ClusterRedirect.old_id, " "))
        .where(ClusterRedirect.new_id == cluster)
        .scalar_subquery()
    )
    left_at = (
        select(ClusterChange.changed_at)
        .where(ClusterChange.cluster_id == cluster)
        .scalar_subquery()
    )
    statement = select(
        StoredRecord.id.label("record_id"),
        School.isil.label("isil"),
        StoredRecord.local_id.label("local_id"),
        StoredRecord.modified_at.label("modified_at"),
        placed_at.label("placed_at"),
        cluster.label("cluster_id"),
        retired.label("retired"),
        left_at.label("left_at"),
        changes.version_column().label("catalog_version"),
        StoredHolding.id.label("holding_id"),
        StoredHolding.barcode.label("barcode"),
        StoredHolding.inventory_number.label("inventory_number"),
        StoredHolding.call_number.label("call_number"),
        StoredHolding.shelf_location.label("shelf_location"),
        StoredHolding.status.label("status"),
    ).select_from(StoredRecord)
    if joined:
        statement = statement.join(DedupMember, DedupMember.record_id == StoredRecord.id)
    return (
        statement.join(School, School.id == StoredRecord.school_id)
        .outerjoin(StoredHolding, StoredHolding.record_id == StoredRecord.id)
        .where(StoredRecord.deleted.is_(False))
    )


def member_marc(connection: Connection, snapshots: Iterable[ClusterSnapshot]) -> dict[int, bytes]:
    """The stored MARC of every member of these snapshots (read only when a record is built)."""
    return stored_marc(connection, sorted({m.record_id for s in snapshots for m in s.members}))


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
    display = build_display_record(snapshot.cluster_id, members, snapshot.retired)
    modified = snapshot.modified_at
    if modified is not None:
        # 005: when the cluster last changed, so a copy cataloguer sees a newer version.
        stamp = _comparable(modified).astimezone(UTC).strftime("%Y%m%d%H%M%S.0")
        display.add_ordered_field(pymarc.Field(tag="005", data=stamp))
    return display


def cursor_value(sort: Sort, cursor: Cursor) -> Any:
    """The cursor's sort value as the column compares it (times travel as ISO text)."""
    if sort.key is SortKey.MODIFIED and isinstance(cursor.value, str):
        return datetime.fromisoformat(cursor.value)
    return cursor.value


def _matching_clusters(
    connection: Connection,
    query: Query,
    sort: Sort,
    school: str | None,
    members_after: int | None = None,
) -> Select[Any]:
    """``(anchor, sort_value)`` of every cluster with a live member matching ``query``."""
    anchor = cluster_anchor()
    sort_value = _cluster_sort_value(sort.key, anchor)
    further = [
        _cluster_sort_value(key, anchor).label(f"then_{n}") for n, (key, _) in enumerate(sort.then)
    ]
    condition = compile_query(query, connection, leaf=_union_clause)
    if school is not None:
        school_id = select(School.id).where(School.isil == school).scalar_subquery()
        condition = and_(condition, StoredRecord.school_id == school_id)
    if members_after is not None:
        condition = and_(condition, StoredRecord.id > members_after)
    return (
        select(anchor.label("anchor"), sort_value.label("sort_value"), *further)
        .select_from(StoredRecord)
        .outerjoin(DedupMember, DedupMember.record_id == StoredRecord.id)
        .where(condition, StoredRecord.deleted.is_(False))
        .group_by(anchor)
    )


def _cluster_sort_value(key: SortKey, anchor: Any) -> Any:
    """A cluster's value for a sort key: its members' smallest (latest for ``modified``)."""
    if key is SortKey.ID:
        return anchor
    if key is SortKey.MODIFIED:
        return func.max(_SORT_COLUMNS[key])
    return func.min(_SORT_COLUMNS[key])


def _cluster_order(matched: Any, sort: Sort) -> list[Any]:
    """ORDER BY over ``_matching_clusters``: every sort key, then the anchor."""
    if sort.key is SortKey.ID and not sort.then:
        # The sort value is the anchor: ordering by both would make PostgreSQL sort the
        # grouped clusters once more (it cannot tell the two are equal).
        return [matched.c.anchor.desc() if sort.descending else matched.c.anchor]
    order = [matched.c.sort_value.desc() if sort.descending else matched.c.sort_value]
    order += [
        matched.c[f"then_{n}"].desc() if descending else matched.c[f"then_{n}"]
        for n, (_, descending) in enumerate(sort.then)
    ]
    order.append(matched.c.anchor.desc() if sort.descending else matched.c.anchor)
    return order


def _union_clause(clause: TermClause | RangeClause) -> ColumnElement[bool] | None:
    if isinstance(clause, TermClause) and clause.index == RECORD_INDEX:
        return _cluster_id_clause(clause)
    if isinstance(clause, RangeClause) and clause.field is RangeField.MODIFIED:
        return _cluster_modified(clause)
    return None


def _cluster_id_clause(clause: TermClause) -> ColumnElement[bool]:
    """Members of the clusters named (``c123``, retired ids followed), or records by id."""
    tokens = id_tokens(clause)
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

    A member leaving a cluster re-stamps the leaving record (now in another cluster)
    and, in ``dedup_cluster_changes``, the cluster it left: that cluster's remaining
    members find it.
    """
    placed = select(DedupMember.record_id).where(range_condition(DedupMember.decided_at, clause))
    left = select(ClusterChange.cluster_id).where(range_condition(ClusterChange.changed_at, clause))
    lost = select(DedupMember.record_id).where(DedupMember.cluster_id.in_(left))
    return or_(
        range_condition(StoredRecord.modified_at, clause),
        StoredRecord.id.in_(placed),
        StoredRecord.id.in_(lost),
    )


def _cursor(value: Any, anchor: int) -> Cursor:
    return Cursor(value.isoformat() if isinstance(value, datetime) else value, anchor)
