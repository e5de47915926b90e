"""Alternate graphic representation: UNIMARC ``$6``/``$7`` field pairs → MARC21 880 + ``$6``.

UNIMARC links a field to its form in another script with ``$6`` (``z01700``: reason, link number
``01``, tag of the other field) and marks the script in ``$7`` (``ba`` Latin, ``ca`` Cyrillic…).
MARC21 keeps the regular field and puts the other script in 880, both carrying ``$6``
(``100-01/(B`` in the 880, ``880-01`` in the regular field), as RSL's MARC21 exports do.
"""

from __future__ import annotations

from collections.abc import Callable

from pymarc import Field, Subfield

from kitapbridge.marc.crosswalk import tables
from kitapbridge.marc.crosswalk.context import Context, first


def link_key(source: Field) -> str:
    """The link number and linked tag of ``$6`` (``"01700"``), empty when the field has none."""
    value = first(source, "6")
    return value[1:6] if len(value) >= 6 else ""


def alternate_sources(fields: list[Field]) -> set[int]:
    """Indices of fields that are another-script forms of an earlier field with the same link."""
    primary_keys: set[tuple[str, str]] = set()
    alternates: set[int] = set()
    for index, source in enumerate(fields):
        if source.is_control_field():
            continue
        key = link_key(source)
        if not key:
            continue
        if first(source, "7") and (source.tag, key) in primary_keys:
            alternates.add(index)
        elif not first(source, "7"):
            primary_keys.add((source.tag, key))
    return alternates


def add_alternate(
    ctx: Context,
    source: Field,
    handler: Callable[[Context, Field], bool],
    primary_output: dict[tuple[str, str], list[Field]],
) -> bool:
    """Map ``source`` in a scratch context and emit the result as 880 fields linked to the
    primary field's output. Returns False when the handler maps nothing."""
    scratch = Context(source=ctx.source, flavour=ctx.flavour)
    if not handler(scratch, source):
        return False
    ctx.issues.extend(scratch.issues)
    script = tables.SCRIPT.get(first(source, "7")[:2], "")
    targets = primary_output.get((source.tag, link_key(source)), [])
    for position, built in enumerate(scratch.fields):
        # pair by position: the scratch context may choose another tag (100 vs 700)
        target = targets[position] if position < len(targets) else None
        if target is None:
            link = f"{built.tag}-00"  # occurrence 00: no regular field to pair with
        else:
            ctx.alternate_links += 1
            link = f"{target.tag}-{ctx.alternate_links:02d}"
            target.subfields.insert(0, Subfield("6", f"880-{ctx.alternate_links:02d}"))
        link += f"/{script}" if script else ""
        ctx.fields.append(
            Field(
                tag="880",
                indicators=(target or built).indicators,
                subfields=[Subfield("6", link), *built.subfields],
            )
        )
    return True
