"""Challenges: anyone files against a certificate, the company responds without learning who
filed, reviewers decide."""

from __future__ import annotations

from http import HTTPStatus

from flask import current_app
from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field, HttpUrl

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import blueprint, public, respond
from compliance.api.files import download, file_store, optional_upload, read_upload
from compliance.certificates import service as certificate_service
from compliance.certificates.issuer import Issuer
from compliance.challenges import service as challenge_service
from compliance.challenges.deadlines import DeadlinePolicy
from compliance.challenges.models import (
    ChallengeCreate,
    ChallengeDecisionIn,
    ChallengeFull,
    ChallengeResponseIn,
    EvidenceAdded,
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


class EvidencePath(ChallengePath):
    evidence_id: int = Field(ge=1, le=2**63 - 1)


class EvidenceForm(BaseModel):
    file: FileStorage | None = None
    description: str | None = Field(default=None, max_length=1000)
    link: HttpUrl | None = None
    key: str | None = Field(
        default=None,
        max_length=100,
        description="Anonymous filers: the evidence_key the filing answered with",
    )


def _answer(challenge, *, full: bool, status: int = HTTPStatus.OK, evidence_key=None):
    actor = current_actor()
    view = challenge_service.view(
        session=db.session(),
        challenge=challenge,
        full=full,
        now=now(),
        reviewer=actor is not None and actor.is_reviewer,
        evidence_key=evidence_key,
    )
    return respond(ChallengeFull, view, status)


@bp.post(
    "/certificates/<cert_id>/challenges",
    summary="File a challenge (NGO members with a token, or anyone without one)",
    description="Without a token the filing is anonymous; `contact_email` is then kept "
    "protected and used only to send news of the case, and the answer carries, once, an "
    "`evidence_key` to add files or links later (POST /api/v1/challenges/{case_number}/evidence). "
    "The company never learns who filed.",
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
    evidence_key = challenge_service.new_evidence_key() if actor is None else None
    challenge = challenge_service.file(
        session=session,
        actor=actor,
        certificate=certificate,
        challenge_in=body,
        rules=_rules(),
        now=moment,
        evidence_key=evidence_key,
    )
    session.commit()
    return _answer(challenge, full=True, status=HTTPStatus.CREATED, evidence_key=evidence_key)


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


@bp.post(
    "/challenges/<case_number>/evidence",
    summary="Add an evidence file and/or link (the challenger or the challenged company)",
    description="Multipart: `file` (PDF, image, office document or text, up to the evidence "
    "size limit), `description`, `link`. The challenger's files are served to reviewers and "
    "the filer's organisation only, never to the company; anonymous filers send the "
    "`evidence_key` of their filing as `key`.",
    responses={201: EvidenceAdded},
    security=[],
)
@public
def add_evidence(path: ChallengePath, form: EvidenceForm):
    actor = current_actor()
    session = db.session()
    challenge = challenge_service.get(session=session, case_number=path.case_number)
    if actor is None and not form.key:
        policy.require(actor, "challenge.read")  # 401: a token, or the filing's evidence key
    party = challenge_service.party_of(
        session=session, actor=actor, challenge=challenge, evidence_key=form.key
    )
    max_bytes = current_app.config["EVIDENCE_MAX_BYTES"]
    upload = None
    attached = optional_upload(form.file, what="evidence file")
    if attached is not None:
        upload = challenge_service.EvidenceUpload(
            data=read_upload(attached, max_bytes=max_bytes, what="evidence file"),
            filename=attached.filename,
            description=form.description,
        )
    item = challenge_service.add_evidence(
        session=session,
        store=file_store(),
        actor=actor,
        challenge=challenge,
        party=party,
        upload=upload,
        link=str(form.link) if form.link else None,
        max_bytes=max_bytes,
        now=now(),
    )
    session.commit()
    answer = {
        "case_number": challenge.case_number,
        "party": party,
        "file": challenge_service.file_public(challenge, item) if item else None,
        "link": str(form.link) if form.link else None,
    }
    return respond(EvidenceAdded, answer, HTTPStatus.CREATED)


@bp.get(
    "/challenges/<case_number>/evidence/<int:evidence_id>",
    summary="Download an evidence file (the challenger's: reviewers and the filer's organisation)",
    responses={200: None},
)
def get_evidence(path: EvidencePath):
    actor = current_actor()
    policy.require(actor, "challenge.read")
    session = db.session()
    challenge, full = challenge_service.visible(
        session=session, actor=actor, case_number=path.case_number
    )
    item = challenge_service.evidence_file(
        session=session, challenge=challenge, evidence_id=path.evidence_id, full=full
    )
    return download(
        file_store().read(item.sha256), filename=item.filename, mimetype=item.content_type
    )
