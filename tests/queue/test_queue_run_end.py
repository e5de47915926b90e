"""What happens when an import run ends: its spooled upload goes, its total was known,
and an incremental dedup follows when asked for. On both runners and both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pymarc
import pytest
from queue_support import RunnerUnderTest, open_run
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from test_queue_cli import kitapbridge
from test_queue_jobs import TITLES, write_export

from kitapbridge.catalog.models import ImportRun, RunStatus
from kitapbridge.config import Settings
from kitapbridge.connectors import SourceSystem
from kitapbridge.dedup.models import DedupMember
from kitapbridge.queue.estimates import estimate_records
from kitapbridge.queue.imports import ImportSubmission, dedup_job_id, import_job_id, submit_import
from kitapbridge.queue.progress import Progress
from kitapbridge.queue.runner import InlineRunner, JobState, RQRunner, Runner
from kitapbridge.queue.runs import record_run_failure
from kitapbridge.queue.uploads import SPOOLED_UPLOAD, is_spooled_upload, spooled_upload_path


def spooled_export(spool: Path) -> Path:
    spool.mkdir()
    upload = spool / "KZ-ALM-0042-0123456789abcdef0123456789abcdef-katalog.mrc"
    write_export(upload)
    return upload


def submit(
    settings: Settings,
    store: sessionmaker[Session],
    runner: Runner,
    source: Path,
    *,
    system: SourceSystem = SourceSystem.MARC,
    dedup: bool = False,
) -> ImportSubmission:
    """An import of ``source`` for school KZ-ALM-0042, started by the test."""
    return submit_import(
        settings,
        store,
        runner,
        isil="KZ-ALM-0042",
        system=system,
        source=str(source),
        started_by="test",
        dedup=dedup,
    )


# --- spooled uploads ---------------------------------------------------------------------


def test_a_spooled_upload_is_deleted_when_its_run_completes(
    runner: RunnerUnderTest, store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    upload = spooled_export(tmp_path / "spool")
    settings = Settings(database_url=database_url, spool_dir=str(tmp_path / "spool"))
    submission = submit(settings, store, runner.runner, upload)
    runner.drain()

    outcome = runner.runner.outcome(import_job_id(submission.run_id))
    assert outcome is not None and outcome.state is JobState.FINISHED
    assert outcome.result["counts"]["added"] == 3
    assert not upload.exists()
    assert list((tmp_path / "spool").iterdir()) == []


def test_a_file_outside_the_spool_directory_is_kept(
    store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    export = tmp_path / "katalog.mrc"
    write_export(export)
    settings = Settings(database_url=database_url, spool_dir=str(tmp_path / "spool"))
    submission = submit(settings, store, InlineRunner(), export)
    assert submission.job.state is JobState.FINISHED
    assert export.exists()
    assert not is_spooled_upload(settings, str(export))
    assert not is_spooled_upload(settings, "postgresql://db.school.kz/abis")


def test_an_operators_file_in_the_spool_directory_is_kept(
    store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    export = spool / "katalog.mrc"
    write_export(export)
    settings = Settings(database_url=database_url, spool_dir=str(spool))
    submission = submit(settings, store, InlineRunner(), export)
    assert submission.job.state is JobState.FINISHED
    assert export.exists()
    upload = spooled_upload_path(settings, "KZ-ALM-0042", "katalog.mrc")
    assert upload.parent == spool
    assert is_spooled_upload(settings, str(upload))
    assert not is_spooled_upload(settings, str(spool / "KZ-ALM-0042-0123abcd-katalog.mrc"))
    assert not is_spooled_upload(settings, str(tmp_path / upload.name))


def test_a_spooled_upload_whose_import_fails_inline_is_deleted(
    store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    upload = spooled_export(tmp_path / "spool")
    settings = Settings(database_url=database_url, spool_dir=str(tmp_path / "spool"))
    # A Kitaphana table export must be a table file: an ISO 2709 file fails the run.
    submission = submit(settings, store, InlineRunner(), upload, system=SourceSystem.KITAPHANA)
    assert submission.job.state is JobState.FAILED
    assert not upload.exists()
    with store() as session:
        run = session.get(ImportRun, submission.run_id)
        assert run is not None and run.status == RunStatus.FAILED


def test_a_spooled_upload_is_kept_while_a_retry_is_pending_then_deleted(
    store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    upload = spooled_export(tmp_path / "spool")
    run_id = open_run(store)
    kwargs = {
        "run_id": run_id,
        "database_url": database_url,
        "system": "marc",
        "source": str(upload),
        SPOOLED_UPLOAD: True,
    }
    record_run_failure(kwargs, "OperationalError: server closed", traceback=None, will_retry=True)
    assert upload.exists()
    with store() as session:
        run = session.get(ImportRun, run_id)
        assert run is not None and run.status == RunStatus.RUNNING

    record_run_failure(kwargs, "OperationalError: server closed", traceback=None, will_retry=False)
    assert not upload.exists()
    with store() as session:
        run = session.get(ImportRun, run_id)
        assert run is not None and run.status == RunStatus.FAILED
        assert len(run.report["attempts"]) == 2


# --- totals ------------------------------------------------------------------------------


def test_the_import_reports_progress_against_the_files_record_count(
    runner: RunnerUnderTest, store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    export = tmp_path / "katalog.mrc"
    write_export(export)
    settings = Settings(database_url=database_url, import_batch_size=2)
    submission = submit(settings, store, runner.runner, export)
    runner.drain()

    outcome = runner.runner.outcome(import_job_id(submission.run_id))
    assert outcome is not None and outcome.result["progress"] == {"done": 3, "total": 3}
    if isinstance(runner.runner, RQRunner):
        assert outcome.progress == Progress(3, 3)
    else:
        assert runner.reports == [Progress(0, 3), Progress(2, 3), Progress(3, 3)]
    with store() as session:
        run = session.get(ImportRun, submission.run_id)
        assert run is not None and (run.records_done, run.records_total) == (3, 3)


def marc_records(count: int) -> list[pymarc.Record]:
    records = []
    for n in range(count):
        record = pymarc.Record(force_utf8=True)
        record.add_field(pymarc.Field(tag="001", data=f"b{n}"))
        record.add_field(
            pymarc.Field(
                tag="245",
                indicators=pymarc.Indicators("1", "0"),
                subfields=[pymarc.Subfield("a", TITLES[n % 3])],
            )
        )
        records.append(record)
    return records


def test_record_counts_of_iso2709_marcxml_json_and_folders(tmp_path: Path) -> None:
    records = marc_records(5)
    iso = tmp_path / "a.mrc"
    iso.write_bytes(b"".join(r.as_marc() for r in records))
    xml = tmp_path / "b.xml"
    collection = b"".join(pymarc.record_to_xml(r, namespace=True) for r in records[:4])
    xml.write_bytes(b'<?xml version="1.0"?><collection>' + collection + b"</collection>")
    jsonl = tmp_path / "c.json"
    jsonl.write_text("[" + ",".join(r.as_json() for r in records[:2]) + "]")

    assert estimate_records(SourceSystem.MARC, str(iso)) == 5
    assert estimate_records(SourceSystem.MARC, str(xml)) == 4
    assert estimate_records(SourceSystem.MARC, str(jsonl)) == 2
    assert estimate_records(SourceSystem.MARC, str(tmp_path)) == 11
    assert estimate_records(SourceSystem.MARC_SQL, str(iso)) == 5


def test_a_marcxml_count_spanning_read_chunks_counts_each_record_once(tmp_path: Path) -> None:
    # 3,000 records of about 600 bytes: well over one 1 MiB read, with start tags cut in two.
    record = pymarc.record_to_xml(marc_records(1)[0], namespace=True)
    xml = tmp_path / "big.xml"
    xml.write_bytes(b"<collection>" + record * 3000 + b"</collection>")
    assert xml.stat().st_size > 1 << 20
    assert estimate_records(SourceSystem.MARC, str(xml)) == 3000


def test_sources_that_cannot_tell_have_no_total(tmp_path: Path) -> None:
    table = tmp_path / "kitaphana.csv"
    table.write_text("inv;title\n1;Абай жолы\n")
    assert estimate_records(SourceSystem.KITAPHANA, str(table)) is None
    assert estimate_records(SourceSystem.MARC, str(tmp_path / "missing.mrc")) is None
    assert estimate_records(SourceSystem.MARC, str(table)) is None


# --- dedup after import ------------------------------------------------------------------


def clustered(store: sessionmaker[Session]) -> int:
    with store() as session:
        return session.scalar(select(func.count()).select_from(DedupMember)) or 0


def test_dedup_follows_a_completed_import_when_asked(
    runner: RunnerUnderTest, store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    export = tmp_path / "katalog.mrc"
    write_export(export, isbn=True)
    submission = submit(
        Settings(database_url=database_url), store, runner.runner, export, dedup=True
    )
    assert submission.dedup is not None
    assert submission.dedup.job_id == dedup_job_id(submission.run_id)
    runner.drain()

    outcome = runner.runner.outcome(dedup_job_id(submission.run_id))
    assert outcome is not None and outcome.state is JobState.FINISHED
    assert outcome.result["records"] == 3
    assert outcome.result["clusters"] == 3
    assert clustered(store) == 3


def _write_two_printings(export: Path) -> None:
    """One school's records of the 1903 and the 1904 printing of an English book."""
    with export.open("wb") as out:
        for year in (1903, 1904):
            record = pymarc.Record(force_utf8=True)
            fixed = f"200101s{year}    enk" + "a".ljust(17) + "eng d"
            subfields = {
                "100": [("a", "Beck, Conrad")],
                "245": [("a", "Photographic lenses")],
                "260": [("a", "London :"), ("b", "R. & J. Beck,"), ("c", str(year))],
                "300": [("a", "320 p.")],
            }
            record.add_field(
                pymarc.Field(tag="001", data=f"p{year}"), pymarc.Field(tag="008", data=fixed)
            )
            for tag, pairs in subfields.items():
                record.add_field(
                    pymarc.Field(
                        tag=tag,
                        indicators=pymarc.Indicators("1", "0"),
                        subfields=[pymarc.Subfield(code, value) for code, value in pairs],
                    )
                )
            out.write(record.as_marc())


@pytest.mark.parametrize(("reprint_years", "review_open"), [("apart", 0), ("by-practice", 1)])
def test_the_queued_dedup_runs_with_the_reprint_years_setting(
    runner: RunnerUnderTest,
    store: sessionmaker[Session],
    database_url: str,
    tmp_path: Path,
    reprint_years: str,
    review_open: int,
) -> None:
    # Under by-practice the two printings are one edition, held twice by one school,
    # which goes to staff review; apart keeps them two editions with nothing to review.
    export = tmp_path / "katalog.mrc"
    _write_two_printings(export)
    settings = Settings(database_url=database_url, dedup_reprint_years=reprint_years)
    submission = submit(settings, store, runner.runner, export, dedup=True)
    runner.drain()
    outcome = runner.runner.outcome(dedup_job_id(submission.run_id))
    assert outcome is not None and outcome.state is JobState.FINISHED
    assert (outcome.result["clusters"], outcome.result["review_open"]) == (2, review_open)


def test_without_dedup_no_dedup_job_is_queued(
    runner: RunnerUnderTest, store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    export = tmp_path / "katalog.mrc"
    write_export(export)
    submission = submit(Settings(database_url=database_url), store, runner.runner, export)
    runner.drain()
    assert submission.dedup is None
    assert runner.runner.outcome(dedup_job_id(submission.run_id)) is None
    assert clustered(store) == 0


def test_an_inline_import_that_fails_is_not_followed_by_dedup(
    store: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    submission = submit(
        Settings(database_url=database_url),
        store,
        InlineRunner(),
        tmp_path / "missing.mrc",
        dedup=True,
    )
    assert submission.job.state is JobState.FAILED
    assert submission.dedup is not None
    assert submission.dedup.state is JobState.FAILED
    import_id = import_job_id(submission.run_id)
    assert submission.dedup.error == f"not run: job {import_id} did not finish"
    assert clustered(store) == 0


def test_cli_import_dedup_flag(
    database_url: str, store: sessionmaker[Session], tmp_path: Path
) -> None:
    export = tmp_path / "katalog.mrc"
    write_export(export, isbn=True)
    plain = kitapbridge(database_url, "import", "marc", str(export), "--school", "KZ-ALM-0042")
    assert plain.exit_code == 0, plain.output
    assert "dedup" not in plain.stderr
    assert clustered(store) == 0

    again = kitapbridge(
        database_url, "import", "marc", str(export), "--school", "KZ-ALM-0042", "--dedup"
    )
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["counts"]["unchanged"] == 3
    assert again.stderr.endswith("dedup: 3 records in 3 clusters\n")
    assert clustered(store) == 3


@pytest.mark.parametrize(("value", "expected"), [("false", False), ("0", False), ("yes", True)])
def test_dedup_after_import_setting_from_the_environment(value: str, expected: bool) -> None:
    assert Settings().dedup_after_import is True
    settings = Settings.load({"KITAPBRIDGE_DEDUP_AFTER_IMPORT": value})
    assert settings.dedup_after_import is expected
