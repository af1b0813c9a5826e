"""Webhook deliveries against a real HTTP receiver on 127.0.0.1: signed bodies, a 500 then a
200, a receiver that hangs, and addresses that are refused at registration and at delivery."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.clock import now
from compliance.jobs.models import Job
from compliance.watchlist import service as watchlist_service
from compliance.watchlist.models import Alert, AlertKind
from compliance.webhooks.delivery import RequestsWebhookSender, WebhookPolicy, signature
from compliance.webhooks.models import DeliveryStatus
from tests.conftest import World
from tests.watchlist.support import second_investor
from tests.webhooks.support import (
    Receiver,
    allow_local_webhooks,
    deliveries,
    register,
    run_delivery_job,
    start_receiver,
    verify,
    wait_for,
    watch,
)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    shutdown = start_receiver(receiver)
    yield receiver
    shutdown()


@pytest.fixture
def local(app: Flask) -> Flask:
    allow_local_webhooks(app)
    return app


def _raise(app: Flask, world: World, who: str = "company_a", at=None) -> Alert:
    """An alert on a watched organisation, committed as a trigger would commit it."""
    with db.session_scope(app) as session:
        [alert] = watchlist_service.raise_alert(
            session=session,
            organisation_id=world[who].organisation_id,
            kind=AlertKind.certificate_suspended,
            payload={"cert_id": "HRD-2026-000001", "status": "suspended"},
            now=at or now(),
        )
        session.commit()
        session.expunge(alert)
        return alert


def test_a_delivery_is_signed_with_the_webhook_secret(
    local: Flask, client: FlaskClient, world: World, receiver: Receiver
) -> None:
    watch(client, world, "company_a")
    created = register(client, world, receiver.url)
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    alert = _raise(local, world)
    [row] = wait_for(local, lambda rows: rows[0].status == DeliveryStatus.delivered)
    assert row.attempts == 1 and row.response_status == 200

    [received] = receiver.requests
    assert verify(secret, received)
    assert received.headers["X-HRD-Sentinel-Event-Id"] == alert.event_id
    assert received.headers["Content-Type"] == "application/json"
    body = received.json
    assert body["event_id"] == alert.event_id and body["kind"] == "certificate.suspended"
    assert body["organisation"] == {
        "id": world["company_a"].organisation_id,
        "name": "Minera Alfa S.A.",
    }
    assert body["data"] == {"cert_id": "HRD-2026-000001", "status": "suspended"}
    # A receiver checking the signature refuses another secret or a changed body.
    assert not verify("whsec_other", received)
    tampered = type(received)(received.headers, received.body.replace(b"suspended", b"active"))
    assert not verify(secret, tampered)
    assert signature("k", "1", b"{}") == (
        "sha256=" + hmac.new(b"k", b"1.{}", hashlib.sha256).hexdigest()
    )

    listed = client.get("/api/v1/webhooks", headers=world["investor"].headers).get_json()
    assert secret not in str(listed)
    assert listed["items"][0]["deliveries"] == {"pending": 0, "delivered": 1, "failed": 0}


def test_a_receiver_answering_500_is_retried_and_gets_the_alert_once(
    local: Flask, client: FlaskClient, world: World, receiver: Receiver
) -> None:
    receiver.statuses = [500, 200]
    watch(client, world, "company_a")
    register(client, world, receiver.url)
    _raise(local, world)
    [row] = wait_for(local, lambda rows: rows[0].attempts == 1 and rows[0].last_error)
    assert row.status == DeliveryStatus.pending and row.response_status == 500
    assert "answered 500" in row.last_error
    assert row.next_attempt_at > row.last_attempt_at

    time.sleep(max(0.0, (row.next_attempt_at - now()).total_seconds()) + 0.05)
    run_delivery_job(local)
    [row] = deliveries(local)
    assert row.status == DeliveryStatus.delivered and row.attempts == 2
    assert row.response_status == 200 and row.last_error is None

    run_delivery_job(local)  # nothing is due any more: nothing is sent again
    assert len(receiver.requests) == 2 and len(receiver.answered(200)) == 1
    first, second = receiver.requests
    assert first.headers["X-HRD-Sentinel-Event-Id"] == second.headers["X-HRD-Sentinel-Event-Id"]
    assert first.body == second.body  # the same event, so receivers can drop the repeat


def test_a_receiver_that_hangs_is_retried_with_backoff_then_marked_failed(
    local: Flask, client: FlaskClient, world: World, receiver: Receiver
) -> None:
    receiver.delay = 30  # far beyond WEBHOOKS_TIMEOUT_SECONDS=1
    watch(client, world, "company_a")
    register(client, world, receiver.url)
    started = time.monotonic()
    _raise(local, world)
    assert time.monotonic() - started < 1, "raising an alert must not wait for the receiver"

    policy = WebhookPolicy.from_config(local.config)

    def recorded(rows, n: int) -> bool:
        """Attempt n is over (not merely claimed, which pushes next_attempt_at by the lease)."""
        row = rows[0]
        return row.attempts == n and (
            row.status != DeliveryStatus.pending
            or row.next_attempt_at < row.last_attempt_at + policy.lease
        )

    gaps = []
    for attempt in range(1, policy.max_attempts + 1):
        [row] = wait_for(local, lambda rows, n=attempt: recorded(rows, n))
        assert "did not answer within 1 seconds" in row.last_error
        if attempt < policy.max_attempts:
            assert row.status == DeliveryStatus.pending
            gaps.append(row.next_attempt_at - row.last_attempt_at)
            time.sleep(max(0.0, (row.next_attempt_at - now()).total_seconds()) + 0.05)
            run_delivery_job(local)
    assert row.status == DeliveryStatus.failed and row.attempts == 3
    assert row.response_status is None
    # Each wait is the attempt's timeout plus the backoff, which doubles.
    timeout = timedelta(seconds=policy.timeout_seconds)
    assert gaps[0] >= timeout + policy.retry_delay(1)
    assert gaps[1] >= timeout + policy.retry_delay(2)
    assert policy.retry_delay(2) == 2 * policy.retry_delay(1)
    assert len(receiver.requests) == 3

    run_delivery_job(local)  # a failed delivery is never tried again
    assert len(receiver.requests) == 3
    listed = client.get("/api/v1/webhooks", headers=world["investor"].headers).get_json()
    assert listed["items"][0]["deliveries"]["failed"] == 1
    assert "did not answer" in listed["items"][0]["last_error"]


def test_backoff_doubles_and_is_capped() -> None:
    policy = WebhookPolicy(backoff_seconds=60)
    assert [policy.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert policy.retry_delay(30) == timedelta(hours=6)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.7/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://192.168.1.20/hook",
    ],
)
def test_private_loopback_and_link_local_webhooks_are_refused(
    client: FlaskClient, world: World, url: str
) -> None:
    answer = client.post("/api/v1/webhooks", json={"url": url}, headers=world["investor"].headers)
    assert answer.status_code == 422
    problem = answer.get_json()
    assert "COMPLIANCE_WEBHOOKS_ALLOW_PRIVATE" in problem["detail"]
    assert "COMPLIANCE_WEBHOOKS_ALLOWED_NETWORKS" in problem["detail"]
    assert problem["errors"][0]["pointer"] == "/url"
    listed = client.get("/api/v1/webhooks", headers=world["investor"].headers).get_json()
    assert listed["items"] == []


def test_the_operator_may_allow_private_webhooks(
    app: Flask, client: FlaskClient, world: World
) -> None:
    headers = world["investor"].headers
    for url in ("ftp://example.org/hook", "http://user:pw@example.org/hook", "not a url"):
        assert (
            client.post("/api/v1/webhooks", json={"url": url}, headers=headers).status_code == 422
        )
    app.config["WEBHOOKS_ALLOWED_NETWORKS"] = ["10.8.0.0/16"]
    ok = client.post("/api/v1/webhooks", json={"url": "http://10.8.1.2/h"}, headers=headers)
    assert ok.status_code == 201
    other = client.post("/api/v1/webhooks", json={"url": "http://10.9.1.2/h"}, headers=headers)
    assert other.status_code == 422
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = True
    ok = client.post("/api/v1/webhooks", json={"url": "http://10.9.1.2/h"}, headers=headers)
    assert ok.status_code == 201


def test_a_name_re_pointed_at_loopback_after_registration_is_refused_at_delivery(
    receiver: Receiver,
) -> None:
    """DNS rebinding: the name resolves to a public address for the check, but the socket
    reaches 127.0.0.1; the connected peer is checked too, so nothing is sent."""

    def lying_resolver(host, port, **_kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]

    with RequestsWebhookSender(WebhookPolicy(timeout_seconds=1), resolve=lying_resolver) as s:
        attempt = s.send(
            f"http://localhost:{receiver.port}/hooks/hrd",
            secret="whsec_x",
            event_id="e-1",
            body=b"{}",
            timestamp=1,
        )
    assert not attempt.delivered
    assert "non-public address (127.0.0.1)" in attempt.error
    assert receiver.requests == []
    with RequestsWebhookSender(WebhookPolicy(timeout_seconds=1)) as s:
        refused = s.send(receiver.url, secret="whsec_x", event_id="e-2", body=b"{}", timestamp=1)
    assert not refused.delivered and "loopback" in refused.error and receiver.requests == []


def test_redirects_are_not_followed(receiver: Receiver) -> None:
    receiver.statuses = [302]
    policy = WebhookPolicy(
        timeout_seconds=1, allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),)
    )
    with RequestsWebhookSender(policy) as sender:
        attempt = sender.send(receiver.url, secret="s", event_id="e", body=b"{}", timestamp=1)
    assert not attempt.delivered and attempt.response_status == 302
    assert "not followed" in attempt.error and len(receiver.requests) == 1


def test_removing_a_webhook_drops_its_pending_deliveries_and_only_its_owner_may(
    local: Flask, client: FlaskClient, world: World, receiver: Receiver
) -> None:
    receiver.statuses = [500]
    watch(client, world, "company_a")
    created = register(client, world, receiver.url)
    _raise(local, world)
    wait_for(local, lambda rows: rows[0].attempts == 1 and rows[0].last_error)
    for who in ("company_a", "ngo", "reviewer"):
        refused = client.delete(f"/api/v1/webhooks/{created['id']}", headers=world[who].headers)
        assert refused.status_code == 403
    gone = client.delete(f"/api/v1/webhooks/{created['id']}", headers=world["investor"].headers)
    assert gone.status_code == 204
    assert deliveries(local) == []
    again = client.delete(f"/api/v1/webhooks/{created['id']}", headers=world["investor"].headers)
    assert again.status_code == 404


def test_alerts_for_an_investor_without_webhooks_queue_no_delivery(
    local: Flask, client: FlaskClient, world: World
) -> None:
    watch(client, world, "company_a")
    _raise(local, world)
    assert deliveries(local) == []


def test_one_delivery_job_is_queued_per_transaction_however_many_alerts(
    local: Flask, client: FlaskClient, world: World, receiver: Receiver
) -> None:
    other = second_investor(local)
    for member in (world["investor"], other):
        ids = [world["company_a"].organisation_id]
        client.post("/api/v1/watchlist", json={"organisation_ids": ids}, headers=member.headers)
        hook = client.post("/api/v1/webhooks", json={"url": receiver.url}, headers=member.headers)
        assert hook.status_code == 201
    with db.session_scope(local) as session:
        for _ in range(2):
            watchlist_service.raise_alert(
                session=session,
                organisation_id=world["company_a"].organisation_id,
                kind=AlertKind.incident_confirmed,
                payload={"incident": {"ref": "INC-1"}},
                now=now(),
            )
        session.commit()
        jobs = session.exec(select(Job).where(Job.kind == "webhooks.deliver")).all()
    assert len(jobs) == 1
    rows = wait_for(local, lambda rows: all(r.status == DeliveryStatus.delivered for r in rows))
    assert len(rows) == 4 and len(receiver.requests) == 4


def test_an_alert_raised_at_a_later_logical_time_is_sent_at_once(
    local: Flask, client: FlaskClient, world: World, receiver: Receiver
) -> None:
    """The expiry job may run with `now` past the expiry date; delivery follows the clock."""
    watch(client, world, "company_a")
    register(client, world, receiver.url)
    _raise(local, world, at=now() + timedelta(days=365))
    [row] = wait_for(local, lambda rows: rows[0].status == DeliveryStatus.delivered)
    assert row.attempts == 1 and len(receiver.requests) == 1
