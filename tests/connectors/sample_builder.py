"""Writes the sample exports in ``kitapbridge/demo_data/``.

Run ``python tests/connectors/sample_builder.py [TARGET_DIR]`` from the project root.

Three schools, one per legacy system, drawn from ``sample_catalogue.BOOKS``,
with the defects real school data has (see ``kitapbridge/demo_data/README.md``).
The output is deterministic; ``test_demo_data.py`` asserts exact counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import shutil
import struct
import sys
import tempfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pymarc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from marc_sql_builder import create_marc_sql_database, data_field, item
from sample_catalogue import BOOKS, Book

DEMO_DATA = Path(__file__).resolve().parents[2] / "kitapbridge" / "demo_data"
CYRILLIC_X = "Х"


def author_mark(book: Book) -> str:
    """Авторский знак, simplified: first letter of the main entry (or title) and a number."""
    heading = book.authors[0] if book.authors else book.title
    return f"{heading[0]}{10 + len(heading) * 7 % 89}"


def inverted(name: str) -> str:
    parts = name.split(" ", 1)
    return f"{parts[0]}, {parts[1]}" if len(parts) == 2 and "." in parts[1] else name


def copy_count(position: int) -> int:
    return 1 + position % 3


# ---------------------------------------------------------------- MARC-SQL ---------------


def marc21_item(book: Book, doc_id: int, *, indicator_style: str = "") -> str:
    """A MARC21 ``DOC.ITEM`` as the KazUTB installation stores it (tags from §1.1)."""
    blank = "#" if indicator_style == "hash" else " "
    fixed = f"150101s{book.year}    kz            000 1 {book.language} d"
    fields = [f"001{doc_id}", f"008{fixed}"]
    if book.isbn:
        fields.append(data_field("020", blank * 2, ("a", book.isbn)))
    fields.append(data_field("041", "0" + blank, ("a", book.language)))
    fields.append(data_field("080", blank * 2, ("a", book.udc)))
    fields.append(data_field("084", blank * 2, ("a", book.bbk), ("2", "rubbk")))
    fields.append(data_field("090", blank * 2, ("a", book.bbk), ("x", author_mark(book))))
    if book.authors:
        fields.append(data_field("100", "1" + blank, ("a", inverted(book.authors[0]))))
    title = [("a", book.title)] + ([("b", book.subtitle)] if book.subtitle else [])
    if indicator_style == "none":
        fields.append("245" + "".join("\x1f" + c + v for c, v in title))
    else:
        fields.append(data_field("245", ("1" if book.authors else "0") + "0", *title))
    fields.append(
        data_field(
            "260", blank * 2, ("a", book.place), ("b", book.publisher), ("c", str(book.year))
        )
    )
    fields.append(data_field("300", blank * 2, ("a", f"{book.pages} б.")))
    if book.grade:
        fields.append(data_field("521", blank * 2, ("a", f"{book.grade}-сынып")))
    fields += [data_field("650", blank + "4", ("a", subject)) for subject in book.subjects]
    fields += [data_field("700", "1" + blank, ("a", inverted(a))) for a in book.authors[1:]]
    return item(*fields)


MARC_SQL_BOOKS = BOOKS[:36]
MARC_SQL_FIRST_DOC = 1001


def marc_sql_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    docs: list[dict[str, Any]] = []
    copies: list[dict[str, Any]] = []
    inv_id = 5001
    inventory = 1001
    for position, book in enumerate(MARC_SQL_BOOKS):
        doc_id = MARC_SQL_FIRST_DOC + position
        style = {6: "hash", 12: "none"}.get(position, "")
        docs.append(
            {
                "DOC_ID": doc_id,
                "RECTYPE": "a",
                "BIBLEVEL": "m",
                "ITEM": marc21_item(book, doc_id, indicator_style=style),
            }
        )
        for _copy in range(copy_count(position)):
            copies.append(
                {
                    "INV_ID": inv_id,
                    "DOC_ID": doc_id,
                    "T090e": str(inventory),
                    "T090f": 3 if book.grade else 1,
                    "T876p": f"2100000{inventory:05d}",
                    "T876c": Decimal("1450.00") + position * 100,
                    "T020d": "KZT",
                    "T990t": str(40 + position // 10),
                    "CNT": 1,
                    "REGDATE": 43466.0 + position,
                    "INVMODE": "I",
                    "TRACKINDEX": f"{book.bbk} {author_mark(book)}",
                    "STATE": 1,
                }
            )
            inv_id += 1
            inventory += 1
    # A duplicate bibliographic record, typed again by another librarian: no ISBN.
    duplicate = MARC_SQL_FIRST_DOC + len(MARC_SQL_BOOKS)
    docs.append(
        {
            "DOC_ID": duplicate,
            "RECTYPE": "a",
            "BIBLEVEL": "m",
            "ITEM": item(
                f"001{duplicate}",
                data_field("100", "1 ", ("a", "Әуезов, Мұхтар")),
                data_field("245", "10", ("a", "Абай жолы :"), ("b", "роман-эпопея")),
                data_field("260", "  ", ("a", "Алматы"), ("b", "Жазушы"), ("c", "2015")),
            ),
        }
    )
    copies.append(
        {
            "INV_ID": inv_id,
            "DOC_ID": duplicate,
            "T090e": "000",
            "T090f": 1,
            "T876p": "210000099001",
            "T876c": Decimal("1200.00"),
            "T020d": "KZT",
            "CNT": 1,
            "INVMODE": "I",
            "STATE": 1,
        }
    )
    inv_id += 1
    # A class set of textbooks on non-inventory accounting (one row, 25 copies).
    copies.append(
        {
            "INV_ID": inv_id,
            "DOC_ID": MARC_SQL_FIRST_DOC + 6,
            "T090e": None,
            "T090f": 3,
            "CNT": 25,
            "INVMODE": "U",
            "STATE": 1,
        }
    )
    inv_id += 1
    # An orphan copy: its DOC row was deleted, the INV row stayed.
    copies.append(
        {
            "INV_ID": inv_id,
            "DOC_ID": 9999,
            "T090e": "1999",
            "T090f": 1,
            "T876p": "210000001999",
            "CNT": 1,
            "INVMODE": "I",
            "STATE": 1,
        }
    )
    # Written off: a copy still in INV with STATE 2 and its journal row, and a copy
    # that only the journal remembers.
    copies[1]["STATE"] = 2
    written_off = [
        {**copies[1], "OFFDATE": dt.date(2024, 5, 20), "NOTES": "ветхость", "WROFFACT": "12"},
        {
            "INV_ID": 4999,
            "DOC_ID": MARC_SQL_FIRST_DOC + 18,
            "T090e": "0950",
            "T090f": 1,
            "T876p": "210000000950",
            "CNT": 1,
            "INVMODE": "I",
            "STATE": 2,
            "OFFDATE": dt.date(2023, 9, 1),
            "NOTES": "утеряна читателем",
            "WROFFACT": "7",
        },
    ]
    return docs, copies, written_off


SIGLAS = [
    {"SIGLA_ID": 1, "SHORTNAME": "АБ", "NAME": "Абонемент"},
    {"SIGLA_ID": 2, "SHORTNAME": "ЧЗ", "NAME": "Оқу залы"},
    {"SIGLA_ID": 3, "SHORTNAME": "ОҚӘ", "NAME": "Оқу әдебиеті қоры"},
]


def write_marc_sql_db(path: Path) -> None:
    docs, copies, written_off = marc_sql_rows()
    path.unlink(missing_ok=True)
    create_marc_sql_database(
        f"sqlite:///{path}", docs=docs, copies=copies, written_off=written_off, siglas=SIGLAS
    )


def iso2709(leader: str, fields: Sequence[tuple[str, bytes]]) -> bytes:
    """Serialise already-encoded fields (each ending with 0x1E) into one ISO 2709 record."""
    directory = b""
    data = b""
    for tag, body in fields:
        directory += f"{tag}{len(body):04d}{len(data):05d}".encode("ascii")
        data += body
    directory += b"\x1e"
    base = 24 + len(directory)
    total = base + len(data) + 1
    return (
        f"{total:05d}{leader[5:12]}{base:05d}{leader[17:]}".encode("ascii")
        + directory
        + data
        + b"\x1d"
    )


def rusmarc_record(book: Book, doc_id: int, encoding: str) -> bytes:
    """A RUSMARC record as MARC-SQL exports it: 100$a/26-29 says ``0189`` (CP1251)."""

    def field(tag: str, indicators: str, *subfields: tuple[str, str]) -> tuple[str, bytes]:
        text = indicators + "".join("\x1f" + c + v for c, v in subfields) + "\x1e"
        return tag, text.encode(encoding)

    fields = [("001", f"{doc_id}\x1e".encode("ascii"))]
    if book.isbn:
        fields.append(field("010", "  ", ("a", book.isbn)))
    general = f"20190101d{book.year}    k  y0{book.language[:3]}y0189    ca"
    fields.append(field("100", "  ", ("a", general)))
    fields.append(field("101", "0 ", ("a", book.language)))
    title = [("a", book.title)] + ([("e", book.subtitle)] if book.subtitle else [])
    fields.append(field("200", "1 ", *title))
    fields.append(
        field("210", "  ", ("a", book.place), ("c", book.publisher), ("d", str(book.year)))
    )
    fields.append(field("215", "  ", ("a", f"{book.pages} б.")))
    fields += [field("606", "1 ", ("a", s)) for s in book.subjects]
    fields.append(field("675", "  ", ("a", book.udc)))
    fields.append(field("686", "  ", ("a", book.bbk), ("2", "rubbk")))
    for position, author in enumerate(book.authors):
        surname, _, initials = author.partition(" ")
        name = [("a", surname)] + ([("b", initials)] if initials else [])
        fields.append(field("700" if position == 0 else "701", " 1", *name))
    fields.append(field("801", " 0", ("a", "KZ"), ("b", "МАРК-SQL")))
    return iso2709("00000nam0 2200000   450 ", fields)


def write_marc_sql_export(path: Path) -> None:
    """The first 30 DOC records as a RUSMARC ISO 2709 export, in KZ-1048 bytes."""
    with path.open("wb") as out:
        for position, book in enumerate(MARC_SQL_BOOKS[:30]):
            out.write(rusmarc_record(book, MARC_SQL_FIRST_DOC + position, "kz1048"))


# ------------------------------------------------------------------- KABIS ---------------

KABIS_LIST_BOOKS = BOOKS[4:39]
KABIS_MARC_BOOKS = BOOKS[8:38]


def kabis_title(book: Book) -> str:
    # Homoglyphs as typed on a Latin keyboard layout: Latin K and o in a Russian title.
    if book.key == "kapitanskaya":
        return "Kапитанская дoчка"
    return book.title


def kabis_isbn(book: Book) -> str:
    if book.isbn and book.isbn.endswith("X"):
        return book.isbn[:-1] + CYRILLIC_X
    return book.isbn or ""


def write_kabis_print_list(path: Path) -> None:
    """The «Печатать список» list: CP1251, Kazakh letters as numeric character references.

    A VB6 program writes the ANSI code page (1251 on Russian/Kazakh Windows),
    which has no Қ Ә Ө …; the HTML writer falls back to ``&#1178;``.
    """
    header = [
        "№",
        "Код",
        "Шифр",
        "Автор",
        "Заглавие",
        "Выходные данные",
        "Объём",
        "ISBN",
        "Язык",
        "Рубрики",
        "Сигла",
        "Инв. №",
    ]
    rows = []
    inventory = 7001
    for position, book in enumerate(KABIS_LIST_BOOKS):
        numbers = []
        for _ in range(copy_count(position + 1)):
            numbers.append(str(inventory))
            inventory += 1
        title = kabis_title(book) + (f" : {book.subtitle}" if book.subtitle else "")
        cells = [
            str(position + 1),
            f"KB{20000 + position}",
            book.bbk,
            "; ".join(book.authors),
            title,
            f"{book.place} : {book.publisher}, {book.year}",
            f"{book.pages} с.",
            kabis_isbn(book),
            {"kaz": "каз", "rus": "рус", "eng": "англ"}[book.language],
            "; ".join(book.subjects),
            "ОУЛ" if book.grade else "АБ",
            ", ".join(numbers),
        ]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    document = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        "<title>КАБИС.Catalog - Список</title></head><body>\n"
        "<h3>Список документов</h3>\n<table border=1 cellspacing=0>\n<tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in header)
        + "</tr>\n"
        + "\n".join(rows)
        + "\n</table>\n</body></html>\n"
    )
    path.write_bytes(document.encode("cp1251", errors="xmlcharrefreplace"))


def write_kabis_marc(path: Path) -> None:
    """A KABIS ISO 2709 export in MARC21, UTF-8 (Leader/09 ``a``), copies in 852/876."""
    with path.open("wb") as out:
        writer = pymarc.MARCWriter(out)
        barcode = 3100000000
        for position, book in enumerate(KABIS_MARC_BOOKS):
            record = pymarc.Record(leader="00000nam a2200000 i 4500", force_utf8=True)
            record.add_field(pymarc.Field(tag="001", data=f"KB{20004 + position}"))
            record.add_field(
                pymarc.Field(
                    tag="008", data=f"190101s{book.year}    kz            000 1 {book.language} d"
                )
            )
            if book.isbn:
                record.add_field(_df("020", "  ", ("a", kabis_isbn(book))))
            record.add_field(_df("084", "  ", ("a", book.bbk), ("2", "rubbk")))
            if book.authors:
                record.add_field(_df("100", "1 ", ("a", inverted(book.authors[0]))))
            title = [("a", book.title)] + ([("b", book.subtitle)] if book.subtitle else [])
            record.add_field(_df("245", ("1" if book.authors else "0") + "0", *title))
            record.add_field(
                _df("260", "  ", ("a", book.place), ("b", book.publisher), ("c", str(book.year)))
            )
            record.add_field(_df("300", "  ", ("a", f"{book.pages} б.")))
            record.add_field(
                _df("852", "  ", ("a", "KZ-AST-SCH045"), ("h", book.bbk), ("i", author_mark(book)))
            )
            for _ in range(copy_count(position)):
                barcode += 1
                record.add_field(_df("876", "  ", ("p", str(barcode))))
            writer.write(record)
        writer.close(close_fh=False)


def _df(tag: str, indicators: str, *subfields: tuple[str, str]) -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(indicators[0], indicators[1]),
        subfields=[pymarc.Subfield(code, value) for code, value in subfields],
    )


# ---------------------------------------------------------- Кітапхана 4.02 ---------------

KITAPHANA_CSV_BOOKS = BOOKS
KITAPHANA_XLSX_BOOKS = BOOKS[:30]
KITAPHANA_DBF_BOOKS = BOOKS[10:40]


def kitaphana_rows(books: Sequence[Book], first_inventory: int) -> Iterator[dict[str, str]]:
    """Rows of the default profile's columns; the defects sit on fixed books."""
    inventory = first_inventory
    for position, book in enumerate(books):
        count = copy_count(position)
        numbers = [str(inventory + i) for i in range(count)]
        barcodes = [f"4800{number.zfill(6)}" for number in numbers]
        states = ["в фонде"] * count
        inventory += count
        if book.key == "kara-sozder":
            states[-1] = "списан"  # written off, still listed
        if book.key == "chekhov":
            numbers[0] = "0"  # placeholder inventory number
        title = book.title
        if book.key == "kazakh-adebieti-6":
            title = "Қазақ әдебиетi"  # Latin i for і, the commonest Kazakh homoglyph
        yield {
            "Код": f"K{position + 1:04d}",
            "Автор": "; ".join(book.authors),
            "Заглавие": title,
            "Сведения к заглавию": book.subtitle or "",
            "Место издания": book.place,
            "Издательство": book.publisher,
            "Год": str(book.year),
            "Объем": f"{book.pages} б.",
            "ISBN": kabis_isbn(book),
            "ББК": book.bbk,
            "Язык": {"kaz": "қаз", "rus": "орыс", "eng": "ағылшын"}[book.language],
            "Класс": book.grade or "",
            "Инв. №": ", ".join(numbers),
            "Штрих-код": ", ".join(barcodes),
            "Цена": f"{1200 + position * 50},00",
            "Состояние": ", ".join(states),
        }


def write_kitaphana_csv(path: Path, encoding: str = "kz1048") -> None:
    rows = list(kitaphana_rows(KITAPHANA_CSV_BOOKS, 2001))
    # The same textbook entered twice by two librarians (a duplicate for dedup).
    duplicate = dict(rows[6], **{"Код": "K0041", "Инв. №": "2999", "Штрих-код": "4800002999"})
    rows.append(duplicate)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


KAZAKH_XLSX_HEADER = {
    "Код": "Коды", "Автор": "Авторлар", "Заглавие": "Атауы", "Сведения к заглавию":
    "Тақырыпқа қатысты мәлімет", "Место издания": "Баспа орны", "Издательство": "Баспасы",
    "Год": "Шыққан жылы", "Объем": "Көлемі", "ISBN": "ISBN", "ББК": "КБЖ", "Язык": "Тілі",
    "Класс": "Сынып", "Инв. №": "Түгендеу нөмірі", "Штрих-код": "Штрихкод", "Цена": "Бағасы",
    "Состояние": "Күйі",
}  # fmt: skip


def write_kitaphana_xlsx(path: Path) -> None:
    """The same program's Excel report, with Kazakh captions; years and prices as numbers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Кітаптар"
    rows = list(kitaphana_rows(KITAPHANA_XLSX_BOOKS, 6001))
    sheet.append([KAZAKH_XLSX_HEADER[name] for name in rows[0]])
    for row in rows:
        values: list[Any] = list(row.values())
        values[6] = int(row["Год"])
        values[14] = float(row["Цена"].replace(",", "."))
        sheet.append(values)
    workbook.properties.created = dt.datetime(2025, 1, 15, 9, 0, 0)
    workbook.properties.modified = dt.datetime(2025, 1, 15, 9, 0, 0)
    workbook.save(path)


DBF_FIELDS = (("KOD", 8), ("AVTOR", 60), ("ZAGL", 80), ("PODZAGL", 60), ("MESTO", 20),
              ("IZDAT", 30), ("GOD", 4), ("ISBN", 20), ("YAZYK", 10), ("INV_NO", 40),
              ("CENA", 10))  # fmt: skip
DBF_COLUMNS = ("Код", "Автор", "Заглавие", "Сведения к заглавию", "Место издания",
               "Издательство", "Год", "ISBN", "Язык", "Инв. №", "Цена")  # fmt: skip


def write_kitaphana_dbf(path: Path, encoding: str = "ptcp154") -> None:
    """A dBase III table in PTCP154 whose language-driver byte claims CP1251 (0xC9).

    One record is marked deleted, as the program leaves removed rows.
    """
    rows = list(kitaphana_rows(KITAPHANA_DBF_BOOKS, 8001))
    records = [[row[c] for c in DBF_COLUMNS] for row in rows]
    records.append(["K9999", "Белгісіз", "Жойылған жазба", "", "", "", "", "", "", "", ""])
    record_length = 1 + sum(width for _, width in DBF_FIELDS)
    header_length = 32 + 32 * len(DBF_FIELDS) + 1
    out = bytearray(
        struct.pack("<BBBBIHH", 3, 125, 1, 15, len(records), header_length, record_length)
    )
    out += bytes(17) + b"\xc9" + bytes(2)
    for name, width in DBF_FIELDS:
        out += name.encode("ascii").ljust(11, b"\x00") + b"C" + bytes(4)
        out += bytes([width, 0]) + bytes(14)
    out += b"\r"
    for position, values in enumerate(records):
        out += b"*" if position == len(records) - 1 else b" "
        for (_, width), value in zip(DBF_FIELDS, values, strict=True):
            encoded = value.encode(encoding)
            assert len(encoded) <= width, value
            out += encoded.ljust(width, b" ")
    out += b"\x1a"
    path.write_bytes(bytes(out))


def build(target: Path = DEMO_DATA) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "marc_sql_school.db"
        write_marc_sql_db(database)
        shutil.copyfile(database, target / "marc_sql_school.db")
    write_marc_sql_export(target / "marc_sql_export_rusmarc_kz1048.iso")
    write_kabis_print_list(target / "kabis_print_list.htm")
    write_kabis_marc(target / "kabis_export_marc21.mrc")
    write_kitaphana_csv(target / "kitaphana_books_kz1048.csv")
    write_kitaphana_xlsx(target / "kitaphana_books.xlsx")
    write_kitaphana_dbf(target / "kitaphana_books_ptcp154.dbf")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEMO_DATA)
