"""The peers doc's lab records (``gen.py``), and loading them into our store.

The same records feed Zebra (``zebra_peer``) and our catalog, so counts and
timings compare like with like.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

import pymarc
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.ingest import IncomingRecord, ingest, start_run
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.catalog.store import make_engine, migrate
from kitapbridge.connectors.base import SourceRecord, SourceSystem
from kitapbridge.marc.conversion import Conversion
from kitapbridge.marc.flavour import Flavour

TITLES = [
    "Қазақ тілі",
    "Математика",
    "Физика",
    "Қазақстан тарихы",
    "Алгебра",
    "Геометрия",
    "Русский язык",
    "English grammar",
    "Информатика",
    "Әдебиет",
    "Биология",
    "Химия",
]
AUTHORS = [
    "Абай Құнанбайұлы",
    "Иванов Иван",
    "Смағұлов Нұрлан",
    "Smith, John",
    "Әлиев Ерлан",
    "Петрова Анна",
]
SUBJECTS = ["Оқулықтар", "Учебники", "Textbooks", "Мектеп", "Ғылым"]
LAB_SCHOOL = "KZ-LAB-0001"


def lab_records(count: int, seed: int = 42) -> Iterator[pymarc.Record]:
    """The peers doc's ``gen.py`` records: UTF-8 MARC21, Kazakh/Russian/Latin, one 001 each."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        record = pymarc.Record(force_utf8=True, leader="00000nam a2200000 i 4500")
        year = rng.randint(1995, 2024)
        title = rng.choice(TITLES)
        record.add_field(
            pymarc.Field(tag="001", data=f"kz{number:07d}"),
            pymarc.Field(tag="003", data="KZ-UNION"),
            pymarc.Field(tag="008", data=f"240101s{year}    kz            000 0 kaz d"),
            _data_field("020", [("a", f"978601{number:07d}")]),
            _data_field("100", [("a", rng.choice(AUTHORS))], "1 "),
            _data_field("245", [("a", f"{title} : {number % 11 + 1}-сынып")], "10"),
            _data_field("260", [("a", "Астана"), ("b", "Мектеп"), ("c", f"{year}.")]),
            _data_field("650", [("a", rng.choice(SUBJECTS))], " 7"),
        )
        yield record


def _data_field(tag: str, subfields: list[tuple[str, str]], indicators: str = "  ") -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(*indicators),
        subfields=[pymarc.Subfield(code, value) for code, value in subfields],
    )


def incoming(records: Iterable[pymarc.Record]) -> Iterator[IncomingRecord]:
    """Converted MARC21 records as the import hands them to the store (local id = 001)."""
    for index, record in enumerate(records):
        source = SourceRecord(
            system=SourceSystem.MARC,
            raw=record.as_marc(),
            raw_format="iso2709",
            index=index,
            offset=index * 1000,
            local_id=record["001"].data,
            source_name="lab.mrc",
        )
        yield source, Conversion(record=record, flavour=Flavour.MARC21, encoding="utf-8")


def load_school(
    sessions: sessionmaker[Session], isil: str, records: Iterable[pymarc.Record]
) -> None:
    """Import ``records`` as one full run of school ``isil``."""
    with sessions.begin() as session:
        school = ensure_school(session, isil)
        run_id = start_run(session, school, SourceSystem.MARC, started_by="sru lab").id
    ingest(sessions, run_id, incoming(records), batch_size=1000)


def load_lab_store(url: str, records: int) -> None:
    """A migrated store at ``url`` holding ``records`` lab records of ``LAB_SCHOOL``, vacuumed.

    VACUUM as autovacuum would after an import: it sets the visibility map that
    index-only scans of the term index rely on.
    """
    engine = make_engine(url)
    migrate(engine)
    load_school(sessionmaker(engine, expire_on_commit=False), LAB_SCHOOL, lab_records(records))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
