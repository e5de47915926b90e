"""The application's store: its engines per app and process, and one ``Session`` per request.

Every component of the app (the SRU service, the dedup API, the JSON API) takes its
sessions from ``sessions()``; the SRU reads take theirs from ``read_sessions()``, on
PostgreSQL a second engine and pool (autocommit, no ping on checkout).

The engines are created on first use, not in ``create_app``: gunicorn may load
the application before forking its workers, and pooled connections must not
cross a fork (SQLAlchemy, "Using Connection Pools with Multiprocessing").
"""

from __future__ import annotations

import os

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.store import open_store
from kitapbridge.web.app import app_settings

SESSIONS_KEY = "kitapbridge.sessions"
READ_SESSIONS_KEY = "kitapbridge.read-sessions"


def init_app(app: Flask) -> None:
    """Close the request's session when the request ends."""
    app.teardown_appcontext(close_session)


def sessions(app: Flask | None = None) -> sessionmaker[Session]:
    """The session factory of this process (made after any fork, on first use), of
    ``app`` or else the current one."""
    app = current_app if app is None else app
    made: tuple[int, sessionmaker[Session]] | None = app.extensions.get(SESSIONS_KEY)
    if made is None or made[0] != os.getpid():
        made = (os.getpid(), open_store(app_settings(app)))
        app.extensions[SESSIONS_KEY] = made
    return made[1]


def read_sessions(app: Flask | None = None) -> sessionmaker[Session]:
    """Sessions for read-only requests (SRU), in autocommit, on a pool that does not ping.

    Each statement reads its own snapshot, and the session needs no BEGIN and no
    ROLLBACK: two round trips fewer per request, a fifth of a term query's cost. Nor is
    each checked-out connection tested with a ``SELECT 1`` first (the store's
    ``pool_pre_ping``), one more round trip: a connection the server dropped fails its
    first statement instead, SQLAlchemy invalidates the pool, and the SRU service runs the
    request once more ("optimistic" disconnect handling; SQLAlchemy, "Dealing with
    Disconnects"). A reader that needs one snapshot across statements uses ``sessions()``.
    """
    app = current_app if app is None else app
    writing = sessions(app)
    made: tuple[sessionmaker[Session], sessionmaker[Session]] | None = app.extensions.get(
        READ_SESSIONS_KEY
    )
    if made is None or made[0] is not writing:
        engine: Engine = writing.kw["bind"]
        if engine.dialect.name == "sqlite":
            # A file, no server to drop connections; its engine carries the pragmas.
            reader: Engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        else:
            reader = create_engine(engine.url, isolation_level="AUTOCOMMIT")
        made = (writing, sessionmaker(reader, expire_on_commit=False))
        app.extensions[READ_SESSIONS_KEY] = made
    return made[1]


def db_session() -> Session:
    """The current request's session; the view decides when to commit."""
    if "db_session" not in g:
        g.db_session = sessions()()
    session: Session = g.db_session
    return session


def dispose(app: Flask) -> None:
    """Close the pooled connections of this process's engines (at shutdown, after tests)."""
    reading = app.extensions.pop(READ_SESSIONS_KEY, None)
    if reading is not None:
        reading[1].kw["bind"].dispose()
    made = app.extensions.pop(SESSIONS_KEY, None)
    if made is not None:
        engine = made[1].kw["bind"]
        engine.dispose()


def close_session(_error: BaseException | None = None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()
