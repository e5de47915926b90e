"""Clusters from auto-links and staff constraints; stable ids across full and incremental runs."""

import pymarc
from dedup_records import book

from kitapbridge.dedup.clustering import (
    ClusteringResult,
    ConstraintKind,
    LinkConstraint,
    ScoredPair,
    cluster_records,
    merge_constraint,
    split_constraints,
)
from kitapbridge.dedup.features import MatchRecord, match_record
from kitapbridge.dedup.pipeline import deduplicate
from kitapbridge.dedup.scoring import MatchDecision, MatchEvidence


def _alippe(title: str, year: int = 2016) -> pymarc.Record:
    return book(title, author="Жұмабаева, Ә. Е.", year=year, pages="160 б.", publisher="Атамұра")


def _catalog() -> list[MatchRecord]:
    """Three schools' copies of one «Әліппе» (one in Latin script), another year, and a novel."""
    return [
        match_record(10, _alippe("Әліппе"), school="KZ-A", local_id="1"),
        match_record(11, _alippe("Alıppe"), school="KZ-B", local_id="7"),
        match_record(12, _alippe("Әліппе"), school="KZ-C", local_id="3"),
        match_record(13, _alippe("Әліппе", 2019), school="KZ-C", local_id="4"),
        match_record(14, book("Абай жолы", author="Әуезов, Мұхтар", year=2012), school="KZ-A"),
    ]


def test_full_run_clusters_one_edition_and_keeps_other_years_apart() -> None:
    run = deduplicate(_catalog())
    assert run.clustering.clusters == {"c10": (10, 11, 12), "c13": (13,), "c14": (14,)}
    assert run.clustering.membership[11] == "c10"
    assert run.clustering.conflicts == []


def test_staff_split_survives_a_full_rerun() -> None:
    records = _catalog()
    constraints = split_constraints(
        [[10, 12], [11]], staff="aigerim", reason="Latin copy is 2nd ed."
    )
    first = deduplicate(records, constraints)
    assert first.clustering.clusters["c10"] == (10, 12)
    assert first.clustering.clusters["c11"] == (11,)
    rerun = deduplicate(records, constraints)  # kitapbridge dedup --full
    assert rerun.clustering.clusters == first.clustering.clusters
    # The matcher still sees the auto-link, but a cannot-link is never sent to review.
    assert all({p.record_a, p.record_b} != {10, 11} for p in rerun.clustering.review)


def test_split_constraints_are_must_links_to_part_anchors_and_cannot_links_between() -> None:
    constraints = split_constraints([[12, 10, 15], [11]], staff="s", reason="r")
    assert [(c.record_a, c.record_b, c.kind) for c in constraints] == [
        (10, 12, ConstraintKind.MUST_LINK),
        (10, 15, ConstraintKind.MUST_LINK),
        (10, 11, ConstraintKind.CANNOT_LINK),
    ]


def test_staff_merge_joins_clusters_and_redirects_the_younger_id() -> None:
    records = _catalog()
    previous = deduplicate(records).clustering.membership
    merged = deduplicate(records, [merge_constraint("c10", "c13", "s", "same printing")])
    assert merged.clustering.clusters["c10"] == (10, 11, 12, 13)
    incremental = deduplicate(
        records, [merge_constraint("c10", "c13", "s", "same printing")], previous=previous
    )
    assert incremental.clustering.redirects == {"c13": "c10"}


def test_contradictory_constraints_are_reported_not_resolved() -> None:
    constraints = [
        LinkConstraint(10, 11, ConstraintKind.MUST_LINK, "a", "same"),
        LinkConstraint(11, 12, ConstraintKind.MUST_LINK, "b", "same"),
        LinkConstraint(10, 12, ConstraintKind.CANNOT_LINK, "c", "different"),
    ]
    result = cluster_records([10, 11, 12], [], constraints)
    assert result.clusters == {"c10": (10, 11), "c12": (12,)}
    assert [c.must_link.record_b for c in result.conflicts] == [12]
    assert result.conflicts[0].reason == "a cannot-link separates these records"


def test_incremental_run_compares_only_new_records_and_keeps_cluster_ids() -> None:
    records = _catalog()
    previous = deduplicate(records[:3]).clustering.membership
    assert previous == {10: "c10", 11: "c10", 12: "c10"}
    run = deduplicate(records, previous=previous)
    assert run.clustering.clusters["c10"] == (10, 11, 12)
    # Old pairs (10-11, 10-12, 11-12) were not compared again.
    assert all(p.record_a in (13, 14) or p.record_b in (13, 14) for p in run.pairs)


def test_a_changed_record_leaves_its_cluster_when_it_no_longer_matches() -> None:
    records = _catalog()
    previous = deduplicate(records).clustering.membership
    edited = [*records[:1], match_record(11, _alippe("Alıppe", 2020)), *records[2:]]
    run = deduplicate(edited, previous=previous, changed=[11])
    assert run.clustering.clusters["c10"] == (10, 12)
    assert run.clustering.membership[11] == "c11"


def _pair(a: int, b: int, score: float) -> ScoredPair:
    return ScoredPair(a, b, MatchEvidence(MatchDecision.MATCH, score, ()))


def test_chaining_guard_sends_a_single_link_between_members_to_review() -> None:
    pairs = [_pair(1, 2, 1.0), _pair(3, 4, 1.0), _pair(2, 4, 0.8)]
    result: ClusteringResult = cluster_records([1, 2, 3, 4], pairs)
    assert result.clusters == {"c1": (1, 2), "c3": (3, 4)}
    assert [(p.record_a, p.record_b) for p in result.review] == [(2, 4)]
    joined = cluster_records([1, 2, 3, 4], [*pairs, _pair(1, 4, 0.75)])
    assert joined.clusters == {"c1": (1, 2, 3, 4)}


def test_cluster_ids_do_not_depend_on_input_order() -> None:
    records = _catalog()
    forward = deduplicate(records).clustering.clusters
    backward = deduplicate(list(reversed(records))).clustering.clusters
    assert forward == backward


def test_constraints_on_records_that_are_gone_are_ignored() -> None:
    constraints = [LinkConstraint(1, 99, ConstraintKind.MUST_LINK, "s", "r")]
    assert cluster_records([1, 2], [], constraints).clusters == {"c1": (1,), "c2": (2,)}


def _algebra(pages: str | None) -> pymarc.Record:
    return book(
        "Алгебра",
        author="Абылкасымова, А. Е.",
        year=2019,
        pages=pages,
        publisher="Мектеп",
        language="rus",
    )


def _two_printings_and_a_sparse_copy() -> list[MatchRecord]:
    """Two editions of one «Алгебра» (160 and 240 pages) and a copy with no extent."""
    return [
        match_record(20, _algebra("160 с."), school="KZ-A", local_id="1"),
        match_record(21, _algebra("240 с."), school="KZ-B", local_id="1"),
        match_record(22, _algebra(None), school="KZ-C", local_id="1"),
    ]


def test_a_record_without_extent_does_not_bridge_two_editions() -> None:
    run = deduplicate(_two_printings_and_a_sparse_copy())
    # 22 auto-links to both 20 and 21, which differ by 80 pages (a pages veto).
    decisions = {(p.record_a, p.record_b): p.evidence.decision for p in run.pairs}
    assert decisions == {(20, 22): MatchDecision.MATCH, (21, 22): MatchDecision.MATCH}
    assert run.vetoed == 1
    assert run.clustering.clusters == {"c20": (20, 22), "c21": (21,)}
    # The link it could not make waits for staff instead.
    assert [(p.record_a, p.record_b) for p in run.clustering.review] == [(21, 22)]


def test_a_vetoed_pair_keeps_clusters_apart_however_they_grow() -> None:
    # 1-2 and 3-4 are clusters; 2 and 4 were compared and vetoed; 5 links 2 and anchor 3.
    pairs = [_pair(1, 2, 1.0), _pair(3, 4, 1.0), _pair(2, 5, 0.9), _pair(3, 5, 0.9)]
    result = cluster_records([1, 2, 3, 4, 5], pairs, vetoed=[(2, 4)])
    assert result.clusters == {"c1": (1, 2, 5), "c3": (3, 4)}
    assert [(p.record_a, p.record_b) for p in result.review] == [(3, 5)]
    unvetoed = cluster_records([1, 2, 3, 4, 5], pairs)
    assert unvetoed.clusters == {"c1": (1, 2, 3, 4, 5)}


def test_a_staff_merge_overrules_the_vetoes_of_its_records() -> None:
    records = _two_printings_and_a_sparse_copy()
    merge = LinkConstraint(20, 21, ConstraintKind.MUST_LINK, "aigerim", "same printing")
    run = deduplicate(records, [merge])
    assert run.clustering.clusters == {"c20": (20, 21, 22)}
    assert run.clustering.review == []
