"""The MARC flavours kitapbridge reads. All are converted to MARC21."""

from __future__ import annotations

from enum import StrEnum


class Flavour(StrEnum):
    MARC21 = "marc21"
    RUSMARC = "rusmarc"
    UNIMARC = "unimarc"
