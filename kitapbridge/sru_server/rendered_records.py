"""Records already rendered as XML, kept per process and reused while the record is unchanged.

Decoding the stored ISO 2709, building a cluster's display record and building its
MARCXML, Dublin Core or MODS element cost more than all the SQL of a page. Harvesters
and copy cataloguers ask for the same popular records again and again, so each
rendering is kept under the record's *version* (what it was built from: record ids,
modification times, holdings; see ``union_search.ClusterSnapshot``) and the schema.
An edited record, a member joining or leaving a cluster or a new copy gives a new
version, so a stale rendering is never served; old versions age out of the LRU.

Entries are the record's serialized XML (``serialized``), which the response writer
puts in place as it is (``response.Document``): bytes are immutable, so one entry
serves any number of responses at once without a copy (a copied lxml element cost
more than any other step of ours when a page was made of kept renderings).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from lxml import etree

DEFAULT_CAPACITY = 20_000
"""Renderings kept (about 3 KB each for a MARCXML record: some 60 MB per worker)."""


def serialized(element: etree._Element) -> bytes:
    """A rendered record as it appears in a response: UTF-8, no XML declaration."""
    return etree.tostring(element, encoding="UTF-8", xml_declaration=False)


class RenderedRecords:
    """A thread-safe LRU of serialized renderings keyed by (record version, schema identifier)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[tuple[Hashable, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: Hashable, schema: str) -> bytes | None:
        """The rendering of this version in this schema, if kept."""
        key = (version, schema)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, version: Hashable, schema: str, rendering: bytes) -> None:
        """Keep ``rendering`` as the rendering of this version in this schema."""
        if self._capacity <= 0:
            return
        with self._lock:
            self._entries[(version, schema)] = rendering
            self._entries.move_to_end((version, schema))
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
