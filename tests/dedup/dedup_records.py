"""Small MARC21 book records for dedup tests, built field by field."""

from __future__ import annotations

import pymarc


def book(
    title: str,
    *,
    subtitle: str | None = None,
    responsibility: str | None = None,
    author: str | None = None,
    isbns: tuple[str, ...] = (),
    year: int | None = None,
    pages: str | None = None,
    edition: str | None = None,
    publisher: str | None = None,
    place: str = "Алматы",
    part_number: str | None = None,
    part_name: str | None = None,
    language: str = "kaz",
    country: str = "kz ",
    series: tuple[str, str] | None = None,
    record_type: str = "am",
    encoding_level: str = " ",
    nonfiling: int = 0,
) -> pymarc.Record:
    """A MARC21 record of a printed book; arguments are transcribed as a cataloguer would."""
    leader = f"00000n{record_type} a22000007i 4500"
    leader = leader[:17] + encoding_level + leader[18:]
    record = pymarc.Record(leader=leader, force_utf8=True)
    date = f"{year:04d}" if year else "uuuu"
    fixed = f"200101s{date}    {country}" + "a".ljust(17) + f"{language} d"
    assert len(fixed) == 40 and fixed[35:38] == language
    record.add_field(pymarc.Field(tag="008", data=fixed))
    record.add_field(*(_field("020", [("a", isbn)]) for isbn in isbns))
    if author:
        record.add_field(_field("100", [("a", author)], "1 "))
    title_subfields = [("a", title)]
    if subtitle:
        title_subfields.append(("b", subtitle))
    if part_number:
        title_subfields.append(("n", part_number))
    if part_name:
        title_subfields.append(("p", part_name))
    if responsibility:
        title_subfields.append(("c", responsibility))
    record.add_field(_field("245", title_subfields, f"1{nonfiling}"))
    if edition:
        record.add_field(_field("250", [("a", edition)]))
    imprint = [("a", place)]
    if publisher:
        imprint.append(("b", publisher))
    if year:
        imprint.append(("c", f"{year}."))
    record.add_field(_field("260", imprint))
    if pages:
        record.add_field(_field("300", [("a", pages)]))
    if series:
        record.add_field(_field("490", [("a", series[0]), ("v", series[1])], "0 "))
    return record


def _field(tag: str, subfields: list[tuple[str, str]], ind: str = "  ") -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(ind[0], ind[1]),
        subfields=[pymarc.Subfield(code, value) for code, value in subfields],
    )
