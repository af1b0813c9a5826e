"""Send the outbox over SMTP (smtplib) when COMPLIANCE_SMTP_URL is set:
``smtp://[user:password@]host[:port][?starttls=true]``."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlmodel import Session, select

from compliance.notifications.models import OutboxMessage

MAX_ATTEMPTS = 5
BATCH = 200


class BadSmtpUrl(ValueError):
    """COMPLIANCE_SMTP_URL cannot be understood."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url)
        if parts.scheme != "smtp" or not parts.hostname:
            raise BadSmtpUrl(
                "COMPLIANCE_SMTP_URL must look like smtp://user:password@host:587?starttls=true"
            )
        flags = parse_qs(parts.query)
        return cls(
            host=parts.hostname,
            port=parts.port or 25,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=flags.get("starttls", ["false"])[0].lower() in ("1", "true", "yes"),
        )


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to_address
    mail["Subject"] = message.subject
    mail.set_content(message.body)
    return mail


def deliver_pending(
    *, session: Session, settings: SmtpSettings, sender: str, now: datetime, timeout: float = 20
) -> int:
    """Send unsent messages in one SMTP connection; count those sent. A refused recipient is
    retried on later runs, up to MAX_ATTEMPTS."""
    pending = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(BATCH)
    ).all()
    if not pending:
        return 0
    sent = 0
    with smtplib.SMTP(settings.host, settings.port, timeout=timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        for message in pending:
            message.attempts += 1
            try:
                smtp.send_message(_email(message, sender))
            except smtplib.SMTPRecipientsRefused as error:
                message.last_error = str(error)[:500]
            else:
                message.sent_at = now
                message.last_error = None
                sent += 1
            session.add(message)
    return sent
