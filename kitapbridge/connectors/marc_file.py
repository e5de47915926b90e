"""Any MARC file (ISO 2709, MARCXML, MARC-in-JSON, line format) as a stream of ``SourceRecord``.

There is one way to read a MARC file in kitapbridge: ``kitapbridge.marc.read_marc_file``,
the tolerant reader that re-synchronises on the record terminator, re-reads a
bad directory and goes on after a broken MARCXML record. This connector only
names the school system that wrote the file and the file the records came from.

"KazMARC" exports need no connector of their own: nothing public specifies
that format (standards doc §1.4), so they are read here as any MARC file and
``kitapbridge.marc`` treats them as UNIMARC/RUSMARC family by flavour detection.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kitapbridge.connectors.base import SourceRecord, SourceSystem
from kitapbridge.connectors.errors import ConnectorError

# ``kitapbridge.marc`` imports ``connectors.base`` for ``SourceRecord``; importing the
# module (not its names) keeps that cycle harmless whichever package is imported first.
from kitapbridge.marc import formats, reading


class MarcFileConnector:
    """Iterates one MARC file; the local id of each record is its 001.

    ``system`` says which school system wrote the file (a KABIS or MARC-SQL
    ISO 2709 export is read the same way as any MARC file). Iterating raises
    ``ConnectorError`` when the file is not MARC at all.
    """

    def __init__(
        self, path: str | Path, system: SourceSystem = SourceSystem.MARC, *, source_name: str = ""
    ) -> None:
        self.path = Path(path)
        self.system = system
        self.source_name = source_name or self.path.name

    def __iter__(self) -> Iterator[SourceRecord]:
        try:
            for source in reading.read_marc_file(self.path, system=self.system):
                source.source_name = self.source_name
                yield source
        except formats.UnknownFormatError as error:
            raise ConnectorError(self.source_name, str(error)) from error
