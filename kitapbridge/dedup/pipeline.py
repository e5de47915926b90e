"""One dedup run over ``MatchRecord``s: block, compare, cluster. No database here.

The catalog layer reads records and constraints from the store, calls ``deduplicate``,
and writes the clusters and review items back; tests and benchmarks call it directly.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kitapbridge.dedup.blocking import (
    DEFAULT_MAX_BLOCK_SIZE,
    DEFAULT_WINDOW,
    BlockingStats,
    candidate_pairs,
)
from kitapbridge.dedup.clustering import (
    BINDING_VETOES,
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
    vetoed: int = 0
    """Compared pairs with a binding veto (``BINDING_VETOES``): machine cannot-links."""


def deduplicate(
    records: Sequence[MatchRecord],
    constraints: Iterable[LinkConstraint] = (),
    *,
    previous: Mapping[int, str] | None = None,
    changed: Iterable[int] = (),
    policy: MatchPolicy = DEFAULT_POLICY,
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
    window: int = DEFAULT_WINDOW,
    workers: int | None = None,
) -> DedupRun:
    """Cluster ``records``; with ``previous``, run incrementally.

    Incremental: only pairs with at least one record that is new (absent from
    ``previous``) or listed in ``changed`` are compared; unchanged records keep their
    previous clusters unless a constraint now separates them. Without ``previous``
    (``kitapbridge dedup --full``) every candidate pair is compared.

    ``workers``: processes comparing pairs (default: one per CPU, at most
    ``MAX_WORKERS``); small runs compare in this process.
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
    pairs, vetoed = compare_pairs(records, positions, policy, workers=workers)
    logger.info(
        "dedup compared %d pairs from %d blocks (%d oversized); %d above review threshold, "
        "%d vetoed",
        len(positions),
        stats.blocks,
        stats.oversized_blocks,
        len(pairs),
        len(vetoed),
    )
    clustering = cluster_records(
        (r.record_id for r in records),
        pairs,
        constraints,
        previous=previous,
        changed=changed_ids,
        vetoed=vetoed,
    )
    return DedupRun(clustering, pairs, stats, len(positions), len(vetoed))


MAX_WORKERS = 2
PARALLEL_MIN_PAIRS = 200_000
"""Below this many candidate pairs, forking workers costs more than it saves."""
_CHUNK_PAIRS = 50_000

# What forked workers compare: set just before the pool forks, read-only in the children
# (copy-on-write, so the records are never pickled).
_shared: tuple[Sequence[MatchRecord], list[tuple[int, int]], MatchPolicy] | None = None


def compare_pairs(
    records: Sequence[MatchRecord],
    positions: list[tuple[int, int]],
    policy: MatchPolicy = DEFAULT_POLICY,
    *,
    workers: int | None = None,
) -> tuple[list[ScoredPair], list[tuple[int, int]]]:
    """Compare each candidate pair once.

    Returns the pairs at or above the review threshold, and the record id pairs decided
    ``NO_MATCH`` with a binding veto (the clustering's machine cannot-links).
    Large runs are split over forked worker processes.
    """
    count = workers if workers is not None else min(MAX_WORKERS, os.cpu_count() or 1)
    if count < 2 or len(positions) < PARALLEL_MIN_PAIRS:
        return _compare_range(records, positions, policy, 0, len(positions))
    global _shared
    _shared = (records, positions, policy)
    try:
        context = multiprocessing.get_context("fork")
        ranges = [
            (start, min(start + _CHUNK_PAIRS, len(positions)))
            for start in range(0, len(positions), _CHUNK_PAIRS)
        ]
        pairs: list[ScoredPair] = []
        vetoed: list[tuple[int, int]] = []
        with context.Pool(count) as pool:
            for chunk_pairs, chunk_vetoed in pool.imap(_compare_shared, ranges):
                pairs.extend(chunk_pairs)
                vetoed.extend(chunk_vetoed)
        return pairs, vetoed
    finally:
        _shared = None


def _compare_shared(bounds: tuple[int, int]) -> tuple[list[ScoredPair], list[tuple[int, int]]]:
    assert _shared is not None, "compare workers are forked after _shared is set"
    records, positions, policy = _shared
    return _compare_range(records, positions, policy, *bounds)


def _compare_range(
    records: Sequence[MatchRecord],
    positions: list[tuple[int, int]],
    policy: MatchPolicy,
    start: int,
    stop: int,
) -> tuple[list[ScoredPair], list[tuple[int, int]]]:
    pairs: list[ScoredPair] = []
    vetoed: list[tuple[int, int]] = []
    for index in range(start, stop):
        i, j = positions[index]
        a, b = records[i], records[j]
        evidence = compare(a, b, policy)
        if evidence.decision is not MatchDecision.NO_MATCH:
            pairs.append(ScoredPair(a.record_id, b.record_id, evidence))
        elif BINDING_VETOES.intersection(evidence.vetoes):
            vetoed.append((a.record_id, b.record_id))
    return pairs, vetoed
