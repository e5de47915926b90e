"""Fixtures for the web tests: an app on a migrated store, its test client, school tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker
from web_support import STAFF_TOKEN, close_app

from kitapbridge.catalog.schools import ensure_school, issue_school_token
from kitapbridge.catalog.store import make_engine, migrate
from kitapbridge.config import Settings
from kitapbridge.web import create_app


@pytest.fixture
def store(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    migrate(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, store: sessionmaker[Session]) -> Settings:
    return Settings(
        database_url=database_url,
        staff_tokens={STAFF_TOKEN: "Айгүл Сейітова"},
        spool_dir=str(tmp_path / "spool"),
        max_upload_bytes=64 * 1024,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    close_app(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def school_tokens(store: sessionmaker[Session]) -> dict[str, str]:
    """Two registered schools and their upload tokens."""
    tokens = {}
    with store.begin() as session:
        for isil, name in [("KZ-ALM-0042", "№42 гимназия"), ("KZ-AST-0007", "№7 мектеп-лицей")]:
            tokens[isil] = issue_school_token(session, ensure_school(session, isil, name=name))
    return tokens
