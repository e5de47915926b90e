"""Staff JSON API for deduplication: the review queue, clusters with evidence, decisions.

Every endpoint needs ``Authorization: Bearer <staff token>`` (``Settings.staff_tokens``
maps tokens to staff names): 401 without a token, 403 with an unknown one. Decisions
need a ``reason``; who decided and why go to the audit log (``service._audit``).

| method | path | does |
|---|---|---|
| GET | ``/api/dedup/review?state=open&limit=50&offset=0`` | review items, best score first |
| GET | ``/api/dedup/review/<id>`` | one item with both records and the evidence |
| POST | ``/api/dedup/review/<id>/accept`` / ``reject`` | decide it (``{"reason": …}``) |
| GET | ``/api/dedup/clusters/<cluster id>`` | members and the display record |
| POST | ``/api/dedup/clusters/<cluster id>/split`` | ``{"parts": [[ids…], [ids…]], "reason": …}`` |
| POST | ``/api/dedup/clusters/merge`` | ``{"clusters": [a, b], "reason": …}`` |
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, Flask, abort, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kitapbridge.catalog.models import School, StoredRecord
from kitapbridge.catalog.records import marc_of
from kitapbridge.dedup import service
from kitapbridge.dedup.display import build_display_record
from kitapbridge.dedup.display_export import cluster_member, retired_ids
from kitapbridge.dedup.models import ClusterRedirect, ReviewItem, ReviewState

SESSIONS_KEY = "kitapbridge.dedup.sessions"
MAX_PAGE = 500

dedup_api = Blueprint("dedup_api", __name__, url_prefix="/api/dedup")

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])


def init_app(app: Flask, sessions: sessionmaker[Session] | None = None) -> None:
    """Register the blueprint; its sessions come from the app's store (``web.db``) unless
    ``sessions`` is given (tests hand in their own store; calling again replaces it).
    """
    if sessions is not None:
        app.extensions[SESSIONS_KEY] = sessions
    if dedup_api.name not in app.blueprints:
        app.register_blueprint(dedup_api)


@contextmanager
def _session(write: bool = False) -> Iterator[Session]:
    from kitapbridge.web import db

    sessions: sessionmaker[Session] = current_app.extensions.get(SESSIONS_KEY) or db.sessions()
    with sessions() as session:
        if write:
            with session.begin():
                yield session
        else:
            yield session


def staff_required(view: View) -> View:
    """401 without a bearer token, 403 with one that is not a staff token."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        from kitapbridge.web.app import app_settings

        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            abort(401)
        staff = app_settings(current_app).staff_tokens.get(header.removeprefix("Bearer ").strip())
        if staff is None:
            abort(403)
        g.staff = staff
        return view(*args, **kwargs)

    return cast(View, wrapped)


def _reason() -> str:
    body = request.get_json(silent=True) or {}
    reason = str(body.get("reason", "")).strip()
    if not reason:
        abort(400, description="a decision needs a reason")
    return reason


@dedup_api.errorhandler(service.DedupError)
def _dedup_error(error: service.DedupError) -> ResponseReturnValue:
    return jsonify({"error": str(error)}), 409


@dedup_api.get("/review")
@staff_required
def review_queue() -> ResponseReturnValue:
    state = request.args.get("state", ReviewState.OPEN)
    if state not in {s.value for s in ReviewState}:
        abort(400, description=f"unknown state {state!r}")
    limit = min(request.args.get("limit", 50, type=int) or 50, MAX_PAGE)
    offset = request.args.get("offset", 0, type=int) or 0
    with _session() as session:
        items = session.scalars(
            select(ReviewItem)
            .where(ReviewItem.state == state)
            .order_by(ReviewItem.score.desc(), ReviewItem.id)
            .limit(limit)
            .offset(offset)
        ).all()
        return jsonify({"items": [_item_json(i) for i in items], "offset": offset})


@dedup_api.get("/review/<int:item_id>")
@staff_required
def review_item(item_id: int) -> ResponseReturnValue:
    with _session() as session:
        item = session.get(ReviewItem, item_id)
        if item is None:
            abort(404)
        data = _item_json(item)
        data["records"] = [_record_json(session, r) for r in (item.record_a, item.record_b)]
        return jsonify(data)


@dedup_api.post("/review/<int:item_id>/<any(accept, reject):decision>")
@staff_required
def decide(item_id: int, decision: str) -> ResponseReturnValue:
    reason = _reason()
    with _session(write=True) as session:
        item = service.decide_review(
            session, item_id, accept=decision == "accept", staff=g.staff, reason=reason
        )
        return jsonify(_item_json(item))


@dedup_api.get("/clusters/<cluster_id>")
@staff_required
def cluster(cluster_id: str) -> ResponseReturnValue:
    with _session() as session:
        redirect = session.get(ClusterRedirect, cluster_id)
        current_id = redirect.new_id if redirect is not None else cluster_id
        record_ids = service.cluster_members(session, current_id)
        if not record_ids:
            abort(404)
        members = []
        for record_id in record_ids:
            stored = session.get(StoredRecord, record_id)
            if stored is not None:
                members.append(cluster_member(session, stored))
        retired = retired_ids(session).get(current_id, [])
        display = build_display_record(current_id, members, retired)
        return jsonify(
            {
                "cluster_id": current_id,
                "members": [_record_json(session, r) for r in record_ids],
                "display_record": display.as_dict(),
            }
        )


@dedup_api.post("/clusters/<cluster_id>/split")
@staff_required
def split(cluster_id: str) -> ResponseReturnValue:
    reason = _reason()
    parts = (request.get_json(silent=True) or {}).get("parts")
    if not isinstance(parts, list) or not all(isinstance(p, list) for p in parts):
        abort(400, description="parts must be a list of lists of record ids")
    with _session(write=True) as session:
        service.split_cluster(session, cluster_id, parts, staff=g.staff, reason=reason)
        membership = service.stored_membership(session)
        return jsonify({"clusters": sorted({membership[r] for p in parts for r in p})})


@dedup_api.post("/clusters/merge")
@staff_required
def merge() -> ResponseReturnValue:
    reason = _reason()
    clusters = (request.get_json(silent=True) or {}).get("clusters")
    if not isinstance(clusters, list) or len(clusters) != 2:
        abort(400, description="clusters must name exactly two cluster ids")
    with _session(write=True) as session:
        service.merge_clusters(session, str(clusters[0]), str(clusters[1]), staff=g.staff,
                               reason=reason)  # fmt: skip
        members = service.cluster_members(session, str(clusters[0]))
        return jsonify({"cluster_id": f"c{members[0]}", "members": members})


def _item_json(item: ReviewItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "record_a": item.record_a,
        "record_b": item.record_b,
        "score": item.score,
        "state": item.state,
        "evidence": item.evidence,
        "decided_by": item.decided_by,
        "reason": item.reason,
    }


def _record_json(session: Session, record_id: int) -> dict[str, Any]:
    stored = session.get(StoredRecord, record_id)
    if stored is None:
        return {"id": record_id, "missing": True}
    school = session.get(School, stored.school_id)
    record = marc_of(stored.id, stored.marc)
    return {
        "id": stored.id,
        "school": school.isil if school is not None else None,
        "local_id": stored.local_id,
        "title": record.title or "",
        "marc": record.as_dict(),
    }
