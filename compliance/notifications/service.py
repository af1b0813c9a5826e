"""Queue messages in the caller's transaction: they leave only if the change commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from compliance.accounts.models import Organisation, OrganisationKind, User
from compliance.notifications.models import OutboxMessage


@dataclass(frozen=True)
class Recipient:
    address: str
    user_id: int | None = None


def users_of(*, session: Session, organisation_id: int) -> list[Recipient]:
    """The active users of one organisation."""
    users = session.exec(
        select(User).where(User.organisation_id == organisation_id, User.active).order_by(User.id)
    ).all()
    return [Recipient(u.email, u.id) for u in users]


def reviewers(*, session: Session) -> list[Recipient]:
    users = session.exec(
        select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.kind == OrganisationKind.certifier, User.active)
        .order_by(User.id)
    ).all()
    return [Recipient(u.email, u.id) for u in users]


def queue(
    *,
    session: Session,
    kind: str,
    recipients: Iterable[Recipient],
    subject: str,
    body: str,
    now: datetime,
) -> list[OutboxMessage]:
    """One message per distinct address."""
    messages = []
    seen: set[str] = set()
    for recipient in recipients:
        if recipient.address.lower() in seen:
            continue
        seen.add(recipient.address.lower())
        message = OutboxMessage(
            kind=kind,
            to_address=recipient.address,
            user_id=recipient.user_id,
            subject=subject,
            body=body,
            created_at=now,
        )
        session.add(message)
        messages.append(message)
    return messages


def for_user(*, session: Session, user_id: int, limit: int = 100) -> list[OutboxMessage]:
    """A user's messages, newest first: how they read them when no SMTP server is set up."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == user_id)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        ).all()
    )
