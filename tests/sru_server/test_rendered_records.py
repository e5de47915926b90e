"""The per-process LRU of rendered records: by version and schema, bounded, kept serialized."""

from __future__ import annotations

from lxml import etree

from kitapbridge.sru_server.rendered_records import RenderedRecords, serialized


def rendering(text: str) -> bytes:
    root = etree.Element("record")
    root.text = text
    return serialized(root)


def test_a_rendering_is_found_by_version_and_schema_only() -> None:
    kept = RenderedRecords(capacity=10)
    kept.put(("record", 7, "2026-01-01"), "marcxml", rendering("seven"))
    assert kept.get(("record", 7, "2026-01-01"), "marcxml") == b"<record>seven</record>"
    assert kept.get(("record", 7, "2026-02-01"), "marcxml") is None  # edited since
    assert kept.get(("record", 7, "2026-01-01"), "dc") is None


def test_one_kept_rendering_serves_every_response_without_a_copy() -> None:
    kept = RenderedRecords(capacity=10)
    kept.put("v", "marcxml", rendering("x"))
    first, second = kept.get("v", "marcxml"), kept.get("v", "marcxml")
    assert first is second


def test_serialized_is_utf8_without_declaration_and_declares_its_namespaces() -> None:
    namespace = "http://www.loc.gov/MARC21/slim"
    record = etree.Element(f"{{{namespace}}}record", nsmap={None: namespace})
    etree.SubElement(record, f"{{{namespace}}}leader").text = "Абай & <Құнанбайұлы>"
    assert serialized(record) == (
        b'<record xmlns="http://www.loc.gov/MARC21/slim"><leader>'
        + "Абай &amp; &lt;Құнанбайұлы&gt;".encode()
        + b"</leader></record>"
    )


def test_the_least_recently_used_rendering_is_dropped_first() -> None:
    kept = RenderedRecords(capacity=2)
    kept.put("a", "dc", rendering("a"))
    kept.put("b", "dc", rendering("b"))
    assert kept.get("a", "dc") is not None
    kept.put("c", "dc", rendering("c"))
    assert [kept.get(v, "dc") is not None for v in ("a", "b", "c")] == [True, False, True]
    assert len(kept) == 2
    none_kept = RenderedRecords(capacity=0)
    none_kept.put("a", "dc", rendering("a"))
    assert none_kept.get("a", "dc") is None
