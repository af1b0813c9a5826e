"""Registering webhooks, queueing an alert's deliveries, and recording each attempt.

Nothing here commits, and nothing here makes a request: `tasks.deliver` claims due deliveries
one at a time (a conditional UPDATE, so two runners never send the same attempt), sends them
with a `WebhookSender`, and records the outcome. Raising an alert only queues rows and a job,
so a receiver that hangs or fails never slows the request or the screening that raised it.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, select

from compliance import clock
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation
from compliance.audit import service as audit
from compliance.errors import InvalidInput, NotFound, ProblemDetail
from compliance.jobs import service as job_service
from compliance.phrases import Phrase
from compliance.watchlist.models import Alert
from compliance.webhooks.delivery import (
    Attempt,
    WebhookPolicy,
    WebhookRefused,
    WebhookUnresolved,
    check_url,
)
from compliance.webhooks.models import (
    DeliveryCounts,
    DeliveryStatus,
    Webhook,
    WebhookCreate,
    WebhookDelivery,
    WebhookPublic,
)

DELIVER_KIND = "webhooks.deliver"
_KICKED = "hrd_webhooks_kicked"  # the transaction that queued a delivery job


def _url_problem(detail: str) -> InvalidInput:
    return InvalidInput(detail, errors=[ProblemDetail(pointer="/url", detail=detail)])


def register(
    *,
    session: Session,
    actor: Actor,
    webhook_in: WebhookCreate,
    policy: WebhookPolicy,
    max_per_organisation: int,
    now: datetime,
) -> tuple[Webhook, str]:
    """A new webhook and its signing secret (returned once; the caller shows it once)."""
    url = str(webhook_in.url)
    if len(url) > 2000:
        raise _url_problem(Phrase("The URL is longer than 2000 characters."))
    try:
        check_url(url, policy=policy)
    except (WebhookRefused, WebhookUnresolved) as exc:
        raise _url_problem(exc.detail) from exc
    count = session.execute(
        sa.select(sa.func.count())
        .select_from(Webhook)
        .where(Webhook.organisation_id == actor.organisation_id)
    ).scalar_one()
    if count >= max_per_organisation:
        raise InvalidInput(
            Phrase(
                "Your organisation has %(count)s webhooks, the most allowed (%(most)s); remove "
                "one first.",
                count=count,
                most=max_per_organisation,
            )
        )
    secret = "whsec_" + secrets.token_urlsafe(32)
    webhook = Webhook(
        organisation_id=actor.organisation_id,
        url=url,
        description=webhook_in.description,
        secret=secret,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(webhook)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="webhook.registered",
        subject=webhook,
        details={"host": urlsplit(url).hostname},
        now=now,
    )
    return webhook, secret


def get_own(*, session: Session, actor: Actor, webhook_id: int) -> Webhook:
    webhook = session.exec(
        select(Webhook).where(
            Webhook.id == webhook_id, Webhook.organisation_id == actor.organisation_id
        )
    ).first()
    if webhook is None:
        raise NotFound(
            Phrase("There is no webhook %(webhook_id)s that you can see.", webhook_id=webhook_id)
        )
    return webhook


def remove(*, session: Session, actor: Actor, webhook_id: int, now: datetime) -> None:
    """Delete the webhook and its deliveries (pending ones are never sent)."""
    webhook = get_own(session=session, actor=actor, webhook_id=webhook_id)
    session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook.id))
    audit.record(
        session=session,
        actor=actor,
        action="webhook.removed",
        subject=webhook,
        details={"host": urlsplit(webhook.url).hostname},
        now=now,
    )
    session.delete(webhook)


def _counts(session: Session, webhook_ids: list[int]) -> dict[int, DeliveryCounts]:
    counts = {webhook_id: DeliveryCounts() for webhook_id in webhook_ids}
    if not webhook_ids:
        return counts
    rows = session.execute(
        sa.select(WebhookDelivery.webhook_id, WebhookDelivery.status, sa.func.count())
        .where(WebhookDelivery.webhook_id.in_(webhook_ids))
        .group_by(WebhookDelivery.webhook_id, WebhookDelivery.status)
    ).all()
    for webhook_id, status, number in rows:
        setattr(counts[webhook_id], DeliveryStatus(status).value, number)
    return counts


def _last_errors(session: Session, webhook_ids: list[int]) -> dict[int, str]:
    errors: dict[int, str] = {}
    if not webhook_ids:
        return errors
    rows = session.execute(
        sa.select(WebhookDelivery.webhook_id, WebhookDelivery.last_error)
        .where(
            WebhookDelivery.webhook_id.in_(webhook_ids),
            WebhookDelivery.last_error.is_not(None),
        )
        .order_by(WebhookDelivery.last_attempt_at.desc(), WebhookDelivery.id.desc())
    ).all()
    for webhook_id, error in rows:
        errors.setdefault(webhook_id, error)
    return errors


def public(session: Session, webhooks: list[Webhook]) -> list[WebhookPublic]:
    ids = [webhook.id for webhook in webhooks]
    counts, errors = _counts(session, ids), _last_errors(session, ids)
    return [
        WebhookPublic(
            id=webhook.id,
            url=webhook.url,
            description=webhook.description,
            created_at=webhook.created_at,
            deliveries=counts[webhook.id],
            last_error=errors.get(webhook.id),
        )
        for webhook in webhooks
    ]


def list_for(*, session: Session, organisation_id: int) -> list[WebhookPublic]:
    webhooks = session.exec(
        select(Webhook).where(Webhook.organisation_id == organisation_id).order_by(Webhook.id)
    ).all()
    return public(session, list(webhooks))


def recent_deliveries(
    *, session: Session, organisation_id: int, limit: int = 20
) -> list[tuple[WebhookDelivery, Webhook, Alert]]:
    """The investor's latest deliveries, newest first, for its watchlist page."""
    rows = session.execute(
        sa.select(WebhookDelivery, Webhook, Alert)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .join(Alert, Alert.id == WebhookDelivery.alert_id)
        .where(Webhook.organisation_id == organisation_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    ).all()
    return [tuple(row) for row in rows]


# --- Deliveries -----------------------------------------------------------------------------


def queue_for_alert(*, session: Session, alert: Alert, now: datetime) -> int:
    """One pending delivery per webhook of the alert's investor, and a job to send them now."""
    webhook_ids = session.exec(
        select(Webhook.id).where(Webhook.organisation_id == alert.investor_id)
    ).all()
    due_at = min(now, clock.now())  # at once, even when the trigger's `now` is ahead of the clock
    for webhook_id in webhook_ids:
        session.add(
            WebhookDelivery(
                webhook_id=webhook_id, alert_id=alert.id, next_attempt_at=due_at, created_at=now
            )
        )
    if webhook_ids and not _delivery_job_pending(session):
        job_service.enqueue(
            session=session,
            kind=DELIVER_KIND,
            params={},
            organisation_id=None,
            created_by_id=None,
        )
    return len(webhook_ids)


def _delivery_job_pending(session: Session) -> bool:
    """A delivery job is queued in this transaction already (one is enough for all alerts)."""
    transaction = session.get_transaction()
    if session.info.get(_KICKED) is transaction:
        return True
    session.info[_KICKED] = transaction
    return False


def due(*, session: Session, now: datetime, limit: int = 100) -> list[int]:
    return list(
        session.exec(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == DeliveryStatus.pending,
                WebhookDelivery.next_attempt_at <= now,
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        ).all()
    )


def claim(
    *, session: Session, delivery_id: int, policy: WebhookPolicy, now: datetime
) -> WebhookDelivery | None:
    """Take the next attempt of a due delivery, or None when another runner has it. The lease
    (`next_attempt_at` pushed past the attempt's longest duration) frees it if this runner dies."""
    claimed = session.execute(
        sa.update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.pending,
            WebhookDelivery.next_attempt_at <= now,
        )
        .values(
            attempts=WebhookDelivery.attempts + 1,
            last_attempt_at=now,
            next_attempt_at=now + policy.lease,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    delivery = session.get(WebhookDelivery, delivery_id)
    session.refresh(delivery)
    return delivery


def body_of(*, session: Session, alert: Alert) -> bytes:
    """The JSON every attempt of this alert sends (the same bytes each time)."""
    organisation = session.get(Organisation, alert.organisation_id)
    document = {
        "event_id": alert.event_id,
        "kind": str(alert.kind),
        "created_at": alert.created_at.isoformat().replace("+00:00", "Z"),
        "organisation": {"id": organisation.id, "name": organisation.name},
        "summary": alert.summary,
        "data": alert.payload,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def record(
    *,
    session: Session,
    delivery: WebhookDelivery,
    attempt: Attempt,
    policy: WebhookPolicy,
    now: datetime,
) -> None:
    """Keep the outcome of the claimed attempt: delivered, retried later, or failed for good."""
    values: dict = {"response_status": attempt.response_status}
    if attempt.delivered:
        values.update(status=DeliveryStatus.delivered, delivered_at=now, last_error=None)
    elif delivery.attempts >= policy.max_attempts:
        values.update(status=DeliveryStatus.failed, last_error=(attempt.error or "")[:500])
    else:
        values.update(
            next_attempt_at=now + policy.retry_delay(delivery.attempts),
            last_error=(attempt.error or "")[:500],
        )
    session.execute(
        sa.update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery.id,
            WebhookDelivery.attempts == delivery.attempts,
            WebhookDelivery.status == DeliveryStatus.pending,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
