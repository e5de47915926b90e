"""Fixtures shared by every test package.

Database tests take the ``database_url`` fixture, which runs them once on
SQLite and once on PostgreSQL. Queue tests take ``redis_url``. When a server
is unreachable its tests are skipped on a laptop, but under ``CI=true`` the
absence is a failure: CI must exercise the production path.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = PROJECT_ROOT.parent / "shared" / "fixtures"
POSTGRES_URL = os.environ.get(
    "KITAPBRIDGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
LEASE_KEY = "kitapbridge-test-db:"
REDIS_URL = os.environ.get("KITAPBRIDGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url.replace("+psycopg", ""))
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def require_server(name: str, url: str, default_port: int) -> None:
    """Skip on a laptop without the server; fail in CI, where it must be there."""
    if _reachable(url, default_port):
        return
    message = f"{name} is not reachable at {url}"
    if IN_CI:
        pytest.fail(message + " (CI=true: the production path must be tested)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """``../shared/fixtures`` beside the project; tests never copy these files."""
    assert SHARED_FIXTURES.is_dir(), f"missing {SHARED_FIXTURES}"
    return SHARED_FIXTURES


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, once on SQLite and once on PostgreSQL.

    On PostgreSQL every test gets its own schema (dropped afterwards), so tests
    running in parallel on the one ``test`` database never see each other.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'catalog.db'}"
        return
    require_server("PostgreSQL", POSTGRES_URL, 5432)
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A real Redis; each test gets a flushed database number of its own.

    The number is claimed with a lease key in database 0, not derived from the xdist
    worker name, so two test runs on one machine (two checkouts, a CI run beside a
    developer's) never flush each other's queues.
    """
    require_server("Redis", REDIS_URL, 6379)
    import redis

    base = REDIS_URL.rsplit("/", 1)[0]
    leases = redis.Redis.from_url(f"{base}/0")
    lease = uuid.uuid4().hex
    deadline = time.monotonic() + 120
    while True:
        free = (n for n in range(1, 16) if leases.set(f"{LEASE_KEY}{n}", lease, nx=True, ex=600))
        db = next(free, None)
        if db is not None:
            break
        if time.monotonic() > deadline:
            pytest.fail("no free Redis database (1-15) for this test within 120 s")
        time.sleep(0.05)
    url = f"{base}/{db}"
    connection = redis.Redis.from_url(url)
    connection.flushdb()
    try:
        yield url
    finally:
        connection.flushdb()
        connection.close()
        if leases.get(f"{LEASE_KEY}{db}") == lease.encode():
            leases.delete(f"{LEASE_KEY}{db}")
        leases.close()
