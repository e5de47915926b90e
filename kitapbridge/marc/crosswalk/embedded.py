"""Embedded fields of UNIMARC linking fields (4XX, 604): ``$1`` + tag + indicators + subfields.

In ISO 2709 an embedded field is ``$1`` followed by a tag, two indicators (data fields only) and
its own subfields, up to the next ``$1``: ``461 #1 $1001RU\\NLR\\A1\\10230 $12001# $aTitle``.
A MARC21 parser sees ``$1`` values ``"001RU\\NLR\\A1\\10230"`` and ``"2001 "`` followed by
ordinary subfields, which :func:`embedded_fields` regroups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pymarc import Field, Indicators, Subfield


@dataclass
class LinkParts:
    """A 4XX field split into its own subfields and its embedded fields."""

    own: list[Subfield] = field(default_factory=list)
    embedded: list[Field] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)

    def control(self, tag: str) -> str:
        return next((f.data for f in self.embedded if f.tag == tag and f.data), "")

    def data(self, *tags: str) -> Field | None:
        return next((f for f in self.embedded if f.tag in tags and not f.is_control_field()), None)


def embedded_fields(source: Field) -> LinkParts:
    """Regroup a linking field's subfields into its own subfields and embedded fields."""
    parts = LinkParts()
    current: Field | None = None
    for sf in source.subfields:
        if sf.code == "1":
            current = _open_embedded(sf.value, parts)
            continue
        if current is None:
            parts.own.append(sf)
        elif not current.is_control_field():
            current.subfields.append(sf)
        else:
            parts.malformed.append(f"${sf.code} after embedded control field {current.tag}")
    return parts


def _open_embedded(value: str, parts: LinkParts) -> Field | None:
    tag = value[:3]
    if len(tag) < 3 or not tag.isalnum():
        parts.malformed.append(f"$1{value!r}")
        return None
    if tag.startswith("00"):
        embedded = Field(tag=tag, data=value[3:])
    else:
        indicators = (value[3:5] + "  ")[:2]
        embedded = Field(tag=tag, indicators=Indicators(indicators[0], indicators[1]), subfields=[])
    parts.embedded.append(embedded)
    return embedded
