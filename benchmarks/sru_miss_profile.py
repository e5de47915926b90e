"""CPU per first-time (cache-miss) SRU request, in process: where a new request's time goes.

``bench_sru`` measures latency and throughput over HTTP against Zebra; this runs the
same varied mix (``bench_sru.varied_queries``: no request repeats) through the WSGI
application in this process, so CPU time (``time.process_time``) and a cProfile of
the miss path can be read without the noise of a shared machine's wall clock.

The lab records are loaded once into a PostgreSQL schema named after their count
(``sru_miss_<N>``) and kept for later runs (``--drop`` removes it). Each pass uses a
fresh application (empty response cache and rendered records) and a fresh result-set
store, so every request makes its result set or renders its records for the first time
(the mix's first 1,000 requests hold 1,000 distinct (query, page) pairs); more
``--passes`` repeat the same measurement, to see the noise.

    PYTHONPATH=$PWD python -m benchmarks.sru_miss_profile --records 20000
    PYTHONPATH=$PWD python -m benchmarks.sru_miss_profile --records 100000 --profile 25
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections.abc import Callable
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy import event

from benchmarks.bench_sru import POSTGRES_URL, varied_queries
from benchmarks.sru_lab import load_lab_store
from kitapbridge.config import Settings
from kitapbridge.web.app import close_app, create_app


def schema_url(records: int) -> str:
    """The URL of the kept schema of ``records`` lab records, loaded if not there yet."""
    schema = f"sru_miss_{records}"
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM pg_namespace WHERE nspname = %(schema)s", {"schema": schema}
        ).first()
        if exists is None:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    admin.dispose()
    if exists is None:
        started = time.perf_counter()
        load_lab_store(url, records)
        print(f"loaded {records:,} records in {time.perf_counter() - started:.0f} s")
    return url


def drop_schema(records: int) -> None:
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "sru_miss_{records}" CASCADE')
    admin.dispose()


def requests() -> list[str]:
    """The varied mix's requests as query strings (no two alike)."""
    return [urlencode(ours) for _name, ours, _zebra in varied_queries()]


def run_pass(
    url: str, query_strings: list[str], profile: cProfile.Profile | None
) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, SQL statements) for one pass through a fresh application."""
    app = create_app(Settings(database_url=url, redis_url=None))
    try:
        client = app.test_client()
        # Connect the pools and import lazily imported modules, on a query of no other pass.
        client.get("/sru?version=1.2&operation=searchRetrieve&query=dc.title%3Dwarm")
        statements = _statement_counter(app)
        cpu, wall = time.process_time(), time.perf_counter()
        if profile is not None:
            profile.enable()
        for query_string in query_strings:
            response = client.get("/sru?" + query_string)
            if response.status_code != 200:
                raise RuntimeError(f"{query_string}: HTTP {response.status_code}")
        if profile is not None:
            profile.disable()
        return time.process_time() - cpu, time.perf_counter() - wall, statements()
    finally:
        close_app(app)


def _statement_counter(app: object) -> Callable[[], int]:
    """Statements sent through SQLAlchemy and on the raw connections of the read pool."""
    from kitapbridge.web import db

    engine = db.read_sessions(app).kw["bind"]  # type: ignore[arg-type]
    count = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def counted(*_args: object) -> None:
        count[0] += 1

    return lambda: count[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=400, help="requests per pass")
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--profile", type=int, default=0, help="print the top N of cProfile")
    parser.add_argument("--drop", action="store_true", help="drop the kept schema and exit")
    arguments = parser.parse_args()
    if arguments.drop:
        drop_schema(arguments.records)
        return
    url = schema_url(arguments.records)
    query_strings = requests()[: arguments.requests]
    profile = cProfile.Profile(time.process_time) if arguments.profile else None
    for number in range(1, arguments.passes + 1):
        cpu, wall, statements = run_pass(url, query_strings, profile)
        count = len(query_strings)
        print(
            f"pass {number}: {count} distinct requests, {arguments.records:,} records: "
            f"CPU {cpu / count * 1000:.2f} ms/request, wall {wall / count * 1000:.2f} ms/request, "
            f"{statements / count:.1f} SQL statements/request (through SQLAlchemy)"
        )
    if profile is not None:
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(arguments.profile)
        stats.sort_stats("cumulative").print_stats(arguments.profile)


if __name__ == "__main__":
    main()
