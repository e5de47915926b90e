"""A small union catalog for SRU tests: Kazakh, Russian and English books in two schools.

Stored through the catalog's own import path (``start_run`` + ``ingest``), so the
term index is exactly what production builds.
"""

from __future__ import annotations

from collections.abc import Callable

import pymarc
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.sru_lab import load_school
from kitapbridge.catalog.store import make_engine, migrate

ASTANA = "KZ-AST-SCH001"
ALMATY = "KZ-ALA-SCH017"

BOOKS: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    # local id, title, author, year, subject, language
    ASTANA: [
        ("a1", "Қара сөздер", "Абай Құнанбайұлы", "2019", "Қазақ әдебиеті", "kaz"),
        ("a2", "Қазақ тілі : 5-сынып", "Смағұлов Нұрлан", "2021", "Оқулықтар", "kaz"),
        ("a3", "Математика : 6-сынып", "Иванов Иван", "2018", "Оқулықтар", "kaz"),
        ("a4", "Физика", "Петрова Анна", "2020", "Учебники", "rus"),
        ("a5", "English grammar in use", "Murphy, Raymond", "2012", "Textbooks", "eng"),
        ("a6", "Абай жолы", "Әуезов, Мұхтар", "1997", "Қазақ әдебиеті", "kaz"),
    ],
    ALMATY: [
        ("b1", "Қазақстан тарихы", "Смағұлов Нұрлан", "2022", "Тарих", "kaz"),
        ("b2", "Русский язык : 7 класс", "Петрова Анна", "2016", "Учебники", "rus"),
        ("b3", "Қазақ тілі : 6-сынып", "Смағұлов Нұрлан", "2023", "Оқулықтар", "kaz"),
        ("b4", "Физика : 8-сынып", "Иванов Иван", "2015", "Оқулықтар", "kaz"),
    ],
}


def book(
    local_id: str, title: str, author: str, year: str, subject: str, language: str
) -> pymarc.Record:
    """A converted MARC21 book record as the import hands it to the store."""
    record = pymarc.Record(force_utf8=True, leader="00000nam a2200000 i 4500")
    main, _, remainder = title.partition(" : ")
    title_subfields = [pymarc.Subfield("a", main + (" :" if remainder else ""))]
    if remainder:
        title_subfields.append(pymarc.Subfield("b", remainder))
    record.add_field(
        pymarc.Field(tag="001", data=local_id),
        pymarc.Field(tag="008", data=f"240101s{year}    kz            000 0 {language} d"),
        pymarc.Field(tag="100", indicators=["1", " "], subfields=[pymarc.Subfield("a", author)]),
        pymarc.Field(tag="245", indicators=["1", "0"], subfields=title_subfields),
        pymarc.Field(
            tag="260",
            indicators=[" ", " "],
            subfields=[
                pymarc.Subfield("a", "Астана :"),
                pymarc.Subfield("b", "Мектеп,"),
                pymarc.Subfield("c", f"{year}."),
            ],
        ),
        pymarc.Field(tag="650", indicators=[" ", "7"], subfields=[pymarc.Subfield("a", subject)]),
    )
    return record


def load_catalog(sessions: sessionmaker[Session]) -> None:
    """Both schools' books."""
    for isil, rows in BOOKS.items():
        load_school(sessions, isil, [book(*row) for row in rows])


def store_with_catalog(
    database_url: str, *additions: Callable[[sessionmaker[Session]], None]
) -> None:
    """Migrate the store at ``database_url`` and load both schools' books, then ``additions``."""
    engine = make_engine(database_url)
    migrate(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    load_catalog(sessions)
    for add in additions:
        add(sessions)
    engine.dispose()
