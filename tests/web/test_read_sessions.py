"""SRU reads: autocommit sessions on a pool that does not ping, and what that costs on a drop."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from kitapbridge.web import db

SEARCH = {"version": "1.2", "operation": "searchRetrieve", "query": "dc.title = физика"}


def _backend(app: Flask) -> int:
    """The server process behind the read pool's (one, idle) connection."""
    with app.app_context():
        engine = db.read_sessions().kw["bind"]
    with engine.connect() as connection:
        pid: int = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    return pid


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_search_on_a_connection_the_server_dropped_runs_again(
    app: Flask, client: FlaskClient, database_url: str
) -> None:
    first = client.get("/sru", query_string=SEARCH)
    assert first.status_code == 200
    dropped = _backend(app)
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
    admin.dispose()
    again = client.get("/sru", query_string=SEARCH)
    assert again.status_code == 200
    assert again.data == first.data
    assert _backend(app) != dropped


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_sru_reads_take_no_ping_round_trip(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        reading = db.read_sessions().kw["bind"]
        writing = db.sessions().kw["bind"]
    assert reading.pool is not writing.pool
    assert (reading.pool._pre_ping, writing.pool._pre_ping) == (False, True)
    with reading.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is True  # no BEGIN, no ROLLBACK
    assert client.get("/sru", query_string=SEARCH).status_code == 200
