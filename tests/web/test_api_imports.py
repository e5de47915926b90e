"""The import API: bearer tokens per school and for staff, uploads, JSON errors."""

from __future__ import annotations

import io
from pathlib import Path

import pymarc
import pytest
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from web_support import STAFF_TOKEN, close_app
from werkzeug.test import TestResponse

from kitapbridge.catalog.ingest import start_run
from kitapbridge.catalog.schools import find_school
from kitapbridge.config import Settings
from kitapbridge.connectors import SourceSystem
from kitapbridge.dedup.models import DedupMember
from kitapbridge.queue.runner import JOB_SERIALIZER, job_queue
from kitapbridge.queue.worker import KitapbridgeWorker
from kitapbridge.web import create_app

TITLES = ["Абай жолы", "Қан мен тер", "Көшпенділер"]


def marc_export(titles: list[str] = TITLES) -> bytes:
    """An ISO 2709 export of one record per title, 001 = ``b1``, ``b2``, …"""
    out = io.BytesIO()
    for n, title in enumerate(titles, start=1):
        record = pymarc.Record(force_utf8=True)
        record.add_field(pymarc.Field(tag="001", data=f"b{n}"))
        record.add_field(
            pymarc.Field(
                tag="245",
                indicators=pymarc.Indicators("1", "0"),
                subfields=[pymarc.Subfield("a", title)],
            )
        )
        out.write(record.as_marc())
    return out.getvalue()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload(client: FlaskClient, isil: str, token: str, data: bytes, **form: str) -> TestResponse:
    body = {"file": (io.BytesIO(data), "katalog 2024.mrc"), **form}
    return client.post(f"/api/schools/{isil}/imports", data=body, headers=bearer(token))


def own_run(store: sessionmaker[Session], isil: str) -> int:
    with store.begin() as session:
        school = find_school(session, isil)
        assert school is not None
        return start_run(session, school, SourceSystem.MARC, started_by="test").id


def api_urls(store: sessionmaker[Session]) -> list[tuple[str, str]]:
    """Every API URL of school KZ-ALM-0042, with its method."""
    run_id = own_run(store, "KZ-ALM-0042")
    return [("POST", "/api/schools/KZ-ALM-0042/imports"), ("GET", f"/api/imports/{run_id}")]


@pytest.mark.parametrize("url_index", [0, 1])
def test_without_a_token_401_with_a_bearer_challenge(
    client: FlaskClient,
    store: sessionmaker[Session],
    school_tokens: dict[str, str],
    url_index: int,
) -> None:
    method, url = api_urls(store)[url_index]
    response = client.open(url, method=method)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="kitapbridge"'
    assert response.json == {
        "error": "unauthorized",
        "message": "a bearer token is required (Authorization: Bearer …)",
    }


@pytest.mark.parametrize("url_index", [0, 1])
def test_an_unknown_token_401_invalid_token(
    client: FlaskClient,
    store: sessionmaker[Session],
    school_tokens: dict[str, str],
    url_index: int,
) -> None:
    method, url = api_urls(store)[url_index]
    response = client.open(url, method=method, headers=bearer("not-a-token"))
    assert response.status_code == 401
    challenge = 'Bearer realm="kitapbridge", error="invalid_token"'
    assert response.headers["WWW-Authenticate"] == challenge
    assert response.json == {"error": "invalid_token", "message": "the bearer token is not valid"}


@pytest.mark.parametrize("url_index", [0, 1])
def test_another_schools_token_403(
    client: FlaskClient,
    store: sessionmaker[Session],
    school_tokens: dict[str, str],
    url_index: int,
) -> None:
    method, url = api_urls(store)[url_index]
    response = client.open(url, method=method, headers=bearer(school_tokens["KZ-AST-0007"]))
    assert response.status_code == 403
    assert response.json == {
        "error": "insufficient_scope",
        "message": "this token does not act for KZ-ALM-0042",
    }


def test_upload_runs_the_import_and_the_status_shows_its_counts(
    client: FlaskClient,
    school_tokens: dict[str, str],
    settings: Settings,
    store: sessionmaker[Session],
) -> None:
    token = school_tokens["KZ-ALM-0042"]
    response = upload(client, "KZ-ALM-0042", token, marc_export())
    assert response.status_code == 202
    run_id = response.json["run_id"]
    assert response.json["status_url"] == f"http://localhost/api/imports/{run_id}"
    assert response.headers["Location"] == response.json["status_url"]

    status = client.get(f"/api/imports/{run_id}", headers=bearer(token))
    assert status.status_code == 200
    body = status.json
    assert body["status"] == "completed"
    assert body["school"] == "KZ-ALM-0042"
    assert body["system"] == "marc"
    assert body["started_by"] == "school:KZ-ALM-0042"
    assert body["progress"] == {"done": 3, "total": 3}
    assert body["counts"] == {
        "seen": 3,
        "added": 3,
        "updated": 0,
        "unchanged": 0,
        "restored": 0,
        "deleted": 0,
        "quarantined": 0,
    }
    # The upload was spooled under a name nobody else chose, and deleted when the run completed.
    spooled = Path(body["source"])
    assert spooled.parent == Path(settings.spool_dir).resolve()
    assert spooled.name.startswith("KZ-ALM-0042-")
    assert spooled.name.endswith("-katalog_2024.mrc")
    assert list(Path(settings.spool_dir).iterdir()) == []
    # API imports are followed by an incremental dedup (Settings.dedup_after_import).
    with store() as session:
        assert session.scalar(select(func.count()).select_from(DedupMember)) == 3


def test_staff_token_acts_for_any_school(
    client: FlaskClient, school_tokens: dict[str, str], store: sessionmaker[Session]
) -> None:
    response = upload(client, "KZ-AST-0007", STAFF_TOKEN, marc_export(["Ақбілек"]))
    assert response.status_code == 202
    status = client.get(response.json["status_url"], headers=bearer(STAFF_TOKEN))
    assert status.json["started_by"] == "staff:Айгүл Сейітова"
    assert status.json["counts"]["added"] == 1


def test_a_school_reads_only_its_own_runs(
    client: FlaskClient, school_tokens: dict[str, str], store: sessionmaker[Session]
) -> None:
    response = upload(client, "KZ-ALM-0042", school_tokens["KZ-ALM-0042"], marc_export())
    other = client.get(response.json["status_url"], headers=bearer(school_tokens["KZ-AST-0007"]))
    assert other.status_code == 403


def test_unknown_school_and_run_404(client: FlaskClient, school_tokens: dict[str, str]) -> None:
    response = upload(client, "KZ-NOPE-0001", STAFF_TOKEN, marc_export())
    assert response.status_code == 404
    assert response.json == {
        "error": "unknown_school",
        "message": "no school KZ-NOPE-0001 is registered",
    }
    missing = client.get("/api/imports/999999", headers=bearer(STAFF_TOKEN))
    assert missing.status_code == 404
    assert missing.json == {"error": "unknown_run", "message": "no import run 999999"}


def test_upload_over_the_size_limit_413(
    client: FlaskClient, school_tokens: dict[str, str], settings: Settings
) -> None:
    too_big = marc_export(["Абай жолы"] * 1000)
    assert len(too_big) > settings.max_upload_bytes
    response = upload(client, "KZ-ALM-0042", school_tokens["KZ-ALM-0042"], too_big)
    assert response.status_code == 413
    assert response.json["error"] == "request_entity_too_large"
    assert not Path(settings.spool_dir).exists() or not any(Path(settings.spool_dir).iterdir())


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ({"system": "marc-sql"}, "bad_request", "database_url is required"),
        (
            {"system": "dbase", "database_url": "postgresql://db.school.kz/marc"},
            "bad_system",
            "system must be one of marc-sql, kabis, kitaphana, marc",
        ),
        (
            {"system": "marc-sql", "database_url": "sqlite:////etc/passwd"},
            "bad_database_url",
            "database_url must name a database server "
            "(postgresql, mysql, mariadb, mssql, oracle, firebird)",
        ),
        (["marc-sql"], "bad_request", "the JSON body must be an object"),
    ],
)
def test_bad_json_requests_400(
    client: FlaskClient,
    school_tokens: dict[str, str],
    body: object,
    error: str,
    message: str,
) -> None:
    response = client.post(
        "/api/schools/KZ-ALM-0042/imports", json=body, headers=bearer(school_tokens["KZ-ALM-0042"])
    )
    assert response.status_code == 400
    assert response.json == {"error": error, "message": message}


def test_multipart_without_a_file_400(client: FlaskClient, school_tokens: dict[str, str]) -> None:
    response = client.post(
        "/api/schools/KZ-ALM-0042/imports",
        data={"system": "marc"},
        headers=bearer(school_tokens["KZ-ALM-0042"]),
    )
    assert response.status_code == 400
    assert response.json == {
        "error": "bad_request",
        "message": "send a multipart 'file' or a JSON database_url",
    }


@pytest.mark.redis
def test_with_redis_the_upload_is_queued_for_a_worker(
    settings: Settings,
    school_tokens: dict[str, str],
    redis_url: str,
    store: sessionmaker[Session],
) -> None:
    from dataclasses import replace

    app = create_app(replace(settings, redis_url=redis_url))
    client = app.test_client()
    token = school_tokens["KZ-ALM-0042"]
    response = upload(client, "KZ-ALM-0042", token, marc_export())
    assert response.status_code == 202
    queued = client.get(response.json["status_url"], headers=bearer(token)).json
    assert queued["job"] == {"id": f"import-run-{response.json['run_id']}", "state": "queued"}
    assert queued["status"] == "queued"
    assert queued["progress"] == {"done": 0, "total": None}

    connection = Redis.from_url(redis_url)
    queue = job_queue(connection)
    KitapbridgeWorker([queue], connection=connection, serializer=JOB_SERIALIZER).work(burst=True)
    connection.close()

    done = client.get(response.json["status_url"], headers=bearer(token)).json
    assert done["status"] == "completed"
    assert done["job"]["state"] == "finished"
    assert done["counts"]["added"] == 3
    assert done["progress"] == {"done": 3, "total": 3}
    assert list(Path(settings.spool_dir).iterdir()) == []
    # The worker ran the incremental dedup queued behind the import.
    with store() as session:
        assert session.scalar(select(func.count()).select_from(DedupMember)) == 3
    close_app(app)
