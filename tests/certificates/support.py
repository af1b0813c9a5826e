"""Helpers of the certificate tests: assessments that deserve a certificate, taken through the
API or the services, and ways to read what was issued."""

from __future__ import annotations

import io
import json
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlmodel import select
from werkzeug.test import TestResponse

from compliance import db
from compliance.accounts import service as account_service
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, OrganisationKind, Role, User
from compliance.assessments import service as assessment_service
from compliance.assessments.models import Assessment, AssessmentCreate, Decision
from compliance.certificates import credential as vc
from compliance.certificates import service as certificate_service
from compliance.certificates.issuer import Issuer
from compliance.certificates.models import Certificate, CertificateStatus
from compliance.clock import now
from compliance.demo.answers import DEVELOPING_ANSWERS, STRONG_ANSWERS
from compliance.jobs.held import HeldJobs
from compliance.jobs.service import BACKEND_KEY
from scoring import Tier
from tests.assessments.support import complete_answers
from tests.conftest import World
from tests.support.jobs import wait_for_job

__all__ = ["DEVELOPING_ANSWERS", "STRONG_ANSWERS"]


SITES_CSV = (
    b"Name,Type,Country,Status,On Indigenous land\r\n"
    b"Mina Norte,mine,PE,operating,no\r\n"
    b"Planta Sur,plant,PE,operating,no\r\n"
)


def submit_via_api(
    client: FlaskClient,
    world: World,
    who: str = "company_a",
    answers: dict | None = None,
    *,
    sites_csv: bytes | None = None,
) -> int:
    """Start, answer (with an evidence link wherever one is expected), optionally list the
    sites, and submit; the assessment's id."""
    headers = world[who].headers
    started = client.post(
        "/api/v1/assessments", json={"questionnaire_key": "company"}, headers=headers
    )
    assert started.status_code == 201, started.json
    base = f"/api/v1/assessments/{started.json['id']}"
    saved = client.patch(
        f"{base}/answers", json={"answers": answers or STRONG_ANSWERS}, headers=headers
    )
    assert saved.status_code == 200, saved.json
    for item in saved.json["missing"]:
        linked = client.post(
            f"{base}/evidence/links",
            json={
                "url": f"https://example.org/{item['question_id']}",
                "question_id": item["question_id"],
            },
            headers=headers,
        )
        assert linked.status_code == 201, linked.json
    if sites_csv is not None:
        listed = client.post(
            f"{base}/datasets/sites",
            data={"file": (io.BytesIO(sites_csv), "sites.csv")},
            content_type="multipart/form-data",
            headers=headers,
        )
        assert listed.status_code == 202, listed.json
        checked = wait_for_job(client, headers, listed.json["job_id"])
        assert checked["result"]["outcome"] == "stored", checked
    submitted = client.post(f"{base}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.json
    return started.json["id"]


def approve_via_api(client: FlaskClient, world: World, assessment_id: int):
    return client.post(
        f"/api/v1/assessments/{assessment_id}/decision",
        json={"decision": "approve", "note": "Evidence checked."},
        headers=world["reviewer"].headers,
    )


def issue_via_api(
    client: FlaskClient, world: World, who: str = "company_a", *, sites_csv: bytes | None = None
) -> str:
    """A certificate issued through the API for `who`; its public id."""
    assessment_id = submit_via_api(client, world, who, sites_csv=sites_csv)
    approved = approve_via_api(client, world, assessment_id)
    assert approved.status_code == 200, approved.json
    with db.session_scope(client.application) as session:
        return certificate_service.for_assessment(
            session=session, assessment_id=assessment_id
        ).cert_id


def certify(
    app: Flask,
    *,
    organisation: str,
    country: str | None = None,
    sector: str | None = None,
    answers: dict | None = None,
    at=None,
) -> str:
    """An organisation (created if new) taken through to a certificate by the services."""
    moment = at or now()
    with app.app_context(), db.session_scope(app) as session:
        org = account_service.get_or_create_organisation(
            session=session,
            name=organisation,
            kind=OrganisationKind.company,
            country=country,
            sector=sector,
        )
        email = f"{organisation.lower().replace(' ', '.')}@example.org"
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            user = account_service.create_user(
                session=session, email=email, organisation=org, role=Role.admin, password=None
            )
        company = Actor(user=user, organisation=org)
        reviewer = _reviewer(session)
        assessment = assessment_service.create(
            session=session,
            actor=company,
            assessment_in=AssessmentCreate(questionnaire_key="company"),
            now=moment,
        )
        assessment_service.save_answers(
            session=session,
            actor=company,
            assessment=assessment,
            patch=answers or STRONG_ANSWERS,
            now=moment,
        )
        for item in assessment_service.standing(session=session, assessment=assessment)[3]:
            assessment_service.attach_link(
                session=session,
                actor=company,
                assessment=assessment,
                url=f"https://example.org/{item.question_id}",
                question_id=item.question_id,
                description=None,
                now=moment,
            )
        assessment_service.submit(session=session, actor=company, assessment=assessment, now=moment)
        assessment_service.decide(
            session=session,
            actor=reviewer,
            assessment=assessment,
            decision=Decision(decision="approve"),
            now=moment + timedelta(seconds=1),
        )
        session.commit()
        return certificate_service.for_assessment(
            session=session, assessment_id=assessment.id
        ).cert_id


def _reviewer(session) -> Actor:
    organisation = account_service.get_or_create_organisation(
        session=session, name="Certifier Epsilon", kind=OrganisationKind.certifier
    )
    user = session.exec(select(User).where(User.organisation_id == organisation.id)).first()
    if user is None:
        user = account_service.create_user(
            session=session,
            email="second-reviewer@example.org",
            organisation=organisation,
            role=Role.admin,
            password=None,
        )
    return Actor(user=user, organisation=session.get(Organisation, organisation.id))


def minimal_answers() -> dict:
    """Honest 'no' everywhere: a complete assessment that is not certifiable."""
    return complete_answers()


def stored(app: Flask, cert_id: str) -> Certificate:
    with db.session_scope(app) as session:
        return certificate_service.get(session=session, cert_id=cert_id)


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_when_ready(client: FlaskClient, cert_id: str, *, timeout: float = 60) -> TestResponse:
    """The certificate's PDF once its render job has run (in a thread of the app, or on the RQ
    worker): until then the API answers 503 with Retry-After, never an outdated PDF."""
    deadline = time.monotonic() + timeout
    while True:
        answer = client.get(f"/api/v1/certificates/{cert_id}.pdf")
        if answer.status_code != 503:
            assert answer.status_code == 200, answer.get_data(as_text=True)
            return answer
        assert answer.headers.get("Retry-After"), "a 503 without Retry-After"
        assert time.monotonic() < deadline, f"the PDF of {cert_id} was not ready in {timeout} s"
        time.sleep(0.05)


def pdf_text_when_ready(client: FlaskClient, cert_id: str) -> str:
    """The first page's text of the PDF, once it shows the current status."""
    return pdf_reader(pdf_when_ready(client, cert_id).data).pages[0].extract_text()


def keys_file(client: FlaskClient, tmp_path: Path) -> Path:
    path = tmp_path / "keys.json"
    path.write_text(client.get("/.well-known/hrd-sentinel/keys.json").get_data(as_text=True))
    return path


def credential_of(client: FlaskClient, cert_id: str) -> dict:
    answer = client.get(f"/api/v1/certificates/{cert_id}.json")
    assert answer.status_code == 200
    return json.loads(answer.get_data(as_text=True))


PLACEHOLDER_PDF = b"%PDF-1.4\n% certificate placeholder for route probes\n%%EOF\n"


def probe_certificate(app: Flask, session, *, assessment_id: int) -> str:
    """A signed certificate row for `assessment_id`, without rendering a PDF or scoring (the
    authorisation table needs a certificate per test, cheaply); its public id."""
    issuer = Issuer.from_config(app.config)
    key = issuer.signing_key()
    assessment = session.get(Assessment, assessment_id)
    organisation = session.get(Organisation, assessment.organisation_id)
    moment = now().replace(microsecond=0)
    certificate = Certificate(
        cert_id=f"HRD-{moment.year}-900001",
        year=moment.year,
        number=900001,
        assessment_id=assessment_id,
        organisation_id=organisation.id,
        organisation_name=organisation.name,
        tier=Tier.CERTIFIED,
        score=70.0,
        sections=[{"section_id": "A", "label": "Policy and governance", "percent": 70.0}],
        scope={"sites": None, "suppliers": None, "dataset_versions": []},
        issued_at=moment,
        expires_at=moment.replace(year=moment.year + 1),
        methodology_id="hrd-sentinel-method",
        methodology_version="1.0",
        methodology_hash="0" * 64,
        questionnaire="company/1",
        inputs_hash="0" * 64,
        status_changed_at=moment,
        credential="",
        credential_sha256="",
        key_id=key.kid,
        key_fingerprint=key.fingerprint,
        pdf_sha256=issuer.store.put(PLACEHOLDER_PDF, max_bytes=2**20).sha256,
        pdf_status=CertificateStatus.active,
    )
    session.add(certificate)
    session.flush()
    signed = vc.sign(
        vc.unsigned_credential(certificate, tier_label="Certified", base_url=issuer.base_url),
        key=key,
        base_url=issuer.base_url,
        now=moment,
    )
    certificate.credential = vc.canonical_text(signed)
    certificate.credential_sha256 = vc.sha256_of(signed)
    session.add(certificate)
    return certificate.cert_id


def hold_jobs(app: Flask, monkeypatch) -> HeldJobs:
    """Hold the app's jobs for the rest of the test: whatever a request did, it did before any
    job could start; `run_all` runs them."""
    held = HeldJobs()
    monkeypatch.setitem(app.extensions, BACKEND_KEY, held)
    return held
