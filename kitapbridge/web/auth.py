"""Bearer-token authentication: a school's upload token or a staff token.

A school token (issued by ``kitapbridge school add`` / ``school token``, stored
only as its SHA-256) acts for its own school. A staff token, configured in
``Settings.staff_tokens``, acts for any school. Tokens are compared as
digests with ``hmac.compare_digest``, so the time taken does not reveal how
much of a guess was right.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kitapbridge.catalog.schools import school_for_token
from kitapbridge.errors import KitapbridgeError

REALM = "kitapbridge"


class AuthError(KitapbridgeError):
    """Authentication or authorisation failed; ``status`` is 401 or 403.

    ``error`` is the RFC 6750 error code for the ``WWW-Authenticate`` header
    (empty when no token was presented at all).
    """

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    @property
    def challenge(self) -> str:
        """The ``WWW-Authenticate`` value (RFC 6750 section 3)."""
        if not self.error:
            return f'Bearer realm="{REALM}"'
        return f'Bearer realm="{REALM}", error="{self.error}"'


@dataclass(frozen=True)
class Caller:
    """Who is calling: a staff member (any school) or one school."""

    staff_name: str | None = None
    school_isil: str | None = None

    @property
    def name(self) -> str:
        """How the caller is recorded as the starter of an import run."""
        if self.staff_name is not None:
            return f"staff:{self.staff_name}"
        return f"school:{self.school_isil}"

    def may_act_for(self, isil: str) -> bool:
        return self.staff_name is not None or self.school_isil == isil

    def require_school(self, isil: str) -> None:
        """Raise a 403 ``AuthError`` unless the caller may act for school ``isil``."""
        if not self.may_act_for(isil):
            raise AuthError(403, "insufficient_scope", f"this token does not act for {isil}")


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer …`` header; 401 when there is none."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError(401, "", "a bearer token is required (Authorization: Bearer …)")
    return token.strip()


def authenticate(
    session: Session, staff_tokens: Mapping[str, str], authorization: str | None
) -> Caller:
    """The caller the ``Authorization`` header identifies; 401 ``AuthError`` otherwise."""
    token = bearer_token(authorization)
    staff_name = _staff_name(staff_tokens, token)
    if staff_name is not None:
        return Caller(staff_name=staff_name)
    school = school_for_token(session, token)
    if school is None:
        raise AuthError(401, "invalid_token", "the bearer token is not valid")
    return Caller(school_isil=school.isil)


def _staff_name(staff_tokens: Mapping[str, str], token: str) -> str | None:
    presented = _digest(token)
    found: str | None = None
    # Compare against every staff token, without stopping at a match.
    for staff_token, name in staff_tokens.items():
        if hmac.compare_digest(_digest(staff_token), presented):
            found = name
    return found


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
