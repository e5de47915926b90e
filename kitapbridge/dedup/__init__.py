"""Deduplication: match keys, blocking, pairwise decisions, clusters and display records.

The core (``features``, ``blocking``, ``scoring``, ``clustering``, ``pipeline``,
``display``) is pure: values in, values out, no ``Session``. ``service`` runs it
against the store and ``api`` is the staff JSON API blueprint.
"""

from kitapbridge.dedup.clustering import ClusteringResult as ClusteringResult
from kitapbridge.dedup.clustering import ConstraintKind as ConstraintKind
from kitapbridge.dedup.clustering import LinkConstraint as LinkConstraint
from kitapbridge.dedup.clustering import cluster_records as cluster_records
from kitapbridge.dedup.clustering import merge_constraint as merge_constraint
from kitapbridge.dedup.clustering import split_constraints as split_constraints
from kitapbridge.dedup.display import ClusterMember as ClusterMember
from kitapbridge.dedup.display import build_display_record as build_display_record
from kitapbridge.dedup.features import MatchRecord as MatchRecord
from kitapbridge.dedup.features import match_record as match_record
from kitapbridge.dedup.pipeline import DedupRun as DedupRun
from kitapbridge.dedup.pipeline import deduplicate as deduplicate
from kitapbridge.dedup.scoring import MatchDecision as MatchDecision
from kitapbridge.dedup.scoring import MatchEvidence as MatchEvidence
from kitapbridge.dedup.scoring import MatchPolicy as MatchPolicy
from kitapbridge.dedup.scoring import compare as compare
