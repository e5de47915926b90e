"""``kitapbridge demo``: every sample export imported, deduplicated, searchable."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from click.testing import CliRunner

from kitapbridge.cli import main
from kitapbridge.config import Settings
from kitapbridge.web.app import close_app, create_app

EXPECTED_RUNS = [
    # isil, system, file, records read, added, quarantined (the orphan INV copy)
    ("KZ-ALM-SCH012", "marc-sql", "marc_sql_school.db", 38, 37, 1),
    ("KZ-ALM-SCH013", "marc-sql", "marc_sql_export_rusmarc_kz1048.iso", 30, 30, 0),
    ("KZ-AST-SCH045", "kabis", "kabis_print_list.htm", 35, 35, 0),
    ("KZ-AST-SCH046", "kabis", "kabis_export_marc21.mrc", 30, 30, 0),
    ("KZ-SHY-SCH007", "kitaphana", "kitaphana_books_kz1048.csv", 41, 41, 0),
    ("KZ-SHY-SCH008", "kitaphana", "kitaphana_books.xlsx", 30, 30, 0),
    ("KZ-SHY-SCH009", "kitaphana", "kitaphana_books_ptcp154.dbf", 30, 30, 0),
]


def _run_demo(database_url: str) -> str:
    result = CliRunner().invoke(main, ["--database-url", database_url, "demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    return result.output


def _number_of_records(response_text: str) -> int:
    match = re.search(r"numberOfRecords>(\d+)<", response_text)
    assert match, response_text
    return int(match.group(1))


def test_demo_imports_every_sample_and_accounts_for_every_record(database_url):
    output = _run_demo(database_url)
    for isil, system, file_name, read, added, quarantined in EXPECTED_RUNS:
        line = next(line for line in output.splitlines() if line.startswith(isil))
        assert system in line and file_name in line
        assert f"completed, {read} records read, {added} added, {quarantined} quarantined" in line
    assert "dedup: 233 records in " in output


def test_demo_loaded_twice_changes_nothing(database_url):
    _run_demo(database_url)
    output = _run_demo(database_url)
    assert output.count("0 added") == len(EXPECTED_RUNS)


def test_demo_catalog_answers_kazakh_in_both_scripts(database_url):
    _run_demo(database_url)
    app = create_app(Settings(database_url=database_url))
    client = app.test_client()

    def hits(path: str, query: str) -> int:
        params = {"version": "1.2", "operation": "searchRetrieve", "query": query}
        response = client.get(path, query_string=params)
        assert response.status_code == 200
        return _number_of_records(response.get_data(as_text=True))

    # One MARC-SQL school holds both volumes of «Абай жолы» and a record without volume.
    assert hits("/sru/KZ-ALM-SCH012", 'dc.title="абай жолы"') == 3
    assert hits("/sru/KZ-ALM-SCH012", 'dc.title="abai joly"') == 3
    # The Кітапхана CSV (KZ-1048 bytes) entered «Қазақ тілі» 5-сынып twice.
    assert hits("/sru/KZ-SHY-SCH007", 'dc.title="қазақ тілі"') == 3
    assert hits("/sru/KZ-SHY-SCH007", 'dc.title="qazaq tılı"') == 3
    # The union catalog: one display record per edition — volume 1, volume 2, and the
    # volume-less record that staff must review — each held by every school that has it.
    assert hits("/sru", 'dc.title="абай жолы"') == 3
    assert hits("/sru", 'dc.title="abai joly"') == 3
    first = client.get(
        "/sru",
        query_string={
            "version": "2.0",
            "operation": "searchRetrieve",
            "query": 'dc.title="abai joly"',
            "maximumRecords": "1",
        },
    ).get_data(as_text=True)
    assert re.findall(
        r'tag="852"[^>]*><subfield code="8">\d+</subfield><subfield code="a">([^<]+)<', first
    ) == [
        "KZ-ALM-SCH012",
        "KZ-ALM-SCH013",
        "KZ-SHY-SCH007",
        "KZ-SHY-SCH008",
    ]
    close_app(app)


def test_demo_keeps_the_volumes_of_a_set_apart(database_url, tmp_path: Path):
    _run_demo(database_url)
    clusters_csv = tmp_path / "clusters.csv"
    result = CliRunner().invoke(
        main,
        [
            "--database-url",
            database_url,
            "export",
            "-o",
            str(tmp_path / "out.xml"),
            "--clusters-csv",
            str(clusters_csv),
        ],
    )
    assert result.exit_code == 0, result.output
    with clusters_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 233
    assert {row["cluster_id"] for row in rows} != {""}
    # MARC-SQL DOC 1001 is «Абай жолы» 1-кітап, DOC 1002 its 2-кітап: never one edition.
    by_local_id = {
        (row["school"], row["local_id"]): row["cluster_id"]
        for row in rows
        if row["school"] == "KZ-ALM-SCH012"
    }
    assert by_local_id[("KZ-ALM-SCH012", "1001")] != by_local_id[("KZ-ALM-SCH012", "1002")]
