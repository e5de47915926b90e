"""Fields without a MARC21 target are kept, never dropped: local field 995 (see UNMAPPED_TAG).

995 layout (modelled on MARC21 886, *Foreign MARC Information Field*):

* indicators blank;
* ``$a`` the source tag, ``$b`` the source indicators (data field, two characters, blanks kept)
  or the source data (control field), ``$2`` the source format (``rusmarc`` / ``unimarc``);
* then the source field's subfields verbatim, in order.

The first three subfields are always the envelope, so the original field can be rebuilt exactly.
RUSMARC records exported by RSL carry original MARC21 fields in 886 ``ind1 2`` with ``$2 marc21``;
those are restored as the MARC21 fields they were (:func:`restore_foreign_field`).
"""

from __future__ import annotations

from pymarc import Field, Indicators, Subfield

from kitapbridge.marc.crosswalk.context import Context

UNMAPPED_TAG = "995"


def keep_unmapped(ctx: Context, source: Field) -> None:
    """Carry ``source`` into a 995 field and list its tag in ``ctx.unmapped``."""
    envelope = [Subfield("a", source.tag)]
    if source.is_control_field():
        envelope.append(Subfield("b", source.data or ""))
        body: list[Subfield] = []
    else:
        envelope.append(Subfield("b", f"{source.indicator1 or ' '}{source.indicator2 or ' '}"))
        body = list(source.subfields)
    envelope.append(Subfield("2", ctx.flavour.value))
    ctx.fields.append(
        Field(tag=UNMAPPED_TAG, indicators=Indicators(" ", " "), subfields=envelope + body)
    )
    ctx.unmapped.append(source.tag)


def restore_foreign_field(ctx: Context, source: Field) -> bool:
    """886 ``2_ $2 marc21 $a tag $b indicators …`` → the original MARC21 data field."""
    subfields = list(source.subfields)
    envelope = {sf.code: sf.value for sf in subfields[:3]}
    if source.indicator1 != "2" or set(envelope) != {"2", "a", "b"}:
        return False
    tag = envelope["a"]
    if envelope["2"].lower() != "marc21" or len(tag) != 3 or not tag.isdigit() or tag < "010":
        return False
    indicators = (envelope["b"] + "  ")[:2]
    ctx.fields.append(
        Field(tag=tag, indicators=Indicators(indicators[0], indicators[1]), subfields=subfields[3:])
    )
    return True
