"""Deterministic synthetic Kazakh/Russian school-library records, for benchmarks and tests.

Record ``n`` of a given ``version`` is always the same, so a killed import can be
re-run over the very same input and two stores can be compared field for field.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal

import pymarc

from kitapbridge.connectors.base import Holding, SourceRecord, SourceSystem
from kitapbridge.marc.conversion import Conversion
from kitapbridge.marc.flavour import Flavour

TITLE_WORDS = [
    "Қазақ",
    "әдебиеті",
    "тарихы",
    "Абай",
    "жолы",
    "оқулық",
    "математика",
    "физика",
    "химия",
    "биология",
    "география",
    "Отан",
    "соғысы",
    "балаларға",
    "арналған",
    "ертегілер",
    "жинағы",
    "мектеп",
    "оқушылары",
    "Русский",
    "язык",
    "литература",
    "история",
    "Казахстана",
    "сборник",
    "задач",
    "по",
    "алгебре",
    "рассказы",
    "повести",
    "стихи",
    "избранное",
    "хрестоматия",
    "для",
    "школьников",
]
AUTHORS = (
    "Әуезов, Мұхтар",
    "Абай Құнанбайұлы",
    "Жұмабаев, Мағжан",
    "Толстой, Лев Николаевич",
    "Пушкин, Александр Сергеевич",
    "Сейфуллин, Сәкен",
    "Иванов, Пётр",
    "Нұрпейісов, Әбдіжәміл",
)
PUBLISHERS = ("Мектеп", "Атамұра", "Жазушы", "Фолиант", "Просвещение", "Арман-ПВ")
SUBJECTS = ("Қазақ әдебиеті", "Поэзия", "Математика", "История Казахстана", "Ертегілер")


def marc_record(n: int, version: int = 0) -> pymarc.Record:
    """Synthetic MARC21 record number ``n``; ``version`` > 0 gives a changed edition of it."""
    rng = random.Random(n)
    year = 1960 + rng.randrange(64)
    lang = "kaz" if n % 3 else "rus"
    title = " ".join(rng.choice(TITLE_WORDS) for _ in range(rng.randint(2, 6)))
    if version:
        title += f" ({version}-басылым)"
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader("00000nam a2200000 i 4500")
    record.add_field(
        pymarc.Field(tag="001", data=f"SYN{n:08d}"),
        pymarc.Field(tag="005", data="20240101120000.0"),
        pymarc.Field(tag="008", data=f"240101s{year}    kz            000 1 {lang} d"),
        pymarc.Field(
            tag="020", indicators=[" ", " "], subfields=[pymarc.Subfield("a", isbn_of(n))]
        ),
        pymarc.Field(
            tag="080", indicators=["0", " "], subfields=[pymarc.Subfield("a", "821.512.122")]
        ),
        pymarc.Field(
            tag="084",
            indicators=[" ", " "],
            subfields=[pymarc.Subfield("a", "84(5Каз)"), pymarc.Subfield("2", "rubbk")],
        ),
        pymarc.Field(
            tag="100", indicators=["1", " "], subfields=[pymarc.Subfield("a", rng.choice(AUTHORS))]
        ),
        pymarc.Field(
            tag="245",
            indicators=["1", "0"],
            subfields=[pymarc.Subfield("a", title), pymarc.Subfield("c", "құраст. А. Иванов")],
        ),
        pymarc.Field(
            tag="260",
            indicators=[" ", " "],
            subfields=[
                pymarc.Subfield("a", "Алматы"),
                pymarc.Subfield("b", rng.choice(PUBLISHERS)),
                pymarc.Subfield("c", str(year)),
            ],
        ),
        pymarc.Field(
            tag="650", indicators=[" ", "7"], subfields=[pymarc.Subfield("a", rng.choice(SUBJECTS))]
        ),
    )
    return record


def isbn_of(n: int) -> str:
    """The ISBN-13 of synthetic record n (valid check digit)."""
    body = f"978601{n % 1_000_000:06d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def holdings(n: int, school: str = "KZ-SYN") -> list[Holding]:
    return [
        Holding(
            barcode=f"{school}-{n:08d}-{copy}",
            inventory_number=f"{n}/{copy}",
            call_number="84(5Каз)",
            shelf_location="Абонемент",
            price=Decimal("1250.00"),
            currency="KZT",
        )
        for copy in range(1 + n % 2)
    ]


def source_and_conversion(n: int, version: int = 0) -> tuple[SourceRecord, Conversion]:
    record = marc_record(n, version)
    source = SourceRecord(
        system=SourceSystem.MARC,
        raw=record.as_marc(),
        raw_format="iso2709",
        index=n,
        offset=n * 1000,
        local_id=f"SYN{n:08d}",
        holdings=holdings(n),
        source_name="synthetic.mrc",
    )
    return source, Conversion(record=record, flavour=Flavour.MARC21, encoding="utf-8")


def synthetic_export(
    count: int, start: int = 0, version: int = 0
) -> Iterator[tuple[SourceRecord, Conversion]]:
    """``count`` records numbered from ``start``."""
    for n in range(start, start + count):
        yield source_and_conversion(n, version)
