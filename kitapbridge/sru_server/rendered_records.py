"""Records already rendered as XML, kept per process and reused while the record is unchanged.

Decoding the stored ISO 2709, building a cluster's display record and building its
MARCXML, Dublin Core or MODS element cost more than all the SQL of a page. Harvesters
and copy cataloguers ask for the same popular records again and again, so each
rendering is kept under the record's *version* (what it was built from: record ids,
modification times, holdings; see ``union_search.ClusterSnapshot``) and the schema.
An edited record, a member joining or leaving a cluster or a new copy gives a new
version, so a stale rendering is never served; old versions age out of the LRU.

Entries are lxml elements; ``get`` hands out a copy because a response adopts the
element it is given.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Hashable

from lxml import etree

DEFAULT_CAPACITY = 20_000
"""Renderings kept (about 3 KB each for a MARCXML record: some 60 MB per worker)."""


class RenderedRecords:
    """A thread-safe LRU of rendered records keyed by (record version, schema identifier)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[tuple[Hashable, str], etree._Element] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: Hashable, schema: str) -> etree._Element | None:
        """A copy of the rendering of this version in this schema, if kept."""
        key = (version, schema)
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
        return copy.deepcopy(found)

    def put(self, version: Hashable, schema: str, element: etree._Element) -> None:
        """Keep a copy of ``element`` as the rendering of this version in this schema."""
        if self._capacity <= 0:
            return
        kept = copy.deepcopy(element)
        with self._lock:
            self._entries[(version, schema)] = kept
            self._entries.move_to_end((version, schema))
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
