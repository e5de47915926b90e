"""Golden SRU responses: a test's response compared with ``golden/<name>.xml``.

A module of its own, not conftest: test modules import it by name, and another test
folder's ``conftest`` would shadow it when both folders are collected in one run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE_GOLDEN = os.environ.get("KITAPBRIDGE_UPDATE_GOLDEN") == "1"


def assert_golden(name: str, document: bytes) -> None:
    """The response equals ``golden/<name>.xml`` (pretty-printed; rewritten on request)."""
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    pretty = etree.tostring(
        etree.fromstring(document, parser).getroottree(),
        pretty_print=True,
        xml_declaration=True,
        encoding="UTF-8",
    )
    path = GOLDEN / f"{name}.xml"
    if UPDATE_GOLDEN or not path.exists():
        path.write_bytes(pretty)
        if not UPDATE_GOLDEN:
            pytest.fail(f"wrote new golden file {path.name}; review and commit it")
    assert pretty.decode("utf-8") == path.read_text(encoding="utf-8")
