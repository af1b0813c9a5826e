"""An open challenge: a Colombian NGO contests the FPIC indicator of the mining company's
leading certificate on behalf of a community, as the challenge form would file it."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlmodel import Session

from compliance.certificates import service as certificate_service
from compliance.certificates.models import CertificateStatus
from compliance.challenges import service as challenge_service
from compliance.challenges.deadlines import DeadlinePolicy
from compliance.challenges.models import ChallengeCreate, Claim
from compliance.demo.organisations import actor, organisation_id

FILER_LOGIN = "casos@defensoresenred.example"
CHALLENGED = "Minera Andes Cobre S.A.C."
FILED_AGO = timedelta(days=2)

CHALLENGE = ChallengeCreate(
    claims=[Claim(kind="indicator", ref="C3"), Claim(kind="scope")],
    grounds=(
        "The certificate credits documented consent at every site on community land, but the "
        "Ccarhuaccasa community assembly has not agreed to the exploration project: the "
        "consultation plan was never put to a vote, and the site list omits the access road "
        "through the community's grazing land."
    ),
    evidence_links=["https://defensoresenred.example/informes/ccarhuaccasa-2026.pdf"],
    community="Comunidad campesina de Ccarhuaccasa",
)


def seed_challenge(*, session: Session, now: datetime) -> None:
    """File the challenge against the company's active certificate, once."""
    filer = actor(session, FILER_LOGIN)
    if challenge_service.filed_by_organisation(
        session=session, organisation_id=filer.organisation_id
    ):
        return
    active = [
        certificate
        for certificate in certificate_service.for_organisation(
            session=session, organisation_id=organisation_id(session, CHALLENGED)
        )
        if certificate.status is CertificateStatus.active
    ]
    if not active:
        return
    challenge_service.file(
        session=session,
        actor=filer,
        certificate=active[0],
        challenge_in=CHALLENGE,
        rules=DeadlinePolicy.from_config(current_app.config),
        now=now - FILED_AGO,
    )
