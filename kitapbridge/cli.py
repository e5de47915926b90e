"""The ``kitapbridge`` command. Thin: parses options, builds ``Settings``, calls services.

Exit codes follow the CLI contract in the architecture doc. Log handlers are
installed here and nowhere else.
"""

from __future__ import annotations

import logging
from pathlib import Path

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


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@pass_settings
def serve(settings: Settings, host: str, port: int) -> None:
    """HTTP: SRU at /sru and /sru/<ISIL> (development server; run gunicorn in production)."""
    from kitapbridge.web.app import create_app

    click.echo(f"SRU: http://{host}:{port}/sru  (one school: http://{host}:{port}/sru/<ISIL>)")
    create_app(settings).run(host=host, port=port, threaded=True)
