"""Incremental dedup runs and imports that commit while a run is comparing."""

from __future__ import annotations

import threading
from typing import Any

from dedup_records import book
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker
from test_dedup_store import _alippe, _ids, _import, _incoming, sessions  # noqa: F401 (fixture)

from kitapbridge.catalog.models import StoredRecord
from kitapbridge.dedup import service
from kitapbridge.dedup.models import DedupMember

IMPORT_TIMEOUT = 60.0


def _import_while_dedup_waits(
    session: Session, factory: sessionmaker[Session], before: str, isil: str, record: Any
) -> list[bool]:
    """Commit ``record``'s import from another connection (and thread) just before the
    dedup session's first statement that starts with ``before``; returns a list that
    holds True once the import has committed."""
    committed: list[bool] = []

    def import_now(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if committed or not statement.lstrip().upper().startswith(before):
            return
        # Another thread: were the import to wait on a lock this run holds, the test
        # fails on the timeout instead of hanging.
        worker = threading.Thread(target=_import, args=(factory, isil, [record]))
        worker.start()
        worker.join(IMPORT_TIMEOUT)
        assert not worker.is_alive(), "the import waited on the dedup run"
        committed.append(True)

    event.listen(session.connection(), "before_cursor_execute", import_now)
    return committed


def _stamps(factory: sessionmaker[Session], record_id: int) -> tuple[Any, Any]:
    with factory() as session:
        modified_at = session.scalar(
            select(StoredRecord.modified_at).where(StoredRecord.id == record_id)
        )
        decided_at = session.scalar(
            select(DedupMember.decided_at).where(DedupMember.record_id == record_id)
        )
    return modified_at, decided_at


def _decided(session: Session) -> dict[int, Any]:
    rows = session.execute(select(DedupMember.record_id, DedupMember.decided_at))
    return {record_id: decided_at for record_id, decided_at in rows}


def test_a_record_imported_during_a_run_is_compared_again_by_the_next(
    sessions: sessionmaker[Session],  # noqa: F811
) -> None:
    with sessions.begin() as session:
        service.run_dedup(session, full=True)
    _import(sessions, "KZ-C", [_incoming("c1", _alippe("ӘЛІППЕ"), "C1")])
    ids = _ids(sessions)
    # c1 is new: the run reads it as Әліппе and compares it, and meanwhile KZ-C's next
    # export turns c1 into Абай жолы. On PostgreSQL the import commits after the
    # comparison, just before the run's stamp; SQLite has one writer, so it commits
    # before the run's first write (the stored features of c1), after the run's read.
    postgresql = sessions.kw["bind"].dialect.name == "postgresql"
    before = "UPDATE CATALOG_CHANGES" if postgresql else "DELETE FROM DEDUP_FEATURES"
    abai = _incoming("c1", book("Абай жолы", year=2012), "C1")
    with sessions.begin() as session:
        committed = _import_while_dedup_waits(session, sessions, before, "KZ-C", abai)
        racing = service.run_dedup(session)
    assert committed == [True]
    assert racing.compared == 3  # c1 (as read: Әліппе) against a1, b1 and b2
    with sessions() as session:
        assert service.cluster_members(session, f"c{ids['a1']}") == sorted(
            [ids["a1"], ids["b1"], ids["c1"]]
        )
    # The race itself: the run's stamp is later than the import it did not see.
    modified_at, decided_at = _stamps(sessions, ids["c1"])
    assert decided_at > modified_at

    with sessions.begin() as session:
        next_run = service.run_dedup(session)
    assert next_run.compared == 1  # c1 (now Абай жолы) against a2
    with sessions() as session:
        assert service.cluster_members(session, f"c{ids['a2']}") == [ids["a2"], ids["c1"]]
        assert service.cluster_members(session, f"c{ids['a1']}") == [ids["a1"], ids["b1"]]
        assert service.cluster_members(session, f"c{ids['b2']}") == [ids["b2"]]
    with sessions.begin() as session:
        settled = service.run_dedup(session)
    assert (settled.compared, settled.clusters, settled.multi_record_clusters) == (0, 3, 2)


def test_a_run_with_nothing_changed_since_the_last_compares_nothing(
    sessions: sessionmaker[Session],  # noqa: F811
) -> None:
    with sessions.begin() as session:
        service.run_dedup(session, full=True)
    _import(sessions, "KZ-C", [_incoming("c1", _alippe("ӘЛІППЕ"), "C1")])
    with sessions.begin() as session:
        assert service.run_dedup(session).compared == 3
    with sessions() as session:
        decided = _decided(session)
        membership = service.stored_membership(session)
    with sessions.begin() as session:
        again = service.run_dedup(session)
    assert (again.records, again.compared, again.clusters, again.review_open) == (5, 0, 3, 0)
    with sessions() as session:
        # Nothing re-stamped: a harvester asking for changes since then gets none.
        assert _decided(session) == decided
        assert service.stored_membership(session) == membership
