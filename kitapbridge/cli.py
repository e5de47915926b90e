"""The ``kitapbridge`` command. Thin: parses options, builds ``Settings``, calls services.

Exit codes follow the CLI contract in the architecture doc. Log handlers are
installed here and nowhere else.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal, TextIO

import click
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge import __version__
from kitapbridge.config import Settings
from kitapbridge.connectors.base import SourceSystem

if TYPE_CHECKING:
    from kitapbridge.queue.runner import JobOutcome

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
@click.option(
    "--display",
    is_flag=True,
    help="One display record per dedup cluster instead of every source record.",
)
@click.option(
    "--clusters-csv",
    type=click.File("w", encoding="utf-8"),
    help="Also write source_record_id,local_id,school,cluster_id for every source record.",
)
@pass_settings
def export(
    settings: Settings,
    output: BinaryIO,
    export_format: str,
    since: datetime | None,
    school: str | None,
    clusters_csv: TextIO | None,
    display: bool,
) -> None:
    """Export the union catalog's records."""
    from kitapbridge.catalog.export import ExportFormat, stored_records, write_records
    from kitapbridge.catalog.store import close_store, open_store

    if display and (since is not None or school is not None):
        raise click.UsageError("--display exports whole clusters: no --since or --school")
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    sessions = open_store(settings)
    try:
        with sessions() as session:
            records = stored_records(session, since=since, school=school)
            if display:
                from kitapbridge.dedup.display_export import display_records

                records = display_records(session)
            written = write_records(records, output, ExportFormat(export_format))
            if clusters_csv is not None:
                from kitapbridge.dedup.service import write_clusters_csv

                lines = write_clusters_csv(session, clusters_csv)
                click.echo(f"{lines} source records in the clusters CSV", err=True)
    finally:
        close_store(sessions)
    click.echo(f"{written} records exported", err=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "source_flavour",
    type=click.Choice(["auto", "marc21", "rusmarc", "unimarc"]),
    default="auto",
    show_default=True,
    help="MARC flavour of the input; auto detects it per record.",
)
@click.option(
    "--encoding",
    type=click.Choice(
        ["auto", "utf-8", "marc-8", "cp1251", "cp866", "koi8-r", "kz1048", "ptcp154"]
    ),
    default="auto",
    show_default=True,
    help="Character encoding of ISO 2709 input; auto detects it per record.",
)
@click.option(
    "--to",
    "output_format",
    type=click.Choice(["marcxml", "iso2709", "json"]),
    default="marcxml",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Output file.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the conversion report (counts, rejects, decisions) as JSON.",
)
def convert(
    inputs: tuple[Path, ...],
    source_flavour: str,
    encoding: str,
    output_format: str,
    output: Path,
    report_path: Path | None,
) -> None:
    """Convert MARC files (ISO 2709, MARCXML, MARC-in-JSON, line format) to MARC21.

    Exit code 0 when every record was converted or reported as rejected,
    2 when an input file could not be read at all.
    """
    from kitapbridge.marc.batch import convert_files
    from kitapbridge.marc.flavour import Flavour
    from kitapbridge.marc.writers import OutputFormat

    flavour: Flavour | Literal["auto"] = (
        "auto" if source_flavour == "auto" else Flavour(source_flavour)
    )
    with output.open("wb") as stream:
        report = convert_files(
            inputs,
            stream,
            to=OutputFormat(output_format),
            flavour=flavour,
            encoding=encoding,
            progress=True,
        )
    if report_path is not None:
        report_path.write_text(report.to_json(), encoding="utf-8")
    click.echo(report.summary(), err=True)
    for unreadable in report.unreadable_files:
        click.echo(f"error: {unreadable.path}: {unreadable.error}", err=True)
    if report.unreadable_files:
        raise SystemExit(2)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes; more than 1 runs gunicorn (set redis_url to share result sets).",
)
@pass_settings
def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """HTTP: SRU at /sru and /sru/<ISIL> (one process, or gunicorn with --workers N)."""
    click.echo(f"SRU: http://{host}:{port}/sru  (one school: http://{host}:{port}/sru/<ISIL>)")
    if workers > 1:
        from kitapbridge.web.gunicorn_app import KitapbridgeServer

        KitapbridgeServer(settings, host, port, workers).run()
        return
    from kitapbridge.web.app import create_app

    create_app(settings).run(host=host, port=port, threaded=True)


@main.command("dedup")
@click.option(
    "--full", is_flag=True, help="Compare every record again, not only new or changed ones."
)
@click.option(
    "--reprint-years",
    type=click.Choice(["apart", "by-practice"]),
    default=None,
    help="Records differing only in their printed year: two editions (apart, dedup.md §2), "
    "or two printings when neither shows Russian/Kazakh practice (by-practice). "
    "Default: KITAPBRIDGE_DEDUP_REPRINT_YEARS, else apart.",
)
@pass_settings
def dedup(settings: Settings, full: bool, reprint_years: str | None) -> None:
    """Cluster new or changed records into editions (all records with --full)."""
    from kitapbridge.catalog.store import close_store, open_store
    from kitapbridge.dedup.scoring import match_policy
    from kitapbridge.dedup.service import run_dedup

    try:
        policy = match_policy(reprint_years or settings.dedup_reprint_years)
    except ValueError as error:  # only the setting can be wrong: click checked the option
        raise click.UsageError(f"KITAPBRIDGE_DEDUP_REPRINT_YEARS: {error}") from error
    sessions = open_store(settings)
    try:
        with sessions.begin() as session:
            summary = run_dedup(session, full=full, policy=policy)
    finally:
        close_store(sessions)
    click.echo(
        f"{summary.records} records, {summary.clusters} clusters "
        f"({summary.multi_record_clusters} with more than one record); "
        f"{summary.compared} pairs compared; {summary.review_open} pairs waiting for review"
    )
    for conflict in summary.conflicts:
        link = conflict.must_link
        click.echo(
            f"constraint conflict: must-link {link.record_a}-{link.record_b} by {link.staff}: "
            f"{conflict.reason}",
            err=True,
        )


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
@click.option(
    "--dedup/--no-dedup",
    default=False,
    help="Queue an incremental dedup once the import has completed (default: no; "
    "an operator loading many schools runs `kitapbridge dedup` once at the end).",
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
    dedup: bool,
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
        submit_dedup_after,
        submit_import,
    )
    from kitapbridge.queue.runner import RQRunner

    bar = ProgressBar(f"run {resume_run}" if resume_run else f"{isil} {system}")
    with _store(settings) as sessions, closing(make_runner(settings, progress=bar)) as runner:
        try:
            if resume_run is not None:
                submission = resume_import(settings, sessions, runner, resume_run, source=source)
                if dedup:
                    follow_up = submit_dedup_after(settings, runner, resume_run)
                    submission = dataclasses.replace(submission, dedup=follow_up)
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
                    dedup=dedup,
                )
            if isinstance(runner, RQRunner):
                job_id = submission.job.job_id
                click.echo(f"run {submission.run_id}: queued as job {job_id}", err=True)
                if submission.dedup is not None:
                    click.echo(f"dedup queued as job {submission.dedup.job_id}", err=True)
                if not wait:
                    return
                wait_for_job(runner, job_id, bar)
        except ResumeError as error:
            raise click.ClickException(str(error)) from error
        finally:
            bar.close()
        exit_code = _print_run_report(sessions, submission.run_id)
        if submission.dedup is not None and submission.dedup.ended:
            click.echo(f"dedup: {_dedup_line(submission.dedup)}", err=True)
    raise SystemExit(exit_code)


def _dedup_line(outcome: JobOutcome) -> str:
    from kitapbridge.queue.runner import JobState

    if outcome.state is JobState.FINISHED:
        result = outcome.result
        return f"{result['records']} records in {result['clusters']} clusters"
    lines = (outcome.error or "failed").strip().splitlines()
    return lines[-1] if lines else "failed"


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


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to serve on.")
@click.option("--serve/--no-serve", default=True, show_default=True, help="Serve after loading.")
@pass_settings
def demo(settings: Settings, host: str, port: int, serve: bool) -> None:
    """Load the bundled sample exports of all three systems, deduplicate, and serve."""
    from kitapbridge.catalog.store import make_engine, migrate
    from kitapbridge.demo import DemoImport, load_demo

    engine = make_engine(settings.database_url)
    migrate(engine)
    engine.dispose()

    def report(outcome: DemoImport) -> None:
        school = outcome.school
        click.echo(
            f"{school.isil:14} {school.system:10} {school.file_name:36} run {outcome.run_id}: "
            f"{outcome.status}, {outcome.records_seen} records read, {outcome.added} added, "
            f"{outcome.quarantined} quarantined"
        )

    with _store(settings) as sessions:
        loaded = load_demo(settings, sessions, on_import=report)
    summary = loaded.dedup
    click.echo(
        f"dedup: {summary.records} records in {summary.clusters} clusters "
        f"({summary.multi_record_clusters} held by more than one record), "
        f"{summary.review_open} pairs waiting for review"
    )
    base = f"http://{host}:{port}"
    sru = f"{base}/sru?version=2.0&operation=searchRetrieve"
    click.echo("\nTry:")
    click.echo(f"  {sru}&query=dc.title%3D%22абай%20жолы%22&recordSchema=marcxml")
    click.echo(f"  {sru}&query=dc.title%3Dqazaq&recordSchema=dc   (Latin finds Cyrillic)")
    click.echo(
        f"  {base}/sru/KZ-SHY-SCH007?version=1.2&operation=searchRetrieve&query=cql.allRecords%3D1"
    )
    click.echo(f"  {base}/sru?operation=explain")
    if serve:
        from kitapbridge.web.app import create_app

        create_app(settings).run(host=host, port=port, threaded=True)


@main.command("reindex")
@pass_settings
def reindex_command(settings: Settings) -> None:
    """Rebuild the search index of every record from its stored MARC21.

    Needed after an upgrade that changes how text is folded for search; imports
    index only the records they write.
    """
    from tqdm import tqdm

    from kitapbridge.catalog.reindex import ReindexProgress, reindex

    with _store(settings) as sessions, tqdm(unit=" records", file=sys.stderr) as bar:

        def on_batch(progress: ReindexProgress) -> None:
            bar.total = progress.total
            bar.update(progress.done - bar.n)

        final = reindex(sessions, batch_size=settings.import_batch_size, on_batch=on_batch)
    click.echo(f"{final.done} records re-indexed")
