"""Fixtures for the queue tests: a migrated store, and each runner on its real back end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from queue_support import RunnerUnderTest
from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.store import make_engine, migrate
from kitapbridge.queue.progress import Progress
from kitapbridge.queue.runner import InlineRunner, RQRunner


@pytest.fixture
def store(database_url: str) -> Iterator[sessionmaker[Session]]:
    """A migrated, empty catalog on SQLite and on PostgreSQL."""
    engine = make_engine(database_url)
    migrate(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture(params=["inline", "rq"])
def runner(request: pytest.FixtureRequest) -> Iterator[RunnerUnderTest]:
    """The inline runner, then the RQ runner on the real Redis."""
    if request.param == "inline":
        reports: list[Progress] = []
        yield RunnerUnderTest(InlineRunner(progress=reports.append), reports)
        return
    connection = Redis.from_url(request.getfixturevalue("redis_url"))
    yield RunnerUnderTest(RQRunner(connection), [], connection)
    connection.close()
