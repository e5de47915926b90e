"""``kitapbridge demo``: the bundled sample exports imported, deduplicated and ready to serve.

Every sample goes through the same path a school's real export takes (connector →
conversion → import run → dedup), inline and in-process so the demo needs no Redis.
Each file is loaded as a school of its own, so the union catalog shows the same
book held by several schools.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.models import ImportRun
from kitapbridge.config import Settings
from kitapbridge.connectors import SourceSystem
from kitapbridge.dedup.service import DedupSummary, run_dedup
from kitapbridge.queue.imports import submit_import
from kitapbridge.queue.runner import InlineRunner

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"


@dataclass(frozen=True)
class DemoSchool:
    """One sample export and the school it is loaded as."""

    isil: str
    name: str
    system: SourceSystem
    file_name: str


DEMO_SCHOOLS: tuple[DemoSchool, ...] = (
    DemoSchool(
        "KZ-ALM-SCH012", "Алматы, №12 мектеп-гимназия", SourceSystem.MARC_SQL, "marc_sql_school.db"
    ),
    DemoSchool(
        "KZ-ALM-SCH013",
        "Алматы, №13 мектеп",
        SourceSystem.MARC_SQL,
        "marc_sql_export_rusmarc_kz1048.iso",
    ),
    DemoSchool(
        "KZ-AST-SCH045", "Астана, №45 мектеп-лицей", SourceSystem.KABIS, "kabis_print_list.htm"
    ),
    DemoSchool(
        "KZ-AST-SCH046", "Астана, №46 мектеп", SourceSystem.KABIS, "kabis_export_marc21.mrc"
    ),
    DemoSchool(
        "KZ-SHY-SCH007", "Шымкент, №7 мектеп", SourceSystem.KITAPHANA, "kitaphana_books_kz1048.csv"
    ),
    DemoSchool(
        "KZ-SHY-SCH008", "Шымкент, №8 мектеп", SourceSystem.KITAPHANA, "kitaphana_books.xlsx"
    ),
    DemoSchool(
        "KZ-SHY-SCH009", "Шымкент, №9 мектеп", SourceSystem.KITAPHANA, "kitaphana_books_ptcp154.dbf"
    ),
)


@dataclass(frozen=True)
class DemoImport:
    """How one sample's import run ended."""

    school: DemoSchool
    run_id: int
    status: str
    records_seen: int
    added: int
    quarantined: int


@dataclass(frozen=True)
class DemoLoad:
    imports: list[DemoImport]
    dedup: DedupSummary


def load_demo(
    settings: Settings,
    sessions: sessionmaker[Session],
    on_import: Callable[[DemoImport], None] = lambda _: None,
) -> DemoLoad:
    """Import every sample export into the (migrated) store, then cluster the union catalog.

    Loading twice is harmless: a re-import of an unchanged export changes nothing.
    """
    imports = []
    runner = InlineRunner()
    try:
        for school in DEMO_SCHOOLS:
            submission = submit_import(
                settings,
                sessions,
                runner,
                isil=school.isil,
                system=school.system,
                source=str(DEMO_DATA / school.file_name),
                started_by="demo",
                name=school.name,
            )
            outcome = _finished_import(sessions, school, submission.run_id)
            on_import(outcome)
            imports.append(outcome)
    finally:
        runner.close()
    with sessions.begin() as session:
        summary = run_dedup(session, full=True)
    return DemoLoad(imports, summary)


def _finished_import(
    sessions: sessionmaker[Session], school: DemoSchool, run_id: int
) -> DemoImport:
    with sessions() as session:
        run = session.get(ImportRun, run_id)
        assert run is not None, f"run {run_id} vanished"
        return DemoImport(
            school=school,
            run_id=run_id,
            status=str(run.status),
            records_seen=run.records_done,
            added=run.added,
            quarantined=run.quarantined,
        )
