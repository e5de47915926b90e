"""Real SRU clients against our server on loopback: yaz-client (1.1/1.2/2.0, GET/POST), sruthi."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sruthi
from sru_catalog import ASTANA, store_with_catalog
from werkzeug.serving import make_server

from benchmarks.zebra_peer import free_port, wait_for_port
from kitapbridge.config import Settings
from kitapbridge.web.app import close_app, create_app


@pytest.fixture
def sru_url(database_url: str) -> Iterator[str]:
    """Our SRU server, threaded, on a free loopback port, over a loaded store."""
    store_with_catalog(database_url)
    app = create_app(Settings(database_url=database_url))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sru"
    server.shutdown()
    thread.join()
    close_app(app)


def yaz_client(*commands: str) -> str:
    if shutil.which("yaz-client") is None:
        pytest.skip("yaz-client is not installed")
    script = "\n".join([*commands, "quit", ""])
    done = subprocess.run(
        ["yaz-client"], input=script, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


@pytest.mark.yaz
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("version", ["1.1", "1.2", "2.0"])
def test_yaz_client_searches_and_shows(sru_url: str, method: str, version: str) -> None:
    output = yaz_client(
        f"sru {method} {version}",
        f"open {sru_url}",
        "querytype cql",
        "find dc.creator = смағұлов and dc.date > 2021",
        "schema dc",
        "show 1+2",
    )
    assert re.findall(r"Number of hits: (\d+)", output) == ["2", "2"]
    assert "<dc:title>Қазақ тілі : 6-сынып</dc:title>" in output
    assert "<dc:title>Қазақстан тарихы</dc:title>" in output
    assert output.count("schema=info:srw/schema/1/dc-v1.1") == 2


@pytest.mark.yaz
def test_yaz_client_scan_explain_and_school_database(sru_url: str) -> None:
    output = yaz_client(
        "sru get 1.2",
        f"open {sru_url}/{ASTANA}",
        "querytype cql",
        'find dc.title = "English grammar"',
        "find dc.title = физика",
        "scan dc.title = физ",
        "explain",
        f"open {sru_url}",
        "scan dc.title = физ",
    )
    assert re.findall(r"Number of hits: (\d+)", output) == ["1", "1"]
    assert "Details: scan" in output  # scan counts are union-wide: only /sru serves it
    assert f"<database>sru/{ASTANA}</database>" in output
    assert re.search(r"^fizika: 2 first$", output, re.MULTILINE)


@pytest.mark.yaz
def test_yaz_client_reports_diagnostics(sru_url: str) -> None:
    output = yaz_client("sru get 1.2", f"open {sru_url}", "querytype cql", "find dc.foo = x")
    assert (
        "SRW diagnostic info:srw/diagnostic/1/16\nMessage: Unsupported index\nDetails: dc.foo"
        in output
    )


def test_sruthi_pages_through_results_in_three_scripts(sru_url: str) -> None:
    kazakh = sruthi.searchretrieve(
        sru_url, query="dc.title = қазақ", record_schema="dc", maximum_records=1
    )
    assert kazakh.count == 2
    assert sorted(record["title"] for record in kazakh) == [
        "Қазақ тілі : 5-сынып",
        "Қазақ тілі : 6-сынып",
    ]
    russian = sruthi.searchretrieve(
        sru_url, query='dc.creator = "Петрова Анна"', record_schema="dc"
    )
    assert sorted(record["title"] for record in russian) == ["Русский язык : 7 класс", "Физика"]
    everything = sruthi.searchretrieve(sru_url, query="cql.allRecords = 1", maximum_records=3)
    assert everything.count == 10
    assert len(list(everything)) == 10
    english = sruthi.searchretrieve(sru_url, query="dc.title = grammar", record_schema="dc")
    assert [record["creator"] for record in english] == ["Murphy, Raymond"]


def test_sruthi_reads_explain(sru_url: str) -> None:
    explain = sruthi.explain(sru_url)
    assert explain.server == {
        "host": "127.0.0.1",
        "port": int(sru_url.split(":")[2].split("/")[0]),
        "database": "sru",
    }
    assert {"cql", "dc", "bath", "rec", "kz"} <= set(explain.index)
    assert explain.config["maximumRecords"] == 100


def test_serve_command_answers_sru(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'served.db'}"
    store_with_catalog(database_url)
    port = free_port()
    command = [sys.executable, "-m", "kitapbridge", "--database-url", database_url]
    with subprocess.Popen(
        [*command, "serve", "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as server:
        try:
            wait_for_port(port)
            assert server.stdout is not None
            assert server.stdout.readline().decode() == (
                f"SRU: http://127.0.0.1:{port}/sru  "
                f"(one school: http://127.0.0.1:{port}/sru/<ISIL>)\n"
            )
            kazakh = sruthi.searchretrieve(f"http://127.0.0.1:{port}/sru", query="dc.title = қазақ")
            assert kazakh.count == 2
        finally:
            server.terminate()
