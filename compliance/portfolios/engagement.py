"""The questions an investor can put to a company: on the indicators its approved assessment
fails or lacks (points from the methodology), on severe incidents and admitted challenges, or
generic ones when there is no assessment to draw from."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from compliance.portfolios.briefing import (
    CertificateFinding,
    EngagementQuestion,
    IncidentFinding,
)
from compliance.scores import service as score_service
from questionnaires.registry import default_registry
from reports import briefing_texts
from scoring import AssessmentFacts, EvidenceFacts, Rules, canonical_json
from scoring.engine import indicator_scores
from scoring.result import IndicatorStatus

QUESTIONS_PER_HOLDING = 6
FAILING_SHARE = 0.5  # an indicator earning less than this share of its points "fails"

# The questions asked when there is no approved assessment to draw from; their wording is in
# `reports.briefing_texts.GENERIC_QUESTIONS`.
GENERIC_TOPICS = ("policy", "due_diligence", "grievance", "assessment")


def _question(ref: str, code: str, params: dict[str, Any]) -> EngagementQuestion:
    """A question as data, with its English wording (the PDF and xlsx word it in the run's
    language from the same code and parameters)."""
    words = briefing_texts.question(code, params)
    if words is None:
        raise ValueError(f"no wording for the {code} question {ref}")
    return EngagementQuestion(ref=ref, code=code, params=params, **words._asdict())


def _facts_of(
    assessment: sa.Row, answers: Mapping[str, Any], evidence: Sequence[EvidenceFacts]
) -> AssessmentFacts:
    definition = default_registry().get(
        assessment.questionnaire_key, assessment.questionnaire_version
    )
    return AssessmentFacts(
        questionnaire_key=definition.key,
        questionnaire_version=definition.version,
        high_risk_context=assessment.high_risk_context,
        questions=score_service.question_facts(definition, answers),
        evidence=tuple(evidence),
        incidents=(),
    )


@dataclasses.dataclass(frozen=True)
class WeakIndicator:
    question_id: str
    section_id: str
    lacking: bool  # unanswered or not asked
    share: float  # of the indicator's points earned
    gain: float  # points of the total (0-100) full credit would add


def weak_indicators(facts: AssessmentFacts, rules: Rules, as_of: date) -> list[WeakIndicator]:
    """The indicators an assessment fails (earns under half their points) or lacks, with what
    full credit would add to the total (as the methodology computes it), most first."""
    weak = []
    for indicator in indicator_scores(facts, rules, as_of):
        if not indicator.counted or indicator.status is IndicatorStatus.NOT_APPLICABLE:
            continue
        gain = indicator.full_credit_gain
        if gain <= 0:
            continue
        lacking = indicator.status in (IndicatorStatus.UNANSWERED, IndicatorStatus.NOT_ASKED)
        share = indicator.earned / indicator.max_points if indicator.max_points else 1.0
        if lacking or share < FAILING_SHARE:
            weak.append(
                WeakIndicator(indicator.question_id, indicator.section_id, lacking, share, gain)
            )
    weak.sort(key=lambda w: (-w.gain, w.question_id))
    return weak


def engagement_from_score(
    *,
    assessment: sa.Row,
    answers: Mapping[str, Any],
    evidence: Sequence[EvidenceFacts],
    rules: Rules,
    memo: dict[str, list[EngagementQuestion]] | None = None,
) -> list[EngagementQuestion]:
    """Questions on the indicators the approved assessment fails or lacks, most points first.
    `memo` shares the answer between assessments with the very same inputs."""
    as_of = (assessment.decided_at or assessment.updated_at).date()
    key = canonical_json(
        {
            "q": [assessment.questionnaire_key, assessment.questionnaire_version],
            "h": assessment.high_risk_context,
            "a": dict(answers),
            "e": [[e.ref, e.question_id, str(e.level)] for e in evidence],
            "d": as_of.isoformat(),
        }
    )
    if memo is not None and key in memo:
        return memo[key]
    definition = default_registry().get(
        assessment.questionnaire_key, assessment.questionnaire_version
    )
    questions = []
    for weak in weak_indicators(_facts_of(assessment, answers, evidence), rules, as_of):
        if definition.question(weak.question_id) is None:
            continue
        questions.append(
            _question(
                weak.question_id,
                "indicator",
                {
                    "questionnaire": definition.key,
                    "version": definition.version,
                    "question": weak.question_id,
                    "section": weak.section_id,
                    "lacking": weak.lacking,
                    "share": round(100 * weak.share),  # percent, rounded as it is shown
                    "gain": round(weak.gain, 1),
                },
            )
        )
        if len(questions) >= QUESTIONS_PER_HOLDING:
            break
    if memo is not None:
        memo[key] = questions
    return questions


def generic_questions(reason: str = "no_approved_assessment") -> list[EngagementQuestion]:
    """The generic questions, with why they are asked (a code of
    `reports.briefing_texts.GENERIC_REASONS`)."""
    return [
        _question(f"generic:{key}", "generic", {"key": key, "reason": reason})
        for key in GENERIC_TOPICS
    ]


def incident_questions(
    incidents: Sequence[IncidentFinding], certificate: CertificateFinding | None
) -> list[EngagementQuestion]:
    questions = []
    for incident in [i for i in incidents if i.severe][:2]:
        questions.append(
            _question(
                f"incident:{incident.ref}",
                "incident",
                {
                    "ref": incident.ref,
                    "attack_type": incident.most_severe,
                    "occurred_on": incident.occurred_on,
                    "country": incident.country,
                    "match_status": incident.match_status,
                },
            )
        )
    if certificate is not None and certificate.under_challenge:
        questions.append(
            _question(
                f"challenge:{certificate.cert_id}", "challenge", {"cert_id": certificate.cert_id}
            )
        )
    return questions
