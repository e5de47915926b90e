"""Stored match features: reused while record and extractor are unchanged, re-read otherwise."""

from __future__ import annotations

from datetime import timedelta

from dedup_records import book
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from test_dedup_store import _alippe, _ids, sessions  # noqa: F401 (fixture)

from kitapbridge.catalog.models import StoredRecord
from kitapbridge.dedup import service
from kitapbridge.dedup.feature_store import (
    FEATURE_VERSION,
    features_from_json,
    features_to_json,
)
from kitapbridge.dedup.features import match_record
from kitapbridge.dedup.models import DedupFeatures


def test_features_survive_the_json_round_trip() -> None:
    record = match_record(
        7,
        book(
            "Қазақ әдебиеті",
            subtitle="оқулық",
            author="Әуезов, М.",
            isbns=("9786010000000", "5-93093-342-1"),
            year=2019,
            pages="240 б.",
            edition="2-е изд., перераб.",
            part_number="Т. 1",
            series=("Мектеп кітапханасы", "12"),
        ),
        school="KZ-A",
        local_id="a7",
    )
    assert features_from_json(7, features_to_json(record), "KZ-A", "a7") == record


def test_a_run_stores_features_and_the_next_reuses_them(
    sessions: sessionmaker[Session],  # noqa: F811
) -> None:
    with sessions.begin() as session:
        service.run_dedup(session, full=True)
    ids = _ids(sessions)
    with sessions.begin() as session:
        rows = session.scalars(select(DedupFeatures).order_by(DedupFeatures.record_id)).all()
        assert [r.record_id for r in rows] == sorted(ids.values())
        assert {r.feature_version for r in rows} == {FEATURE_VERSION}
        # Mark a1's stored features: a run that reuses them sees the mark.
        a1 = session.get(DedupFeatures, ids["a1"])
        assert a1 is not None
        a1.features = {**a1.features, "title": "stored"}
    with sessions.begin() as session:
        titles = {r.local_id: r.title for r in service.match_records(session)}
    assert titles["a1"] == "stored"
    assert titles["b1"] == "alippe"


def test_a_modified_record_is_read_again(sessions: sessionmaker[Session]) -> None:  # noqa: F811
    with sessions.begin() as session:
        service.run_dedup(session, full=True)
    ids = _ids(sessions)
    with sessions.begin() as session:
        a1 = session.get(DedupFeatures, ids["a1"])
        assert a1 is not None
        a1.features = {**a1.features, "title": "stored"}
        record = session.get(StoredRecord, ids["a1"])
        assert record is not None
        session.execute(
            update(StoredRecord)
            .where(StoredRecord.id == ids["a1"])
            .values(modified_at=record.modified_at + timedelta(seconds=1))
        )
    with sessions.begin() as session:
        titles = {r.local_id: r.title for r in service.match_records(session)}
        stored = session.get(DedupFeatures, ids["a1"])
        assert stored is not None
        assert stored.features["title"] == "alippe"
    assert titles["a1"] == "alippe"
