"""The union catalog's tables as typed SQLAlchemy 2.0 models.

Uniqueness lives in the database, not only in code: a source record is unique
per (school, system, local id), a barcode per school, a quarantined record per
(run, index), a term-index row per (term, index, record). The Alembic migration
in ``catalog/alembic/versions`` creates exactly these tables; a test compares
the two so they cannot drift.

MARC21 is stored as binary ISO 2709 (``marc.writers.record_to_iso2709``): it is the
smallest of the three serialisations pymarc writes and the fastest to parse
back (``benchmarks/bench_import.py`` measures the three).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Term-index keys are compared byte-wise so that a prefix range (``term >= 'abai'
# AND term < 'abaj'``) is exactly "starts with", whatever the server's locale.
TermText = String(200).with_variant(String(200, collation="C"), "postgresql")
MAX_BARCODE_LENGTH = 64
"""Longest item barcode stored; ISO 28560 primary item identifiers are far shorter."""
# Identifiers ride on BIGINT in PostgreSQL; SQLite needs INTEGER for its rowid alias.
RowId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class RunStatus(StrEnum):
    """Where an import run stands. Only a ``completed`` full run sweeps deletions."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class SearchIndex(IntEnum):
    """The term index's indexes, as small integers in ``index_terms.idx`` and
    ``index_phrases.idx`` (some live only in the phrases)."""

    TITLE = 1
    CREATOR = 2
    SUBJECT = 3
    PUBLISHER = 4
    DATE = 5
    ISBN = 6
    ISSN = 7
    CONTROL_NUMBER = 8
    LANGUAGE = 9
    UDC = 10
    BBK = 11
    # Only in ``index_phrases`` (whole fields), never in ``index_terms``:
    DESCRIPTION = 12
    """Notes: 500 $a, 520 $a (skeleton words)."""
    TYPE = 13
    """The kind of resource from leader/06 and the form of item from 008 (one term each)."""
    TITLE_CASED = 21
    """The title fields' words as written (case kept), for CQL ``/respectCase``."""
    CREATOR_CASED = 22
    SUBJECT_CASED = 23
    PUBLISHER_CASED = 24


class School(Base):
    """A library, identified by its ISIL-style code (``KZ-…``)."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    isil: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str | None] = mapped_column(String(100))
    source_system: Mapped[str | None] = mapped_column(String(20))
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    """SHA-256 of the school's upload token; the token itself is never stored."""
    created_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"School(id={self.id!r}, isil={self.isil!r}, name={self.name!r})"


class ImportRun(Base):
    """One import of one school's export; the unit that resumes after a crash.

    ``records_done`` input positions are committed together with their effects
    and the counters, so a resumed run skips exactly those and counts the rest.
    """

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    system: Mapped[str] = mapped_column(String(20))
    source_name: Mapped[str] = mapped_column(Text, default="")
    started_by: Mapped[str] = mapped_column(String(200))
    full: Mapped[bool] = mapped_column(default=True)
    """A full export: records it does not contain are marked deleted at the end."""
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.RUNNING)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    records_total: Mapped[int | None]
    records_done: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    restored: Mapped[int] = mapped_column(default=0)
    deleted: Mapped[int] = mapped_column(default=0)
    quarantined: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)

    def __repr__(self) -> str:
        return f"ImportRun(id={self.id!r}, school_id={self.school_id!r}, status={self.status!r})"


class StoredRecord(Base):
    """A school's record: the raw bytes as delivered and its MARC21 conversion.

    ``content_hash`` hashes what the school delivered (MARC21 plus holdings), so
    a staff edit of ``marc`` does not make the next identical import look changed.
    ``last_seen_*`` are deliberately not indexed: every import touches them on every
    record, and an unindexed column keeps those updates cheap (PostgreSQL HOT).
    ``modified_at`` moves only when the content changes (OAI datestamp, SRU
    lastModificationDate), to a stamp from ``catalog.changes``: in commit order, so
    a harvest by date misses no late commit. The ``sort_*`` columns serve sorting and
    keyset paging.
    """

    __tablename__ = "source_records"
    __table_args__ = (
        UniqueConstraint("school_id", "system", "local_id", name="uq_source_records_local_id"),
        Index("ix_source_records_modified", "modified_at", "id"),
        Index("ix_source_records_sort_title", "sort_title", "id"),
        Index("ix_source_records_sort_creator", "sort_creator", "id"),
        Index("ix_source_records_sort_year", "sort_year", "id"),
        # What a hit list reads of each matching record, without visiting the table's
        # heap (87 MB at 100k records, this index 8 MB). SQLite has no INCLUDE and plans
        # rowid lookups on the table even with every column in the key (measured: no
        # gain), so there it is a small partial index on the id, kept only so that one
        # model describes the schema on both databases.
        Index(
            "ix_source_records_live_covering",
            "id",
            postgresql_include=[
                "sort_title",
                "sort_creator",
                "sort_year",
                "modified_at",
                "school_id",
            ],
            postgresql_where=text("deleted IS FALSE"),
            sqlite_where=text("deleted = 0"),
        ),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    system: Mapped[str] = mapped_column(String(20))
    local_id: Mapped[str] = mapped_column(String(200))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    raw_format: Mapped[str] = mapped_column(String(20))
    flavour: Mapped[str | None] = mapped_column(String(20))
    encoding: Mapped[str | None] = mapped_column(String(40))
    marc: Mapped[bytes] = mapped_column(LargeBinary)
    """MARC21 as ISO 2709, UTF-8 (leader/09 = 'a')."""
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    modified_at: Mapped[datetime]
    first_seen_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"))
    last_seen_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"))
    deleted: Mapped[bool] = mapped_column(default=False)
    sort_title: Mapped[str] = mapped_column(TermText, default="")
    sort_creator: Mapped[str] = mapped_column(TermText, default="")
    sort_year: Mapped[int] = mapped_column(default=0)
    """Publication year, 0 when unknown."""

    def __repr__(self) -> str:
        return (
            f"StoredRecord(id={self.id!r}, school_id={self.school_id!r}, "
            f"local_id={self.local_id!r}, deleted={self.deleted!r})"
        )


class RecordVersion(Base):
    """A previous version of a source record, kept when its content changed."""

    __tablename__ = "record_versions"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("source_records.id"), index=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    marc: Mapped[bytes] = mapped_column(LargeBinary)
    content_hash: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[datetime]
    replaced_at: Mapped[datetime]
    replaced_by_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    """The run that brought the newer version; NULL when a person edited the record."""


class Holding(Base):
    """A physical copy; its barcode (852 $p, the RFID primary item id) is unique per school."""

    __tablename__ = "holdings"
    __table_args__ = (
        Index(
            "uq_holdings_school_barcode",
            "school_id",
            "barcode",
            unique=True,
            sqlite_where=text("barcode IS NOT NULL"),
            postgresql_where=text("barcode IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("source_records.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    barcode: Mapped[str | None] = mapped_column(String(MAX_BARCODE_LENGTH))
    inventory_number: Mapped[str | None] = mapped_column(Text)
    call_number: Mapped[str | None] = mapped_column(Text)
    shelf_location: Mapped[str | None] = mapped_column(Text)
    sigla: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)


class QuarantinedRecord(Base):
    """A record that could not be converted, kept byte for byte with where and why."""

    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("run_id", "record_index", name="uq_quarantine_position"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    record_index: Mapped[int]
    byte_offset: Mapped[int] = mapped_column(BigInteger)
    local_id: Mapped[str | None] = mapped_column(String(200))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    reason: Mapped[str] = mapped_column(Text)
    issues: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AuditEntry(Base):
    """One change made by a person: who, when, what, why, and the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    who: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(RowId)
    why: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)


# The two index tables hold derived data, rebuilt from ``source_records.marc`` at will;
# they carry no foreign key, because a per-row FK check costs more than the row itself
# when an import writes millions of them. ``catalog.bulk`` deletes a record's rows
# whenever it replaces or deletes the record.


class IndexTerm(Base):
    """One word of one index of one record: the search engine's posting list.

    The primary key (term, idx, record_id) is the lookup path for a word, a
    prefix range and an ``any`` search alike, answered from the index alone.
    """

    __tablename__ = "index_terms"

    term: Mapped[str] = mapped_column(TermText, primary_key=True)
    idx: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    record_id: Mapped[int] = mapped_column(RowId, primary_key=True, index=True)


class IndexPhrase(Base):
    """One whole field of one index in skeleton form (``" abai joly "``).

    Serves exact-field matches and word-adjacency (phrase) checks on the
    records the term lookup has already narrowed down. Padded with spaces so a
    phrase is found as ``LIKE '% abai joly %'`` without matching part of a word.
    """

    __tablename__ = "index_phrases"
    __table_args__ = (Index("ix_index_phrases_lookup", "idx", "phrase"),)

    record_id: Mapped[int] = mapped_column(RowId, primary_key=True)
    idx: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    phrase: Mapped[str] = mapped_column(TermText, primary_key=True)


class CatalogChanges(Base):
    """The catalog's one change counter, bumped by every transaction that changes what
    SRU, Z39.50 or OAI-PMH can answer (``catalog.changes``).

    Its one row is updated under a row lock held to the writer's commit, so versions
    and stamps are handed out in commit order: a reader that sees ``version`` sees
    every change with a smaller one, and records stamped from ``stamped_at`` are
    stamped in the order they became visible.
    """

    __tablename__ = "catalog_changes"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    stamped_at: Mapped[datetime]
