"""Exports uploaded through the HTTP API, waiting in the spool directory for their import.

The API saves an upload under ``Settings.spool_dir`` and the import job reads it
from there, possibly on another machine sharing the directory. The file must
outlive a failed attempt that will be retried (the retry reads it again from the
start of the next batch) and must not outlive the run: it goes when the run has
completed or has failed for good. Only files the API named are deleted: an upload
is ``<ISIL>-<32 hex digits>-<original name>`` in the spool directory. An operator's
file (a CLI import) is never deleted, even one placed in the spool directory.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kitapbridge.config import Settings

logger = logging.getLogger(__name__)

SPOOLED_UPLOAD = "spooled_upload"
"""The import job's keyword argument that says its source is a spooled upload."""


_UPLOAD_NAME = re.compile(r"[^/]+-[0-9a-f]{32}-[^/]+")


def spooled_upload_path(settings: Settings, isil: str, original: str) -> Path:
    """Where the API saves an upload: a name nobody else chose, that says it is an upload.

    ``isil`` and ``original`` must already be safe file names (``secure_filename``).
    """
    return Path(settings.spool_dir) / f"{isil}-{uuid.uuid4().hex}-{original}"


def is_spooled_upload(settings: Settings, source: str) -> bool:
    """Whether ``source`` is an upload the API spooled (not a URL, not an operator's file)."""
    if "://" in source:
        return False
    path = Path(source).resolve()
    spool = Path(settings.spool_dir).resolve()
    return path.parent == spool and _UPLOAD_NAME.fullmatch(path.name) is not None


def discard_spooled_upload(job_kwargs: Mapping[str, Any]) -> None:
    """Delete the import job's source when it is a spooled upload (its run has ended)."""
    if not job_kwargs.get(SPOOLED_UPLOAD):
        return
    path = Path(str(job_kwargs["source"]))
    path.unlink(missing_ok=True)
    logger.info("run %s: spooled upload %s deleted", job_kwargs.get("run_id"), path)
