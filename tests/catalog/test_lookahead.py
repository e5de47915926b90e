"""The import's lookahead: the next batch prepared in a thread, indexed only where needed."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from catalog_builders import SCHOOL, book, copy, incoming
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from test_ingest import first_export, import_export

from kitapbridge.catalog.indexing import WordFolder
from kitapbridge.catalog.ingest import write_batch
from kitapbridge.catalog.lookahead import (
    NumberedRecord,
    StoreScope,
    prepare_batch,
    prepared_ahead,
)
from kitapbridge.catalog.models import ImportRun, IndexTerm, School, SearchIndex
from kitapbridge.connectors.base import SourceSystem


def scope_of(sessions: sessionmaker[Session]) -> StoreScope:
    with sessions() as session:
        school_id = session.scalars(select(School.id).where(School.isil == SCHOOL)).one()
    return StoreScope(school_id, str(SourceSystem.MARC))


def test_only_records_not_stored_unchanged_are_indexed_ahead(
    sessions: sessionmaker[Session],
) -> None:
    import_export(sessions, first_export())
    export = [
        incoming(book("KZ-1", "Абай жолы"), holdings=[copy("B1"), copy("B2")], index=0),
        incoming(book("KZ-2", "Қазақ әдебиеті. 2-басылым"), holdings=[copy("B3")], index=1),
        incoming(book("KZ-9", "Көшпенділер"), index=2),
    ]
    numbered = [(n, source, conversion) for n, (source, conversion) in enumerate(export)]
    threads: set[str] = set()

    def batches() -> Iterator[list[NumberedRecord]]:
        for start in (0, 2):
            threads.add(threading.current_thread().name)
            yield numbered[start : start + 2]

    ready = list(prepared_ahead(batches(), sessions, scope_of(sessions), WordFolder()))

    assert [(b.first_position, b.size) for b in ready] == [(0, 2), (2, 1)]
    indexed = {r.local_id: r.indexed for b in ready for r in b.prepared}
    assert indexed == {"KZ-1": False, "KZ-2": True, "KZ-9": True}
    # The input was read by the preparing thread, never by the caller's.
    assert len(threads) == 1 and threads != {threading.current_thread().name}


def test_the_writer_indexes_a_written_record_the_lookahead_did_not(
    sessions: sessionmaker[Session],
) -> None:
    run_id = import_export(sessions, first_export()[:1]).id
    source, conversion = incoming(book("KZ-7", "Қан мен тер"), index=0)
    ready = prepare_batch([(0, source, conversion)])
    assert not ready.prepared[0].indexed
    with sessions.begin() as session:
        run = session.get(ImportRun, run_id)
        assert run is not None
        run.records_done = 0
        write_batch(session, run, ready, WordFolder())
    with sessions() as session:
        terms = session.scalars(
            select(IndexTerm.term)
            .where(IndexTerm.idx == SearchIndex.TITLE)
            .order_by(IndexTerm.term)
            .distinct()
        )
        assert list(terms) == ["abai", "joly", "kan", "men", "ter"]
