"""Job kind of webhooks: send due deliveries; every minute, and right after an alert."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from compliance import clock
from compliance.jobs.registry import JobContext, task
from compliance.watchlist.models import Alert
from compliance.webhooks import service as webhook_service
from compliance.webhooks.delivery import RequestsWebhookSender, WebhookPolicy
from compliance.webhooks.models import Webhook

BATCH = 100


@task(webhook_service.DELIVER_KIND, every=timedelta(minutes=1))
def deliver(context: JobContext) -> dict:
    """Each due delivery: claim it (committed), POST it, record the outcome (committed). A
    delivery claimed by another runner is skipped; one whose runner died is retried after its
    lease. Only deliveries due when the job starts are tried, so a failing receiver is retried
    by a later run, after its backoff."""
    session = context.session
    policy = WebhookPolicy.from_config(current_app.config)
    counts = {"delivered": 0, "retrying": 0, "failed": 0, "skipped": 0}
    ids = webhook_service.due(session=session, now=clock.now(), limit=BATCH)
    with RequestsWebhookSender(policy) as sender:
        for delivery_id in ids:
            delivery = webhook_service.claim(
                session=session, delivery_id=delivery_id, policy=policy, now=clock.now()
            )
            session.commit()
            if delivery is None:
                counts["skipped"] += 1
                continue
            webhook = session.get(Webhook, delivery.webhook_id)
            alert = session.get(Alert, delivery.alert_id)
            if webhook is None or alert is None:  # removed meanwhile, with its deliveries
                counts["skipped"] += 1
                continue
            body = webhook_service.body_of(session=session, alert=alert)
            session.commit()  # no transaction stays open while the receiver takes its time
            moment = clock.now()
            attempt = sender.send(
                webhook.url,
                secret=webhook.secret,
                event_id=alert.event_id,
                body=body,
                timestamp=int(moment.timestamp()),
            )
            webhook_service.record(
                session=session, delivery=delivery, attempt=attempt, policy=policy, now=clock.now()
            )
            session.commit()
            if attempt.delivered:
                counts["delivered"] += 1
            elif delivery.attempts >= policy.max_attempts:
                counts["failed"] += 1
            else:
                counts["retrying"] += 1
    return counts
