"""The JSON API under ``/api/``: schools upload their catalogs and follow the import.

``POST /api/schools/<ISIL>/imports``
    Start an import for school ``ISIL``. Either a multipart upload (``file``, and
    ``system``, default ``marc``) or a JSON body ``{"system": …, "database_url": …}``
    naming the school's database. Answers 202 with ``run_id`` and ``status_url``.
    401 without a valid bearer token, 403 with another school's token, 404 for
    an unknown school, 400 for a bad request, 413 for an upload over
    ``Settings.max_upload_bytes``.

``GET /api/imports/<id>``
    The run's status, progress, counts and report. 401 / 403 as above (the
    owning school's token or a staff token), 404 for an unknown run.

Every error is JSON: ``{"error": …, "message": …}``. Without Redis the import
runs inline inside the request, which then answers when the run has ended.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException
from werkzeug.utils import secure_filename

from kitapbridge.catalog.models import ImportRun, RunStatus
from kitapbridge.catalog.schools import find_school
from kitapbridge.connectors import SourceSystem
from kitapbridge.errors import KitapbridgeError
from kitapbridge.queue.imports import import_job_id, make_runner, run_school_isil, submit_import
from kitapbridge.queue.runner import JobState, Runner
from kitapbridge.queue.runs import run_summary
from kitapbridge.queue.uploads import spooled_upload_path
from kitapbridge.web.app import app_settings
from kitapbridge.web.auth import AuthError, Caller, authenticate
from kitapbridge.web.db import db_session, sessions

bp = Blueprint("api", __name__, url_prefix="/api")

NETWORK_DATABASE_SCHEMES = ("postgresql", "mysql", "mariadb", "mssql", "oracle", "firebird")
"""Database URLs a school may name: servers reached over the network, never a file here."""


RUNNER_KEY = "kitapbridge.runner"


class ApiError(KitapbridgeError):
    """A request the API refuses, with its HTTP status and a short error code."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


def init_app(app: Flask) -> None:
    """Register the blueprint and cap request bodies at ``Settings.max_upload_bytes``."""
    app.config["MAX_CONTENT_LENGTH"] = app_settings(app).max_upload_bytes
    app.register_blueprint(bp)


@bp.post("/schools/<isil>/imports")
def start_import(isil: str) -> tuple[Response, int, dict[str, str]]:
    """Accept an upload or a database URL and start the school's import (202)."""
    caller = _caller()
    caller.require_school(isil)
    session = db_session()
    if find_school(session, isil) is None:
        raise ApiError(404, "unknown_school", f"no school {isil} is registered")
    session.rollback()
    system, source = _import_source(isil)
    submission = submit_import(
        app_settings(current_app),
        sessions(),
        _runner(),
        isil=isil,
        system=system,
        source=source,
        started_by=caller.name,
        dedup=app_settings(current_app).dedup_after_import,
    )
    status_url = url_for("api.import_status", run_id=submission.run_id, _external=True)
    body = {"run_id": submission.run_id, "status_url": status_url}
    return jsonify(body), 202, {"Location": status_url}


@bp.get("/imports/<int:run_id>")
def import_status(run_id: int) -> Response:
    """The run's status (queued, running, completed, failed), progress, counts and report."""
    caller = _caller()
    session = db_session()
    run = session.get(ImportRun, run_id)
    if run is None:
        raise ApiError(404, "unknown_run", f"no import run {run_id}")
    isil = run_school_isil(session, run)
    caller.require_school(isil)
    summary: dict[str, Any] = {**run_summary(run), "school": isil}
    job = _runner().outcome(import_job_id(run_id))
    if job is not None:
        summary["job"] = {"id": job.job_id, "state": job.state}
        # The catalog knows a run as running until it ends; the queue knows it is still waiting.
        if job.state is JobState.QUEUED and run.status == RunStatus.RUNNING:
            summary["status"] = "queued"
    return jsonify(summary)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> tuple[Response, int]:
    return jsonify(error=error.error, message=error.message), error.status


@bp.errorhandler(AuthError)
def _auth_error(error: AuthError) -> tuple[Response, int, dict[str, str]]:
    body = jsonify(error=error.error or "unauthorized", message=error.description)
    return body, error.status, {"WWW-Authenticate": error.challenge}


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> tuple[Response, int]:
    code = error.code or 500
    name = (error.name or "error").lower().replace(" ", "_")
    return jsonify(error=name, message=error.description), code


def _runner() -> Runner:
    """This process's runner: one Redis client per process (redis-py re-opens after a fork)."""
    runner: Runner | None = current_app.extensions.get(RUNNER_KEY)
    if runner is None:
        runner = current_app.extensions[RUNNER_KEY] = make_runner(app_settings(current_app))
    return runner


def _caller() -> Caller:
    settings = app_settings(current_app)
    return authenticate(db_session(), settings.staff_tokens, request.headers.get("Authorization"))


def _import_source(isil: str) -> tuple[SourceSystem, str]:
    """The system and source of the request: a spooled upload or a database URL."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "bad_request", "the JSON body must be an object")
        system = _system(body.get("system"))
        return system, _database_url(body.get("database_url"))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(400, "bad_request", "send a multipart 'file' or a JSON database_url")
    system = _system(request.form.get("system", SourceSystem.MARC))
    return system, str(_spool(isil, upload))


def _system(value: object) -> SourceSystem:
    try:
        return SourceSystem(str(value))
    except ValueError:
        known = ", ".join(s.value for s in SourceSystem)
        raise ApiError(400, "bad_system", f"system must be one of {known}") from None


def _database_url(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ApiError(400, "bad_request", "database_url is required")
    try:
        url = make_url(value)
    except ArgumentError:
        raise ApiError(400, "bad_database_url", "database_url is not a database URL") from None
    # A school names its own server; a file URL (sqlite:///…) would read this machine's disk.
    if url.get_backend_name() not in NETWORK_DATABASE_SCHEMES or not url.host:
        allowed = ", ".join(NETWORK_DATABASE_SCHEMES)
        message = f"database_url must name a database server ({allowed})"
        raise ApiError(400, "bad_database_url", message)
    return value


def _spool(isil: str, upload: FileStorage) -> Path:
    """Save the upload under the spool directory with a name nobody else chose."""
    original = secure_filename(upload.filename or "") or "upload"
    path = spooled_upload_path(app_settings(current_app), secure_filename(isil), original)
    path.parent.mkdir(parents=True, exist_ok=True)
    upload.save(path)
    return path.resolve()


__all__ = ["ApiError", "bp", "init_app"]
