"""Challenges: anyone files against a certificate, the company responds without learning who
filed, reviewers decide."""

from __future__ import annotations

from http import HTTPStatus

from flask import current_app
from pydantic import BaseModel, Field

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import blueprint, public, respond
from compliance.certificates import service as certificate_service
from compliance.certificates.issuer import Issuer
from compliance.challenges import service as challenge_service
from compliance.challenges.deadlines import DeadlinePolicy
from compliance.challenges.models import (
    ChallengeCreate,
    ChallengeDecisionIn,
    ChallengeFull,
    ChallengeResponseIn,
)
from compliance.clock import now

bp = blueprint(
    "api_challenges",
    __name__,
    tag="Challenges",
    description="Contest a certificate's claims; the challenged company never sees who filed",
)


class CertificatePath(BaseModel):
    cert_id: str = Field(max_length=40, description="The public id, e.g. HRD-2026-000123")


class ChallengePath(BaseModel):
    case_number: str = Field(max_length=20, description="The case number, e.g. CH-2026-1A2B3C4D")


def _rules() -> DeadlinePolicy:
    return DeadlinePolicy.from_config(current_app.config)


def _answer(challenge, *, full: bool, status: int = HTTPStatus.OK):
    view = challenge_service.view(session=db.session(), challenge=challenge, full=full, now=now())
    return respond(ChallengeFull, view, status)


@bp.post(
    "/certificates/<cert_id>/challenges",
    summary="File a challenge (NGO members with a token, or anyone without one)",
    description="Without a token the filing is anonymous; `contact_email` is then kept "
    "protected and used only to send news of the case. The company never learns who filed.",
    responses={201: ChallengeFull},
    security=[],
)
@public
def file_challenge(path: CertificatePath, body: ChallengeCreate):
    actor = current_actor()
    policy.require(actor, "challenge.file")
    session = db.session()
    certificate = certificate_service.get(session=session, cert_id=path.cert_id)
    moment = now()
    challenge = challenge_service.file(
        session=session,
        actor=actor,
        certificate=certificate,
        challenge_in=body,
        rules=_rules(),
        now=moment,
    )
    session.commit()
    return _answer(challenge, full=True, status=HTTPStatus.CREATED)


@bp.get(
    "/challenges/<case_number>",
    summary="A challenge (reviewers, the filer's organisation, the challenged company)",
    responses={200: ChallengeFull},
)
def get_challenge(path: ChallengePath):
    actor = current_actor()
    policy.require(actor, "challenge.read")
    challenge, full = challenge_service.visible(
        session=db.session(), actor=actor, case_number=path.case_number
    )
    return _answer(challenge, full=full)


@bp.post(
    "/challenges/<case_number>/response",
    summary="The challenged company's response, within its window",
    responses={200: ChallengeFull},
)
def respond_to_challenge(path: ChallengePath, body: ChallengeResponseIn):
    actor = current_actor()
    session = db.session()
    challenge, full = challenge_service.visible(
        session=session, actor=actor, case_number=path.case_number
    )
    policy.require(actor, "challenge.respond", challenge)
    challenge_service.respond(
        session=session,
        actor=actor,
        challenge=challenge,
        response_in=body,
        rules=_rules(),
        now=now(),
    )
    session.commit()
    return _answer(challenge, full=full)


@bp.post(
    "/challenges/<case_number>/decision",
    summary="Acknowledge, refuse as inadmissible, start the review, dismiss or uphold (reviewers)",
    responses={200: ChallengeFull},
)
def decide_challenge(path: ChallengePath, body: ChallengeDecisionIn):
    actor = current_actor()
    policy.require(actor, "challenge.decide")
    session = db.session()
    challenge = challenge_service.get(session=session, case_number=path.case_number)
    challenge_service.decide(
        session=session,
        actor=actor,
        challenge=challenge,
        decision=body,
        rules=_rules(),
        issuer=Issuer.from_config(current_app.config),
        now=now(),
    )
    session.commit()
    return _answer(challenge, full=True)
