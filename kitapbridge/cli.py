"""The ``kitapbridge`` command. Thin: parses options, builds ``Settings``, calls services.

Exit codes follow the CLI contract in the architecture doc. Log handlers are
installed here and nowhere else.
"""

from __future__ import annotations

import getpass
import json
import logging
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import click
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge import __version__
from kitapbridge.config import Settings
from kitapbridge.connectors.base import SourceSystem

pass_settings = click.make_pass_decorator(Settings)


@click.group()
@click.version_option(__version__, prog_name="kitapbridge")
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="KITAPBRIDGE_CONFIG",
    help="TOML settings file (environment variables KITAPBRIDGE_* override it).",
)
@click.option(
    "--database-url", envvar="KITAPBRIDGE_DATABASE_URL", help="SQLAlchemy URL of the store."
)
@click.option(
    "--redis-url", envvar="KITAPBRIDGE_REDIS_URL", help="Redis URL; unset runs jobs inline."
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(
    ctx: click.Context,
    config_file: Path | None,
    database_url: str | None,
    redis_url: str | None,
    verbose: int,
) -> None:
    """kitapbridge: school library catalogs to one national union catalog."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.load(config_file=config_file)
    overrides = {"database_url": database_url, "redis_url": redis_url}
    ctx.obj = Settings(**{**settings.__dict__, **{k: v for k, v in overrides.items() if v}})


@main.command("init-db")
@pass_settings
def init_db(settings: Settings) -> None:
    """Create the store, or migrate it to the current schema."""
    from kitapbridge.catalog.store import make_engine, migrate

    engine = make_engine(settings.database_url)
    migrate(engine)
    engine.dispose()
    click.echo(f"store ready: {engine.url.render_as_string(hide_password=True)}")


@main.command("export")
@click.option(
    "-o", "--output", required=True, type=click.File("wb"), help="Output file (- for stdout)."
)
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["marcxml", "iso2709", "jsonl"]),
    default="marcxml",
    show_default=True,
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]),
    help="Only records changed at or after this date (ISO 8601, UTC when no offset).",
)
@click.option("--school", help="Only this school's records (ISIL).")
@pass_settings
def export(
    settings: Settings,
    output: BinaryIO,
    export_format: str,
    since: datetime | None,
    school: str | None,
) -> None:
    """Export the union catalog's records."""
    from kitapbridge.catalog.export import ExportFormat, stored_records, write_records
    from kitapbridge.catalog.store import close_store, open_store

    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    sessions = open_store(settings)
    try:
        with sessions() as session:
            records = stored_records(session, since=since, school=school)
            written = write_records(records, output, ExportFormat(export_format))
    finally:
        close_store(sessions)
    click.echo(f"{written} records exported", err=True)


# --- import, worker, school: the job queue and the schools that feed it -------------------


@main.command("import")
@click.argument("system", type=click.Choice([s.value for s in SourceSystem]), required=False)
@click.argument("source", required=False)
@click.option("--school", "isil", help="The school's ISIL (KZ-…); registered if new.")
@click.option("--name", help="The school's name (when registering it or to rename it).")
@click.option("--wait", is_flag=True, help="With Redis: wait for the run to end, print its report.")
@click.option(
    "--resume",
    "resume_run",
    type=int,
    metavar="RUN",
    help="Continue run RUN after its last committed batch (SYSTEM and SOURCE come from the run).",
)
@pass_settings
def import_command(
    settings: Settings,
    system: str | None,
    source: str | None,
    isil: str | None,
    name: str | None,
    wait: bool,
    resume_run: int | None,
) -> None:
    """Import a school's catalog: SYSTEM is marc-sql, kabis, kitaphana or marc; SOURCE a file,
    folder or database URL.

    Without Redis the import runs here with a progress bar; with Redis it is
    queued for `kitapbridge worker` (add --wait to follow it). Exit 0 when the
    run completed (its report is printed), 1 when it failed.
    """
    from kitapbridge.queue.follow import ProgressBar, wait_for_job
    from kitapbridge.queue.imports import (
        ResumeError,
        make_runner,
        resume_import,
        submit_import,
    )
    from kitapbridge.queue.runner import RQRunner

    bar = ProgressBar(f"run {resume_run}" if resume_run else f"{isil} {system}")
    with _store(settings) as sessions, closing(make_runner(settings, progress=bar)) as runner:
        try:
            if resume_run is not None:
                submission = resume_import(settings, sessions, runner, resume_run, source=source)
            elif system is None or source is None or isil is None:
                raise click.UsageError("SYSTEM, SOURCE and --school are required (or --resume RUN)")
            else:
                submission = submit_import(
                    settings,
                    sessions,
                    runner,
                    isil=isil,
                    system=SourceSystem(system),
                    source=source,
                    started_by=f"cli:{getpass.getuser()}",
                    name=name,
                )
            if isinstance(runner, RQRunner):
                job_id = submission.job.job_id
                click.echo(f"run {submission.run_id}: queued as job {job_id}", err=True)
                if not wait:
                    return
                wait_for_job(runner, job_id, bar)
        except ResumeError as error:
            raise click.ClickException(str(error)) from error
        finally:
            bar.close()
        exit_code = _print_run_report(sessions, submission.run_id)
    raise SystemExit(exit_code)


@contextmanager
def _store(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """The store's session factory for one command; its connections are closed at the end."""
    from kitapbridge.catalog.store import close_store, open_store

    sessions = open_store(settings)
    try:
        yield sessions
    finally:
        close_store(sessions)


def _print_run_report(sessions: sessionmaker[Session], run_id: int) -> int:
    """Print the run's report as JSON; the exit code is 0 when it completed, 1 otherwise."""
    from kitapbridge.catalog.models import ImportRun, RunStatus
    from kitapbridge.queue.runs import run_summary

    with sessions() as session:
        run = session.get(ImportRun, run_id)
        if run is None:
            raise click.ClickException(f"no import run {run_id}")
        click.echo(json.dumps(run_summary(run), ensure_ascii=False, indent=2))
        return 0 if run.status == RunStatus.COMPLETED else 1


@main.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--name", help="Worker name (default: host and pid).")
@pass_settings
def worker(settings: Settings, burst: bool, name: str | None) -> None:
    """Run an RQ worker on the configured Redis (KITAPBRIDGE_REDIS_URL).

    Start one per CPU on as many machines as you like. At start-up it requeues
    the jobs of a worker that died on this machine.
    """
    from redis import Redis

    from kitapbridge.queue.worker import run_worker

    if not settings.redis_url:
        raise click.UsageError("a worker needs Redis: set KITAPBRIDGE_REDIS_URL or --redis-url")
    level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
    with Redis.from_url(settings.redis_url) as connection:
        run_worker(connection, burst=burst, name=name, logging_level=level)


@main.group()
def school() -> None:
    """Register schools and issue their API upload tokens."""


@school.command("add")
@click.argument("isil")
@click.option("--name", required=True, help="The school's name.")
@click.option("--region", help="Oblast or city of republican significance.")
@pass_settings
def school_add(settings: Settings, isil: str, name: str, region: str | None) -> None:
    """Register school ISIL (or update its name) and print a new API token, shown only once."""
    from kitapbridge.catalog.schools import ensure_school, issue_school_token

    with _store(settings) as sessions, sessions.begin() as session:
        token = issue_school_token(session, ensure_school(session, isil, name=name, region=region))
    click.echo(token)
    click.echo(f"school {isil}: keep this token; only its hash is stored", err=True)


@school.command("token")
@click.argument("isil")
@pass_settings
def school_token(settings: Settings, isil: str) -> None:
    """Issue school ISIL a new API token (the old one stops working) and print it once."""
    from kitapbridge.catalog.schools import find_school, issue_school_token

    with _store(settings) as sessions, sessions.begin() as session:
        found = find_school(session, isil)
        if found is None:
            raise click.ClickException(f"no school {isil}; register it with `school add`")
        token = issue_school_token(session, found)
    click.echo(token)
