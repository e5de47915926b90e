"""Opening the store: engine factory with SQLite pragmas, sessions, and migrations.

``open_store(settings)`` is the one way the CLI, the web app and the jobs get a
``sessionmaker``; everything below it takes a ``Session`` argument. Schema
changes go through the Alembic migrations in ``catalog/alembic`` (``init-db``
runs them programmatically; ``alembic.ini`` at the project root lets a
developer run ``alembic`` by hand).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.proximity import register_sqlite_functions
from kitapbridge.config import Settings

ALEMBIC_DIRECTORY = Path(__file__).resolve().parent / "alembic"


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url``; SQLite gets WAL, foreign keys and a busy timeout."""
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(database_url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets SRU readers run while an import writes; foreign keys are off by default in
    # SQLite; synchronous=NORMAL is durable at each WAL checkpoint, enough for batch imports.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    register_sqlite_functions(dbapi_connection)  # what PostgreSQL gets from the migrations


def open_store(settings: Settings) -> sessionmaker[Session]:
    """A session factory bound to the store in ``settings.database_url``."""
    return sessionmaker(make_engine(settings.database_url), expire_on_commit=False)


def close_store(sessions: sessionmaker[Session]) -> None:
    """Close the pooled connections of a store opened with ``open_store``."""
    engine = sessions.kw.get("bind")
    if isinstance(engine, Engine):
        engine.dispose()


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic configuration pointing at our migrations (and at ``engine`` when given)."""
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIRECTORY))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the store's schema to ``revision`` (creating it in an empty database)."""
    command.upgrade(alembic_config(engine), revision)
