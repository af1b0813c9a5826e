"""A certificate of company A to challenge, cheaply, and the filer identity to hunt for."""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, User
from compliance.assessments import service as assessment_service
from compliance.assessments.models import AssessmentCreate
from compliance.clock import now
from compliance.notifications.models import OutboxMessage
from compliance.transparency.models import LogEntry
from tests.certificates.support import probe_certificate
from tests.conftest import World

NGO_NAME = "Red Delta"
CONTACT = "whistle.blower@example.net"
GROUNDS = "The certificate claims a grievance mechanism that does not exist on site."


def certificate_of_company_a(app: Flask, world: World) -> str:
    with db.session_scope(app) as session:
        owner = session.get(User, world["company_a"].user_id)
        actor = Actor(user=owner, organisation=session.get(Organisation, owner.organisation_id))
        assessment = assessment_service.create(
            session=session,
            actor=actor,
            assessment_in=AssessmentCreate(questionnaire_key="company"),
            now=now(),
        )
        session.commit()
        cert_id = probe_certificate(app, session, assessment_id=assessment.id)
        session.commit()
        return cert_id


def filer_secrets(world: World) -> list[str]:
    """What must never reach the challenged company: the NGO's name, user e-mail, contact."""
    return [NGO_NAME, world["ngo"].email, CONTACT]


def assert_no_filer(text: str, world: World) -> None:
    for secret in filer_secrets(world):
        assert secret.lower() not in text.lower(), f"{secret!r} leaked"


def outbox(app: Flask) -> list[OutboxMessage]:
    with db.session_scope(app) as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def log_entries(app: Flask) -> list[str]:
    with db.session_scope(app) as session:
        return [row.entry for row in session.exec(select(LogEntry).order_by(LogEntry.index))]


COMMUNITY = "Comunidad Wayuu de La Guajira"


def file_challenge(client, world: World, cert_id: str, **extra) -> str:
    """A challenge filed by the NGO (speaking for a community); its case number."""
    filed = client.post(
        f"/api/v1/certificates/{cert_id}/challenges",
        json={"grounds": GROUNDS, "community": COMMUNITY, **extra},
        headers=world["ngo"].headers,
    )
    assert filed.status_code == 201, filed.get_json()
    return filed.get_json()["case_number"]


def decide(client, world: World, case: str, **body):
    answer = client.post(
        f"/api/v1/challenges/{case}/decision", json=body, headers=world["reviewer"].headers
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()
