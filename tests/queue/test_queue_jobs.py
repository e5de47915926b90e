"""The jobs themselves, on both runners: import into the store, export out of it."""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest
from queue_support import RunnerUnderTest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.models import StoredRecord
from kitapbridge.config import Settings
from kitapbridge.connectors import SourceSystem
from kitapbridge.queue.imports import import_job_id, submit_import
from kitapbridge.queue.jobs import dedup_catalog, export_catalog, reindex_catalog
from kitapbridge.queue.progress import Progress
from kitapbridge.queue.runner import InlineRunner, JobState, RQRunner

TITLES = ["Абай жолы", "Қан мен тер", "Көшпенділер"]
ISBNS = ["9786010000010", "9786010000027", "9786010000034"]


def write_export(export: Path, *, isbn: bool = False) -> None:
    """One record per title; with ``isbn``, each also carries its own ISBN and author."""
    with export.open("wb") as out:
        for n, title in enumerate(TITLES, start=1):
            record = pymarc.Record(force_utf8=True)
            record.add_field(pymarc.Field(tag="001", data=f"b{n}"))
            if isbn:
                record.add_field(
                    pymarc.Field(
                        tag="020",
                        indicators=pymarc.Indicators(" ", " "),
                        subfields=[pymarc.Subfield("a", ISBNS[n - 1])],
                    ),
                    pymarc.Field(
                        tag="100",
                        indicators=pymarc.Indicators("1", " "),
                        subfields=[pymarc.Subfield("a", "Әуезов, Мұхтар")],
                    ),
                )
            record.add_field(
                pymarc.Field(
                    tag="245",
                    indicators=pymarc.Indicators("1", "0"),
                    subfields=[pymarc.Subfield("a", title)],
                )
            )
            out.write(record.as_marc())


@pytest.fixture
def imported(store: sessionmaker[Session], database_url: str, tmp_path: Path) -> None:
    """Three records of school KZ-ALM-0042 in the store."""
    export = tmp_path / "katalog.mrc"
    write_export(export)
    submission = submit_import(
        Settings(database_url=database_url),
        store,
        InlineRunner(),
        isil="KZ-ALM-0042",
        system=SourceSystem.MARC,
        source=str(export),
        started_by="test",
    )
    assert submission.job.state is JobState.FINISHED


def test_import_job_stores_the_records_and_reports_progress(
    runner: RunnerUnderTest, store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    export = tmp_path / "katalog.mrc"
    write_export(export)
    settings = Settings(database_url=database_url, import_batch_size=2)
    submission = submit_import(
        settings,
        store,
        runner.runner,
        isil="KZ-ALM-0042",
        system=SourceSystem.MARC,
        source=str(export),
        started_by="test",
    )
    runner.drain()

    outcome = runner.runner.outcome(import_job_id(submission.run_id))
    assert outcome is not None and outcome.state is JobState.FINISHED
    assert outcome.result["status"] == "completed"
    assert outcome.result["counts"]["added"] == 3
    with store() as session:
        stored = session.scalars(select(StoredRecord.local_id).order_by(StoredRecord.local_id))
        assert list(stored) == ["b1", "b2", "b3"]
    # One report on claiming the run, then one per committed batch of two.
    expected = [Progress(0, 3), Progress(2, 3), Progress(3, 3)]
    if isinstance(runner.runner, RQRunner):
        assert outcome.progress == expected[-1]
    else:
        assert runner.reports == expected


@pytest.mark.usefixtures("imported")
def test_export_writes_the_file_only_when_complete(
    runner: RunnerUnderTest, database_url: str, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    output = exports / "union.xml"
    kwargs = {"database_url": database_url, "output": str(output), "export_format": "marcxml"}
    runner.runner.submit(export_catalog, kwargs, job_id="export", description="export")
    runner.drain()

    outcome = runner.runner.outcome("export")
    assert outcome is not None and outcome.state is JobState.FINISHED
    assert outcome.result == {"output": str(output), "format": "marcxml", "records": 3}
    assert [r["245"]["a"] for r in pymarc.parse_xml_to_array(str(output))] == TITLES
    assert [p.name for p in exports.iterdir()] == ["union.xml"]
    if isinstance(runner.runner, RQRunner):
        assert outcome.progress == Progress(3, 3)
    else:
        assert runner.reports == [Progress(3, 3)]


@pytest.mark.usefixtures("imported")
def test_export_since_a_later_date_and_of_another_school_is_empty(
    database_url: str, tmp_path: Path
) -> None:
    later = tmp_path / "later.jsonl"
    result = export_catalog(
        database_url=database_url,
        output=str(later),
        export_format="jsonl",
        since="2999-01-01T00:00:00+00:00",
    )
    assert result["records"] == 0
    assert later.read_bytes() == b""
    other = tmp_path / "other.mrc"
    result = export_catalog(
        database_url=database_url, output=str(other), export_format="iso2709", school="KZ-AST-0007"
    )
    assert result["records"] == 0


def test_dedup_job_clusters_the_same_edition_from_two_schools(
    runner: RunnerUnderTest, store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_url)
    for isil in ("KZ-ALM-0042", "KZ-AST-0007"):
        export = tmp_path / f"{isil}.mrc"
        write_export(export, isbn=True)
        submit_import(
            settings,
            store,
            InlineRunner(),
            isil=isil,
            system=SourceSystem.MARC,
            source=str(export),
            started_by="test",
        )
    kwargs = {"database_url": database_url, "full": True}
    runner.runner.submit(dedup_catalog, kwargs, job_id="dedup", description="dedup --full")
    runner.drain()

    outcome = runner.runner.outcome("dedup")
    assert outcome is not None and outcome.state is JobState.FINISHED
    assert outcome.result == {
        "records": 6,
        "compared": 3,
        "clusters": 3,
        "multi_record_clusters": 3,
        "review_open": 0,
        "constraint_conflicts": 0,
    }
    if isinstance(runner.runner, RQRunner):
        assert outcome.progress == Progress(6, 6)
    else:
        assert runner.reports == [Progress(0), Progress(6, 6)]


def test_reindex_job_rebuilds_the_index_of_every_live_record(
    runner: RunnerUnderTest, store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    export = tmp_path / "export.mrc"
    write_export(export)
    submit_import(
        Settings(database_url=database_url),
        store,
        InlineRunner(),
        isil="KZ-ALM-0042",
        system=SourceSystem.MARC,
        source=str(export),
        started_by="test",
    )
    kwargs = {"database_url": database_url, "batch_size": 2}
    runner.runner.submit(reindex_catalog, kwargs, job_id="reindex", description="reindex")
    runner.drain()

    outcome = runner.runner.outcome("reindex")
    assert outcome is not None and outcome.state is JobState.FINISHED
    assert outcome.result == {"records": 3}
    if isinstance(runner.runner, RQRunner):
        assert outcome.progress == Progress(3, 3)
    else:
        assert runner.reports == [Progress(0), Progress(2, 3), Progress(3, 3), Progress(3, 3)]
