"""Import throughput of the union catalog store, term index included, on SQLite and PostgreSQL.

Imports N synthetic Kazakh/Russian records (``benchmarks/synthetic_catalog.py``:
MARC21 with 001/005/008/020/080/084/100/245/260/650 and one or two copies each),
already converted, so the figure is the store's own cost: ISO 2709 serialisation,
hashing, term extraction, batched upserts, holdings, term index, commits per
batch. Then imports the same export again (all unchanged). Also measures the
three MARC21 serialisations pymarc writes, which decided how ``marc`` is stored.

``KITAPBRIDGE_BENCH_IMPORT_RECORDS`` sets N (default 100,000);
``KITAPBRIDGE_TEST_POSTGRES_URL`` the PostgreSQL server (a scratch schema is used).
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pymarc
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.report import Section
from benchmarks.synthetic_catalog import isbn_of, synthetic_export
from kitapbridge.catalog.ingest import IncomingRecord, ingest, run_counts, start_run
from kitapbridge.catalog.models import Base, IndexTerm
from kitapbridge.catalog.query import (
    BooleanClause,
    BooleanOperator,
    Query,
    RangeClause,
    RangeField,
    Relation,
    Sort,
    SortKey,
    TermClause,
)
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.catalog.search import count, search
from kitapbridge.catalog.store import make_engine, migrate
from kitapbridge.config import DEFAULT_IMPORT_BATCH_SIZE
from kitapbridge.connectors.base import SourceSystem

POSTGRES_URL = os.environ.get(
    "KITAPBRIDGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
RECORDS = int(os.environ.get("KITAPBRIDGE_BENCH_IMPORT_RECORDS", "100000"))
FORMAT_SAMPLE = 5000


def run() -> list[Section]:
    export = list(synthetic_export(RECORDS))
    searches: list[list[str]] = []
    rows = [_measure("SQLite (WAL file)", _sqlite_store(), export, searches)]
    rows.append(_measure("PostgreSQL", _postgres_store(), export, searches))
    import_section = Section(
        title="Catalog import (catalog.ingest)",
        command="python -m benchmarks.run import",
        data=f"{RECORDS:,} synthetic converted Kazakh/Russian MARC21 records, 1.5 copies each, "
        f"batches of {DEFAULT_IMPORT_BATCH_SIZE}",
        columns=[
            "store",
            "first import s",
            "records/s",
            "same export again s",
            "records/s",
            "term rows",
            "store MB",
            "bytes/record",
        ],
        rows=rows,
        notes=[
            "Includes ISO 2709 serialisation, SHA-256 hashing, term extraction and folding, "
            "upserts, holdings, term index and one commit per batch; excludes conversion.",
            "PostgreSQL: new records (ids drawn from the sequence) and copies with new "
            "barcodes are written with COPY; changed records and moved copies are staged with "
            "COPY and moved with one INSERT … SELECT … ON CONFLICT; term-index rows use COPY; "
            "batch commits do not wait for the WAL flush (synchronous_commit off, final "
            "commit synchronous).",
            "A background thread reads, serialises, hashes and indexes the next batch while "
            "the current one is written (catalog.lookahead).",
            "Store size: SQLite file + WAL after a checkpoint; PostgreSQL: sum of "
            "pg_total_relation_size over the store's tables (heap, indexes, TOAST).",
        ],
    )
    search_section = Section(
        title="Catalog search (catalog.search)",
        command="python -m benchmarks.run import",
        data=f"the {RECORDS:,} records imported above",
        columns=["store", "query", "hits", "count ms", "first page ms (10, by title)"],
        rows=searches,
        notes=["Median of 5 runs; the page query sorts by title and fetches 11 ids (keyset)."],
    )
    return [import_section, search_section, _storage_formats(export[:FORMAT_SAMPLE])]


class _Store:
    def __init__(self, url: str, size: Callable[[sa.Engine], int], cleanup: Callable[[], None]):
        self.url, self.size, self.cleanup = url, size, cleanup


def _sqlite_store() -> _Store:
    directory = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    path = directory / "catalog.db"

    def size(engine: sa.Engine) -> int:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(p.stat().st_size for p in directory.iterdir())

    def cleanup() -> None:
        for item in directory.iterdir():
            item.unlink()
        directory.rmdir()

    return _Store(f"sqlite:///{path}", size, cleanup)


def _postgres_store() -> _Store:
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')

    def size(engine: sa.Engine) -> int:
        query = sa.text("SELECT sum(pg_total_relation_size(:schema || '.' || name))::bigint FROM ")
        names = ", ".join(f"('{table}')" for table in Base.metadata.tables)
        statement = sa.text(f"{query.text}(VALUES {names}) AS t(name)")  # our table names only
        with engine.connect() as connection:
            connection.exec_driver_sql("CHECKPOINT")
            return int(connection.execute(statement, {"schema": schema}).scalar_one())

    def cleanup() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()

    return _Store(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}", size, cleanup)


def _measure(
    label: str, store: _Store, export: list[IncomingRecord], searches: list[list[str]]
) -> list[str]:
    engine = make_engine(store.url)
    try:
        migrate(engine)
        sessions = sessionmaker(engine, expire_on_commit=False)
        first = _timed_import(sessions, export)
        again = _timed_import(sessions, export)
        with sessions() as session:
            terms = session.scalar(sa.select(sa.func.count()).select_from(IndexTerm)) or 0
            searches.extend([label, *row] for row in _time_searches(session))
        size = store.size(engine)
    finally:
        engine.dispose()
        store.cleanup()
    return [
        label,
        f"{first:.1f}",
        f"{len(export) / first:,.0f}",
        f"{again:.1f}",
        f"{len(export) / again:,.0f}",
        f"{terms:,}",
        f"{size / 1e6:,.0f}",
        f"{size / len(export):,.0f}",
    ]


def _timed_import(sessions: sessionmaker[Session], export: list[IncomingRecord]) -> float:
    with sessions.begin() as session:
        school = ensure_school(session, "KZ-BENCH")
        run_id = start_run(session, school, SourceSystem.MARC, started_by="benchmark").id
    started = time.perf_counter()
    finished = ingest(sessions, run_id, export, batch_size=DEFAULT_IMPORT_BATCH_SIZE)
    elapsed = time.perf_counter() - started
    assert run_counts(finished)["seen"] == len(export)
    return elapsed


SEARCHES: dict[str, Query] = {
    "title = қазақ (common word)": TermClause("title", "қазақ"),
    "creator = Әуезов": TermClause("creator", "Әуезов"),
    "title = әдеб* (prefix)": TermClause("title", "әдеб*"),
    'title adj "абай жолы"': TermClause("title", "абай жолы", Relation.ADJ),
    "subject = поэзия and date < 1980": BooleanClause(
        BooleanOperator.AND,
        TermClause("subject", "поэзия"),
        RangeClause(RangeField.DATE, high=1980, high_inclusive=False),
    ),
    f"isbn = {isbn_of(7)}": TermClause("isbn", isbn_of(7)),
}


def _time_searches(session: Session) -> list[list[str]]:
    rows = []
    for name, query in SEARCHES.items():
        hits = count(session, query)
        counting = _median_ms(lambda q=query: count(session, q))
        paging = _median_ms(lambda q=query: search(session, q, limit=10, sort=Sort(SortKey.TITLE)))
        rows.append([name, f"{hits:,}", f"{counting:.1f}", f"{paging:.1f}"])
    return rows


def _median_ms(action: Callable[[], object]) -> float:
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _storage_formats(export: list[IncomingRecord]) -> Section:
    records = [conversion.record for _source, conversion in export if conversion.record]
    writers: dict[str, tuple[Callable[[pymarc.Record], bytes], Callable[[bytes], object]]] = {
        "ISO 2709 (chosen)": (
            lambda r: r.as_marc(),
            lambda b: next(iter(pymarc.MARCReader(io.BytesIO(b), to_unicode=True))),
        ),
        "MARCXML": (
            lambda r: pymarc.record_to_xml(r),
            lambda b: pymarc.parse_xml_to_array(io.BytesIO(b))[0],
        ),
        "MARC-in-JSON": (
            lambda r: r.as_json(ensure_ascii=False).encode(),
            lambda b: pymarc.parse_json_to_array(b.decode())[0],
        ),
    }
    rows = []
    for name, (write, read) in writers.items():
        started = time.perf_counter()
        blobs = [write(record) for record in records]
        written = time.perf_counter() - started
        started = time.perf_counter()
        for blob in blobs:
            read(blob)
        parsed = time.perf_counter() - started
        size = sum(len(blob) for blob in blobs) / len(blobs)
        n = len(records)
        rows.append([name, f"{size:,.0f}", f"{written / n * 1e6:,.0f}", f"{parsed / n * 1e6:,.0f}"])
    return Section(
        title="MARC21 storage format (source_records.marc)",
        command="python -m benchmarks.run import",
        data=f"{len(records):,} of the synthetic records",
        columns=["format", "bytes/record", "write µs/record", "read µs/record"],
        rows=rows,
        notes=[
            "Written and read with pymarc 5. The store keeps ISO 2709: the smallest, as fast "
            "as MARC-in-JSON, the format every MARC tool reads; MARCXML is 3x larger and slower."
        ],
    )
