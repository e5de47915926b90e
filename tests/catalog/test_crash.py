"""A run killed with SIGKILL mid-way and resumed ends exactly like a run never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.synthetic_catalog import synthetic_export
from kitapbridge.catalog.ingest import ingest, run_counts, start_run
from kitapbridge.catalog.models import (
    Holding,
    ImportRun,
    IndexPhrase,
    IndexTerm,
    RunStatus,
    School,
    StoredRecord,
)
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.connectors.base import SourceSystem

RECORDS = 20_000
BATCH = 500
CHILD = Path(__file__).with_name("crash_ingest.py")
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def new_run(sessions: sessionmaker[Session], isil: str) -> int:
    with sessions.begin() as session:
        school = ensure_school(session, isil)
        return start_run(session, school, SourceSystem.MARC, started_by="crash-test").id


def records_done(sessions: sessionmaker[Session], run_id: int) -> int:
    with sessions() as session:
        return session.scalars(select(ImportRun.records_done).where(ImportRun.id == run_id)).one()


def kill_mid_way(database_url: str, sessions: sessionmaker[Session], run_id: int) -> int:
    """Start the child ingest, SIGKILL it after a few batches; the records it had committed."""
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    arguments = [sys.executable, str(CHILD), database_url, str(run_id), str(RECORDS), str(BATCH)]
    child = subprocess.Popen(arguments, env=environment)
    try:
        while records_done(sessions, run_id) < 3 * BATCH:
            assert child.poll() is None, f"child ended early with {child.returncode}"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    return records_done(sessions, run_id)


def school_state(session: Session, isil: str) -> dict[str, object]:
    """Everything the import wrote for a school, comparable across schools."""
    school_id = session.scalars(select(School.id).where(School.isil == isil)).one()
    records = session.execute(
        select(StoredRecord.local_id, StoredRecord.content_hash, StoredRecord.marc,
               StoredRecord.deleted, StoredRecord.sort_title)
        .where(StoredRecord.school_id == school_id).order_by(StoredRecord.local_id)
    ).all()  # fmt: skip
    record_ids = select(StoredRecord.id).where(StoredRecord.school_id == school_id)
    holdings = session.execute(
        select(StoredRecord.local_id, Holding.barcode, Holding.inventory_number)
        .join(StoredRecord, StoredRecord.id == Holding.record_id)
        .where(Holding.school_id == school_id).order_by(Holding.barcode)
    ).all()  # fmt: skip
    terms = session.execute(
        select(IndexTerm.idx, IndexTerm.term, func.count())
        .where(IndexTerm.record_id.in_(record_ids))
        .group_by(IndexTerm.idx, IndexTerm.term).order_by(IndexTerm.idx, IndexTerm.term)
    ).all()  # fmt: skip
    phrases = session.scalar(
        select(func.count()).select_from(IndexPhrase).where(IndexPhrase.record_id.in_(record_ids))
    )
    return {"records": records, "holdings": holdings, "terms": terms, "phrases": phrases}


@pytest.mark.slow
def test_killed_run_resumes_to_the_state_of_a_clean_run(
    database_url: str, sessions: sessionmaker[Session]
) -> None:
    crashed = new_run(sessions, "KZ-CRASH")
    committed = kill_mid_way(database_url, sessions, crashed)
    assert 0 < committed < RECORDS and committed % BATCH == 0
    with sessions() as session:
        stored = session.scalar(select(func.count()).select_from(StoredRecord))
        assert stored == committed  # the killed batch left nothing behind
        assert session.get(ImportRun, crashed).status == RunStatus.RUNNING  # type: ignore[union-attr]

    resumed = ingest(sessions, crashed, synthetic_export(RECORDS), batch_size=BATCH)
    clean = ingest(
        sessions, new_run(sessions, "KZ-CLEAN"), synthetic_export(RECORDS), batch_size=BATCH
    )

    assert run_counts(resumed) == run_counts(clean) == {
        "seen": RECORDS, "added": RECORDS, "updated": 0, "unchanged": 0,
        "restored": 0, "deleted": 0, "quarantined": 0,
    }  # fmt: skip
    with sessions() as session:
        crashed_state = school_state(session, "KZ-CRASH")
        assert crashed_state == school_state(session, "KZ-CLEAN")
        assert len(crashed_state["records"]) == RECORDS  # type: ignore[arg-type]
        assert len(crashed_state["holdings"]) == 30_000  # type: ignore[arg-type]
