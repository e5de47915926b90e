"""What a sequence of imports stores in PostgreSQL, as digests: pins a speed-up as neutral.

Runs three imports of synthetic records into a scratch schema: a first full import
(with a duplicate local id and a rejected record), a changed export (updates,
additions, deletions swept, versions kept, copies replaced) and the first export
again (restores). Then prints, per table, the row count and the MD5 of its rows
in a fixed order, record ids replaced by local ids and timestamps left out, since
ids come from a sequence and times from the clock. Run it before and after a
change to the import; every line must be equal::

    PYTHONPATH=$PWD python -m benchmarks.store_digest          # 20,000 records
    KITAPBRIDGE_DIGEST_RECORDS=5000 PYTHONPATH=$PWD python -m benchmarks.store_digest
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from benchmarks.bench_import import POSTGRES_URL
from benchmarks.synthetic_catalog import source_and_conversion, synthetic_export
from kitapbridge.catalog.ingest import IncomingRecord, ingest, start_run
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.catalog.store import make_engine, migrate
from kitapbridge.config import DEFAULT_IMPORT_BATCH_SIZE
from kitapbridge.connectors.base import SourceSystem
from kitapbridge.marc.conversion import Conversion

RECORDS = int(os.environ.get("KITAPBRIDGE_DIGEST_RECORDS", "20000"))

# Each query lists a table's stored content without sequence ids or clock times;
# LOCAL_ID(x) stands for the local id of record id x. Our own SQL text, no data in it.
_LOCAL_ID = r"\bLOCAL_ID\((\w+\.\w+)\)"
TABLE_QUERIES = {
    "source_records": "SELECT school_id, system, local_id, raw, raw_format, flavour, encoding, "
    "marc, content_hash, deleted, sort_title, sort_creator, sort_year, "
    "first_seen_at = last_seen_at, modified_at = first_seen_at, "
    "first_seen_run_id, last_seen_run_id FROM source_records",
    "holdings": "SELECT LOCAL_ID(h.record_id), school_id, barcode, inventory_number, "
    "call_number, shelf_location, sigla, status, price, currency, note FROM holdings h",
    "index_terms": "SELECT term, idx, LOCAL_ID(t.record_id) FROM index_terms t",
    "index_phrases": "SELECT LOCAL_ID(p.record_id), idx, phrase FROM index_phrases p",
    "record_versions": "SELECT LOCAL_ID(v.record_id), raw, marc, content_hash, "
    "replaced_by_run_id FROM record_versions v",
    "import_runs": 'SELECT id, school_id, system, "full", status, records_total, records_done, '
    "added, updated, unchanged, restored, deleted, quarantined, report::text FROM import_runs",
    "quarantine": "SELECT run_id, school_id, record_index, byte_offset, local_id, raw, reason, "
    "issues::text FROM quarantine",
}
_DIGEST = "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM "


def first_export(count: int) -> Iterator[IncomingRecord]:
    """Records 0..count-1, then one repeated local id and one failed conversion."""
    yield from synthetic_export(count)
    yield source_and_conversion(5)
    source, _conversion = source_and_conversion(count)
    yield source, Conversion(record=None, decisions=["synthetic conversion failure"])


def changed_export(count: int) -> Iterator[IncomingRecord]:
    """The second half of the records, every third one changed, and a quarter more."""
    for n in range(count // 2, count + count // 4):
        yield source_and_conversion(n, version=1 if n % 3 == 0 else 0)


def digest(url: str) -> dict[str, tuple[int, str]]:
    """Row count and MD5 of each table's content in the store at ``url``."""
    engine = sa.create_engine(url)
    found = {}
    with engine.connect() as connection:
        for name, query in TABLE_QUERIES.items():
            query = re.sub(_LOCAL_ID, r"(SELECT local_id FROM source_records WHERE id = \1)", query)
            row = connection.execute(sa.text(_DIGEST + "(" + query + ") AS t")).one()
            found[name] = (int(row[0]), str(row[1]))
    engine.dispose()
    return found


def main() -> None:
    schema = "digest_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    try:
        migrate(engine)
        sessions = sessionmaker(engine, expire_on_commit=False)
        for export in (first_export(RECORDS), changed_export(RECORDS), first_export(RECORDS)):
            with sessions.begin() as session:
                school = ensure_school(session, "KZ-DIGEST")
                run_id = start_run(session, school, SourceSystem.MARC, started_by="digest").id
            ingest(sessions, run_id, export, batch_size=DEFAULT_IMPORT_BATCH_SIZE)
        engine.dispose()
        for name, (rows, md5) in digest(url).items():
            print(f"{name:16s} {rows:>9,} {md5}")
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


if __name__ == "__main__":
    main()
