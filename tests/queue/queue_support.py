"""Helpers shared by the queue tests (importable, unlike conftest)."""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.ingest import start_run
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.connectors import SourceSystem
from kitapbridge.queue.progress import Progress
from kitapbridge.queue.runner import JOB_SERIALIZER, Runner, job_queue
from kitapbridge.queue.worker import KitapbridgeWorker


def open_run(sessions: sessionmaker[Session], isil: str = "KZ-ALM-0042") -> int:
    """A new import run for a school, as ``submit_import`` opens it."""
    with sessions.begin() as session:
        school = ensure_school(session, isil, name="Алматы, №42 мектеп-гимназия")
        return start_run(session, school, SourceSystem.MARC, started_by="test").id


@dataclass
class RunnerUnderTest:
    """A runner plus what a test needs to let its jobs run and to see their progress."""

    runner: Runner
    reports: list[Progress]
    connection: Redis | None = None

    def drain(self) -> None:
        """Run every queued job to its end (RQ: a forking worker in burst mode)."""
        if self.connection is None:
            return
        queue = job_queue(self.connection)
        worker = KitapbridgeWorker([queue], connection=self.connection, serializer=JOB_SERIALIZER)
        worker.work(burst=True)
