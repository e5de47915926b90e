"""Match features kept in the store, so a dedup run extracts only new or changed records.

Reading a record's MARC and deriving its ``MatchRecord`` costs far more than comparing
it; a national run over a million records would spend most of its time there. Each
record's features are stored in ``dedup_features`` as JSON together with the record's
``modified_at`` when they were read and a ``FEATURE_VERSION``; a run reuses them while
both still agree, and re-extracts (and re-stores) the others.

``FEATURE_VERSION`` hashes the source of the extraction modules, so a change to
normalisation or features invalidates every stored row without anyone bumping a number.
"""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import fields
from typing import Any

from kitapbridge.dedup import features, identifiers, normalize
from kitapbridge.dedup.features import MatchRecord
from kitapbridge.dedup.normalize import Edition
from kitapbridge.text import fold, homoglyphs, kazakh_latin


def _feature_version() -> str:
    digest = hashlib.sha256()
    for module in (features, identifiers, normalize, fold, homoglyphs, kazakh_latin):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()[:40]


FEATURE_VERSION = _feature_version()
"""Changes whenever the code that derives a ``MatchRecord`` changes."""

# Fields the store knows anyway (the record's id, school and local id) are not stored.
_CONTEXT = frozenset({"record_id", "school", "local_id"})
_SETS = frozenset(f.name for f in fields(MatchRecord) if str(f.type).startswith("frozenset"))
_TUPLES = frozenset(f.name for f in fields(MatchRecord) if str(f.type).startswith("tuple"))


def features_to_json(record: MatchRecord) -> dict[str, Any]:
    """A JSON-ready form of ``record``'s features (sets sorted, so equal records store equal)."""
    data: dict[str, Any] = {}
    for field in fields(MatchRecord):
        if field.name in _CONTEXT:
            continue
        value = getattr(record, field.name)
        if field.name in _SETS:
            value = sorted(value)
        elif field.name in _TUPLES:
            value = list(value)
        elif isinstance(value, Edition):
            value = {"ordinal": value.ordinal, "flags": sorted(value.flags), "words": value.words}
        data[field.name] = value
    return data


def features_from_json(
    record_id: int, data: dict[str, Any], school: str = "", local_id: str = ""
) -> MatchRecord:
    """The ``MatchRecord`` that ``features_to_json`` stored."""
    values = dict(data)
    for name in _SETS:
        values[name] = frozenset(values[name])
    for name in _TUPLES:
        values[name] = tuple(values[name])
    edition = values["edition"]
    values["edition"] = Edition(edition["ordinal"], frozenset(edition["flags"]), edition["words"])
    return MatchRecord(record_id=record_id, school=school, local_id=local_id, **values)
