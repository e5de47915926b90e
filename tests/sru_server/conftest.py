"""Records, schemas and golden-file checks shared by the SRU server tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from pymarc import Field, Record, Subfield, parse_xml_to_array


@pytest.fixture(scope="session")
def sandburg(shared_fixtures: Path) -> Record:
    """LC's Sandburg example record (the MARC → DC oracle's input)."""
    path = shared_fixtures / "marc/seed-format-marc/data/marcxml/sandburg.xml"
    return parse_xml_to_array(str(path), strict=True)[0]


@pytest.fixture(scope="session")
def abai() -> Record:
    """A Kazakh school-library record with Kazakh, Russian and BBK data."""
    record = Record(force_utf8=True, leader="00000nam a2200000 i 4500")
    record.add_field(
        Field(tag="001", data="kz0000007"),
        Field(tag="003", data="KZ-UNION"),
        Field(tag="005", data="20260115093000.0"),
        Field(tag="008", data="240101s2019    kz            000 0 kaz d"),
        Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", "9786010000007")]),
        Field(
            tag="084",
            indicators=[" ", " "],
            subfields=[Subfield("a", "83.3(5Каз)"), Subfield("2", "rubbk")],
        ),
        Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", "Абай Құнанбайұлы")]),
        Field(
            tag="245",
            indicators=["1", "0"],
            subfields=[Subfield("a", "Қара сөздер :"), Subfield("b", "Слова назидания")],
        ),
        Field(
            tag="260",
            indicators=[" ", " "],
            subfields=[Subfield("a", "Алматы :"), Subfield("b", "Жазушы,"), Subfield("c", "2019.")],
        ),
        Field(tag="650", indicators=[" ", "7"], subfields=[Subfield("a", "Қазақ әдебиеті")]),
        Field(tag="852", indicators=[" ", " "], subfields=[Subfield("a", "KZ-AST-SCH001")]),
    )
    return record


@pytest.fixture(scope="session")
def sru2_schema(shared_fixtures: Path) -> etree.XMLSchema:
    """OASIS SRU 2.0 response schemas (indexdata/sru-schemas fork, loadable by libxml2)."""
    return etree.XMLSchema(etree.parse(str(shared_fixtures / "xsd/sru-2.0/sruResponse.xsd")))


@pytest.fixture(scope="session")
def explain_schema(shared_fixtures: Path) -> etree.XMLSchema:
    """OASIS explain.xsd (ZeeRex 2.0 namespace)."""
    return etree.XMLSchema(etree.parse(str(shared_fixtures / "xsd/sru-2.0/explain.xsd")))
