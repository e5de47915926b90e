"""``kitapbridge convert``: exit codes and the JSON report, through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from kitapbridge.cli import main

from .helpers import needs_yaz, record_count, yaz_accepts


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["convert", *args])
    return result.exit_code, result.output


def test_converts_and_reports_rejects(marc_fixtures: Path, tmp_path: Path) -> None:
    output, report = tmp_path / "out.xml", tmp_path / "report.json"
    code, text = run(
        str(marc_fixtures / "pymarc" / "1251.dat"),
        str(marc_fixtures / "pymarc" / "bad_records.mrc"),
        "-o",
        str(output),
        "--report",
        str(report),
    )
    assert code == 0
    assert "14 records read, 13 converted, 1 rejected, 0 unreadable files" in text
    data = json.loads(report.read_text("utf-8"))
    assert (data["records_read"], data["converted"], data["rejected"]) == (14, 13, 1)
    first, second = data["files"]
    assert first["encodings"] == {"cp1251": 6}
    assert first["flavours"] == {"marc21": 6}
    assert first["format"] == "iso2709"
    assert first["decisions"][1].startswith("record 0 at byte 0: encoding cp1251: not UTF-8;")
    assert second["rejected"] == [
        {
            "index": 6,
            "offset": 764,
            "reason": "no readable directory before the first field terminator (byte 24)",
        }
    ]
    assert second["warnings"]["base-address-mismatch"] == 3
    assert len(etree.parse(str(output)).getroot()) == 13


def test_forced_encoding_and_iso2709_output(marc_fixtures: Path, tmp_path: Path) -> None:
    output, report = tmp_path / "out.mrc", tmp_path / "report.json"
    code, _text = run(
        str(marc_fixtures / "pymarc" / "1251.dat"),
        "--encoding",
        "cp1251",
        "--from",
        "marc21",
        "--to",
        "iso2709",
        "-o",
        str(output),
        "--report",
        str(report),
    )
    assert code == 0
    data = json.loads(report.read_text("utf-8"))
    assert data["files"][0]["decisions"][:2] == [
        "record 0 at byte 0: flavour marc21: given by the caller",
        "record 0 at byte 0: encoding cp1251: given by the caller",
    ]
    assert output.read_bytes().count(b"\x1d") == 6


def test_json_output(marc_fixtures: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.json"
    code, _text = run(str(marc_fixtures / "pymarc" / "1251.dat"), "--to", "json", "-o", str(output))
    assert code == 0
    records = json.loads(output.read_text("utf-8"))
    assert len(records) == 6
    assert records[3]["fields"][0] == {"001": "ru03-000004RKP"}


def test_unreadable_input_exits_2_and_converts_the_rest(
    marc_fixtures: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    code, text = run(
        str(tmp_path / "missing.mrc"),
        str(marc_fixtures / "pymarc" / "LICENSE"),
        str(marc_fixtures / "pymarc" / "1251.dat"),
        "-o",
        str(tmp_path / "out.xml"),
        "--report",
        str(report),
    )
    assert code == 2
    assert "2 unreadable files" in text
    files = json.loads(report.read_text("utf-8"))["files"]
    assert files[0]["error"].startswith("[Errno 2] No such file or directory")
    assert files[1]["error"] == "not a MARC file: starts with b'Redistribution and use i'"
    assert files[2]["converted"] == 6


def test_bad_usage_exits_2(marc_fixtures: Path, tmp_path: Path) -> None:
    source = str(marc_fixtures / "pymarc" / "1251.dat")
    assert run(source, "--encoding", "latin-9", "-o", str(tmp_path / "o"))[0] == 2
    assert run(source)[0] == 2  # no -o
    assert run("-o", str(tmp_path / "o"))[0] == 2  # no input


DEMO_DATA = Path(__file__).resolve().parents[2] / "kitapbridge" / "demo_data"
CLI_SAMPLE = [
    "rusmarc-loge-gh/TEST1.ISO",
    "rusmarc-loge-gh/ur.iso",
    "pymarc/testunimarc.dat",
    "ruby-marc/three-records-second-bad.xml",
    "seed-format-marc/data/marcxml/svod-18-partial.mrx",
    "seed-format-marc/data/mrc/rsl_10_broken.mrc",
    "pymarc/batch.json",
    "yaz/marccol1.u8.1.lst",
    "yaz/marc1.xml",  # DanMARC datafields under 001-009: written as empty control fields once
]


def cli_inputs(marc_fixtures: Path) -> list[str]:
    demo = ["kabis_export_marc21.mrc", "marc_sql_export_rusmarc_kz1048.iso"]
    return [str(DEMO_DATA / name) for name in demo] + [
        str(marc_fixtures / name) for name in CLI_SAMPLE
    ]


@needs_yaz
def test_iso2709_output_of_demo_and_fixtures_passes_yaz_marcdump(
    marc_fixtures: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out.mrc"
    code, text = run(*cli_inputs(marc_fixtures), "--to", "iso2709", "-o", str(output))
    assert code == 0
    assert "171 records read, 170 converted, 1 rejected, 0 unreadable files" in text
    dump = yaz_accepts(output)
    assert record_count(dump) == 170
    assert "Шолпанның күнәсі" in dump and "Өнер-білім бар жұрттар" in dump


def test_marcxml_output_of_demo_and_fixtures_validates(
    marc_fixtures: Path, shared_fixtures: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out.xml"
    code, _text = run(*cli_inputs(marc_fixtures), "--to", "marcxml", "-o", str(output))
    assert code == 0
    schema = etree.XMLSchema(etree.parse(str(shared_fixtures / "xsd" / "MARC21slim.xsd")))
    document = etree.parse(str(output))
    schema.assertValid(document)
    assert len(document.getroot()) == 170
