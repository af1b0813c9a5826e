"""Appending to the audit chain and checking it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, SQLModel, select

from compliance import db
from compliance.audit.chain import GENESIS, ChainBreak, EventContent, event_hash, first_break
from compliance.audit.models import AuditEvent, AuditHead
from compliance.clock import now as clock_now

VERIFY_BATCH = 5_000
# Lock key of appends to the chain: the bytes "hrdaudit" read as an integer.
CHAIN_LOCK_KEY = int.from_bytes(b"hrdaudit", "big")


def _subject_ref(subject: SQLModel | None) -> tuple[str | None, str | None]:
    if subject is None:
        return None, None
    identifier = getattr(subject, "id", None)
    return type(subject).__tablename__, None if identifier is None else str(identifier)


def record(
    *,
    session: Session,
    actor: Any,
    action: str,
    subject: SQLModel | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append an event in the caller's transaction; it commits or rolls back with the change.

    `details` must never carry protected data (names of defenders, challengers, locations).
    """
    if subject is not None and getattr(subject, "id", None) is None:
        session.flush()
    db.serialise_writes(session, key=CHAIN_LOCK_KEY)
    head = session.exec(select(AuditHead).where(AuditHead.id == 1)).first()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
    subject_type, subject_id = _subject_ref(subject)
    content = EventContent(
        seq=head.seq + 1,
        at=now or clock_now(),
        actor_user_id=getattr(actor, "id", None),
        actor_organisation_id=getattr(actor, "organisation_id", None),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details or {},
        prev_hash=head.hash,
    )
    event = AuditEvent(**vars(content), hash=event_hash(content))
    head.seq, head.hash = event.seq, event.hash
    session.add(event)
    session.add(head)
    session.flush()
    return event


def _content(event: AuditEvent) -> EventContent:
    return EventContent(
        seq=event.seq,
        at=event.at,
        actor_user_id=event.actor_user_id,
        actor_organisation_id=event.actor_organisation_id,
        action=event.action,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        details=event.details or {},
        prev_hash=event.prev_hash,
    )


def _events_in_order(session: Session):
    last_seq = 0
    while True:
        batch = session.exec(
            select(AuditEvent)
            .where(AuditEvent.seq > last_seq)
            .order_by(AuditEvent.seq)
            .limit(VERIFY_BATCH)
        ).all()
        if not batch:
            return
        for event in batch:
            yield _content(event), event.hash
        last_seq = batch[-1].seq
        session.expunge_all()


def verify(*, session: Session) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain; return how many events were checked and the first break, if any."""
    head = session.get(AuditHead, 1) or AuditHead(id=1, seq=0, hash=GENESIS)
    head_seq, head_hash = head.seq, head.hash
    checked = 0

    def counted():
        nonlocal checked
        for item in _events_in_order(session):
            checked += 1
            yield item

    problem = first_break(counted(), head_seq=head_seq, head_hash=head_hash)
    return checked, problem
