"""The audit log is a hash chain: every change is recorded, and any edit or deletion is named."""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.audit import service as audit
from compliance.audit.chain import EventContent, event_hash
from compliance.audit.models import AuditEvent
from tests.conftest import World


def _events(app: Flask) -> list[AuditEvent]:
    with db.session_scope(app) as session:
        return list(session.exec(sa.select(AuditEvent).order_by(AuditEvent.seq)).scalars())


def _sql(app: Flask, statement: str, **params) -> None:
    with db.engine(app).begin() as connection:
        connection.execute(sa.text(statement), params)


def test_state_changes_are_recorded_in_one_chain(app: Flask, world: World, client) -> None:
    client.delete("/api/v1/auth/tokens/1", headers=world["company_a"].headers)
    events = _events(app)
    actions = [e.action for e in events]
    assert actions.count("organisation.created") == 5 and actions.count("user.created") == 5
    assert actions[-1] == "token.revoked"
    assert events[-1].actor_user_id == world["company_a"].user_id
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    assert events[0].at.tzinfo is not None


def test_audit_verify_passes_on_an_intact_chain(app: Flask, world: World, runner) -> None:
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert f"{len(_events(app))} events checked" in result.output


def test_audit_verify_names_an_edited_event(app: Flask, world: World, runner) -> None:
    _sql(app, "UPDATE audit_event SET action = 'user.deleted' WHERE seq = 4")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at event 4" in result.output and "altered" in result.output


def test_audit_verify_names_an_event_rewritten_with_a_fresh_hash(
    app: Flask, world: World, runner
) -> None:
    original = _events(app)[2]
    forged = EventContent(
        seq=original.seq,
        at=original.at,
        actor_user_id=999,
        actor_organisation_id=original.actor_organisation_id,
        action=original.action,
        subject_type=original.subject_type,
        subject_id=original.subject_id,
        details=original.details,
        prev_hash=original.prev_hash,
    )
    _sql(
        app,
        "UPDATE audit_event SET actor_user_id = 999, hash = :h WHERE seq = :s",
        h=event_hash(forged),
        s=original.seq,
    )
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"BROKEN at event {original.seq}" in result.output


def test_audit_verify_names_a_deleted_event(app: Flask, world: World, runner) -> None:
    _sql(app, "DELETE FROM audit_event WHERE seq = 6")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "event 6 is missing" in result.output


def test_audit_verify_notices_the_newest_event_removed(app: Flask, world: World, runner) -> None:
    last = _events(app)[-1].seq
    _sql(app, "DELETE FROM audit_event WHERE seq = :s", s=last)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"event {last} is missing" in result.output


def test_a_rolled_back_change_leaves_no_event(app: Flask, world: World) -> None:
    before = len(_events(app))
    with db.session_scope(app) as session:
        audit.record(session=session, actor=None, action="test.nothing")
        session.rollback()
    assert len(_events(app)) == before
    with db.session_scope(app) as session:
        assert audit.verify(session=session)[1] is None


def test_concurrent_writers_extend_one_unbroken_chain(app: Flask, world: World) -> None:
    import threading

    barrier = threading.Barrier(12)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with db.session_scope(app) as session:
                barrier.wait()
                audit.record(session=session, actor=None, action=f"test.concurrent.{n}")
                session.commit()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    actions = [e.action for e in _events(app)]
    assert sum(a.startswith("test.concurrent.") for a in actions) == 12
    with db.session_scope(app) as session:
        assert audit.verify(session=session)[1] is None
