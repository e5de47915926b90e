"""The per-process LRU of rendered records: keyed by version and schema, bounded, copied out."""

from __future__ import annotations

from lxml import etree

from kitapbridge.sru_server.rendered_records import RenderedRecords


def element(text: str) -> etree._Element:
    root = etree.Element("record")
    root.text = text
    return root


def test_a_rendering_is_found_by_version_and_schema_only() -> None:
    kept = RenderedRecords(capacity=10)
    kept.put(("record", 7, "2026-01-01"), "marcxml", element("seven"))
    found = kept.get(("record", 7, "2026-01-01"), "marcxml")
    assert found is not None and found.text == "seven"
    assert kept.get(("record", 7, "2026-02-01"), "marcxml") is None  # edited since
    assert kept.get(("record", 7, "2026-01-01"), "dc") is None


def test_each_get_is_a_copy_a_response_may_adopt() -> None:
    kept = RenderedRecords(capacity=10)
    kept.put("v", "marcxml", element("x"))
    first, second = kept.get("v", "marcxml"), kept.get("v", "marcxml")
    assert first is not None and second is not None and first is not second
    etree.SubElement(etree.Element("recordData"), "slot").append(first)
    again = kept.get("v", "marcxml")
    assert again is not None and again.getparent() is None and again.text == "x"


def test_the_least_recently_used_rendering_is_dropped_first() -> None:
    kept = RenderedRecords(capacity=2)
    kept.put("a", "dc", element("a"))
    kept.put("b", "dc", element("b"))
    assert kept.get("a", "dc") is not None
    kept.put("c", "dc", element("c"))
    assert [kept.get(v, "dc") is not None for v in ("a", "b", "c")] == [True, False, True]
    assert len(kept) == 2
    none_kept = RenderedRecords(capacity=0)
    none_kept.put("a", "dc", element("a"))
    assert none_kept.get("a", "dc") is None
