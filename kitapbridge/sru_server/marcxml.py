"""A pymarc record as a MARCXML (MARC21slim) element, built directly with lxml.

pymarc's ``record_to_xml`` builds an ElementTree document that we would then have
to serialise and parse again to embed it in an SRU response; building the lxml
element directly costs a fraction of that per record.
"""

from __future__ import annotations

from lxml import etree
from pymarc import Record

MARCXML_NAMESPACE = "http://www.loc.gov/MARC21/slim"
_M = f"{{{MARCXML_NAMESPACE}}}"


def marcxml_element(record: Record) -> etree._Element:
    """``<record xmlns="http://www.loc.gov/MARC21/slim">`` with leader and fields in order."""
    root = etree.Element(_M + "record", nsmap={None: MARCXML_NAMESPACE})  # type: ignore[dict-item]
    etree.SubElement(root, _M + "leader").text = str(record.leader)
    for field in record.fields:
        if field.is_control_field():
            control = etree.SubElement(root, _M + "controlfield", tag=field.tag)
            control.text = field.data
            continue
        data = etree.SubElement(
            root, _M + "datafield", tag=field.tag, ind1=field.indicator1, ind2=field.indicator2
        )
        for subfield in field.subfields:
            etree.SubElement(data, _M + "subfield", code=subfield.code).text = subfield.value
    return root
