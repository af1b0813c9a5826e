"""Webhooks: where an investor's alerts are POSTed, signed with a secret shown once."""

from __future__ import annotations

from http import HTTPStatus

from flask import current_app

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import blueprint, respond
from compliance.clock import now
from compliance.webhooks import service as webhook_service
from compliance.webhooks.delivery import WebhookPolicy
from compliance.webhooks.models import WebhookCreate, WebhookCreated, WebhookList, WebhookPath

bp = blueprint(
    "api_webhooks",
    __name__,
    tag="Webhooks",
    description="Alerts POSTed as JSON signed with HMAC-SHA256, retried with backoff",
)


@bp.post(
    "/webhooks",
    summary="Register a webhook; its signing secret is returned only in this answer",
    description="Each alert is POSTed as JSON with the headers X-HRD-Sentinel-Event-Id (the "
    "same on every retry), X-HRD-Sentinel-Timestamp (Unix seconds) and "
    "X-HRD-Sentinel-Signature: sha256=<hex HMAC-SHA256 of timestamp + '.' + body>. Answer 2xx "
    "to acknowledge; other answers and timeouts are retried with exponential backoff. URLs to "
    "private, loopback or link-local addresses are refused unless the operator allows them.",
    responses={201: WebhookCreated},
)
def register_webhook(body: WebhookCreate):
    actor = current_actor()
    policy.require(actor, "webhook.manage")
    session = db.session()
    webhook, secret = webhook_service.register(
        session=session,
        actor=actor,
        webhook_in=body,
        policy=WebhookPolicy.from_config(current_app.config),
        max_per_organisation=int(current_app.config["WEBHOOKS_MAX_PER_ORGANISATION"]),
        now=now(),
    )
    session.commit()
    [view] = webhook_service.public(session, [webhook])
    return respond(WebhookCreated, {**view.model_dump(), "secret": secret}, HTTPStatus.CREATED)


@bp.get("/webhooks", summary="Your webhooks and their deliveries", responses={200: WebhookList})
def list_webhooks():
    actor = current_actor()
    policy.require(actor, "webhook.manage")
    items = webhook_service.list_for(session=db.session(), organisation_id=actor.organisation_id)
    return respond(WebhookList, {"items": items})


@bp.delete(
    "/webhooks/<int:webhook_id>",
    summary="Remove a webhook (its pending deliveries are dropped)",
    responses={204: None},
)
def remove_webhook(path: WebhookPath):
    actor = current_actor()
    policy.require(actor, "webhook.manage")
    session = db.session()
    webhook_service.remove(session=session, actor=actor, webhook_id=path.webhook_id, now=now())
    session.commit()
    return "", HTTPStatus.NO_CONTENT
