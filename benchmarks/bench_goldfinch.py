"""Dedup precision and recall on the Goldfinch 1.1 validation split, for BENCHMARKS.md.

The evaluation itself lives in ``benchmarks.eval_goldfinch`` (also runnable alone).
"""

from benchmarks.eval_goldfinch import run

__all__ = ["run"]
