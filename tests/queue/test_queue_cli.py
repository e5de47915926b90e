"""``kitapbridge import``, ``worker`` and ``school`` through click's CliRunner, on real servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pymarc
import pytest
from click.testing import CliRunner
from queue_support import open_run
from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.models import ImportRun, School
from kitapbridge.catalog.schools import find_school, school_for_token
from kitapbridge.cli import main
from kitapbridge.queue.runner import job_queue

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TITLES = ["Абай жолы", "Қан мен тер", "Көшпенділер"]
ADDED_THREE = {
    "seen": 3,
    "added": 3,
    "updated": 0,
    "unchanged": 0,
    "restored": 0,
    "deleted": 0,
    "quarantined": 0,
}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "katalog.mrc"
    with path.open("wb") as out:
        for n, title in enumerate(TITLES, start=1):
            record = pymarc.Record(force_utf8=True)
            record.add_field(pymarc.Field(tag="001", data=f"b{n}"))
            record.add_field(
                pymarc.Field(
                    tag="245",
                    indicators=pymarc.Indicators("1", "0"),
                    subfields=[pymarc.Subfield("a", title)],
                )
            )
            out.write(record.as_marc())
    return path


def kitapbridge(database_url: str, *args: str, redis_url: str | None = None) -> object:
    options = ["--database-url", database_url]
    if redis_url:
        options += ["--redis-url", redis_url]
    env = {"KITAPBRIDGE_REDIS_URL": ""}
    return CliRunner().invoke(main, [*options, *args], env=env, catch_exceptions=False)


def test_school_add_prints_a_token_that_authenticates_and_rotates(
    database_url: str, store: sessionmaker[Session]
) -> None:
    added = kitapbridge(
        database_url, "school", "add", "KZ-ALM-0042", "--name", "№42 гимназия", "--region", "Алматы"
    )
    assert added.exit_code == 0, added.output
    token = added.stdout.strip()
    assert len(token) == 43
    assert added.stderr == "school KZ-ALM-0042: keep this token; only its hash is stored\n"

    rotated = kitapbridge(database_url, "school", "token", "KZ-ALM-0042")
    assert rotated.exit_code == 0
    new_token = rotated.stdout.strip()
    with store() as session:
        assert school_for_token(session, token) is None
        school = school_for_token(session, new_token)
        assert school is not None
        assert (school.isil, school.name, school.region) == (
            "KZ-ALM-0042",
            "№42 гимназия",
            "Алматы",
        )
        assert school.api_token_hash is not None and new_token not in school.api_token_hash


def test_school_token_of_an_unknown_school_fails(
    database_url: str, store: sessionmaker[Session]
) -> None:
    result = kitapbridge(database_url, "school", "token", "KZ-NOPE-0001")
    assert result.exit_code == 1
    assert result.stderr == "Error: no school KZ-NOPE-0001; register it with `school add`\n"


def test_inline_import_registers_the_school_and_prints_the_report(
    database_url: str, store: sessionmaker[Session], export: Path
) -> None:
    result = kitapbridge(
        database_url, "import", "marc", str(export), "--school", "KZ-ALM-0042", "--name", "№42"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["status"] == "completed"
    assert report["counts"] == ADDED_THREE
    assert report["source"] == str(export.resolve())
    assert report["started_by"].startswith("cli:")
    with store() as session:
        school = find_school(session, "KZ-ALM-0042")
        assert school is not None and school.name == "№42"
        assert school.source_system == "marc"


def test_failed_inline_import_exits_1_with_the_error_in_the_report(
    database_url: str, store: sessionmaker[Session], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-export.mrc"
    result = kitapbridge(database_url, "import", "marc", str(missing), "--school", "KZ-ALM-0042")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["status"] == "failed"
    assert report["report"]["error"] == f"ConnectorError: {missing}: no such file or folder"
    assert "traceback" not in report["report"]


def test_resume_continues_an_interrupted_run_and_refuses_a_completed_one(
    database_url: str, store: sessionmaker[Session], export: Path
) -> None:
    run_id = open_run(store)
    with store.begin() as session:
        run = session.get(ImportRun, run_id)
        assert run is not None
        run.source_name = str(export)

    resumed = kitapbridge(database_url, "import", "--resume", str(run_id))
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout)["counts"] == ADDED_THREE

    again = kitapbridge(database_url, "import", "--resume", str(run_id))
    assert again.exit_code == 1
    assert again.stderr == f"Error: run {run_id}: already completed\n"


def test_import_without_arguments_is_a_usage_error(
    database_url: str, store: sessionmaker[Session]
) -> None:
    result = kitapbridge(database_url, "import", "marc")
    assert result.exit_code == 2
    assert "SYSTEM, SOURCE and --school are required (or --resume RUN)" in result.stderr


@pytest.mark.redis
def test_with_redis_import_queues_and_worker_burst_runs_it(
    database_url: str, store: sessionmaker[Session], export: Path, redis_url: str
) -> None:
    queued = kitapbridge(
        database_url, "import", "marc", str(export), "--school", "KZ-ALM-0042", redis_url=redis_url
    )
    assert queued.exit_code == 0, queued.output
    with store() as session:
        run = session.query(ImportRun).one()
        run_id = run.id
        assert session.get(School, run.school_id) is not None
    assert queued.stderr == f"run {run_id}: queued as job import-run-{run_id}\n"
    assert queued.stdout == ""
    connection = Redis.from_url(redis_url)
    assert job_queue(connection).job_ids == [f"import-run-{run_id}"]

    worked = kitapbridge(database_url, "worker", "--burst", redis_url=redis_url)
    assert worked.exit_code == 0, worked.output
    assert job_queue(connection).job_ids == []
    with store() as session:
        finished = session.get(ImportRun, run_id)
        assert finished is not None and finished.status == "completed"
        assert finished.added == 3
    connection.close()


@pytest.mark.redis
@pytest.mark.slow
def test_import_wait_follows_a_worker_to_the_end(
    database_url: str, store: sessionmaker[Session], export: Path, redis_url: str
) -> None:
    env = {**os.environ, "KITAPBRIDGE_REDIS_URL": redis_url, "PYTHONPATH": str(PROJECT_ROOT)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "kitapbridge", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        result = kitapbridge(
            database_url,
            "import",
            "marc",
            str(export),
            "--school",
            "KZ-ALM-0042",
            "--wait",
            redis_url=redis_url,
        )
    finally:
        worker.terminate()
        worker.wait()
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["status"] == "completed"
    assert report["counts"] == ADDED_THREE


def test_worker_needs_redis(database_url: str) -> None:
    result = kitapbridge(database_url, "worker")
    assert result.exit_code == 2
    assert "a worker needs Redis" in result.stderr
