"""Alembic environment: migrations run on the engine ``store.migrate`` passes in,
or on ``KITAPBRIDGE_DATABASE_URL`` when ``alembic`` is run by hand."""

from __future__ import annotations

from alembic import context

from kitapbridge.catalog.models import Base
from kitapbridge.catalog.store import make_engine
from kitapbridge.config import Settings
from kitapbridge.dedup import models as dedup_models  # noqa: F401  (registers dedup's tables)

engine = context.config.attributes.get("engine") or make_engine(Settings.load().database_url)

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata)
    context.run_migrations()
