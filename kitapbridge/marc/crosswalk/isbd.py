"""ISBD punctuation in MARC21 style: the mark that introduces an element ends the previous subfield.

MARC21 records with Leader/18 ``i`` carry ISBD punctuation inside the subfields (``$a Title :
$b subtitle / $c statement``); RUSMARC leaves it to the display. These helpers add it without
doubling what the cataloguer already typed.
"""

from __future__ import annotations

#: Marks written with a space before them (``Title :``); the others follow the text directly.
_SPACED = frozenset({":", ";", "/", "=", "+", "--"})


def close(text: str, mark: str) -> str:
    """``text`` closed by an ISBD ``mark``: one of ``: ; / = +`` (spaced) or ``, .`` (not)."""
    stripped = text.rstrip()
    if not stripped or stripped.endswith(mark):
        return stripped
    if mark == "." and stripped[-1] in ".?!":
        return stripped
    if mark in _SPACED:
        return f"{stripped} {mark}"
    return stripped + mark


def join(parts: list[str], mark: str) -> str:
    """Join element texts inside one subfield: ``"a ; b"``, ``"a : b"``, ``"a, b"``."""
    result = ""
    for part in parts:
        result = part if not result else f"{close(result, mark)} {part.lstrip()}"
    return result


def punctuate(elements: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Subfields from ``(code, text, mark before it)``: each mark closes the preceding subfield."""
    out: list[tuple[str, str]] = []
    for code, text, mark in elements:
        if not text:
            continue
        if out and mark:
            prev_code, prev_text = out[-1]
            out[-1] = (prev_code, close(prev_text, mark))
        out.append((code, text))
    return out
