"""Incremental dedup runs and imports that commit while a run is comparing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from dedup_records import book
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker
from test_dedup_store import _alippe, _ids, _import, _incoming, sessions  # noqa: F401 (fixture)

from kitapbridge.catalog.models import StoredRecord
from kitapbridge.dedup import service
from kitapbridge.dedup.models import DedupMember

COMMIT_TIMEOUT = 60.0


def _commit_while_dedup_waits(
    session: Session, before: str, commit: Callable[[], None]
) -> list[bool]:
    """Run ``commit`` (its own session, so another connection) in another thread just
    before the dedup session's first statement that starts with ``before``; returns a
    list that holds True once it has committed."""
    committed: list[bool] = []

    def commit_now(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if committed or not statement.lstrip().upper().startswith(before):
            return
        # Another thread: were it to wait on a lock this run holds, the test fails on
        # the timeout instead of hanging.
        worker = threading.Thread(target=commit)
        worker.start()
        worker.join(COMMIT_TIMEOUT)
        assert not worker.is_alive(), "the concurrent commit waited on the dedup run"
        committed.append(True)

    event.listen(session.connection(), "before_cursor_execute", commit_now)
    return committed


def _after_the_comparison(factory: sessionmaker[Session]) -> str:
    """Where a concurrent commit lands in a run: on PostgreSQL after the comparison,
    just before the run's stamp; SQLite has one writer, so before the run's first
    write (the stored features of the records it read from their MARC)."""
    postgresql = factory.kw["bind"].dialect.name == "postgresql"
    return "UPDATE CATALOG_CHANGES" if postgresql else "DELETE FROM DEDUP_FEATURES"


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
    # export turns c1 into Абай жолы.
    abai = _incoming("c1", book("Абай жолы", year=2012), "C1")
    with sessions.begin() as session:
        committed = _commit_while_dedup_waits(
            session, _after_the_comparison(sessions), lambda: _import(sessions, "KZ-C", [abai])
        )
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


def test_a_staff_split_committed_during_a_run_is_kept(
    sessions: sessionmaker[Session],  # noqa: F811
) -> None:
    with sessions.begin() as session:
        service.run_dedup(session, full=True)
    ids = _ids(sessions)
    # b1 edited (still the same Әліппе): the run compares it again and re-places it.
    b2 = _incoming("b2", _alippe("Әліппе", 2019), "B2")  # unchanged
    _import(sessions, "KZ-B", [_incoming("b1", _alippe("Alippe"), "B1"), b2])

    def split() -> None:
        with sessions.begin() as staff_session:
            parts = [[ids["a1"]], [ids["b1"]]]
            why = "B's copy is the Latin-script edition"
            service.split_cluster(
                staff_session, f"c{ids['a1']}", parts, staff="Айгерім", reason=why
            )

    with sessions.begin() as session:
        committed = _commit_while_dedup_waits(session, _after_the_comparison(sessions), split)
        racing = service.run_dedup(session)
    assert committed == [True]
    assert racing.compared == 2  # b1 against a1 and b2
    with sessions() as session:
        assert service.cluster_members(session, f"c{ids['a1']}") == [ids["a1"]]
        assert service.cluster_members(session, f"c{ids['b1']}") == [ids["b1"]]
        assert service.cluster_members(session, f"c{ids['a2']}") == [ids["a2"]]
        assert service.cluster_members(session, f"c{ids['b2']}") == [ids["b2"]]
    with sessions.begin() as session:
        settled = service.run_dedup(session)
    assert (settled.compared, settled.clusters, settled.multi_record_clusters) == (0, 4, 0)


def test_a_run_committed_during_a_staff_split_is_kept(
    sessions: sessionmaker[Session],  # noqa: F811
) -> None:
    with sessions.begin() as session:
        service.run_dedup(session, full=True)
    ids = _ids(sessions)
    # b1 is now Абай жолы: the next run moves it from a1's cluster to a2's.
    b2 = _incoming("b2", _alippe("Әліппе", 2019), "B2")  # unchanged
    _import(sessions, "KZ-B", [_incoming("b1", book("Абай жолы", year=2012), "B1"), b2])

    def dedup() -> None:
        with sessions.begin() as dedup_session:
            assert service.run_dedup(dedup_session).compared == 1  # b1 against a2

    # The split is checked against the cluster as it was ({a1, b1}); the run that moves
    # b1 out of it commits before the split's stamp (on SQLite, before its first write).
    postgresql = sessions.kw["bind"].dialect.name == "postgresql"
    before = "UPDATE CATALOG_CHANGES" if postgresql else "INSERT INTO AUDIT"
    with sessions.begin() as session:
        committed = _commit_while_dedup_waits(session, before, dedup)
        parts = [[ids["a1"]], [ids["b1"]]]
        why = "B's copy is the Latin-script edition"
        service.split_cluster(session, f"c{ids['a1']}", parts, staff="Айгерім", reason=why)
    assert committed == [True]
    with sessions() as session:
        membership = service.stored_membership(session)
    # b1 stays where the run placed it (the split holds: it is not with a1).
    assert membership == {
        ids["a1"]: f"c{ids['a1']}",
        ids["a2"]: f"c{ids['a2']}",
        ids["b1"]: f"c{ids['a2']}",
        ids["b2"]: f"c{ids['b2']}",
    }
    with sessions.begin() as session:
        assert service.run_dedup(session).compared == 0
