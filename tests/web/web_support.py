"""Helpers shared by the web tests (importable, unlike conftest)."""

from __future__ import annotations

from kitapbridge.web import close_app

__all__ = ["STAFF_TOKEN", "close_app"]

STAFF_TOKEN = "staff-token-for-tests"
