"""Schools in the union catalog and their upload tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kitapbridge.catalog import changes
from kitapbridge.catalog.models import School


def find_school(session: Session, isil: str) -> School | None:
    return session.scalars(select(School).where(School.isil == isil)).one_or_none()


def ensure_school(
    session: Session,
    isil: str,
    *,
    name: str | None = None,
    region: str | None = None,
    source_system: str | None = None,
) -> School:
    """The school with this ISIL, registered on first sight; given details are updated."""
    school = find_school(session, isil)
    if school is None or (name and name != school.name) or (region and region != school.region):
        changes.stamp(session)  # /sru/<ISIL> answers differently for a new or renamed school
    if school is None:
        school = School(isil=isil, name=name or isil, created_at=datetime.now(UTC))
        session.add(school)
    elif name:
        school.name = name
    if region:
        school.region = region
    if source_system:
        school.source_system = source_system
    session.flush()
    return school


def issue_school_token(session: Session, school: School) -> str:
    """A new upload token for the school; only its SHA-256 is stored, the old one stops working."""
    token = secrets.token_urlsafe(32)
    school.api_token_hash = _token_hash(token)
    session.flush()
    return token


def school_for_token(session: Session, token: str) -> School | None:
    """The school whose upload token this is, or None."""
    digest = _token_hash(token)
    school = session.scalars(select(School).where(School.api_token_hash == digest)).one_or_none()
    if school is None or school.api_token_hash is None:
        return None
    return school if hmac.compare_digest(school.api_token_hash, digest) else None


def _token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 cannot be brute-forced; no salt needed.
    return hashlib.sha256(token.encode()).hexdigest()
