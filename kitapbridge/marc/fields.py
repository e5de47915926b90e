"""pymarc fields built in bulk, for the readers' hot loops.

``pymarc.Field()`` checks and re-spells every argument (tag given as a number,
indicators as a list, subfields in the pre-5.0 string form) and ``Subfield()``
goes through a Python-level ``__new__``; a reader makes some twenty of each per
record, already in the right form, and that checking is a tenth of the
conversion's time. These constructors make the same objects without it.
``tests/marc/test_fast_paths.py`` checks them against pymarc's own.
"""

from __future__ import annotations

from functools import cache

import pymarc

_new_field = pymarc.Field.__new__
_new_tuple = tuple.__new__


def new_data_field(
    tag: str, indicators: pymarc.Indicators, subfields: list[pymarc.Subfield]
) -> pymarc.Field:
    """``pymarc.Field(tag, indicators, subfields)`` for a three-character tag not 00X.

    Also what ``normalise.data_field`` makes for a 00X tag: a data field whatever the tag.
    """
    field = _new_field(pymarc.Field)
    field.tag = tag
    field.data = None
    field.control_field = False
    field._indicators = indicators
    field.subfields = subfields
    return field


@cache
def indicators(pair: str) -> pymarc.Indicators:
    """The ``Indicators`` of a two-character string (one shared object per pair)."""
    return pymarc.Indicators(pair[0], pair[1])


def subfield(code: str, value: str) -> pymarc.Subfield:
    """``pymarc.Subfield(code, value)`` without the namedtuple's Python-level ``__new__``."""
    return _new_tuple(pymarc.Subfield, (code, value))


def subfields_of(pieces: list[str]) -> list[pymarc.Subfield]:
    """Subfields from the text after each subfield delimiter: code, then value."""
    return [_new_tuple(pymarc.Subfield, (piece[:1], piece[1:])) for piece in pieces]
