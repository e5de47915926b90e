"""Clusters from pair decisions and staff constraints (dedup.md §4–5).

Union-find over record ids, in a fixed order so every run gives the same clusters:

1. staff **must-link** constraints (a staff merge, or the parts of a staff split);
2. the previous run's clusters for records that did not change (incremental runs);
3. auto-links (``MatchDecision.MATCH``), best score first, with the chaining guard.

A union that would put two records of a **cannot-link** constraint into one cluster is
never made. A must-link that contradicts a cannot-link is reported as a
``ConstraintConflict``, not resolved silently.

**Chaining guard.** Two clusters of two or more records are joined by an auto-link only
if the link touches the anchor (the oldest record) of one of them, or if at least two
auto-links connect them; a single link between two non-anchor members goes to review.
A single record may join a cluster through any member.

**Vetoed pairs bind auto-links.** A pair the matcher compared and vetoed (another year,
extent, edition, part… — ``MatchEvidence.vetoes``) is a machine cannot-link: no auto-link
may put its two records into one cluster, so a sparse record (no extent, no subtitle)
that matches two editions sharing title, author and year cannot bridge them. The
auto-link that would have joined them goes to review. Unlike a staff cannot-link, a
veto does not keep the pair out of review, and it does not bind a record that staff
must-linked: a staff merge of two years' printings says their differences do not matter,
so the merged cluster's other copies may still join it.

Only ``BINDING_VETOES`` bind: title-number and series-number vetoes misfire on numbering
transcribed differently (on Goldfinch val, 6 of the 7 true matches that binding every
veto cost were theirs), and records with different titles are never both auto-linked
to one record.

**Cluster ids** are ``"c" + <smallest member record id>``: stable while membership does
not change, kept by the part holding the oldest record on a split, and kept by the
older cluster on a merge (the other id is then redirected to it, like OCLC 019).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain

from kitapbridge.dedup.scoring import MatchDecision, MatchEvidence, Veto

BINDING_VETOES = frozenset(
    {Veto.FORMAT, Veto.YEAR, Veto.EDITION, Veto.PART, Veto.PAGES, Veto.VOLUMES, Veto.LANGUAGE}
)
"""Vetoes that make a compared pair a machine cannot-link (module docstring)."""


class ConstraintKind(StrEnum):
    """A staff decision every later run obeys."""

    MUST_LINK = "must-link"
    CANNOT_LINK = "cannot-link"


@dataclass(frozen=True, slots=True)
class LinkConstraint:
    """Staff said these two records are (``must-link``) or are not (``cannot-link``) one edition."""

    record_a: int
    record_b: int
    kind: ConstraintKind
    staff: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """A compared pair and the matcher's evidence."""

    record_a: int
    record_b: int
    evidence: MatchEvidence


@dataclass(frozen=True, slots=True)
class ConstraintConflict:
    """A must-link that a cannot-link (possibly through other must-links) contradicts."""

    must_link: LinkConstraint
    reason: str


@dataclass
class ClusteringResult:
    """Clusters (id → sorted member ids), record → cluster id, review pairs, conflicts."""

    clusters: dict[str, tuple[int, ...]]
    membership: dict[int, str]
    review: list[ScoredPair] = field(default_factory=list)
    conflicts: list[ConstraintConflict] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)
    """Retired cluster id → the id of the cluster that now holds its anchor record."""


def cluster_id_for(members: Iterable[int]) -> str:
    """The public id of a cluster: ``"c"`` + its smallest (oldest) record id."""
    return f"c{min(members)}"


def anchor_of(cluster_id: str) -> int:
    """The record id a cluster id was derived from."""
    return int(cluster_id[1:])


def split_constraints(
    parts: Sequence[Sequence[int]], staff: str, reason: str
) -> list[LinkConstraint]:
    """The constraints that make a staff split permanent.

    Each record is must-linked to its part's oldest record, and the parts' oldest
    records are cannot-linked pairwise, so no later run can re-join them.
    """
    constraints: list[LinkConstraint] = []
    anchors = [min(part) for part in parts if part]
    for part, anchor in zip((p for p in parts if p), anchors, strict=True):
        constraints.extend(
            LinkConstraint(anchor, member, ConstraintKind.MUST_LINK, staff, reason)
            for member in sorted(part)
            if member != anchor
        )
    for offset, first in enumerate(anchors):
        constraints.extend(
            LinkConstraint(first, other, ConstraintKind.CANNOT_LINK, staff, reason)
            for other in anchors[offset + 1 :]
        )
    return constraints


def merge_constraint(cluster_a: str, cluster_b: str, staff: str, reason: str) -> LinkConstraint:
    """A staff merge: the two clusters' anchors must be linked."""
    return LinkConstraint(
        anchor_of(cluster_a), anchor_of(cluster_b), ConstraintKind.MUST_LINK, staff, reason
    )


class _Forest:
    """Union-find with cluster anchors and cannot-link partners per root."""

    def __init__(self, record_ids: Iterable[int]) -> None:
        self.parent = {r: r for r in record_ids}
        self.size = dict.fromkeys(self.parent, 1)
        self.blocked: dict[int, set[int]] = defaultdict(set)
        """Staff cannot-link partners, per root."""
        self.vetoed: dict[int, set[int]] = defaultdict(set)
        """Records a member was compared with and vetoed, per root."""

    def find(self, record_id: int) -> int:
        root = record_id
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[record_id] != root:
            self.parent[record_id], record_id = root, self.parent[record_id]
        return root

    def forbidden(self, root_a: int, root_b: int) -> bool:
        """Whether a staff cannot-link separates the two clusters."""
        return self._separated(self.blocked, root_a, root_b)

    def vetoed_between(self, root_a: int, root_b: int) -> bool:
        """Whether some member of one cluster was vetoed against a member of the other."""
        return self._separated(self.vetoed, root_a, root_b)

    def add_veto(self, record_a: int, record_b: int) -> None:
        self.vetoed[self.find(record_a)].add(record_b)
        self.vetoed[self.find(record_b)].add(record_a)

    def _separated(self, partners: dict[int, set[int]], root_a: int, root_b: int) -> bool:
        # Walk the smaller partner set: each cluster keeps its members' partners.
        small, other = sorted((root_a, root_b), key=lambda r: len(partners.get(r, ())))
        return any(self.find(x) == other for x in partners.get(small, ()))

    def union(self, root_a: int, root_b: int) -> None:
        # The root is always the smallest record id, so root == anchor.
        keep, gone = min(root_a, root_b), max(root_a, root_b)
        self.parent[gone] = keep
        self.size[keep] += self.size.pop(gone)
        for partners in (self.blocked, self.vetoed):
            if gone in partners:
                partners[keep].update(partners.pop(gone))


def cluster_records(
    record_ids: Iterable[int],
    pairs: Iterable[ScoredPair],
    constraints: Iterable[LinkConstraint] = (),
    *,
    previous: Mapping[int, str] | None = None,
    changed: frozenset[int] = frozenset(),
    vetoed: Iterable[tuple[int, int]] = (),
) -> ClusteringResult:
    """Cluster records (see the module docstring for the order and the guards).

    ``previous`` is the last run's record → cluster id; records in ``changed`` (new or
    edited since) are taken out of their old clusters and re-placed by this run's pairs.
    ``vetoed`` lists compared pairs with a binding veto that are not in ``pairs``
    (decided ``NO_MATCH``); vetoed pairs in ``pairs`` are taken from their evidence.
    """
    forest = _Forest(record_ids)
    # A constraint naming a record that is gone (deleted by its school) no longer binds.
    constraint_list = [
        c for c in constraints if c.record_a in forest.parent and c.record_b in forest.parent
    ]
    conflicts = _apply_constraints(forest, constraint_list)
    if previous:
        _seed_previous(forest, previous, changed)
    pair_list = list(pairs)
    staff_linked = {
        r
        for c in constraint_list
        if c.kind is ConstraintKind.MUST_LINK
        for r in (c.record_a, c.record_b)
    }
    vetoed_pairs = chain(
        vetoed,
        (
            (p.record_a, p.record_b)
            for p in pair_list
            if BINDING_VETOES.intersection(p.evidence.vetoes)
        ),
    )
    for record_a, record_b in vetoed_pairs:
        if (
            record_a in forest.parent
            and record_b in forest.parent
            and record_a not in staff_linked
            and record_b not in staff_linked
        ):
            forest.add_veto(record_a, record_b)
    review = _link_matches(forest, pair_list)
    members: dict[int, list[int]] = defaultdict(list)
    for record_id in forest.parent:
        members[forest.find(record_id)].append(record_id)
    clusters = {f"c{root}": tuple(sorted(ids)) for root, ids in sorted(members.items())}
    membership = {r: cid for cid, ids in clusters.items() for r in ids}
    review.extend(
        p
        for p in pair_list
        if p.evidence.decision is MatchDecision.REVIEW
        and membership[p.record_a] != membership[p.record_b]
        and not forest.forbidden(forest.find(p.record_a), forest.find(p.record_b))
    )
    review.sort(key=lambda p: (-p.evidence.score, p.record_a, p.record_b))
    redirects = _redirects(previous or {}, membership)
    return ClusteringResult(clusters, membership, review, conflicts, redirects)


def _apply_constraints(
    forest: _Forest, constraints: list[LinkConstraint]
) -> list[ConstraintConflict]:
    for c in constraints:
        if c.kind is ConstraintKind.CANNOT_LINK:
            forest.blocked[c.record_a].add(c.record_b)
            forest.blocked[c.record_b].add(c.record_a)
    conflicts: list[ConstraintConflict] = []
    for c in sorted(constraints, key=lambda c: (c.record_a, c.record_b)):
        if c.kind is not ConstraintKind.MUST_LINK:
            continue
        root_a, root_b = forest.find(c.record_a), forest.find(c.record_b)
        if root_a == root_b:
            continue
        if forest.forbidden(root_a, root_b):
            conflicts.append(ConstraintConflict(c, "a cannot-link separates these records"))
            continue
        forest.union(root_a, root_b)
    return conflicts


def _seed_previous(forest: _Forest, previous: Mapping[int, str], changed: frozenset[int]) -> None:
    by_cluster: dict[str, list[int]] = defaultdict(list)
    for record_id, cluster_id in previous.items():
        if record_id in forest.parent and record_id not in changed:
            by_cluster[cluster_id].append(record_id)
    for ids in by_cluster.values():
        ids.sort()
        for record_id in ids[1:]:
            root_a, root_b = forest.find(ids[0]), forest.find(record_id)
            if root_a != root_b and not forest.forbidden(root_a, root_b):
                forest.union(root_a, root_b)


def _link_matches(forest: _Forest, pairs: list[ScoredPair]) -> list[ScoredPair]:
    """Apply auto-links; return the links the chaining guard sent to review."""
    matches = sorted(
        (p for p in pairs if p.evidence.decision is MatchDecision.MATCH),
        key=lambda p: (-p.evidence.score, p.record_a, p.record_b),
    )
    deferred: list[ScoredPair] = []
    review: list[ScoredPair] = []
    for pair in matches:
        root_a, root_b = forest.find(pair.record_a), forest.find(pair.record_b)
        if root_a == root_b or forest.forbidden(root_a, root_b):
            continue
        if forest.vetoed_between(root_a, root_b):
            review.append(pair)
            continue
        singleton = forest.size[root_a] == 1 or forest.size[root_b] == 1
        if singleton or pair.record_a in (root_a, root_b) or pair.record_b in (root_a, root_b):
            forest.union(root_a, root_b)
        else:
            deferred.append(pair)
    by_roots: dict[tuple[int, int], list[ScoredPair]] = defaultdict(list)
    for pair in deferred:
        root_a, root_b = sorted((forest.find(pair.record_a), forest.find(pair.record_b)))
        if root_a != root_b:
            by_roots[(root_a, root_b)].append(pair)
    for (root_a, root_b), links in sorted(by_roots.items()):
        root_a, root_b = forest.find(root_a), forest.find(root_b)
        if (
            len(links) >= 2
            and root_a != root_b
            and not forest.forbidden(root_a, root_b)
            and not forest.vetoed_between(root_a, root_b)
        ):
            forest.union(root_a, root_b)
        elif root_a != root_b:
            review.extend(links)
    return review


def _redirects(previous: Mapping[int, str], membership: Mapping[int, str]) -> dict[str, str]:
    redirects: dict[str, str] = {}
    current = set(membership.values())
    for old_id in sorted(set(previous.values()) - current):
        anchor = anchor_of(old_id)
        if anchor in membership:
            redirects[old_id] = membership[anchor]
    return redirects
