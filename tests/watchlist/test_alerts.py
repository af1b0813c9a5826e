"""The three triggers: certificate status changes, confirmed incidents and admitted challenges
raise alerts for the investors watching the organisation, and for nobody else; alerts carry
public data only, by API, e-mail and webhook."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.certificates import status as certificate_status
from compliance.certificates.models import Certificate
from compliance.notifications.models import OutboxMessage
from tests.certificates.support import certify
from tests.challenges.support import GROUNDS, filer_secrets
from tests.conftest import World
from tests.watchlist.support import (
    SECRETS,
    alerts,
    incident_with_protected_fields,
    second_investor,
    suggested_match,
)
from tests.webhooks.support import (
    Receiver,
    allow_local_webhooks,
    register,
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


def _certify(app: Flask) -> str:
    """Company A's certificate, issued the real way (approval of its assessment)."""
    return certify(app, organisation="Minera Alfa S.A.")


def _status(client: FlaskClient, world: World, cert_id: str, action: str) -> None:
    answer = client.post(
        f"/api/v1/certificates/{cert_id}/status",
        json={"action": action, "reason": f"Reviewers decided to {action} it."},
        headers=world["reviewer"].headers,
    )
    assert answer.status_code == 200, answer.get_json()


def _mails_to(app: Flask, address: str) -> list[OutboxMessage]:
    with db.session_scope(app) as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "watchlist.alert", OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def test_certificate_changes_alert_the_investors_watching_only(
    app: Flask, client: FlaskClient, world: World
) -> None:
    other = second_investor(app)
    watch(client, world, "company_a")
    watch(client, world, "company_b", who="investor")
    watched = client.post(
        "/api/v1/watchlist",
        json={"organisation_ids": [world["company_b"].organisation_id]},
        headers=other.headers,
    )
    assert watched.status_code == 200
    cert_id = _certify(app)
    for action in ("suspend", "reinstate", "revoke"):
        _status(client, world, cert_id, action)

    seen = alerts(client, world["investor"])
    assert [a["kind"] for a in seen] == [
        "certificate.issued",
        "certificate.suspended",
        "certificate.reinstated",
        "certificate.revoked",
    ]
    assert all(a["organisation_id"] == world["company_a"].organisation_id for a in seen)
    assert seen[1]["payload"]["cert_id"] == cert_id
    assert seen[1]["payload"]["status"] == "suspended"
    assert seen[1]["payload"]["status_reason"] == "Reviewers decided to suspend it."
    assert f"Certificate {cert_id} of Minera Alfa S.A. was revoked." == seen[3]["summary"]
    assert alerts(client, other) == []  # watches company B only

    mails = _mails_to(app, world["investor"].email)
    assert len(mails) == 4 and cert_id in mails[1].subject and "suspended" in mails[1].subject
    assert _mails_to(app, other.email) == []


def test_expiry_and_supersession_alert_too(app: Flask, client: FlaskClient, world: World) -> None:
    watch(client, world, "company_a")
    first = _certify(app)
    second = _certify(app)  # a new certificate supersedes the first
    with db.session_scope(app) as session:
        expires_at = session.exec(
            select(Certificate.expires_at).where(Certificate.cert_id == second)
        ).one()
        certificate_status.expire_due(session=session, now=expires_at + timedelta(seconds=1))
        session.commit()
    kinds = [(a["kind"], a["payload"]["cert_id"]) for a in alerts(client, world["investor"])]
    assert kinds == [
        ("certificate.issued", first),
        ("certificate.issued", second),
        ("certificate.superseded", first),
        ("certificate.expired", second),
    ]


def test_a_confirmed_incident_alerts_watchers_without_protected_fields_or_waiting(
    app: Flask, client: FlaskClient, world: World, receiver: Receiver
) -> None:
    allow_local_webhooks(app)
    app.config["WEBHOOKS_TIMEOUT_SECONDS"] = 10  # were delivery synchronous, it would take 10 s
    other = second_investor(app)
    watch(client, world, "company_a")
    created = register(client, world, receiver.url)
    receiver.delay = 30  # a receiver that hangs must not hold up the reviewer
    ref = incident_with_protected_fields(client, world)
    match_id = suggested_match(app, world, ref)

    started = time.monotonic()
    confirmed = client.post(
        f"/api/v1/matches/{match_id}/review",
        json={"decision": "confirm", "reason": f"Confirmed with {SECRETS['reporter']} by phone."},
        headers=world["reviewer"].headers,
    )
    elapsed = time.monotonic() - started
    assert confirmed.status_code == 200, confirmed.get_json()
    assert elapsed < 5, f"confirming took {elapsed:.1f} s: it waited for the receiver"

    [alert] = alerts(client, world["investor"])
    assert alert["kind"] == "incident.confirmed"
    incident = alert["payload"]["incident"]
    assert incident["ref"] == ref and incident["country"] == "CO"
    assert incident["attack_types"] == ["killing"]
    assert alert["payload"]["method"] == "name" and alert["payload"]["score"] == 96
    assert alerts(client, other) == []

    deadline = time.monotonic() + 20
    while not receiver.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    received = receiver.requests[0]
    assert verify(created["secret"], received)
    texts = {
        "alert": json.dumps(alert),
        "mail": " ".join(m.subject + m.body for m in _mails_to(app, world["investor"].email)),
        "webhook": received.body.decode(),
    }
    assert texts["mail"] and ref in texts["mail"]
    for where, text in texts.items():
        for secret in SECRETS.values():
            assert secret not in text, f"{secret!r} leaked into the {where}"
        assert "-75.57" not in text and "explanation" not in text


def test_an_admitted_challenge_alerts_watchers_without_the_filer(
    app: Flask, client: FlaskClient, world: World, receiver: Receiver
) -> None:
    allow_local_webhooks(app)
    other = second_investor(app)
    watch(client, world, "company_a")
    created = register(client, world, receiver.url)
    cert_id = _certify(app)
    filed = client.post(
        f"/api/v1/certificates/{cert_id}/challenges",
        json={"grounds": GROUNDS, "claims": [{"kind": "scope"}]},
        headers=world["ngo"].headers,
    )
    assert filed.status_code == 201, filed.get_json()
    case = filed.get_json()["case_number"]
    kinds = [a["kind"] for a in alerts(client, world["investor"])]
    assert kinds == ["certificate.issued"]  # filed is not admitted yet

    acknowledged = client.post(
        f"/api/v1/challenges/{case}/decision",
        json={"action": "acknowledge"},
        headers=world["reviewer"].headers,
    )
    assert acknowledged.status_code == 200, acknowledged.get_json()
    admitted = alerts(client, world["investor"])[-1]
    assert admitted["kind"] == "challenge.admitted"
    assert admitted["payload"]["case_number"] == case
    assert admitted["payload"]["cert_id"] == cert_id
    assert admitted["payload"]["claims"] == [{"kind": "scope", "ref": None}]
    assert alerts(client, other) == []

    rows = wait_for(app, lambda rows: len(rows) == 2 and all(r.status != "pending" for r in rows))
    assert all(row.status == "delivered" for row in rows), rows
    assert all(verify(created["secret"], received) for received in receiver.requests)
    texts = [json.dumps(admitted), *(r.body.decode() for r in receiver.requests)]
    texts += [m.subject + m.body for m in _mails_to(app, world["investor"].email)]
    for text in texts:
        for secret in [*filer_secrets(world), GROUNDS]:
            assert secret.lower() not in text.lower(), f"{secret!r} leaked"


def test_organisations_nobody_watches_raise_no_alert(
    app: Flask, client: FlaskClient, world: World
) -> None:
    watch(client, world, "company_b")
    cert_id = _certify(app)
    _status(client, world, cert_id, "suspend")
    assert alerts(client, world["investor"]) == []
    with db.session_scope(app) as session:
        assert session.exec(select(OutboxMessage.kind)).all().count("watchlist.alert") == 0
