"""An assessment's score: provisional while the organisation answers, final once approved."""

from __future__ import annotations

from pydantic import BaseModel, Field

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import blueprint, respond
from compliance.assessments import service as assessment_service
from compliance.clock import now
from compliance.scores import service as score_service
from compliance.scores.models import ScorePublic

bp = blueprint(
    "api_scores",
    __name__,
    tag="Scores",
    description="Scores under the published methodology (see /methodology)",
)


class AssessmentPath(BaseModel):
    assessment_id: int = Field(ge=1, le=2**63 - 1)


@bp.get(
    "/assessments/<int:assessment_id>/score",
    summary="The assessment's score, tier, gaps and what would raise the tier",
    responses={200: ScorePublic},
)
def get_score(path: AssessmentPath):
    actor = current_actor()
    session = db.session()
    assessment = assessment_service.get_visible(
        session=session, actor=actor, assessment_id=path.assessment_id
    )
    policy.require(actor, "score.read", assessment)
    as_of = score_service.as_of_for(assessment, today=now().date())
    result = score_service.score_assessment(session=session, assessment=assessment, as_of=as_of)
    provisional = score_service.is_provisional(assessment)
    return respond(ScorePublic, ScorePublic.of(result, assessment, provisional=provisional))
