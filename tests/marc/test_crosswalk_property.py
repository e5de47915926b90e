"""Property: any RUSMARC/UNIMARC-shaped record converts without crashing, and every source data
field is accounted for: either its tag is one the crosswalk maps, or it is kept in 995."""

from __future__ import annotations

import re
from collections import Counter

import pymarc
from hypothesis import given, settings
from hypothesis import strategies as st
from pymarc import Field, Indicators, Subfield

from kitapbridge.marc.crosswalk import HANDLED_TAGS, UNMAPPED_TAG, crosswalk_to_marc21
from kitapbridge.marc.flavour import Flavour

#: Tags the crosswalk knows, weighted in, plus arbitrary three-digit tags (local and unknown).
KNOWN_TAGS = sorted(HANDLED_TAGS[Flavour.RUSMARC] - {"001", "003", "005"})
tags = st.one_of(
    st.sampled_from(KNOWN_TAGS), st.from_regex(r"\A[0-9]{3}\Z").filter(lambda t: t >= "010")
)
codes = st.sampled_from([*"abcdefghijklmnopqrstuvwxyz0123456789", "U", " "])
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x1d\x1e\x1f"),
    max_size=40,
)
#: Values that look like embedded fields (``$1`` + tag + indicators) so 4XX parsing is exercised.
embedded = st.builds(
    lambda tag, ind, rest: tag + ind + rest, tags, st.text("01 #", max_size=2), text
)
indicator = st.sampled_from(list(" 0123456789#|"))


@st.composite
def data_fields(draw: st.DrawFn) -> Field:
    tag = draw(tags)
    subfields = draw(
        st.lists(
            st.one_of(
                st.builds(Subfield, codes, text),
                st.builds(Subfield, st.just("1"), embedded),
            ),
            max_size=8,
        )
    )
    return Field(
        tag=tag, indicators=Indicators(draw(indicator), draw(indicator)), subfields=subfields
    )


@st.composite
def records(draw: st.DrawFn) -> pymarc.Record:
    record = pymarc.Record(to_unicode=True, force_utf8=True)
    leader = draw(
        st.text(
            alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=24, max_size=24
        )
    )
    record.leader = pymarc.Leader(leader)
    if draw(st.booleans()):
        record.add_field(Field(tag="001", data=draw(text)))
    record.add_field(*draw(st.lists(data_fields(), max_size=25)))
    return record


@settings(max_examples=300, deadline=None)
@given(records(), st.sampled_from([Flavour.RUSMARC, Flavour.UNIMARC]))
def test_crosswalk_never_crashes_and_accounts_for_every_field(
    record: pymarc.Record, flavour: Flavour
) -> None:
    result = crosswalk_to_marc21(record, flavour)
    out = result.record
    assert len(out["008"].data) == 40
    assert len(str(out.leader)) == 24 and str(out.leader)[9] == "a"
    kept = Counter(
        (f.subfields[0].value, tuple(f.subfields[3:])) for f in out.get_fields(UNMAPPED_TAG)
    )
    assert sorted(tag for tag, _ in kept.elements()) == sorted(result.unmapped)
    sources = Counter(
        (f.tag, () if f.is_control_field() else tuple(f.subfields)) for f in record.get_fields()
    )
    # Whatever is kept in 995 is a source field, verbatim after the envelope ...
    assert not kept - sources
    # ... and every field whose tag the crosswalk does not map is kept there.
    unhandled = Counter(
        {key: n for key, n in sources.items() if key[0] not in HANDLED_TAGS[flavour]}
    )
    assert not unhandled - kept
    for field in out.get_fields():
        if not field.is_control_field() and field.tag != UNMAPPED_TAG:
            assert all(not set(sf.value) & set("\x98\x9c\x88\x89") for sf in field.subfields)


def _text(value: str) -> str:
    return " ".join(value.translate(_NO_MARKERS).split()).strip(" ,()")


_NO_MARKERS = str.maketrans("", "", "\x98\x9c\x88\x89")
#: Fields whose values are recoded rather than copied (coded data, ISBN/ISSN, language and
#: country codes), and subfields that are codes or links rather than text.
_RECODED_TAGS = frozenset({"010", "011", "100", "101", "102", "105", "106", "801", "886"})
_CODE_SUBFIELDS = frozenset("124567")


@settings(max_examples=200, deadline=None)
@given(records())
def test_text_of_every_mapped_field_reaches_the_output(record: pymarc.Record) -> None:
    """A mapped field is not consumed silently: some text of it is in the MARC21 output, or
    the subfields left out are named in an ``unmapped-subfield`` issue."""
    result = crosswalk_to_marc21(record, Flavour.RUSMARC)
    output = [
        _text(sf.value)
        for field in result.record.get_fields()
        if not field.is_control_field() and field.tag != UNMAPPED_TAG
        for sf in field.subfields
    ]
    kept = Counter((f["a"], tuple(f.subfields[3:])) for f in result.record.get_fields(UNMAPPED_TAG))
    reported = {
        (issue.tag, code)
        for issue in result.issues
        if issue.code == "unmapped-subfield"
        for code in re.findall(r"\$(.)", issue.message)
    }
    for source in record.get_fields():
        if source.is_control_field() or source.tag in _RECODED_TAGS:
            continue
        if kept[(source.tag, tuple(source.subfields))]:
            kept[(source.tag, tuple(source.subfields))] -= 1
            continue
        texts = [
            _text(sf.value)
            for sf in source.subfields
            if sf.code not in _CODE_SUBFIELDS and (source.tag, sf.code) not in reported
        ]
        texts = [text for text in texts if text]
        if texts:
            assert any(text in value for text in texts for value in output), str(record)
