"""Settings from ``KITAPBRIDGE_*`` environment variables and an optional TOML file.

This is the only module that reads the environment; everything else receives a
``Settings`` object.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///kitapbridge.db"
"""The embedded store: a SQLite file in the working directory."""

DEFAULT_REDIS_URL: str | None = None
"""No Redis means jobs run inline, in-process."""

DEFAULT_IMPORT_BATCH_SIZE = 1000
"""Records committed per transaction during an import."""

DEFAULT_SRU_MAXIMUM_RECORDS = 100
"""The cap on SRU maximumRecords, advertised in explain."""

DEFAULT_SRU_RESULT_SET_TTL = 300
"""Seconds an SRU result set stays addressable by its resultSetId."""

DEFAULT_SRU_RESPONSE_CACHE_BYTES = 32 * 1024 * 1024
"""Per process: a searchRetrieve page of 10 MARCXML records is ~30 KB, so about a thousand."""

DEFAULT_SPOOL_DIR = "spool"
"""Where files uploaded through the HTTP API wait for their import (shared by all workers)."""

DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024
"""The largest upload the HTTP API accepts (1 GiB: a big school's ISO 2709 export is ~50 MB)."""

DEFAULT_DEDUP_AFTER_IMPORT = True
"""Imports through the HTTP API queue an incremental dedup once they complete."""

DEFAULT_DEDUP_REPRINT_YEARS = "apart"
"""Two records differing only in their printed year are two editions (dedup.md §2);
``by-practice`` reads them as two printings outside Russian/Kazakh cataloguing practice."""

ENV_PREFIX = "KITAPBRIDGE_"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with its default; immutable once built."""

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = DEFAULT_REDIS_URL
    import_batch_size: int = DEFAULT_IMPORT_BATCH_SIZE
    sru_maximum_records: int = DEFAULT_SRU_MAXIMUM_RECORDS
    sru_result_set_ttl: int = DEFAULT_SRU_RESULT_SET_TTL
    sru_response_cache_bytes: int = DEFAULT_SRU_RESPONSE_CACHE_BYTES
    """Bytes of whole SRU responses each process keeps for repeated requests (0: none)."""
    staff_tokens: Mapping[str, str] = field(default_factory=dict)
    """Staff bearer token → staff member's name, for endpoints that write."""
    spool_dir: str = DEFAULT_SPOOL_DIR
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    dedup_after_import: bool = DEFAULT_DEDUP_AFTER_IMPORT
    """API imports are followed by an incremental dedup (the CLI asks with ``--dedup``)."""
    dedup_reprint_years: str = DEFAULT_DEDUP_REPRINT_YEARS
    """``apart`` or ``by-practice``: dedup's ``ReprintYears`` policy, for every dedup run."""

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, config_file: Path | None = None
    ) -> Settings:
        """Build settings: defaults, then the TOML file, then the environment."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        config_file = config_file or _path_or_none(environ.get(ENV_PREFIX + "CONFIG"))
        if config_file is not None:
            with config_file.open("rb") as handle:
                values.update(tomllib.load(handle))
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _parse_env_value(f.name, raw)
        return replace(cls(), **values)  # type: ignore[arg-type]


def _path_or_none(value: str | None) -> Path | None:
    return Path(value) if value else None


def _parse_env_value(name: str, raw: str) -> object:
    if name in {
        "import_batch_size",
        "sru_maximum_records",
        "sru_result_set_ttl",
        "sru_response_cache_bytes",
    }:
        return int(raw)
    if name == "staff_tokens":
        # "token1=Name One,token2=Name Two"
        pairs = (item.split("=", 1) for item in raw.split(",") if "=" in item)
        return {token.strip(): who.strip() for token, who in pairs}
    if name == "max_upload_bytes":
        return int(raw)
    if name == "dedup_after_import":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if name == "redis_url":
        return raw or None
    return raw
