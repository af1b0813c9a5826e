"""One app and one small world for the whole hostile package.

Every hostile case must leave the database and the upload folder as it found them, so the
cases can share one app (much faster than a fresh database per case): each case takes a
snapshot before and after its request (`tests.hostile.snapshot`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, User
from compliance.assessments import service as assessment_service
from compliance.assessments.models import AssessmentCreate
from compliance.certificates import service as certificate_service
from compliance.challenges import service as challenge_service
from compliance.challenges.deadlines import DeadlinePolicy
from compliance.challenges.models import ChallengeCreate
from compliance.clock import now
from compliance.incidents import service as incident_service
from compliance.incidents.content import IncidentContent, IncidentDraft
from compliance.incidents.models import Incident
from compliance.storage import FileStore
from tests.certificates.support import probe_certificate
from tests.conftest import (
    Member,
    World,
    csrf_token,
    make_world,
    sign_in,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class Scene:
    """The world the hostile requests aim at: company A's and company B's assessments, an
    evidence file, a certificate with a challenge, an incident, and signed-in web clients."""

    app: Flask
    world: World
    assessment_a: int
    assessment_b: int
    evidence_a: int
    evidence_b: int
    cert_id: str
    case_number: str
    incident_ref: str
    web: dict[str, FlaskClient] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {} if who == "anonymous" else self.world[who].headers


@pytest.fixture(scope="package")
def hostile_app(lasting_app: Callable[[str], AbstractContextManager[Flask]]) -> Iterator[Flask]:
    """The same configuration as `tests.conftest.app`, once for the package."""
    with lasting_app("hostile") as application:
        yield application


def _actor(session, member: Member) -> Actor:
    user = session.get(User, member.user_id)
    return Actor(user=user, organisation=session.get(Organisation, user.organisation_id))


def _assessment_with_evidence(app: Flask, session, member: Member) -> tuple[int, int]:
    actor = _actor(session, member)
    assessment = assessment_service.create(
        session=session,
        actor=actor,
        assessment_in=AssessmentCreate(questionnaire_key="company"),
        now=now(),
    )
    evidence = assessment_service.attach_file(
        session=session,
        store=FileStore(app.config["UPLOAD_DIR"]),
        actor=actor,
        assessment=assessment,
        data=PDF + member.key.encode(),
        filename="policy.pdf",
        question_id=None,
        description=None,
        max_bytes=2**20,
        now=now(),
    )
    session.commit()
    return assessment.id, evidence.id


@pytest.fixture(scope="package")
def scene(hostile_app: Flask) -> Iterator[Scene]:
    app = hostile_app
    world = make_world(app)
    with db.session_scope(app) as session:
        assessment_a, evidence_a = _assessment_with_evidence(app, session, world["company_a"])
        assessment_b, evidence_b = _assessment_with_evidence(app, session, world["company_b"])
        cert_id = probe_certificate(app, session, assessment_id=assessment_a)
        session.commit()
        challenge = challenge_service.file(
            session=session,
            actor=_actor(session, world["ngo"]),
            certificate=certificate_service.get(session=session, cert_id=cert_id),
            challenge_in=ChallengeCreate(grounds="The grievance mechanism does not exist."),
            rules=DeadlinePolicy(),
            now=now(),
        )
        session.commit()
        incident_service.apply_drafts(
            session=session,
            source="hostile",
            drafts=[
                IncidentDraft(
                    source_id="h-1",
                    content=IncidentContent(
                        occurred_on=date(2023, 4, 5), country="CO", attack_types=["killing"]
                    ),
                )
            ],
            import_id=None,
            created_by_id=None,
            now=now(),
        )
        session.commit()
        incident_ref = session.exec(select(Incident)).one().ref
        case_number = challenge.case_number
    result = Scene(
        app=app,
        world=world,
        assessment_a=assessment_a,
        assessment_b=assessment_b,
        evidence_a=evidence_a,
        evidence_b=evidence_b,
        cert_id=cert_id,
        case_number=case_number,
        incident_ref=incident_ref,
    )
    for who in ("company_a", "company_b", "ngo", "reviewer"):
        client = app.test_client()
        assert sign_in(client, world[who].email).status_code == 302
        result.web[who] = client
        result.csrf[who] = csrf_token(client.get("/account/tokens").get_data(as_text=True))
    result.web["anonymous"] = app.test_client()
    result.csrf["anonymous"] = csrf_token(
        result.web["anonymous"].get("/login").get_data(as_text=True)
    )
    yield result
