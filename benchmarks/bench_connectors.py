"""Connector throughput: a MARC-SQL database, an ISO 2709 export and a CSV table of one catalogue.

Peers in the same run: pymarc's ``MARCReader`` (full parse of the ISO 2709 file)
and ``yaz-marcdump`` (C). Our ISO 2709 connector only cuts records (the marc
package decodes later); the MARC-SQL connector parses ``DOC.ITEM`` and attaches
copies, so it does more per record than either peer.
"""

from __future__ import annotations

import csv
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pymarc
import sqlalchemy as sa

from benchmarks.report import Section
from kitapbridge.connectors import KitaphanaTable, MarcFileConnector, MarcSqlDatabase

RECORDS = 10_000
COPIES_PER_RECORD = 2
REPEATS = 3
FS, SF = "\x1e", "\x1f"


def _title(number: int) -> tuple[str, str]:
    return f"Қазақ тілі {number % 11 + 1}-сынып. Оқулық {number}", f"Оралбаева, Н. {number % 97}"


def _write_sources(folder: Path) -> tuple[str, Path, Path]:
    url = f"sqlite:///{folder / 'marc_sql.db'}"
    engine = sa.create_engine(url)
    docs, copies = [], []
    with (
        (folder / "export.mrc").open("wb") as iso,
        (folder / "books.csv").open("w", encoding="kz1048", newline="") as table,
    ):
        writer = csv.writer(table, delimiter=";")
        writer.writerow(["Код", "Автор", "Заглавие", "Год", "Инв. №"])
        for number in range(RECORDS):
            title, author = _title(number)
            item = FS.join(
                [f"001{number}", f"1001 {SF}a{author}", f"24510{SF}a{title}", f"260  {SF}c2017"]
            )
            docs.append({"id": number, "item": item + FS})
            inventory = [str(number * COPIES_PER_RECORD + c) for c in range(COPIES_PER_RECORD)]
            copies += [{"id": int(i), "doc": number, "inv": i} for i in inventory]
            record = pymarc.Record(leader="00000nam a2200000 i 4500", force_utf8=True)
            record.add_field(pymarc.Field(tag="001", data=str(number)))
            record.add_field(_field("100", "1 ", author))
            record.add_field(_field("245", "10", title))
            iso.write(record.as_marc())
            writer.writerow([number, author, title, 2017, ", ".join(inventory)])
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                'CREATE TABLE "DOC" ("DOC_ID" INTEGER PRIMARY KEY, "RECTYPE" TEXT, '
                '"BIBLEVEL" TEXT, "ITEM" TEXT)'
            )
        )
        connection.execute(
            sa.text(
                'CREATE TABLE "INV" ("INV_ID" INTEGER PRIMARY KEY, "DOC_ID" INTEGER, '
                '"T090e" TEXT, "T876p" TEXT)'
            )
        )
        connection.execute(sa.text('CREATE INDEX "INV_DOC" ON "INV" ("DOC_ID")'))
        connection.execute(sa.text("INSERT INTO \"DOC\" VALUES (:id, 'a', 'm', :item)"), docs)
        connection.execute(sa.text('INSERT INTO "INV" VALUES (:id, :doc, :inv, :inv)'), copies)
    engine.dispose()
    return url, folder / "export.mrc", folder / "books.csv"


def _field(tag: str, indicators: str, value: str) -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(indicators[0], indicators[1]),
        subfields=[pymarc.Subfield("a", value)],
    )


def _count(connector: Iterable[object]) -> int:
    return sum(1 for _ in connector)


def _median_seconds(action: Callable[[], int]) -> tuple[float, int]:
    timings, count = [], 0
    for _ in range(REPEATS):
        started = time.perf_counter()
        count = action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), count


def _pymarc_full_parse(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for record in pymarc.MARCReader(handle) if record)


def _yaz_marcdump(path: Path) -> int:
    output = subprocess.run(
        ["yaz-marcdump", "-o", "line", str(path)], capture_output=True, check=True
    ).stdout
    return output.count(b"\n001 ")


def run() -> list[Section]:
    with tempfile.TemporaryDirectory() as scratch:
        url, iso, table = _write_sources(Path(scratch))
        cases: list[tuple[str, Callable[[], int]]] = [
            (
                "MarcSqlDatabase, batch 500 (ITEM parse + copies)",
                lambda: _count(MarcSqlDatabase(url, batch_size=500)),
            ),
            ("MarcSqlDatabase, batch 50", lambda: _count(MarcSqlDatabase(url, batch_size=50))),
            ("MarcFileConnector on ISO 2709 (cut + 001)", lambda: _count(MarcFileConnector(iso))),
            ("pymarc MARCReader, full parse (peer)", lambda: _pymarc_full_parse(iso)),
            ("KitaphanaTable on KZ-1048 CSV (detect + map)", lambda: _count(KitaphanaTable(table))),
        ]
        if shutil.which("yaz-marcdump"):
            cases.append(("yaz-marcdump -o line (peer, C)", lambda: _yaz_marcdump(iso)))
        results = [(name, *_median_seconds(action)) for name, action in cases]
    baseline = next(seconds for name, seconds, _ in results if name.startswith("pymarc"))
    rows = [
        [name, str(count), f"{seconds:.3f}", f"{count / seconds:,.0f}", f"{seconds / baseline:.2f}"]
        for name, seconds, count in results
    ]
    return [
        Section(
            title="Connectors: records per second",
            command="python -m benchmarks.run connectors",
            data=f"{RECORDS:,} records, {RECORDS * COPIES_PER_RECORD:,} copies, "
            f"median of {REPEATS} runs",
            columns=["reader", "records", "seconds", "records/s", "time vs pymarc"],
            rows=rows,
        )
    ]
