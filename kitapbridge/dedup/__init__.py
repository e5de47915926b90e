"""Deduplication.

normalisation, match keys, blocking, pairwise scoring, clustering and the display record.
"""
