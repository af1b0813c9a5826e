"""What the score endpoint returns: the scorer's dataclasses, field for field, plus whether the
score is provisional. No table: a score is recomputed from the stored facts when asked."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from compliance.assessments.models import Assessment, AssessmentStatus
from scoring import EvidenceLevel, Link, Score, Tier, Verification
from scoring.result import IndicatorStatus, IndicatorTask
from scoring.rules import Method


class SourcePublic(BaseModel):
    kind: str = Field(description="question, evidence, incident, section or rule")
    ref: str


class EvidenceUsePublic(BaseModel):
    ref: str
    question_id: str | None
    level: EvidenceLevel
    credited: bool


class IndicatorPublic(BaseModel):
    question_id: str
    section_id: str
    method: Method
    status: IndicatorStatus
    answer: Any
    base_points: float
    evidence_level: EvidenceLevel | None
    multiplier: float
    answer_share: float
    earned: float
    max_points: float
    contribution: float = Field(description="Points of the total (0-100) this question adds.")
    full_credit_gain: float = Field(description="Points of the total full credit would add.")
    evidence: list[EvidenceUsePublic]
    note: str


class SectionPublic(BaseModel):
    section_id: str
    weight: float
    effective_weight: float
    earned: float
    maximum: float
    percent: float
    contribution: float
    counted: int
    not_counted: int


class IncidentScorePublic(BaseModel):
    ref: str
    occurred_on: date
    attack_types: list[str]
    most_severe: str
    severity: float
    verification: Verification
    verification_weight: float
    link: Link
    link_weight: float
    collective_multiplier: float
    age_years: float
    decay: float
    allegation_weight: float
    response_credit: float
    response_percent: float
    weight: float
    note: str


class RedFlagPublic(BaseModel):
    id: str
    label: str
    caps_tier: Tier | None
    remedy: str
    sources: list[SourcePublic]
    lifts_on: date | None


class CapPublic(BaseModel):
    red_flag_id: str
    tier: Tier
    reason: str
    remedy: str
    lifts_on: date | None


class DataGapPublic(BaseModel):
    question_id: str
    section_id: str
    kind: str
    counted: bool
    message: str


class ConfidencePublic(BaseModel):
    level: str
    answered_share: float
    evidenced_share: float
    verified_share: float
    mandatory_answered: int
    mandatory_total: int


class TierStepPublic(BaseModel):
    kind: str = Field(description="cap, wait, indicator or incident_response")
    ref: str
    action: str = Field(description="What to do, in English; options are named by their labels")
    points: float
    lifts_on: date | None = None
    task: IndicatorTask | None = Field(
        default=None, description="For an indicator: what it needs next"
    )
    options: list[str] = Field(
        default=[], description="For an indicator: the option keys that earn full credit"
    )
    missing: list[str] = Field(
        default=[],
        description="For an incident response: the parts not yet evidenced "
        "(public_answer, investigation, remedy)",
    )


class TierPathPublic(BaseModel):
    target: Tier
    threshold: float
    steps: list[TierStepPublic]
    reachable: bool
    projected_total: float


class ExplanationPublic(BaseModel):
    label: str
    points: float
    source: SourcePublic | None = None
    children: list[ExplanationPublic] = []


class ScorePublic(BaseModel):
    """A score as computed now; `provisional` until the assessment is approved."""

    assessment_id: int
    assessment_status: AssessmentStatus
    provisional: bool
    methodology_id: str
    methodology_version: str
    methodology_hash: str
    questionnaire: str
    as_of: date
    inputs_hash: str
    total: float
    practice: float
    incident_deduction: float
    tier: Tier
    tier_by_score: Tier
    sections: list[SectionPublic]
    indicators: list[IndicatorPublic]
    incidents: list[IncidentScorePublic]
    caps: list[CapPublic]
    red_flags: list[RedFlagPublic]
    data_gaps: list[DataGapPublic]
    confidence: ConfidencePublic
    action_plan: list[TierStepPublic]
    next_tier: TierPathPublic | None
    explanation: ExplanationPublic

    @classmethod
    def of(cls, score: Score, assessment: Assessment, *, provisional: bool) -> ScorePublic:
        return cls.model_validate(
            {
                **dataclasses.asdict(score),
                "assessment_id": assessment.id,
                "assessment_status": assessment.status,
                "provisional": provisional,
            }
        )
