"""Copy-level values as school systems spell them: prices, inventory numbers, status words."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from kitapbridge.connectors.base import HoldingStatus

_PLACEHOLDER_INVENTORY = re.compile(r"0{1,3}")
_PRICE = re.compile(r"-?\d[\d\s\u00a0]*(?:[.,]\d+)?")

WRITTEN_OFF_WORDS = ("списан", "есептен шығарыл", "written off", "withdrawn")
LOST_WORDS = ("утерян", "утрачен", "жоғалған", "lost")


def placeholder_inventory_note(inventory_number: str | None) -> str | None:
    """A note when the inventory number is a placeholder (``0``, ``00``, ``000``).

    MARC-SQL installations fill the mandatory field with zeros for copies never
    accessioned (KazUTB ``LoadMarcPackage.php``); such a number identifies
    nothing and would collide across copies, so it is treated as missing.
    """
    if inventory_number is not None and _PLACEHOLDER_INVENTORY.fullmatch(inventory_number):
        return f"placeholder inventory number {inventory_number!r} treated as missing"
    return None


def parse_price(value: Any) -> Decimal | None:
    """A price from ``150``, ``150,00``, ``1 250.50 тг`` or a number; ``None`` if there is none."""
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    match = _PRICE.search(str(value))
    if match is None:
        return None
    digits = re.sub(r"[\s\u00a0]", "", match.group()).replace(",", ".")
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def parse_status(value: Any) -> HoldingStatus:
    """A copy status from a table cell in Russian, Kazakh or English; blank means available."""
    if value is None or not str(value).strip():
        return HoldingStatus.AVAILABLE
    text = str(value).strip().lower()
    if any(word in text for word in WRITTEN_OFF_WORDS):
        return HoldingStatus.WRITTEN_OFF
    if any(word in text for word in LOST_WORDS):
        return HoldingStatus.LOST
    if text in {"в фонде", "қорда", "available", "на месте", "есть"}:
        return HoldingStatus.AVAILABLE
    return HoldingStatus.UNKNOWN
