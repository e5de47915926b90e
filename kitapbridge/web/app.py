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
