"""A certificate's status after issue: suspend and reinstate, revoke, expire (the periodic job),
each by reviewers only, with a reason, audited, logged, reflected in the signed status lists and
in a PDF re-rendered by a job; serving the PDF never renders it."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.audit.models import AuditEvent
from compliance.certificates import rendering
from compliance.certificates.tasks import expire
from compliance.credentials.data_integrity import verify_credential
from compliance.credentials.keys import key_resolver, public_keys_from_jwks
from compliance.credentials.status_list import read_status
from compliance.credentials.timestamps import to_datetime_stamp
from compliance.jobs.models import Job
from compliance.jobs.registry import PERIODIC, JobContext
from compliance.transparency.models import LogEntry
from tests.certificates.support import (
    credential_of,
    issue_via_api,
    pdf_text_when_ready,
    pdf_when_ready,
    stored,
)
from tests.conftest import World


def _change(client, world: World, cert_id: str, action: str, who: str = "reviewer"):
    return client.post(
        f"/api/v1/certificates/{cert_id}/status",
        json={"action": action, "reason": f"Reviewer decided to {action} after a challenge."},
        headers=world[who].headers,
    )


def _bits(client, credential: dict) -> dict[str, bool]:
    """Each status purpose and whether the certificate's bit is set in the signed list."""
    keys = public_keys_from_jwks(client.get("/.well-known/hrd-sentinel/keys.json").json)
    bits = {}
    for entry in credential["credentialStatus"]:
        url = entry["statusListCredential"].removeprefix("http://localhost")
        listed = client.get(url)
        assert listed.status_code == 200
        assert verify_credential(listed.json, resolve_key=key_resolver(keys)).valid
        bits[entry["statusPurpose"]] = read_status(entry, listed.json)
    return bits


def test_suspend_reinstate_and_revoke_reach_the_lists_the_log_and_the_pdf(
    app: Flask, client, world: World
) -> None:
    cert_id = issue_via_api(client, world)
    credential = credential_of(client, cert_id)
    first_pdf = hashlib.sha256(pdf_when_ready(client, cert_id).data).hexdigest()
    assert _bits(client, credential) == {"revocation": False, "suspension": False}

    suspended = _change(client, world, cert_id, "suspend")
    assert suspended.status_code == 200 and suspended.json["status"] == "suspended"
    assert suspended.json["status_reason"] == "Reviewer decided to suspend after a challenge."
    assert _bits(client, credential) == {"revocation": False, "suspension": True}
    report = client.post("/api/v1/verify", json={"cert_id": cert_id}).json
    assert report["valid"] is False and report["status"] == "suspended"
    assert report["signature_valid"] is True and report["matches_register"] is True
    assert "Suspended since" in report["summary"]
    assert "Suspended" in pdf_text_when_ready(client, cert_id)
    certificate = stored(app, cert_id)
    assert certificate.pdf_sha256 != first_pdf and certificate.pdf_status.value == "suspended"

    assert _change(client, world, cert_id, "reinstate").json["status"] == "active"
    assert _bits(client, credential) == {"revocation": False, "suspension": False}
    assert client.post("/api/v1/verify", json={"cert_id": cert_id}).json["valid"] is True

    assert _change(client, world, cert_id, "revoke").json["status"] == "revoked"
    assert _bits(client, credential) == {"revocation": True, "suspension": False}
    again = _change(client, world, cert_id, "reinstate")
    assert again.status_code == 409 and "applies only to suspended" in again.json["detail"]

    with db.session_scope(app) as session:
        logged = [
            json.loads(row.entry)["payload"]["status"]
            for row in session.exec(select(LogEntry).order_by(LogEntry.index)).all()
        ]
        audited = session.exec(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("certificate.%"))
            .order_by(AuditEvent.seq)
        ).all()
    assert logged == ["active", "suspended", "active", "revoked"]
    assert audited == [
        "certificate.issued",
        "certificate.suspend",
        "certificate.reinstate",
        "certificate.revoke",
    ]


def test_only_reviewers_change_a_status_and_always_with_a_reason(client, world: World) -> None:
    cert_id = issue_via_api(client, world)
    assert _change(client, world, cert_id, "suspend", who="company_a").status_code == 403
    assert _change(client, world, cert_id, "suspend", who="ngo").status_code == 403
    terse = client.post(
        f"/api/v1/certificates/{cert_id}/status",
        json={"action": "revoke", "reason": "no"},
        headers=world["reviewer"].headers,
    )
    assert terse.status_code == 422
    assert client.get(f"/api/v1/certificates/{cert_id}").json["status"] == "active"


def test_the_expiry_job_expires_certificates_past_their_date(
    app: Flask, client, world: World
) -> None:
    assert PERIODIC["certificates.expire"] == timedelta(hours=1)
    cert_id = issue_via_api(client, world)
    certificate = stored(app, cert_id)
    with app.app_context(), db.session_scope(app) as session:
        job = Job(id="e" * 32, kind="certificates.expire")
        context = JobContext(session=session, job=job, report_progress=lambda _p: None)
        day_before = to_datetime_stamp(certificate.expires_at - timedelta(days=1))
        assert expire(context, now=day_before) == {"expired": 0}
        day_after = to_datetime_stamp(certificate.expires_at + timedelta(days=1))
        assert expire(context, now=day_after) == {"expired": 1}
        session.commit()
    summary = client.get(f"/api/v1/certificates/{cert_id}").json
    assert summary["status"] == "expired" and "expiry date" in summary["status_reason"]
    report = client.post("/api/v1/verify", json={"cert_id": cert_id}).json
    assert report["status"] == "expired" and report["valid"] is False
    assert "Expired since" in report["summary"]
    assert "Expired" in pdf_text_when_ready(client, cert_id)
    refused = _change(client, world, cert_id, "reinstate")
    assert refused.status_code == 409


def test_serving_a_pdf_never_renders_it(
    app: Flask, client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert_id = issue_via_api(client, world)
    pdf_when_ready(client, cert_id)

    def refuse_to_render(_sheet) -> bytes:
        raise AssertionError("the PDF was rendered on request")

    monkeypatch.setattr(rendering, "render_certificate_pdf", refuse_to_render)
    answer = client.get(f"/api/v1/certificates/{cert_id}.pdf")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF-")
    assert client.get(f"/certificates/{cert_id}").status_code == 200
