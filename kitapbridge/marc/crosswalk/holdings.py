"""Holdings: RUSMARC 852 and 899 → MARC21 852 (+ 876 item), electronic location 856 (§3.6)."""

from __future__ import annotations

from pymarc import Field

from kitapbridge.marc.crosswalk import tables
from kitapbridge.marc.crosswalk.context import Context, indicator, values


def add_holdings(ctx: Context, source: Field) -> bool:
    """One location field → one 852, and one 876 when the field identifies a copy.

    RUSMARC 852 ``$m`` (item identifier) and 899 ``$p`` (unit designation) are the barcode,
    852 ``$n`` (copy identifier) the inventory number; they go to 876 ``$p`` / ``$a`` so that
    each copy has its own item field next to the location.
    """
    location_map = tables.HOLDINGS_852[source.tag]
    item_map = tables.HOLDINGS_876[source.tag]
    location = [
        (location_map[sf.code], sf.value)
        for sf in source.subfields
        if sf.code in location_map and sf.value
    ]
    item = [
        (item_map[sf.code], sf.value) for sf in source.subfields if sf.code in item_map and sf.value
    ]
    if not location and not item:
        return False
    ind1 = indicator(source, 1) if source.tag == "852" else " "
    ctx.add("852", ind1 if ind1 in " 012345678" else " ", " ", location)
    if item:
        ctx.add("876", " ", " ", sorted(item, key=lambda sf: sf[0]))
    ctx.report_unused(source, {*location_map, *item_map})
    return True


def add_856(ctx: Context, source: Field) -> None:
    """856 electronic location: copied (UNIMARC and MARC21 share its subfields). RUSMARC's
    second indicator ``0``/``1``/``2`` (resource / cover / text) has no MARC21 meaning and
    becomes blank; the first indicator (access method) is the same."""
    ind1 = indicator(source, 1)
    if ind1 not in "012347":
        ind1 = "4" if _is_http(source) else " "
    ctx.add("856", ind1, " ", [(sf.code, sf.value) for sf in source.subfields])


def _is_http(source: Field) -> bool:
    return any(url.lower().startswith(("http://", "https://")) for url in values(source, "u"))
