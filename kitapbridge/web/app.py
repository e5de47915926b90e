"""The Flask application factory: every HTTP surface of kitapbridge is a blueprint on it.

No work at import time and no global app object (Flask's tutorial factory).
Blueprints are imported inside the factory so importing ``kitapbridge.web``
stays cheap for the CLI.
"""

from __future__ import annotations

from flask import Flask

from kitapbridge.config import Settings

SETTINGS_KEY = "kitapbridge.settings"


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application for ``settings`` (loaded from the environment when omitted)."""
    from kitapbridge.dedup import api as dedup_api
    from kitapbridge.sru_server import blueprint as sru
    from kitapbridge.web import api, db

    app = Flask("kitapbridge")
    settings = settings or Settings.load()
    app.extensions[SETTINGS_KEY] = settings
    sru.init_app(app, settings)
    dedup_api.init_app(app)
    db.init_app(app)
    api.init_app(app)
    return app


def app_settings(app: Flask) -> Settings:
    """The ``Settings`` the application was built with."""
    settings: Settings = app.extensions[SETTINGS_KEY]
    return settings


def close_app(app: Flask) -> None:
    """Release what the app opened in this process: its stores and its Redis client.

    For application shutdown and tests. The SRU service, the dedup API and the
    request-scoped sessions share the one engine of ``web.db``; a store handed to the
    dedup API by a test and the job runner are released too.
    """
    from kitapbridge.catalog.store import close_store
    from kitapbridge.dedup import api as dedup_api
    from kitapbridge.web import api, db

    db.dispose(app)
    dedup_sessions = app.extensions.pop(dedup_api.SESSIONS_KEY, None)
    if dedup_sessions is not None:
        close_store(dedup_sessions)
    runner = app.extensions.pop(api.RUNNER_KEY, None)
    if runner is not None:
        runner.close()
