"""Zebra 2.2 (Index Data) as the reference SRU server: configuration, start and stop.

The configuration is the one in ``shared/docs/peers/zebra-and-yaz.md`` §9 (ICU word
and phrase registers, so Kazakh and Russian fold correctly), written into a
scratch directory; the server binds to loopback and is stopped by the PID we
started. Used by the differential test and by ``bench_sru``.
"""

from __future__ import annotations

import gzip
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pymarc

EXAMPLES = Path("/usr/share/doc/idzebra-2.0/examples/marcxml")
MODULES = Path("/usr/lib/x86_64-linux-gnu/idzebra-2.0/modules")


def zebra_available() -> bool:
    """Whether zebraidx/zebrasrv and the Debian example stylesheets are installed."""
    return all(shutil.which(b) for b in ("zebraidx", "zebrasrv")) and EXAMPLES.is_dir()


@contextmanager
def running_zebra(directory: Path, records: list[pymarc.Record]) -> Iterator[str]:
    """Index ``records`` into a fresh Zebra in ``directory``; yield its SRU base URL."""
    database = directory / "db"
    for sub in ("reg", "shadow", "lock", "tmp"):
        (database / sub).mkdir(parents=True, exist_ok=True)
    collection = directory / "records.xml"
    with collection.open("wb") as handle:
        writer = pymarc.XMLWriter(handle)
        for record in records:
            writer.write(record)
        writer.close(close_fh=False)
    port = free_port()
    _write_configuration(database, port)
    for step in (["init"], ["update", str(collection)], ["commit"]):
        subprocess.run(
            ["zebraidx", "-c", "zebra.cfg", *step], cwd=database, check=True, capture_output=True
        )
    server = subprocess.Popen(
        ["zebrasrv", "-f", "yazgfs.xml", "-l", "zebrasrv.log"],
        cwd=database,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}/Default"
    finally:
        server.terminate()
        server.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"zebrasrv did not listen on port {port}")


def _write_configuration(database: Path, port: int) -> None:
    for name in ("MARC21slim2SRWDC.xsl", "MARC21slim2MODS3-7.xsl", "MARC21slimUtils.xsl"):
        text = gzip.decompress((EXAMPLES / f"{name}.gz").read_bytes()).decode("utf-8")
        text = text.replace(
            "http://www.loc.gov/standards/marcxml/xslt/MARC21slimUtils.xsl", "MARC21slimUtils.xsl"
        )
        (database / name).write_text(text, encoding="utf-8")
    shutil.copy(EXAMPLES / "identity.xsl", database / "identity.xsl")
    bib1 = Path("/usr/share/idzebra-2.0/tab/bib1.att").read_text(encoding="utf-8")
    (database / "kzbib1.att").write_text(
        bib1 + "\n# local additions\natt 1044            Holdings-library\n", encoding="utf-8"
    )
    for name, text in _CONFIGURATION.items():
        (database / name).write_text(text.replace("@PORT@", str(port)), encoding="utf-8")


_CONFIGURATION = {
    "zebra.cfg": f"""profilePath: .:/usr/share/idzebra-2.0/tab
modulePath: {MODULES}
recordtype: dom.dom-conf.xml
attset: kzbib1.att
attset: explain.att
index: kz.idx
encoding: utf-8
register: ./reg:2G
shadow: ./shadow:1G
lockDir: ./lock
keyTmpDir: ./tmp
memMax: 256M
isam: b
""",
    "kz.idx": """index w
completeness 0
position 1
alwaysmatches 1
firstinfield 1
icuchain words-icu.xml

index p
completeness 1
icuchain phrases-icu.xml

index 0
completeness 0
position 1
charmap @

index n
completeness 0
charmap numeric.chr

sort s
completeness 1
icuchain phrases-icu.xml
""",
    "dom-conf.xml": """<?xml version="1.0" encoding="UTF-8"?>
<dom xmlns="http://indexdata.com/zebra-2.0">
  <input syntax="xml"><xmlreader level="1"/></input>
  <extract name="index"><xslt stylesheet="marc2index.xsl"/></extract>
  <retrieve name="marcxml"><xslt stylesheet="identity.xsl"/></retrieve>
  <retrieve name="dc"><xslt stylesheet="MARC21slim2SRWDC.xsl"/></retrieve>
  <retrieve name="index"><xslt stylesheet="marc2index.xsl"/></retrieve>
</dom>
""",
    "marc2index.xsl": """<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:m="http://www.loc.gov/MARC21/slim" xmlns:z="http://indexdata.com/zebra-2.0">
  <xsl:output method="xml" indent="yes" encoding="UTF-8"/>
  <xsl:template match="text()"/>
  <xsl:template match="/m:record">
    <z:record z:id="{normalize-space(m:controlfield[@tag='001'])}" z:type="update">
      <z:index name="Local-number:0"><xsl:value-of select="m:controlfield[@tag='001']"/></z:index>
      <xsl:for-each select="m:datafield[@tag='245']">
        <z:index name="Title:w Title:p Any:w"><xsl:value-of
          select="m:subfield[@code='a']"/></z:index>
        <z:index name="Title:s"><xsl:value-of select="m:subfield[@code='a']"/></z:index>
      </xsl:for-each>
      <xsl:for-each select="m:datafield[@tag='100' or @tag='700']/m:subfield[@code='a']">
        <z:index name="Author:w Author:p Any:w creator:s"><xsl:value-of select="."/></z:index>
      </xsl:for-each>
      <xsl:for-each select="m:datafield[starts-with(@tag,'6')]/m:subfield[@code='a']">
        <z:index name="Subject-heading:w Subject-heading:p Any:w"><xsl:value-of
          select="."/></z:index>
      </xsl:for-each>
      <xsl:for-each select="m:datafield[@tag='020']/m:subfield[@code='a']">
        <z:index name="ISBN:w"><xsl:value-of select="."/></z:index></xsl:for-each>
      <xsl:for-each select="m:datafield[@tag='260' or @tag='264']/m:subfield[@code='c']">
        <z:index name="Date-of-publication:n Date-of-publication:s Date:s"><xsl:value-of
          select="translate(., translate(., '0123456789', ''), '')"/></z:index></xsl:for-each>
    </z:record>
  </xsl:template>
</xsl:stylesheet>
""",
    "cql2pqf.txt": """set.cql  = info:srw/cql-context-set/1/cql-v1.2
set.dc   = info:srw/cql-context-set/1/dc-v1.1
set.bath = http://zing.z3950.org/cql/bath/2.0/
set.rec  = info:srw/cql-context-set/2/rec-1.1
set      = info:srw/cql-context-set/1/dc-v1.1
index.cql.serverChoice = 1=Any
index.cql.allRecords   = 1=_ALLRECORDS 2=103
index.rec.id           = 1=Local-number 4=3
index.dc.title         = 1=Title
index.dc.creator       = 1=Author
index.dc.subject       = 1=Subject-heading
index.dc.identifier    = 1=ISBN
index.dc.date          = 1=Date-of-publication 4=109
index.bath.isbn        = 1=ISBN
relation.<   = 2=1
relation.le  = 2=2
relation.eq  = 2=3
relation.exact = 2=3
relation.ge  = 2=4
relation.>   = 2=5
relation.<>  = 2=6
relation.all = 4=6
relation.any = 4=105
relation.scr = 2=3
relationModifier.relevant = 2=102
relationModifier.sort = 7=1
relationModifier.sort-desc = 7=2
position.first = 3=1 6=1
position.any = 3=3 6=1
position.last = 3=4 6=1
position.firstAndLast = 3=3 6=3
structure.exact = 4=108
structure.all = 4=2
structure.any = 4=2
structure.* = 4=1
truncation.right = 5=1
truncation.left  = 5=2
truncation.both  = 5=3
truncation.none  = 5=100
truncation.z3958 = 5=104
always = 6=1
""",
    "yazgfs.xml": """<?xml version="1.0" encoding="UTF-8"?>
<yazgfs>
  <listen id="public">tcp:127.0.0.1:@PORT@</listen>
  <server id="main" listenref="public">
    <directory>.</directory>
    <config>zebra.cfg</config>
    <cql2rpn>cql2pqf.txt</cql2rpn>
    <retrievalinfo xmlns="http://indexdata.com/yaz">
      <retrieval syntax="xml" name="marcxml" identifier="info:srw/schema/1/marcxml-v1.1">
        <backend syntax="xml" name="marcxml"/></retrieval>
      <retrieval syntax="xml" name="dc" identifier="info:srw/schema/1/dc-v1.1">
        <backend syntax="xml" name="dc"/></retrieval>
    </retrievalinfo>
  </server>
</yazgfs>
""",
}
