"""One dedup run over ``MatchRecord``s: block, compare, cluster. No database here.

The catalog layer reads records and constraints from the store, calls ``deduplicate``,
and writes the clusters and review items back; tests and benchmarks call it directly.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kitapbridge.dedup.blocking import (
    DEFAULT_MAX_BLOCK_SIZE,
    DEFAULT_WINDOW,
    BlockingStats,
    candidate_pairs,
)
from kitapbridge.dedup.clustering import (
    ClusteringResult,
    LinkConstraint,
    ScoredPair,
    cluster_records,
)
from kitapbridge.dedup.features import MatchRecord
from kitapbridge.dedup.scoring import DEFAULT_POLICY, MatchDecision, MatchPolicy, compare

logger = logging.getLogger(__name__)


@dataclass
class DedupRun:
    """The clusters of a run plus what led to them (pairs above the review threshold)."""

    clustering: ClusteringResult
    pairs: list[ScoredPair]
    blocking: BlockingStats
    compared: int


def deduplicate(
    records: Sequence[MatchRecord],
    constraints: Iterable[LinkConstraint] = (),
    *,
    previous: Mapping[int, str] | None = None,
    changed: Iterable[int] = (),
    policy: MatchPolicy = DEFAULT_POLICY,
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
    window: int = DEFAULT_WINDOW,
) -> DedupRun:
    """Cluster ``records``; with ``previous``, run incrementally.

    Incremental: only pairs with at least one record that is new (absent from
    ``previous``) or listed in ``changed`` are compared; unchanged records keep their
    previous clusters unless a constraint now separates them. Without ``previous``
    (``kitapbridge dedup --full``) every candidate pair is compared.
    """
    changed_ids = frozenset(changed)
    only: frozenset[int] | None = None
    if previous is not None:
        only = frozenset(
            position
            for position, record in enumerate(records)
            if record.record_id in changed_ids or record.record_id not in previous
        )
    stats = BlockingStats()
    positions = candidate_pairs(
        records, only=only, max_block_size=max_block_size, window=window, stats=stats
    )
    pairs: list[ScoredPair] = []
    for i, j in positions:
        a, b = records[i], records[j]
        evidence = compare(a, b, policy)
        if evidence.decision is not MatchDecision.NO_MATCH:
            pairs.append(ScoredPair(a.record_id, b.record_id, evidence))
    logger.info(
        "dedup compared %d pairs from %d blocks (%d oversized); %d above review threshold",
        len(positions),
        stats.blocks,
        stats.oversized_blocks,
        len(pairs),
    )
    clustering = cluster_records(
        (r.record_id for r in records),
        pairs,
        constraints,
        previous=previous,
        changed=changed_ids,
    )
    return DedupRun(clustering, pairs, stats, len(positions))
