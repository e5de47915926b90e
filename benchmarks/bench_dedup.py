"""Dedup throughput, peak memory and quality on synthetic school catalogues of known structure.

Each synthetic *edition* (a title, author, publisher, year, extent and maybe an ISBN) is
catalogued by one to four schools. Copies vary as school data does: Kazakh titles in
2021 Latin script, changed case and punctuation, a dropped subtitle, a mistyped ISBN
check digit, a missing extent, a page count off by a few pages, «ТОО» around the
publisher. Hard negatives are generated on purpose: stereotyped reprints of another
year, volumes of one set sharing the set ISBN, revised editions keeping the ISBN, and
generic titles («Математика», «Әліппе») across many editions.

Each size runs in its own process so the peak resident memory (``ru_maxrss``) is that
size's alone. Run: ``PYTHONPATH=$PWD .venv/bin/python -m benchmarks.bench_dedup [SIZE…]``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pymarc

from benchmarks.report import Section
from kitapbridge.dedup.features import MatchRecord, match_record
from kitapbridge.dedup.pipeline import deduplicate
from kitapbridge.text.kazakh_latin import CYRILLIC_TO_LATIN_2021

SIZES = (100_000, 1_000_000)
SEED = 20261121

_KAZAKH_WORDS = [
    "қазақ",
    "әдебиеті",
    "тарихы",
    "абай",
    "жолы",
    "шығармалар",
    "жинағы",
    "ана",
    "тілі",
    "әліппе",
    "математика",
    "алгебра",
    "геометрия",
    "физика",
    "химия",
    "биология",
    "география",
    "дүниежүзі",
    "тарихы",
    "ежелгі",
    "заман",
    "қазіргі",
    "өлеңдер",
    "әңгімелер",
    "ертегілер",
    "балаларға",
    "арналған",
    "оқулық",
    "хрестоматия",
    "жаратылыстану",
    "информатика",
    "бастауыш",
    "сынып",
    "мектеп",
    "дала",
    "елі",
    "жер",
    "су",
    "күн",
    "ай",
    "жұлдыз",
]
_RUSSIAN_WORDS = [
    "история",
    "казахстана",
    "русский",
    "язык",
    "литература",
    "учебник",
    "для",
    "класса",
    "общеобразовательной",
    "школы",
    "сборник",
    "задач",
    "рабочая",
    "тетрадь",
    "пособие",
    "хрестоматия",
    "алгебра",
    "геометрия",
    "физика",
    "химия",
    "биология",
    "география",
    "всемирная",
    "новейшая",
    "древнего",
    "мира",
    "рассказы",
    "стихи",
    "сказки",
]
_SURNAMES = [
    "Әуезов",
    "Жұмабаев",
    "Сейфуллин",
    "Майлин",
    "Мүсірепов",
    "Байтұрсынов",
    "Шыныбеков",
    "Абылкасымова",
    "Иванов",
    "Петрова",
    "Смирнов",
    "Кузнецова",
    "Нұрпейісов",
    "Есенберлин",
    "Жансүгіров",
    "Әлімқұлов",
]
_PUBLISHERS = ("Атамұра", "Мектеп", "Алматыкітап", "Фолиант", "Жазушы", "Арман-ПВ", "Кітап")
_GENERIC_TITLES = ("Математика", "Әліппе", "Ана тілі", "Алгебра", "Русский язык")
_LATIN = str.maketrans(
    CYRILLIC_TO_LATIN_2021 | {k.upper(): v.upper() for k, v in CYRILLIC_TO_LATIN_2021.items()}
)


@dataclass(frozen=True)
class Edition:
    """What a synthetic edition is; copies are catalogued from it."""

    number: int
    title: str
    subtitle: str
    author: str
    publisher: str
    year: int
    pages: int
    isbn: str | None
    part: str | None
    edition: str | None
    language: str


def _isbn13(rng: random.Random) -> str:
    body = "978601" + "".join(rng.choice("0123456789") for _ in range(6))
    check = (10 - sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def _editions(count: int, rng: random.Random) -> Iterator[Edition]:
    number = 0
    while number < count:
        kazakh = rng.random() < 0.6
        words = _KAZAKH_WORDS if kazakh else _RUSSIAN_WORDS
        title = (
            rng.choice(_GENERIC_TITLES)
            if rng.random() < 0.05
            else " ".join(rng.sample(words, rng.randint(2, 5))).capitalize()
        )
        base = Edition(
            number=number,
            title=title,
            subtitle=" ".join(rng.sample(words, rng.randint(0, 3))),
            author=f"{rng.choice(_SURNAMES)}, {rng.choice('АБЕЖКМНС')}.",
            publisher=rng.choice(_PUBLISHERS),
            year=rng.randint(1995, 2024),
            pages=rng.randint(48, 640),
            isbn=_isbn13(rng) if rng.random() < 0.7 else None,
            part=None,
            edition=None,
            language="kaz" if kazakh else "rus",
        )
        yield base
        number += 1
        roll = rng.random()
        if roll < 0.08 and number < count:  # stereotyped reprint, same ISBN, next year
            yield _replace(base, number, year=base.year + 1)
            number += 1
        elif roll < 0.12 and number + 1 < count:  # the set's two volumes share its ISBN
            yield _replace(base, number, part="Т. 1")
            yield _replace(base, number + 1, part="Т. 2", pages=base.pages + 16)
            number += 2
        elif roll < 0.15 and number < count:  # revised edition keeping the ISBN
            yield _replace(base, number, year=base.year + 3, edition="2-е изд., перераб.")
            number += 1


def _replace(base: Edition, number: int, **changes: object) -> Edition:
    values = base.__dict__ | changes | {"number": number}
    return Edition(**values)  # type: ignore[arg-type]


def _copy(edition: Edition, rng: random.Random) -> pymarc.Record:
    """One school's record of ``edition``, with the variations school data shows."""
    title, subtitle = edition.title, edition.subtitle
    author, publisher = edition.author, edition.publisher
    if edition.language == "kaz" and rng.random() < 0.15:
        title, subtitle = title.translate(_LATIN), subtitle.translate(_LATIN)
        author, publisher = author.translate(_LATIN), publisher.translate(_LATIN)
    if rng.random() < 0.2:
        title = title.upper()
    if rng.random() < 0.2:
        subtitle = ""
    if rng.random() < 0.3:
        publisher = f'ТОО "{publisher}"'
    record = pymarc.Record(force_utf8=True)
    fixed = f"200101s{edition.year}    kz " + "a".ljust(17) + f"{edition.language} d"
    record.add_field(pymarc.Field(tag="008", data=fixed))
    if edition.isbn and rng.random() < 0.85:
        isbn = edition.isbn
        if rng.random() < 0.03:
            isbn = isbn[:-1] + str((int(isbn[-1]) + 1) % 10)  # mistyped check digit
        record.add_field(_field("020", [("a", isbn)]))
    record.add_field(_field("100", [("a", author)], "1 "))
    title_subfields = [("a", title + (" :" if subtitle else ""))]
    if subtitle:
        title_subfields.append(("b", subtitle))
    if edition.part:
        title_subfields.append(("n", edition.part))
    record.add_field(_field("245", title_subfields, "10"))
    if edition.edition:
        record.add_field(_field("250", [("a", edition.edition)]))
    record.add_field(
        _field("260", [("a", "Алматы :"), ("b", publisher), ("c", f"{edition.year}.")])
    )
    if rng.random() < 0.9:
        pages = edition.pages + (rng.randint(-3, 3) if rng.random() < 0.1 else 0)
        record.add_field(_field("300", [("a", f"{pages} б.")]))
    return record


def _field(tag: str, subfields: list[tuple[str, str]], ind: str = "  ") -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(ind[0], ind[1]),
        subfields=[pymarc.Subfield(code, value) for code, value in subfields],
    )


CHUNK_RECORDS = 20_000
"""Records generated per chunk; each chunk has its own seed, so chunks can run in parallel."""


def synthetic_catalogue(size: int, seed: int = SEED) -> tuple[list[MatchRecord], list[int]]:
    """``size`` match records and, per record, the edition it was catalogued from.

    Chunks of ``CHUNK_RECORDS`` are generated and extracted by two processes; the result
    depends only on ``size`` and ``seed``.
    """
    chunks = [
        (start, min(CHUNK_RECORDS, size - start), seed + start)
        for start in range(0, size, CHUNK_RECORDS)
    ]
    records: list[MatchRecord] = []
    truth: list[int] = []
    with multiprocessing.get_context("fork").Pool(2) as pool:
        for chunk_records, chunk_truth in pool.imap(_chunk, chunks):
            records.extend(chunk_records)
            truth.extend(chunk_truth)
    return records, truth


def _chunk(spec: tuple[int, int, int]) -> tuple[list[MatchRecord], list[int]]:
    """``count`` records with ids from ``start``; edition numbers are offset by ``start``
    (a chunk never has more editions than records), so they never collide across chunks."""
    start, count, seed = spec
    rng = random.Random(seed)
    records: list[MatchRecord] = []
    truth: list[int] = []
    for edition in _editions(count, rng):
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            if len(records) == count:
                return records, truth
            record_id = start + len(records)
            school = f"KZ-{rng.randint(1, 7000):04d}"
            records.append(match_record(record_id, _copy(edition, rng), school, str(record_id)))
            truth.append(start + edition.number)
    return records, truth


def pairwise_quality(clusters: dict[str, tuple[int, ...]], truth: list[int]) -> tuple[float, float]:
    """Pairwise precision and recall of the clusters against the editions."""
    by_edition: dict[int, int] = defaultdict(int)
    for edition in truth:
        by_edition[edition] += 1
    actual = sum(n * (n - 1) // 2 for n in by_edition.values())
    linked = correct = 0
    for members in clusters.values():
        linked += len(members) * (len(members) - 1) // 2
        counts: dict[int, int] = defaultdict(int)
        for member in members:
            counts[truth[member]] += 1
        correct += sum(n * (n - 1) // 2 for n in counts.values())
    return (correct / linked if linked else 1.0), (correct / actual if actual else 1.0)


def measure(size: int) -> dict[str, float]:
    """Generate, extract and cluster ``size`` records in this process; report the figures."""
    started = time.perf_counter()
    records, truth = synthetic_catalogue(size)
    extracted = time.perf_counter()
    cpu_before = _cpu_seconds()
    run = deduplicate(records)
    finished = time.perf_counter()
    precision, recall = pairwise_quality(run.clustering.clusters, truth)
    return {
        "size": size,
        "extract_seconds": extracted - started,
        "dedup_seconds": finished - extracted,
        "dedup_cpu_seconds": _cpu_seconds() - cpu_before,
        "compared": run.compared,
        "vetoed": run.vetoed,
        "clusters": len(run.clustering.clusters),
        "review": len(run.clustering.review),
        "oversized_blocks": run.blocking.oversized_blocks,
        "precision": precision,
        "recall": recall,
        "cpu_seconds": _cpu_seconds(),
        "peak_rss_mib": _peak_rss_mib(),
    }


def _cpu_seconds() -> float:
    """User + system time of this process and its finished compare workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _peak_rss_mib() -> float:
    """The larger peak of this process and of any forked worker (they share pages)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


def run(sizes: tuple[int, ...] = SIZES) -> list[Section]:
    rows = []
    for size in sizes:
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_dedup", "--measure", str(size)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        m = json.loads(output.splitlines()[-1])
        rows.append(
            [
                f"{size:,}",
                f"{m['extract_seconds']:.0f} s",
                f"{m['dedup_seconds']:.0f} s",
                f"{m['dedup_cpu_seconds']:.0f} s",
                f"{size / m['dedup_seconds']:,.0f}",
                f"{m['cpu_seconds']:.0f} s",
                f"{m['compared']:,.0f}",
                f"{m['vetoed']:,.0f}",
                f"{m['clusters']:,.0f}",
                f"{m['review']:,.0f}",
                f"{m['precision']:.4f}",
                f"{m['recall']:.4f}",
                f"{m['peak_rss_mib']:,.0f} MiB",
            ]
        )
    return [
        Section(
            title="Dedup on synthetic school catalogues",
            command="PYTHONPATH=$PWD .venv/bin/python -m benchmarks.bench_dedup",
            data="synthetic Kazakh/Russian records, 1–4 school copies per edition, with "
            "reprints, set volumes and revised editions as hard negatives",
            columns=[
                "records",
                "generate + extract (wall)",
                "block + compare + cluster (wall)",
                "… its CPU time",
                "records/s clustered",
                "total CPU time",
                "pairs compared",
                "vetoed pairs",
                "clusters",
                "review pairs",
                "precision",
                "recall",
                "peak RSS",
            ],
            rows=rows,
            notes=[
                "One process per size; pairs are compared by two forked workers. Wall times on "
                f"a {os.cpu_count()}-core machine (1-minute load average {os.getloadavg()[0]:.1f} "
                "at the end of the run); CPU time is user + system of the process and its "
                "workers; peak RSS includes the generator.",
                "Vetoed pairs (another year, extent, edition, part…) are cannot-links for "
                "auto-linking: a record cannot join two editions that veto each other.",
            ],
        )
    ]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--measure"]:
        print(json.dumps(measure(int(argv[1]))))
        return 0
    sizes = tuple(int(a) for a in argv) or SIZES
    for section in run(sizes):
        print(section.to_markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
