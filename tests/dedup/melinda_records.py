"""Melinda match-detection fixtures (marc-record-js JSON) as pymarc records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pymarc


def read_melinda(path: Path) -> list[tuple[pymarc.Record, str, str]]:
    """Records of one fixture file with the source (SID ``$b``) and local id (SID ``$c``).

    Melinda's SID field names the library a record came from and its number there, as
    kitapbridge's (school, local id) does; the first SID is taken.
    """
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    return [_record(entry) for entry in (data if isinstance(data, list) else [data])]


def _record(data: dict[str, Any]) -> tuple[pymarc.Record, str, str]:
    record = pymarc.Record(leader=data["leader"], force_utf8=True)
    source = local_id = ""
    for field in data["fields"]:
        tag = field["tag"]
        if "value" in field:
            record.add_field(pymarc.Field(tag=tag, data=field["value"]))
            continue
        subfields = [pymarc.Subfield(s["code"], s.get("value", "")) for s in field["subfields"]]
        if tag == "SID":
            if not source:
                source = next((s.value for s in subfields if s.code == "b"), "")
                local_id = next((s.value for s in subfields if s.code == "c"), "")
            continue
        indicators = pymarc.Indicators(field.get("ind1", " ") or " ", field.get("ind2", " ") or " ")
        record.add_field(pymarc.Field(tag=tag, indicators=indicators, subfields=subfields))
    return record, source, local_id
