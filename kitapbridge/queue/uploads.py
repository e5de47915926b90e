"""Exports uploaded through the HTTP API, waiting in the spool directory for their import.

The API saves an upload under ``Settings.spool_dir`` and the import job reads it
from there, possibly on another machine sharing the directory. The file must
outlive a failed attempt that will be retried (the retry reads it again from the
start of the next batch) and must not outlive the run: it goes when the run has
completed or has failed for good. Files outside the spool directory (a CLI import
of an operator's file) are never deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kitapbridge.config import Settings

logger = logging.getLogger(__name__)

SPOOLED_UPLOAD = "spooled_upload"
"""The import job's keyword argument that says its source is a spooled upload."""


def is_spooled_upload(settings: Settings, source: str) -> bool:
    """Whether ``source`` is a file in the spool directory (an upload, not a URL or a CLI file)."""
    if "://" in source:
        return False
    spool = Path(settings.spool_dir).resolve()
    return Path(source).resolve().parent == spool


def discard_spooled_upload(job_kwargs: Mapping[str, Any]) -> None:
    """Delete the import job's source when it is a spooled upload (its run has ended)."""
    if not job_kwargs.get(SPOOLED_UPLOAD):
        return
    path = Path(str(job_kwargs["source"]))
    path.unlink(missing_ok=True)
    logger.info("run %s: spooled upload %s deleted", job_kwargs.get("run_id"), path)
