"""Changes made by a person, each written to the audit log with who, when, what, why,
and the values before and after.

Imports are not audited here (the import run is their record); staff edits are.
A staff edit of a record's MARC keeps the school's ``content_hash``: the next
import of an unchanged export leaves the edit in place, while a changed export
replaces it (and the edited version goes to the record's history, like any other).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pymarc
from sqlalchemy.orm import Session

from kitapbridge.catalog import bulk
from kitapbridge.catalog import changes as catalog_changes
from kitapbridge.catalog.indexing import WordFolder, index_record
from kitapbridge.catalog.models import AuditEntry, Holding, RecordVersion, StoredRecord
from kitapbridge.catalog.records import marc_of, mark_utf8
from kitapbridge.connectors.base import HoldingStatus
from kitapbridge.errors import KitapbridgeError

_EDITABLE_HOLDING_FIELDS = ("call_number", "shelf_location", "status", "note")


class EditError(KitapbridgeError):
    """A change a person asked for that cannot be made (unknown record, empty reason…)."""


def edit_record(
    session: Session, record_id: int, record: pymarc.Record, *, who: str, why: str
) -> StoredRecord:
    """Replace a stored record's MARC21 by a person's corrected version (no commit)."""
    _require_reason(who, why)
    stored = session.get(StoredRecord, record_id)
    if stored is None:
        raise EditError(f"no source record {record_id}")
    now = catalog_changes.stamp(session).at
    before = _marc_json(marc_of(stored.id, stored.marc))
    session.add(
        RecordVersion(
            record_id=stored.id,
            raw=stored.raw,
            marc=stored.marc,
            content_hash=stored.content_hash,
            valid_from=stored.modified_at,
            replaced_at=now,
            replaced_by_run_id=None,
        )
    )
    mark_utf8(record)
    entry = index_record(record, WordFolder())
    stored.marc = record.as_marc()
    stored.modified_at = now
    stored.sort_title, stored.sort_creator = entry.sort_title, entry.sort_creator
    stored.sort_year = entry.sort_year
    session.flush()
    bulk.delete_index_entries(session, [stored.id])
    bulk.insert_index_entries(
        session,
        [(term, int(idx), stored.id) for idx, term in entry.terms],
        [(stored.id, int(idx), phrase) for idx, phrase in entry.phrases],
    )
    _audit(session, who, why, "edit-record", "source_record", stored.id, before, _marc_json(record))
    return stored


def update_holding(
    session: Session, holding_id: int, *, who: str, why: str, **changes: str | None
) -> Holding:
    """Change a copy's call number, shelf location, status or note (no commit)."""
    _require_reason(who, why)
    unknown = set(changes) - set(_EDITABLE_HOLDING_FIELDS)
    if unknown:
        raise EditError(f"holding fields not editable: {', '.join(sorted(unknown))}")
    if "status" in changes:
        changes["status"] = str(HoldingStatus(changes["status"] or HoldingStatus.UNKNOWN))
    holding = session.get(Holding, holding_id)
    if holding is None:
        raise EditError(f"no holding {holding_id}")
    catalog_changes.stamp(session)
    before = {name: getattr(holding, name) for name in changes}
    for name, value in changes.items():
        setattr(holding, name, value)
    session.flush()
    _audit(session, who, why, "update-holding", "holding", holding.id, before, dict(changes))
    return holding


def _require_reason(who: str, why: str) -> None:
    if not who.strip() or not why.strip():
        raise EditError("a change by a person needs who made it and why")


def _marc_json(record: pymarc.Record) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(record.as_json())
    return parsed


def _audit(
    session: Session,
    who: str,
    why: str,
    action: str,
    entity: str,
    entity_id: int,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    session.add(
        AuditEntry(
            who=who,
            at=datetime.now(UTC),
            action=action,
            entity=entity,
            entity_id=entity_id,
            why=why,
            before=before,
            after=after,
        )
    )
    session.flush()
