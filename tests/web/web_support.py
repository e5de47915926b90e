"""Helpers shared by the web tests (importable, unlike conftest)."""

from __future__ import annotations

from flask import Flask

from kitapbridge.web import db
from kitapbridge.web.api import RUNNER_KEY

STAFF_TOKEN = "staff-token-for-tests"


def close_app(app: Flask) -> None:
    """Release what the app opened in this process: its engine and its Redis client."""
    db.dispose(app)
    runner = app.extensions.get(RUNNER_KEY)
    if runner is not None:
        runner.close()
