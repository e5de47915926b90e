"""The printed-year policy as a setting: KITAPBRIDGE_DEDUP_REPRINT_YEARS, ``--reprint-years``."""

from __future__ import annotations

from collections.abc import Iterator

import pymarc
import pytest
from click.testing import CliRunner
from dedup_records import book
from sqlalchemy.orm import Session, sessionmaker
from test_dedup_store import _import, _incoming

from kitapbridge.catalog.store import make_engine, migrate
from kitapbridge.cli import main
from kitapbridge.config import Settings
from kitapbridge.dedup import service
from kitapbridge.dedup.scoring import ReprintYears, match_policy


def _lenses(year: int) -> pymarc.Record:
    english = {"place": "London", "language": "eng", "country": "enk"}
    return book("Photographic lenses", author="Beck, Conrad", year=year, pages="320 p.",
                publisher="R. & J. Beck", **english)  # fmt: skip


def _alippe(year: int) -> pymarc.Record:
    return book("Әліппе", author="Жұмабаева, Ә. Е.", year=year, pages="160 б.", publisher="Атамұра")


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Two schools each holding the 1903 and 1904 printing of an English book and the
    2015 and 2016 stereotyped reprint of a Kazakh primer."""
    engine = make_engine(database_url)
    migrate(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    _import(factory, "KZ-A", [_incoming("a1", _lenses(1903), "A1"),
                              _incoming("a2", _alippe(2015), "A2")])  # fmt: skip
    _import(factory, "KZ-B", [_incoming("b1", _lenses(1904), "B1"),
                              _incoming("b2", _alippe(2016), "B2")])  # fmt: skip
    yield factory
    engine.dispose()


def test_match_policy_from_setting_text() -> None:
    assert match_policy("apart").reprint_years is ReprintYears.APART
    assert match_policy("by-practice").reprint_years is ReprintYears.BY_PRACTICE
    assert match_policy("by-practice").match_threshold == 0.7
    with pytest.raises(ValueError) as refused:
        match_policy("sometimes")
    assert str(refused.value) == (
        "reprint years policy 'sometimes' is not one of: apart, by-practice"
    )


def test_setting_from_the_environment() -> None:
    assert Settings().dedup_reprint_years == "apart"
    environ = {"KITAPBRIDGE_DEDUP_REPRINT_YEARS": "by-practice"}
    assert Settings.load(environ).dedup_reprint_years == "by-practice"


def test_run_dedup_with_each_policy(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        apart = service.run_dedup(session, full=True)
    assert (apart.clusters, apart.multi_record_clusters) == (4, 0)
    with sessions.begin() as session:
        printings = service.run_dedup(session, full=True, policy=match_policy("by-practice"))
    # The English printings join; the Kazakh reprint years stay two editions.
    assert (printings.clusters, printings.multi_record_clusters) == (3, 1)


@pytest.mark.parametrize(
    ("arguments", "environ", "clusters"),
    [
        ([], {}, "4 clusters (0 with more than one record)"),
        (["--reprint-years", "by-practice"], {}, "3 clusters (1 with more than one record)"),
        ([], {"KITAPBRIDGE_DEDUP_REPRINT_YEARS": "by-practice"}, "3 clusters (1 with"),
        (["--reprint-years", "apart"], {"KITAPBRIDGE_DEDUP_REPRINT_YEARS": "by-practice"},
         "4 clusters (0 with"),
    ],
)  # fmt: skip
def test_kitapbridge_dedup_reprint_years(
    sessions: sessionmaker[Session],
    database_url: str,
    arguments: list[str],
    environ: dict[str, str],
    clusters: str,
) -> None:
    result = CliRunner(env=environ).invoke(
        main, ["--database-url", database_url, "dedup", "--full", *arguments]
    )
    assert result.exit_code == 0, result.output
    assert f"4 records, {clusters}" in result.output


def test_kitapbridge_dedup_refuses_an_unknown_policy(database_url: str) -> None:
    result = CliRunner().invoke(
        main, ["--database-url", database_url, "dedup", "--reprint-years", "sometimes"]
    )
    assert result.exit_code == 2
    assert "'sometimes' is not one of 'apart', 'by-practice'" in result.output


def test_kitapbridge_dedup_refuses_an_unknown_policy_setting(database_url: str) -> None:
    environ = {"KITAPBRIDGE_DEDUP_REPRINT_YEARS": "sometimes"}
    result = CliRunner(env=environ).invoke(main, ["--database-url", database_url, "dedup"])
    assert result.exit_code == 2
    assert (
        "Error: KITAPBRIDGE_DEDUP_REPRINT_YEARS: reprint years policy 'sometimes' is not one "
        "of: apart, by-practice"
    ) in result.output
