"""MARCXML reading: cut a file into ``<record>`` elements and parse each on its own.

libxml2 (and so lxml's ``iterparse``) stops for good at the first
well-formedness error, so one stray byte in a bulk file
(``mod-reservoir`` ``pennstate-bad-rec-20221216.xml``, line 13964) would lose
every record after it. Records are therefore cut out of the byte stream at their
start and end tags, and each is parsed by lxml with one secure parser: a broken
record is reported with its byte offset and lxml's message, and reading goes on
with the next. Memory stays bounded by the largest record.

Both namespaced MARCXML (``http://www.loc.gov/MARC21/slim``, with or without a
prefix) and RUSMARC-in-XML without a namespace are read; a record wrapped in
another element (an SRU ``recordData``) is found inside its wrapper.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import pymarc
from lxml import etree

from kitapbridge.marc.issues import RecordError
from kitapbridge.marc.leader import LeaderAsFound
from kitapbridge.marc.normalise import data_field

MARC21_NAMESPACE = "http://www.loc.gov/MARC21/slim"
_READ_SIZE = 1 << 20
MAX_RECORD_TEXT = 16 << 20
"""A record element still open after this many bytes is reported, not buffered further."""
_RECORD_START = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?record[\s/>]")
_ROOT_START = re.compile(rb"<(?![?!])[^>]*>")
_NAMESPACE_DECLARATION = re.compile(rb"""xmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']""")

PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)
"""The one parser: no entity expansion, no network, no DTD; broken input is an error."""


@dataclass(frozen=True)
class XmlChunk:
    """One ``<record>`` element as cut from the file; ``complete`` False if cut off.

    ``element`` is the element's bytes as found; ``document`` wraps them in the
    file's XML declaration and a ``<collection>`` carrying the namespace
    declarations of the file's root, so it parses (and can be stored and
    re-converted) on its own.
    """

    index: int
    offset: int
    element: bytes
    complete: bool
    context: bytes

    @property
    def document(self) -> bytes:
        return self.context + self.element + b"</collection>"


def iter_xml_chunks(stream: BinaryIO) -> Iterator[XmlChunk]:
    """Yield each record element of a MARCXML stream, in order, without parsing it."""
    buffer = b""
    consumed = 0
    context: bytes | None = None
    index = 0
    eof = False
    while not eof:
        block = stream.read(_READ_SIZE)
        eof = not block
        buffer += block
        if context is None:
            if len(buffer) < 4096 and not eof:
                continue
            context = _document_context(buffer)
        position = 0
        while True:
            start = _RECORD_START.search(buffer, position)
            if start is None:
                break
            end = _record_end(buffer, start)
            if end is None:
                if eof or len(buffer) - start.start() > MAX_RECORD_TEXT:
                    # cut off at the end of the file, or a record that never ends
                    yield XmlChunk(
                        index, consumed + start.start(), buffer[start.start() :], False, context
                    )
                    index += 1
                    position = len(buffer)
                else:
                    position = start.start()
                break
            yield XmlChunk(
                index, consumed + start.start(), buffer[start.start() : end], True, context
            )
            index += 1
            position = end
        if _RECORD_START.search(buffer, position) is None and not eof:
            # keep a tail that may hold the beginning of a start tag split by the read
            position = max(position, len(buffer) - 64)
        buffer = buffer[position:]
        consumed += position


def _record_end(buffer: bytes, start: re.Match[bytes]) -> int | None:
    """End of the element opened at ``start``, counting nested elements of the same name.

    An OAI-PMH response wraps each MARC ``<record>`` in an OAI ``<record>``
    (``pennstate-bad-rec-20221216.xml``), so the first closing tag is not ours.
    """
    prefix = start.group(1)
    name = (prefix + b":" if prefix else b"") + b"record"
    opening = re.compile(b"<" + re.escape(name) + rb"[\s/>]|</" + re.escape(name) + rb"\s*>")
    depth = 0
    position = start.start()
    while True:
        match = opening.search(buffer, position)
        if match is None:
            return None
        if match.group().startswith(b"</"):
            depth -= 1
            if depth == 0:
                return match.end()
            position = match.end()
            continue
        head_end = buffer.find(b">", match.start())
        if head_end < 0:
            return None
        if buffer[head_end - 1 : head_end] != b"/":
            depth += 1
        elif depth == 0:
            return head_end + 1
        position = head_end + 1


def _document_context(head: bytes) -> bytes:
    """The declaration and the root's namespace declarations, to wrap each record in."""
    encoding = _DECLARED_ENCODING.match(head)
    declaration = (
        b'<?xml version="1.0" encoding="' + (encoding.group(1) if encoding else b"UTF-8") + b'"?>'
    )
    first_record = _RECORD_START.search(head)
    prolog = head[: first_record.start()] if first_record else head
    namespaces = b" ".join(
        declaration_match.group()
        for tag in _ROOT_START.finditer(prolog)
        for declaration_match in _NAMESPACE_DECLARATION.finditer(tag.group())
    )
    return declaration + b"\n<collection " + namespaces + b">"


def check_empty_document(stream: BinaryIO) -> None:
    """Explain a MARCXML-looking file in which no ``<record>`` was found.

    An empty ``<collection>`` is fine (``mod-reservoir`` ``small.xml``); a file
    that is not well-formed or holds other XML (Dublin Core, TurboMARC) raises
    ``RecordError`` saying so.
    """
    root: str | None = None
    try:
        # Elements are cleared only at their end: clearing at "start" frees nodes
        # libxml2 is still building (a crash on seed-format-marc RUSMARC20190324.xml).
        for event, element in etree.iterparse(
            stream,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        ):
            if root is None:
                root = _describe_root(element)
                if root:
                    break  # another kind of XML: what it is says enough
            elif event == "end":
                element.clear()
    except etree.XMLSyntaxError as error:
        raise RecordError(
            f"no MARC records, and the XML is not well-formed: {error.msg}"
        ) from error
    if root is None:
        raise RecordError("no MARC records: the file holds no XML element")
    if root:
        raise RecordError(f"no MARC records: the root element is {root}")


def _describe_root(element: etree._Element) -> str:
    """Empty for a MARCXML collection, else what the root is instead."""
    name = etree.QName(element)
    if name.localname == "collection" and name.namespace in (None, MARC21_NAMESPACE):
        return ""
    where = f" in namespace {name.namespace}" if name.namespace else ""
    return f"<{name.localname}>{where}"


def parse_record_xml(document: bytes) -> pymarc.Record:
    """Parse the first record of a MARCXML document (``XmlChunk.document``, or a file).

    Raises ``RecordError`` with lxml's message when the document is not
    well-formed or holds no record with a leader.
    """
    try:
        root = etree.fromstring(document, PARSER)
    except etree.XMLSyntaxError as error:
        raise RecordError(f"XML not well-formed: {error.msg}") from error
    records = list(root.iter("{*}record", "record"))
    for element in records:
        leader = _child(element, "leader")
        if leader is not None:
            return _element_to_record(element, leader.text or "")
    # An OAI-PMH export (``pennstate-bad-rec-20221216.xml``, record 299) has a MARC
    # record without <leader>: its fields are kept under an empty leader, which
    # normalisation turns into a default one and reports.
    for element in reversed(records):
        if _child(element, "controlfield") is not None or _child(element, "datafield") is not None:
            return _element_to_record(element, "")
    raise RecordError("XML holds no MARC record (no leader and no fields)")


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return child
    return None


def _element_to_record(element: etree._Element, leader: str) -> pymarc.Record:
    record = pymarc.Record(to_unicode=True, force_utf8=True)
    # pymarc's Leader refuses a leader that is not 24 characters; keep the text as
    # found (``standburg.xml`` has 23) so that normalisation repairs and reports it.
    record.leader = LeaderAsFound(leader)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        tag = child.get("tag", "")
        if name == "controlfield":
            record.add_field(pymarc.Field(tag=tag, data=child.text or ""))
        elif name == "datafield":
            subfields = [
                pymarc.Subfield(sub.get("code", ""), sub.text or "")
                for sub in child
                if isinstance(sub.tag, str) and etree.QName(sub).localname == "subfield"
            ]
            indicators = pymarc.Indicators(
                (child.get("ind1") or " ")[:1], (child.get("ind2") or " ")[:1]
            )
            record.add_field(data_field(tag, indicators, subfields))
    return record
