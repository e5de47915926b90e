"""Dedup against the store: runs, the clusters CSV, staff decisions and the JSON API."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pymarc
import pytest
from click.testing import CliRunner
from dedup_records import book
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.ingest import IncomingRecord, ingest, start_run
from kitapbridge.catalog.models import AuditEntry
from kitapbridge.catalog.schools import ensure_school
from kitapbridge.catalog.store import make_engine, migrate
from kitapbridge.cli import main
from kitapbridge.config import Settings
from kitapbridge.connectors.base import Holding, SourceRecord, SourceSystem
from kitapbridge.dedup import service
from kitapbridge.dedup.api import init_app
from kitapbridge.dedup.models import ReviewItem
from kitapbridge.marc.conversion import Conversion
from kitapbridge.marc.flavour import Flavour
from kitapbridge.web.app import create_app

STAFF_TOKEN = "s3cret-staff"


def _alippe(title: str, year: int = 2016) -> pymarc.Record:
    return book(title, author="Жұмабаева, Ә. Е.", year=year, pages="160 б.", publisher="Атамұра")


def _incoming(local_id: str, record: pymarc.Record, barcode: str) -> IncomingRecord:
    record.add_ordered_field(pymarc.Field(tag="001", data=local_id))
    source = SourceRecord(
        system=SourceSystem.MARC, raw=record.as_marc(), raw_format="iso2709", index=0,
        offset=0, local_id=local_id, holdings=[Holding(barcode=barcode)],
    )  # fmt: skip
    return source, Conversion(record=record, flavour=Flavour.MARC21, encoding="utf-8")


def _import(sessions: sessionmaker[Session], isil: str, records: list[IncomingRecord]) -> None:
    with sessions.begin() as session:
        school = ensure_school(session, isil)
        run_id = start_run(session, school, SourceSystem.MARC, started_by="test").id
    ingest(sessions, run_id, records, batch_size=100)


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    migrate(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    _import(factory, "KZ-A", [_incoming("a1", _alippe("Әліппе"), "A1"),
                              _incoming("a2", book("Абай жолы", year=2012), "A2")])  # fmt: skip
    _import(factory, "KZ-B", [_incoming("b1", _alippe("Alıppe"), "B1"),
                              _incoming("b2", _alippe("Әліппе", 2019), "B2")])  # fmt: skip
    yield factory
    engine.dispose()


def _ids(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        out = io.StringIO()
        service.write_clusters_csv(session, out)
    rows = [line.split(",") for line in out.getvalue().splitlines()[1:]]
    return {local_id: int(record_id) for record_id, local_id, _school, _cluster in rows}


def test_dedup_run_and_clusters_csv(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        summary = service.run_dedup(session, full=True)
    assert (summary.records, summary.clusters, summary.multi_record_clusters) == (4, 3, 1)
    ids = _ids(sessions)
    with sessions() as session:
        out = io.StringIO()
        assert service.write_clusters_csv(session, out) == 4
    a1, b1 = ids["a1"], ids["b1"]
    assert out.getvalue().splitlines() == [
        "source_record_id,local_id,school,cluster_id",
        f"{a1},a1,KZ-A,c{a1}",
        f"{ids['a2']},a2,KZ-A,c{ids['a2']}",
        f"{b1},b1,KZ-B,c{a1}",
        f"{ids['b2']},b2,KZ-B,c{ids['b2']}",
    ]


def test_incremental_run_compares_only_new_and_modified_records(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        service.run_dedup(session, full=True)
    with sessions.begin() as session:
        again = service.run_dedup(session)
    assert (again.compared, again.clusters) == (0, 3)
    _import(sessions, "KZ-C", [_incoming("c1", _alippe("ӘЛІППЕ"), "C1")])
    with sessions.begin() as session:
        added = service.run_dedup(session)
    ids = _ids(sessions)
    assert added.compared == 3  # c1 against a1, b1 and b2 (2019: kept apart by year)
    with sessions() as session:
        assert service.cluster_members(session, f"c{ids['a1']}") == sorted(
            [ids["a1"], ids["b1"], ids["c1"]]
        )


def test_staff_split_survives_a_full_rerun_in_the_store(sessions: sessionmaker[Session]) -> None:
    ids = _ids(sessions)
    with sessions.begin() as session:
        service.run_dedup(session, full=True)
    with sessions.begin() as session:
        parts = [[ids["a1"]], [ids["b1"]]]
        why = "B's copy is the Latin-script edition"
        service.split_cluster(session, f"c{ids['a1']}", parts, staff="Айгерім", reason=why)
    with sessions.begin() as session:
        service.run_dedup(session, full=True)
    with sessions() as session:
        membership = service.stored_membership(session)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "split")).one()
    assert membership[ids["a1"]] != membership[ids["b1"]]
    assert (audit.who, audit.why) == ("Айгерім", "B's copy is the Latin-script edition")


def test_kitapbridge_dedup_and_export_clusters_csv_commands(
    sessions: sessionmaker[Session], database_url: str, tmp_path: object
) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--database-url", database_url, "dedup"])
    assert result.exit_code == 0, result.output
    assert "4 records, 3 clusters (1 with more than one record)" in result.output
    csv_path = f"{tmp_path}/clusters.csv"
    out_path = f"{tmp_path}/out.xml"
    result = runner.invoke(
        main, ["--database-url", database_url, "export", "-o", out_path, "--clusters-csv", csv_path]
    )
    assert result.exit_code == 0, result.output
    with open(csv_path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0] == "source_record_id,local_id,school,cluster_id"
    assert len(lines) == 5


def test_export_display_records_one_per_cluster(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["--database-url", database_url, "dedup"]).exit_code == 0
    out = tmp_path / "display.jsonl"
    args = ["--database-url", database_url, "export", "-o", str(out), "--format", "jsonl"]
    result = runner.invoke(main, [*args, "--display"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 3
    ids = _ids(sessions)
    first = records[0]["fields"]
    assert first[0] == {"001": f"c{ids['a1']}"}
    assert [f["035"]["subfields"][0]["a"] for f in first if "035" in f] == ["(KZ-A)a1", "(KZ-B)b1"]
    assert [f["852"]["subfields"][1]["a"] for f in first if "852" in f] == ["KZ-A", "KZ-B"]
    refused = runner.invoke(main, [*args, "--display", "--school", "KZ-A"])
    assert refused.exit_code == 2


@pytest.fixture
def client(sessions: sessionmaker[Session]) -> Iterator[tuple[Flask, sessionmaker[Session]]]:
    app = create_app(Settings(staff_tokens={STAFF_TOKEN: "Айгерім"}))
    init_app(app, sessions)
    yield app, sessions


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/dedup/review"), ("get", "/api/dedup/review/1"),
     ("post", "/api/dedup/review/1/accept"), ("get", "/api/dedup/clusters/c1"),
     ("post", "/api/dedup/clusters/c1/split"), ("post", "/api/dedup/clusters/merge")],
)  # fmt: skip
def test_api_needs_a_staff_token(
    client: tuple[Flask, sessionmaker[Session]], method: str, path: str
) -> None:
    http = client[0].test_client()
    assert getattr(http, method)(path).status_code == 401
    headers = {"Authorization": "Bearer school-token"}
    assert getattr(http, method)(path, headers=headers).status_code == 403


def test_api_review_accept_merges_and_is_audited(
    client: tuple[Flask, sessionmaker[Session]],
) -> None:
    app, sessions = client
    ids = _ids(sessions)
    with sessions.begin() as session:
        service.run_dedup(session, full=True)
        session.add(ReviewItem(record_a=ids["a1"], record_b=ids["b2"], score=0.5,
                               evidence={"vetoes": ["year"]}, state="open",
                               created_at=datetime.now(UTC)))  # fmt: skip
    http = app.test_client()
    headers = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    queue = http.get("/api/dedup/review", headers=headers).get_json()
    [item] = queue["items"]
    assert item["evidence"] == {"vetoes": ["year"]}
    refused = http.post(f"/api/dedup/review/{item['id']}/accept", headers=headers, json={})
    assert refused.status_code == 400
    accepted = http.post(f"/api/dedup/review/{item['id']}/accept", headers=headers,
                         json={"reason": "2019 is a reprint of the same printing"})  # fmt: skip
    assert accepted.get_json()["state"] == "accepted"
    cluster = http.get(f"/api/dedup/clusters/c{ids['a1']}", headers=headers).get_json()
    assert [m["local_id"] for m in cluster["members"]] == ["a1", "b1", "b2"]
    fields = cluster["display_record"]["fields"]
    assert {"035": {"ind1": " ", "ind2": " ", "subfields": [{"a": "(KZ-A)a1"}]}} in fields
    with sessions() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "review-accept"))
        assert [(a.who, a.why) for a in audit] == [
            ("Айгерім", "2019 is a reprint of the same printing")
        ]
