"""SRU searchRetrieve latency and throughput: kitapbridge vs Zebra on the same records.

Both servers get the peers doc's lab records (100,000 by default; set
``KITAPBRIDGE_BENCH_SRU_RECORDS`` for a quicker run) and are queried over HTTP on
loopback with the same CQL, ten MARCXML records per page, each client thread over
one keep-alive HTTP connection per server. kitapbridge runs as in
production: ``kitapbridge serve --workers 2`` (gunicorn, gthread workers) over
PostgreSQL (a scratch schema of ``KITAPBRIDGE_TEST_POSTGRES_URL``) with result sets
in Redis (``KITAPBRIDGE_TEST_REDIS_URL``); Zebra 2.2 with the ICU configuration of
the peers doc, started in the same run. Latency is measured one request at a time;
throughput with 1, 8 and 32 concurrent clients looping over the issue's five-query mix,
and again over a varied mix (``varied_queries``) in which no request repeats within a
loop, so no response, result set or rendering kept from an identical request helps.
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from lxml import etree

from benchmarks.report import Section
from benchmarks.sru_lab import AUTHORS, TITLES, lab_records, load_lab_store
from benchmarks.zebra_peer import free_port, running_zebra, wait_for_port, zebra_available

ROOT = Path(__file__).resolve().parent.parent
RECORDS = int(os.environ.get("KITAPBRIDGE_BENCH_SRU_RECORDS", "100000"))
REPEATS = 50
THROUGHPUT_SECONDS = 10.0
CLIENTS = (1, 8, 32)
WORKERS = 2
"""gunicorn worker processes: one per core of the benchmark machine."""
POSTGRES_URL = os.environ.get(
    "KITAPBRIDGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("KITAPBRIDGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def queries(records: int) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """(name, our parameters, Zebra's parameters); they differ only where the CQL must."""
    deep = str(int(records * 0.9))
    common = {"version": "1.2", "operation": "searchRetrieve", "maximumRecords": "10"}
    cases = [
        ("term", "dc.title = математика", None),
        ("boolean", "dc.title = физика and dc.date >= 2010 not dc.creator = smith", None),
        # Zebra answers adj with diagnostic 19; a quoted "=" term is its phrase search.
        ("phrase", 'dc.title adj "қазақ тілі"', 'dc.title = "қазақ тілі"'),
        ("truncation", "dc.title = физ*", None),
        ("sorted", "dc.creator = иванов sortBy dc.date/sort.descending", None),
        ("deep page", "cql.allRecords = 1", None),
    ]
    found = []
    for name, ours, theirs in cases:
        extra = {"startRecord": deep} if name == "deep page" else {}
        found.append(
            (
                name,
                {**common, **extra, "query": ours},
                {**common, **extra, "query": theirs or ours},
            )
        )
    return found


_TITLE_WORDS = sorted(
    {w.lower() for t in TITLES for w in t.split()} | {"сынып"} | {str(n) for n in range(1, 12)}
)
_TITLE_PHRASES = [t.lower() for t in TITLES if " " in t]
_CREATOR_WORDS = sorted({w.strip(",").lower() for a in AUTHORS for w in a.split()})
VARIED_PER_TYPE = 200
"""Distinct requests per query type in the varied mix."""


def varied_queries() -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """At least ``VARIED_PER_TYPE`` distinct requests of each type of the headline mix.

    The lab records have few distinct words (a dozen titles, six authors), so a type's
    requests vary the term (title and author words, phrases, truncated prefixes, years)
    and the page asked for (startRecord 1, 11, 21, ...): every (query, page) differs.
    """
    types: dict[str, list[tuple[str, str | None]]] = {
        "term": [(f"dc.title = {w}", None) for w in _TITLE_WORDS],
        "boolean": [
            (f"dc.title = {w} and dc.date >= {y} not dc.creator = smith", None)
            for w in _TITLE_WORDS
            for y in (2000, 2010, 2020)
        ],
        "phrase": [(f'dc.title adj "{p}"', f'dc.title = "{p}"') for p in _TITLE_PHRASES],
        "truncation": [
            (f"dc.title = {prefix}*", None)
            for prefix in dict.fromkeys(w[:n] for w in _TITLE_WORDS if len(w) > 3 for n in (3, 4))
        ],
        "sorted": [
            (f"dc.creator = {w} sortBy dc.date/sort.{order}", None)
            for w in _CREATOR_WORDS
            for order in ("descending", "ascending")
        ],
    }
    common = {"version": "1.2", "operation": "searchRetrieve", "maximumRecords": "10"}
    mixed: list[list[tuple[str, dict[str, str], dict[str, str]]]] = []
    for name, cases in types.items():
        pages = -(-VARIED_PER_TYPE // len(cases))
        mixed.append(
            [
                (
                    name,
                    {**common, "query": ours, "startRecord": str(1 + 10 * page)},
                    {**common, "query": theirs or ours, "startRecord": str(1 + 10 * page)},
                )
                for page in range(pages)
                for ours, theirs in cases
            ]
        )
    # Interleaved, as the headline mix is: term, boolean, phrase, truncation, sorted, ...
    return [case for row in zip(*mixed, strict=False) for case in row]


def run() -> list[Section]:
    if not zebra_available():
        raise RuntimeError("Zebra (idzebra-2.0, idzebra-2.0-examples) is needed for bench_sru")
    with tempfile.TemporaryDirectory(prefix="bench-sru-") as scratch, postgres_schema() as url:
        directory = Path(scratch)
        started = time.perf_counter()
        load_lab_store(url, RECORDS)
        load_seconds = time.perf_counter() - started
        with kitapbridge_server(url) as ours:
            started = time.perf_counter()
            with running_zebra(directory / "zebra", list(lab_records(RECORDS))) as zebra:
                zebra_seconds = time.perf_counter() - started
                latency = _latency_section(ours, zebra)
                throughput = _throughput_section(ours, zebra)
    note = (
        f"load: kitapbridge import {load_seconds:.0f} s, Zebra index {zebra_seconds:.0f} s "
        f"({RECORDS:,} records)"
    )
    latency.notes.append(note)
    return [latency, throughput]


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A scratch PostgreSQL schema, dropped afterwards; yields its database URL."""
    schema = "bench_sru_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@contextmanager
def kitapbridge_server(database_url: str) -> Iterator[str]:
    """``kitapbridge serve --workers N`` (gunicorn) on a free loopback port; yields the SRU URL."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "KITAPBRIDGE_DATABASE_URL": database_url,
        "KITAPBRIDGE_REDIS_URL": REDIS_URL,
    }
    command = [sys.executable, "-m", "kitapbridge", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", str(WORKERS)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}/sru"
    finally:
        server.terminate()
        server.wait(timeout=30)


_CONNECTIONS = threading.local()


def _get(base: str, params: dict[str, str]) -> bytes:
    """GET over this thread's keep-alive connection to the server (as harvesters do).

    A new TCP connection and urllib's request machinery per call cost the client more
    CPU than a server answering from a kept result set, on the same two cores.
    """
    parts = urllib.parse.urlsplit(base)
    path = f"{parts.path}?{urllib.parse.urlencode(params)}"
    connections: dict[str, http.client.HTTPConnection] = _CONNECTIONS.__dict__.setdefault(
        "open", {}
    )
    for attempt in range(2):
        connection = connections.get(parts.netloc)
        if connection is None:
            connection = http.client.HTTPConnection(parts.netloc, timeout=120)
            connections[parts.netloc] = connection
        try:
            connection.request("GET", path)
            reply = connection.getresponse()
            body = reply.read()
        except (http.client.HTTPException, OSError):
            connection.close()  # the server closed a kept-alive connection: reconnect once
            del connections[parts.netloc]
            if attempt:
                raise
            continue
        if reply.getheader("Connection", "").lower() == "close":
            connection.close()
            del connections[parts.netloc]
        return body
    raise AssertionError("unreachable")


def _hits(body: bytes) -> str:
    root = etree.fromstring(body)
    count = root.findtext("{*}numberOfRecords")
    diagnostic = root.findtext(".//{*}diagnostic/{*}uri")
    if diagnostic is not None:
        return f"diag {diagnostic.rsplit('/', 1)[-1]}"
    return count or "?"


def _timings(call: Callable[[], bytes]) -> list[float]:
    call()  # warm caches and connections once
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _harvest_timings(base: str, params: dict[str, str]) -> list[float]:
    """Consecutive pages from startRecord on, as a harvester walks them (first page primes)."""
    start = int(params["startRecord"])
    samples = []
    for page in range(REPEATS + 1):
        started = time.perf_counter()
        _get(base, {**params, "startRecord": str(start + page * 10)})
        if page:
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def _p99(samples: list[float]) -> float:
    return sorted(samples)[max(0, round(len(samples) * 0.99) - 1)]


def _latency_section(ours: str, zebra: str) -> Section:
    rows = []
    for name, our_params, zebra_params in queries(RECORDS):
        mine = _timings(lambda p=our_params: _get(ours, p))  # type: ignore[misc]
        theirs = _timings(lambda p=zebra_params: _get(zebra, p))  # type: ignore[misc]
        rows.append(
            [
                name,
                f"`{our_params['query']}`",
                f"{_hits(_get(ours, our_params))} / {_hits(_get(zebra, zebra_params))}",
                f"{statistics.median(mine):.1f}",
                f"{_p99(mine):.1f}",
                f"{statistics.median(theirs):.1f}",
                f"{_p99(theirs):.1f}",
                f"{statistics.median(mine) / statistics.median(theirs):.2f}",
            ]
        )
        if name == "deep page":
            mine = _harvest_timings(ours, our_params)
            theirs = _harvest_timings(zebra, zebra_params)
            rows.append(
                [
                    "next deep pages",
                    f"`{our_params['query']}`",
                    "",
                    f"{statistics.median(mine):.1f}",
                    f"{_p99(mine):.1f}",
                    f"{statistics.median(theirs):.1f}",
                    f"{_p99(theirs):.1f}",
                    f"{statistics.median(mine) / statistics.median(theirs):.2f}",
                ]
            )
    return Section(
        title="SRU searchRetrieve latency (ms), kitapbridge vs Zebra",
        command="python -m benchmarks.run sru",
        data=f"{RECORDS:,} lab records (peers doc gen.py), 10 MARCXML records per page, "
        f"{REPEATS} sequential requests per query",
        columns=[
            "query",
            "CQL (ours)",
            "hits ours / Zebra",
            "ours median",
            "ours p99",
            "Zebra median",
            "Zebra p99",
            "median ratio",
        ],
        rows=rows,
        notes=[
            "deep page = startRecord at 90% of the records, cold (no cursor remembered); "
            "next deep pages = the following pages in order, as a harvester asks for them "
            "(ours continue from the remembered keyset cursor)",
            f"p99 over {REPEATS} samples (nearest rank)",
        ],
    )


def _throughput(base: str, mix: list[dict[str, str]], clients: int) -> float:
    done = [0] * clients
    stop = time.perf_counter() + THROUGHPUT_SECONDS

    def client(number: int) -> None:
        position = number * (len(mix) // clients) if len(mix) > clients else number
        while time.perf_counter() < stop:
            _get(base, mix[position % len(mix)])
            position += 1
            done[number] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / THROUGHPUT_SECONDS


def _throughput_section(ours: str, zebra: str) -> Section:
    cases = [c for c in queries(RECORDS) if c[0] != "deep page"]
    varied = varied_queries()
    rows = []
    for clients in CLIENTS:
        mine = _throughput(ours, [c[1] for c in cases], clients)
        theirs = _throughput(zebra, [c[2] for c in cases], clients)
        rows.append([str(clients), "issue's 5 queries", *_rates(mine, theirs)])
    for clients in CLIENTS:
        mine = _throughput(ours, [c[1] for c in varied], clients)
        theirs = _throughput(zebra, [c[2] for c in varied], clients)
        rows.append([str(clients), f"varied ({len(varied)} distinct)", *_rates(mine, theirs)])
    return Section(
        title="SRU searchRetrieve throughput (requests/s), kitapbridge vs Zebra",
        command="python -m benchmarks.run sru",
        data=f"{RECORDS:,} lab records; clients loop over the term, boolean, phrase, "
        f"truncation and sorted queries for {THROUGHPUT_SECONDS:.0f} s",
        columns=["concurrent clients", "mix", "kitapbridge", "Zebra", "ratio"],
        rows=rows,
        notes=[
            "clients are threads of the benchmark process (Python http.client, one "
            "keep-alive connection each), the same for both servers; all share the 2 cores",
            f"varied: the five query types with {VARIED_PER_TYPE}+ distinct requests each "
            "(title and author words, phrases, prefixes, years, pages), interleaved; each "
            "client starts at its own offset, so no request repeats within a loop; the rows "
            "run 1 → 8 → 32 clients: the 1-client row's requests (up to 1,000) are first-time "
            "ones (new result sets, records not rendered before); later rows reuse what it kept",
            f"kitapbridge: gunicorn, {WORKERS} gthread workers, PostgreSQL, result sets in Redis",
        ],
    )


def _rates(mine: float, theirs: float) -> list[str]:
    return [f"{mine:.0f}", f"{theirs:.0f}", f"{mine / theirs:.2f}"]
