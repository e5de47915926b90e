"""The migration creates exactly the models' schema; init-db and export work from the CLI."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pymarc
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from catalog_builders import SCHOOL, book, copy, incoming
from click.testing import CliRunner
from sqlalchemy import inspect
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.ingest import ingest, start_run
from kitapbridge.catalog.models import Base
from kitapbridge.catalog.schools import ensure_school, issue_school_token, school_for_token
from kitapbridge.catalog.store import make_engine
from kitapbridge.cli import main
from kitapbridge.connectors.base import SourceSystem


def test_init_db_creates_the_schema_the_models_describe(database_url: str) -> None:
    result = CliRunner().invoke(main, ["--database-url", database_url, "init-db"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("store ready: ")
    again = CliRunner().invoke(main, ["--database-url", database_url, "init-db"])
    assert again.exit_code == 0, again.output

    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert differences == []
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_school_tokens_are_stored_hashed(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        school = ensure_school(session, SCHOOL, name="№42 мектеп", region="Алматы")
        token = issue_school_token(session, school)
        assert school.api_token_hash is not None and token not in school.api_token_hash
    with sessions() as session:
        found = school_for_token(session, token)
        assert found is not None and found.isil == SCHOOL
        assert school_for_token(session, token + "x") is None


def _import_two_books(database_url: str, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        school = ensure_school(session, SCHOOL)
        run = start_run(session, school, SourceSystem.MARC, started_by="test")
    export = [
        incoming(book("KZ-1", "Абай жолы"), holdings=[copy("B1")], index=0),
        incoming(book("KZ-2", "Қазақ әдебиеті"), index=1),
    ]
    ingest(sessions, run.id, export, batch_size=10)


def _read_iso2709(path: Path) -> list[pymarc.Record]:
    return list(pymarc.MARCReader(BytesIO(path.read_bytes()), to_unicode=True))


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_export_writes_marcxml_iso2709_and_jsonl(
    database_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    _import_two_books(database_url, sessions)
    runner = CliRunner()
    titles: dict[str, list[str]] = {}
    for export_format, reader in (
        ("marcxml", lambda path: pymarc.parse_xml_to_array(str(path))),
        ("iso2709", _read_iso2709),
        ("jsonl", lambda path: [pymarc.parse_json_to_array(line)[0] for line in _lines(path)]),
    ):
        out = tmp_path / f"out.{export_format}"
        arguments = ["--database-url", database_url, "export", "-o", str(out)]
        result = runner.invoke(main, [*arguments, "--format", export_format])
        assert result.exit_code == 0, result.output
        titles[export_format] = [record["245"]["a"] for record in reader(out)]
    assert titles == {name: ["Абай жолы", "Қазақ әдебиеті"] for name in titles}


def test_export_since_a_date_after_the_import_is_empty(
    database_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    _import_two_books(database_url, sessions)
    out = tmp_path / "out.mrc"
    arguments = ["--database-url", database_url, "export", "-o", str(out), "--format", "iso2709"]
    assert CliRunner().invoke(main, [*arguments, "--since", "2000-01-01"]).exit_code == 0
    assert len(_read_iso2709(out)) == 2
    assert CliRunner().invoke(main, [*arguments, "--since", "2999-01-01"]).exit_code == 0
    assert out.read_bytes() == b""
