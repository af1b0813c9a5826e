"""Approval issues a certificate in the same transaction: public id, facts, signed credential,
audit events and a transparency-log entry; its PDF, with the credential attached, follows from a
job."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.assessments.models import Assessment, AssessmentStatus
from compliance.audit.models import AuditEvent
from compliance.certificates.credential import sha256_of
from compliance.certificates.issuing import add_months
from compliance.certificates.models import Certificate, CertificatePublic
from compliance.credentials.data_integrity import verify_credential
from compliance.credentials.keys import key_resolver, public_keys_from_jwks
from compliance.transparency.models import LogEntry
from tests.certificates.support import (
    SITES_CSV,
    approve_via_api,
    certify,
    credential_of,
    issue_via_api,
    minimal_answers,
    pdf_reader,
    pdf_text_when_ready,
    pdf_when_ready,
    stored,
    submit_via_api,
)
from tests.conftest import World


def test_approval_issues_an_active_signed_logged_certificate(
    app: Flask, client, world: World
) -> None:
    assessment_id = submit_via_api(client, world)
    approved = approve_via_api(client, world, assessment_id)
    assert approved.status_code == 200 and approved.json["status"] == "approved"

    certificate = stored(app, next_cert_id(app))
    assert re.fullmatch(rf"HRD-{certificate.issued_at.year}-000001", certificate.cert_id)
    summary = client.get(f"/api/v1/certificates/{certificate.cert_id}")
    assert summary.status_code == 200
    body = summary.json
    assert set(body) == set(CertificatePublic.model_fields)
    assert body["status"] == "active" and body["organisation_name"] == "Minera Alfa S.A."
    assert body["tier"] in ("certified", "certified_leading", "conditional")
    assert [s["section_id"] for s in body["sections"]] == list("ABCDEF")
    assert body["scope"] == {"sites": None, "suppliers": None, "dataset_versions": []}
    assert body["expires_at"][:10] == add_months(certificate.issued_at, 12).date().isoformat()
    score = client.get(
        f"/api/v1/assessments/{assessment_id}/score", headers=world["reviewer"].headers
    ).json
    assert body["score"] == round(score["total"], 1) and body["tier"] == score["tier"]
    assert body["inputs_hash"] == score["inputs_hash"]
    assert body["methodology_hash"] == score["methodology_hash"]

    credential = credential_of(client, certificate.cert_id)
    keys = public_keys_from_jwks(client.get("/.well-known/hrd-sentinel/keys.json").json)
    assert verify_credential(credential, resolve_key=key_resolver(keys)).valid
    assert credential["issuer"]["id"] == "http://localhost"
    assert credential["proof"]["verificationMethod"] == (
        f"http://localhost/.well-known/hrd-sentinel/keys.json#{certificate.key_id}"
    )
    subject = credential["credentialSubject"]
    assert subject["certificateId"] == certificate.cert_id and subject["tier"] == body["tier"]
    purposes = {entry["statusPurpose"]: entry for entry in credential["credentialStatus"]}
    assert purposes["revocation"]["statusListCredential"] == (
        "http://localhost/api/v1/status-lists/revocation"
    )
    assert purposes["suspension"]["statusListIndex"] == str(certificate.id)
    assert "answers" not in json.dumps(credential) and "@example.org" not in json.dumps(credential)
    assert sha256_of(credential) == body["credential_sha256"]

    with db.session_scope(app) as session:
        entry = session.get(LogEntry, certificate.log_index)
        logged = json.loads(entry.entry)
        actions = set(session.exec(select(AuditEvent.action)).all())
    assert logged["kind"] == "certificate.issued"
    assert logged["payload"]["cert_id"] == certificate.cert_id
    assert logged["payload"]["credential_sha256"] == certificate.credential_sha256
    assert logged["payload"]["status"] == "active"
    assert {"assessment.approve", "certificate.issued"} <= actions


def next_cert_id(app: Flask) -> str:
    with db.session_scope(app) as session:
        return session.exec(select(Certificate.cert_id).order_by(Certificate.id.desc())).first()


def test_the_pdf_names_the_certificate_and_carries_the_signed_json(
    app: Flask, client, world: World
) -> None:
    cert_id = issue_via_api(client, world, sites_csv=SITES_CSV)
    scope = client.get(f"/api/v1/certificates/{cert_id}").json["scope"]
    assert scope["sites"] == 2 and scope["suppliers"] is None
    assert len(scope["dataset_versions"]) == 1
    answer = pdf_when_ready(client, cert_id)
    assert answer.mimetype == "application/pdf"
    reader = pdf_reader(answer.data)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    certificate = stored(app, cert_id)
    summary = client.get(f"/api/v1/certificates/{cert_id}").json
    assert cert_id in text and summary["tier_label"] in text and "Active" in text
    assert certificate.key_fingerprint in text and "Minera Alfa S.A." in text
    assert "2 sites listed" in text
    assert f"http://localhost/certificates/{cert_id}" in text
    attachments = dict(reader.attachments)
    assert list(attachments) == [f"{cert_id}.json"]
    assert attachments[f"{cert_id}.json"] == [
        client.get(f"/api/v1/certificates/{cert_id}.json").data
    ]
    assert hashlib.sha256(answer.data).hexdigest() == certificate.pdf_sha256
    assert (
        client.get(
            f"/api/v1/certificates/{cert_id}.pdf",
            headers={"If-None-Match": f'"{certificate.pdf_sha256}"'},
        ).status_code
        == 304
    )


def test_approving_twice_makes_one_certificate(app: Flask, client, world: World) -> None:
    assessment_id = submit_via_api(client, world)
    assert approve_via_api(client, world, assessment_id).status_code == 200
    again = approve_via_api(client, world, assessment_id)
    assert again.status_code == 409 and "approved" in again.json["detail"]
    with db.session_scope(app) as session:
        count = session.execute(sa.select(sa.func.count()).select_from(Certificate)).scalar_one()
    assert count == 1


def test_a_not_certifiable_assessment_cannot_be_approved_only_rejected(
    app: Flask, client, world: World
) -> None:
    assessment_id = submit_via_api(client, world, answers=minimal_answers())
    refused = approve_via_api(client, world, assessment_id)
    assert refused.status_code == 409
    assert "not certifiable" in refused.json["detail"] and "Reject it" in refused.json["detail"]
    with db.session_scope(app) as session:
        assert session.get(Assessment, assessment_id).status is AssessmentStatus.submitted
        assert session.exec(select(Certificate)).first() is None
    rejected = client.post(
        f"/api/v1/assessments/{assessment_id}/decision",
        json={"decision": "reject", "note": "No protection measures in place."},
        headers=world["reviewer"].headers,
    )
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"


def test_a_newer_certificate_supersedes_the_previous_one(app: Flask, client, world: World) -> None:
    first = certify(app, organisation="Andes Cobre", country="PE", sector="mining")
    second = certify(app, organisation="Andes Cobre", country="PE", sector="mining")
    assert "Superseded" in pdf_text_when_ready(client, first)
    old, new = stored(app, first), stored(app, second)
    assert (old.status.value, new.status.value) == ("superseded", "active")
    assert old.superseded_by_id == new.id and second in old.status_reason
    assert old.pdf_status.value == "superseded"
    summary = client.get(f"/api/v1/certificates/{first}").json
    assert summary["superseded_by"] == second
    with db.session_scope(app) as session:
        entry = json.loads(session.get(LogEntry, old.status_log_index).entry)
    assert entry["kind"] == "certificate.status_changed"
    assert entry["payload"] == {**entry["payload"], "cert_id": first, "status": "superseded"}
    assert old.status_log_index == new.log_index + 1


def test_public_ids_count_up_within_a_year(app: Flask) -> None:
    at = datetime(2031, 5, 2, 10, 0, tzinfo=UTC)
    ids = [certify(app, organisation=f"Empresa {n}", at=at) for n in range(3)]
    assert ids == ["HRD-2031-000001", "HRD-2031-000002", "HRD-2031-000003"]
    assert add_months(datetime(2028, 2, 29, tzinfo=UTC), 12) == datetime(2029, 2, 28, tzinfo=UTC)


def test_evidence_is_reviewed_by_reviewers_with_a_note_to_reject(
    app: Flask, client, world: World
) -> None:
    assessment_id = submit_via_api(client, world)
    evidence = client.get(
        f"/api/v1/assessments/{assessment_id}", headers=world["reviewer"].headers
    ).json["evidence"][0]
    url = f"/api/v1/assessments/{assessment_id}/evidence/{evidence['id']}/review"
    own = client.post(url, json={"review": "verified"}, headers=world["company_a"].headers)
    assert own.status_code == 403
    bare = client.post(url, json={"review": "rejected"}, headers=world["reviewer"].headers)
    assert bare.status_code == 422 and "why" in bare.json["detail"]
    rejected = client.post(
        url,
        json={"review": "rejected", "note": "The link shows a draft, not the adopted policy."},
        headers=world["reviewer"].headers,
    )
    assert rejected.status_code == 200 and rejected.json["review"] == "rejected"
    seen = client.get(f"/api/v1/assessments/{assessment_id}", headers=world["company_a"].headers)
    item = next(e for e in seen.json["evidence"] if e["id"] == evidence["id"])
    assert item["review_note"] == "The link shows a draft, not the adopted policy."
    verified = client.post(url, json={"review": "verified"}, headers=world["reviewer"].headers)
    assert verified.status_code == 200 and verified.json["review_note"] is None
    with db.session_scope(app) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "assessment.evidence_reviewed")
        ).all()
    assert [e.details["review"] for e in events] == ["rejected", "verified"]
    assert approve_via_api(client, world, assessment_id).status_code == 200
    late = client.post(
        url, json={"review": "rejected", "note": "late"}, headers=world["reviewer"].headers
    )
    assert late.status_code == 409
