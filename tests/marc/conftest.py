"""Fixture paths for the marc tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def marc_fixtures(shared_fixtures: Path) -> Path:
    return shared_fixtures / "marc"
