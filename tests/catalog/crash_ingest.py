"""Child process of the crash test: ingest the synthetic export under an existing run id.

Run as ``python crash_ingest.py DATABASE_URL RUN_ID COUNT BATCH_SIZE``; the test kills it
with SIGKILL part-way through.
"""

from __future__ import annotations

import sys

from sqlalchemy.orm import sessionmaker

from benchmarks.synthetic_catalog import synthetic_export
from kitapbridge.catalog.ingest import ingest
from kitapbridge.catalog.store import make_engine


def main(database_url: str, run_id: int, count: int, batch_size: int) -> None:
    engine = make_engine(database_url)
    ingest(sessionmaker(engine, expire_on_commit=False), run_id, synthetic_export(count),
           batch_size=batch_size)  # fmt: skip
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
