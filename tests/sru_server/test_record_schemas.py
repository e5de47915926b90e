"""Record schemas: MARCXML, Dublin Core (against LC's Sandburg oracle) and MODS core."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree
from pymarc import Record, parse_xml_to_array

from kitapbridge.sru_server.dublin_core import DC_NAMESPACE, dublin_core_elements
from kitapbridge.sru_server.record_schemas import (
    DUBLIN_CORE,
    MARCXML,
    MODS,
    find_schema,
)

ORACLE = "marc/seed-format-marc/data/marcxml/sandburgdc.xml"


def squeezed(text: str) -> str:
    # LC's old stylesheet joins subfields without a space and pads with newlines.
    return "".join(text.split())


def test_dublin_core_matches_lc_oracle(sandburg: Record, shared_fixtures: Path) -> None:
    oracle = etree.parse(str(shared_fixtures / ORACLE)).getroot()
    expected = [
        (etree.QName(e).localname, squeezed(e.text or ""))
        for e in oracle
        if isinstance(e.tag, str) and (e.text or "").strip()
    ]
    ours = [(name, squeezed(value)) for name, value in dublin_core_elements(sandburg)]
    # Additions over the oracle (see dublin_core.py): type from leader/06, ISBN identifier.
    assert ("type", "text") in ours and ("identifier", "URN:ISBN:0152038655") in ours
    assert [
        pair
        for pair in ours
        if pair not in {("type", "text"), ("identifier", "URN:ISBN:0152038655")}
    ] == expected


def test_dublin_core_of_a_kazakh_record(abai: Record) -> None:
    element = DUBLIN_CORE.render(abai)
    assert element.tag == "{info:srw/schema/1/dc-schema}dc"
    assert [(etree.QName(e).localname, e.text) for e in element] == [
        ("title", "Қара сөздер : Слова назидания"),
        ("creator", "Абай Құнанбайұлы"),
        ("type", "text"),
        ("publisher", "Алматы : Жазушы,"),
        ("date", "2019."),
        ("language", "kaz"),
        ("subject", "Қазақ әдебиеті"),
        ("identifier", "URN:ISBN:9786010000007"),
    ]
    assert all(etree.QName(e).namespace == DC_NAMESPACE for e in element)


def test_marcxml_round_trips_through_pymarc(abai: Record) -> None:
    element = MARCXML.render(abai)
    collection = (
        b'<collection xmlns="http://www.loc.gov/MARC21/slim">'
        + etree.tostring(element)
        + b"</collection>"
    )
    back = parse_xml_to_array(BytesIO(collection), strict=True)[0]
    assert back.as_marc() == abai.as_marc()
    assert back["245"]["a"] == "Қара сөздер :"


def test_mods_core_elements(abai: Record) -> None:
    mods = MODS.render(abai)
    namespaces = {"m": "http://www.loc.gov/mods/v3"}

    def texts(path: str) -> list[str]:
        return [e.text or "" for e in mods.xpath(path, namespaces=namespaces)]

    assert mods.get("version") == "3.7"
    assert texts("m:titleInfo/m:title") == ["Қара сөздер"]
    assert texts("m:titleInfo/m:subTitle") == ["Слова назидания"]
    assert texts("m:name[@usage='primary']/m:namePart") == ["Абай Құнанбайұлы"]
    assert texts("m:typeOfResource") == ["text"]
    assert texts("m:originInfo/m:place/m:placeTerm") == ["Алматы"]
    assert texts("m:originInfo/m:publisher") == ["Жазушы"]
    assert texts("m:originInfo/m:dateIssued") == ["2019"]
    assert texts("m:language/m:languageTerm") == ["kaz"]
    assert texts("m:subject/m:topic") == ["Қазақ әдебиеті"]
    assert texts("m:classification[@authority='rubbk']") == ["83.3(5Каз)"]
    assert texts("m:identifier[@type='isbn']") == ["9786010000007"]
    assert texts("m:location/m:physicalLocation") == ["KZ-AST-SCH001"]
    assert texts("m:recordInfo/m:recordIdentifier[@source='KZ-UNION']") == ["kz0000007"]


@pytest.mark.parametrize(
    ("requested", "schema"),
    [
        ("marcxml", MARCXML),
        ("MARCXML", MARCXML),
        ("info:srw/schema/1/marcxml-v1.1", MARCXML),
        ("info:srw/schema/1/marcxml-1.1", MARCXML),
        ("MARC21-xml", MARCXML),
        ("dc", DUBLIN_CORE),
        ("info:srw/schema/1/dc-v1.1", DUBLIN_CORE),
        ("mods", MODS),
        ("info:srw/schema/1/mods-v3.5", MODS),
        ("http://www.loc.gov/mods/v3", MODS),
        ("unimarcxchange", None),
        ("info:srw/schema/1/DC-V1.1", None),
    ],
)
def test_schema_names(requested: str, schema: object) -> None:
    assert find_schema(requested) is schema
