"""The ``kitapbridge`` command. Thin: parses options, builds ``Settings``, calls services.

Exit codes follow the CLI contract in the architecture doc. Log handlers are
installed here and nowhere else.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Literal, TextIO

import click

from kitapbridge import __version__
from kitapbridge.config import Settings

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
@pass_settings
def dedup(settings: Settings, full: bool) -> None:
    """Cluster new or changed records into editions (all records with --full)."""
    from kitapbridge.catalog.store import close_store, open_store
    from kitapbridge.dedup.service import run_dedup

    sessions = open_store(settings)
    try:
        with sessions.begin() as session:
            summary = run_dedup(session, full=full)
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
