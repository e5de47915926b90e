"""Serving the Flask application with gunicorn: several worker processes, as in production.

``kitapbridge serve --workers N`` (N > 1) runs this; it is equivalent to
``gunicorn --workers N --bind HOST:PORT 'kitapbridge.web.app:create_app()'``.
The application is built in each worker after the fork (no ``preload_app``), so
no database connection or Redis pool is shared between processes. Workers keep
nothing a client depends on in memory: result sets live in Redis when
``redis_url`` is set (``sru_server.result_sets``), which several workers need.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kitapbridge.config import Settings

logger = logging.getLogger(__name__)

THREADS_PER_WORKER = 4
"""Threads per worker process: requests wait on the database, not only on the CPU."""


class KitapbridgeServer(BaseApplication):
    """gunicorn running ``create_app(settings)`` in every worker."""

    def __init__(self, settings: Settings, host: str, port: int, workers: int) -> None:
        self._settings = settings
        self._options: dict[str, Any] = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": THREADS_PER_WORKER,
            "preload_app": False,
            "accesslog": None,
        }
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._options.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        from kitapbridge.web.app import create_app

        if self._options["workers"] > 1 and not self._settings.redis_url:
            logger.warning(
                "%d workers without redis_url: each keeps its own SRU result sets, "
                "so a resultSetId is known only to the worker that made it",
                self._options["workers"],
            )
        return create_app(self._settings)
