"""Reviewers' work on a submitted assessment that is not a decision: judging its evidence."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import blueprint, respond
from compliance.assessments import service as assessment_service
from compliance.assessments.models import EvidencePublic, EvidenceReview
from compliance.clock import now

bp = blueprint(
    "api_review",
    __name__,
    tag="Review",
    description="Reviewers' work on submitted assessments: evidence checks",
)


class EvidencePath(BaseModel):
    assessment_id: int = Field(ge=1, le=2**63 - 1)
    evidence_id: int = Field(ge=1, le=2**63 - 1)


class EvidenceJudgement(BaseModel):
    review: Literal["verified", "rejected"]
    note: str | None = Field(
        default=None,
        max_length=2000,
        description="Shown to the company; required when rejecting. Never name defenders.",
    )


@bp.post(
    "/assessments/<int:assessment_id>/evidence/<int:evidence_id>/review",
    summary="Mark an evidence item verified or rejected (reviewers)",
    responses={200: EvidencePublic},
)
def review_evidence(path: EvidencePath, body: EvidenceJudgement):
    actor = current_actor()
    session = db.session()
    assessment = assessment_service.get_visible(
        session=session, actor=actor, assessment_id=path.assessment_id
    )
    policy.require(actor, "evidence.review", assessment)
    evidence = assessment_service.get_evidence(
        session=session, assessment=assessment, evidence_id=path.evidence_id
    )
    assessment_service.review_evidence(
        session=session,
        actor=actor,
        assessment=assessment,
        evidence=evidence,
        review=EvidenceReview(body.review),
        note=body.note,
        now=now(),
    )
    session.commit()
    return respond(EvidencePublic, {**evidence.model_dump(), "ref": evidence.ref})
