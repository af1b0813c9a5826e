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
from questionnaires.model import translate
from questionnaires.registry import default_registry
from scoring import AssessmentFacts, EvidenceFacts, Rules, canonical_json
from scoring.engine import indicator_scores
from scoring.result import IndicatorStatus

QUESTIONS_PER_HOLDING = 6
FAILING_SHARE = 0.5  # an indicator earning less than this share of its points "fails"

GENERIC_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "generic:policy",
        "Policy",
        "Have you published a policy commitment that recognises the legitimate role of human "
        "rights defenders and says you will not tolerate attacks against them?",
    ),
    (
        "generic:due_diligence",
        "Due diligence",
        "How do you identify and assess risks to defenders in your operations and value chain, "
        "and where do you apply heightened due diligence?",
    ),
    (
        "generic:grievance",
        "Grievance and remedy",
        "Which grievance mechanism can defenders and communities use safely, and how do you "
        "provide remedy when harm occurs?",
    ),
    (
        "generic:assessment",
        "Certification",
        "Will you complete an HRD Sentinel self-assessment so that your practice can be "
        "reviewed and certified?",
    ),
)


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
        question = definition.question(weak.question_id)
        section = definition.section(weak.section_id)
        if question is None:
            continue
        why = (
            "Not answered in the approved assessment."
            if weak.lacking
            else f"Earns {100 * weak.share:.0f}% of the indicator's points "
            f"(up to {weak.gain:.1f} points of the total with full credit)."
        )
        questions.append(
            EngagementQuestion(
                ref=weak.question_id,
                topic=translate(section.title, "en") if section else weak.section_id,
                text=translate(question.text, "en"),
                why=why,
            )
        )
        if len(questions) >= QUESTIONS_PER_HOLDING:
            break
    if memo is not None:
        memo[key] = questions
    return questions


def generic_questions(reason: str) -> list[EngagementQuestion]:
    return [
        EngagementQuestion(ref=ref, topic=topic, text=text, why=reason)
        for ref, topic, text in GENERIC_QUESTIONS
    ]


def incident_questions(
    incidents: Sequence[IncidentFinding], certificate: CertificateFinding | None
) -> list[EngagementQuestion]:
    questions = []
    for incident in [i for i in incidents if i.severe][:2]:
        questions.append(
            EngagementQuestion(
                ref=f"incident:{incident.ref}",
                topic="Incident response",
                text=f"What did your investigation of incident {incident.ref} "
                f"({incident.most_severe.replace('_', ' ')}, {incident.occurred_on}, "
                f"{incident.country}) find, and what remedy has been provided?",
                why=f"A {incident.match_status} match of a severe incident.",
            )
        )
    if certificate is not None and certificate.under_challenge:
        questions.append(
            EngagementQuestion(
                ref=f"challenge:{certificate.cert_id}",
                topic="Challenge",
                text=f"How are you responding to the challenge admitted against certificate "
                f"{certificate.cert_id}?",
                why="An admitted challenge stands against the certificate.",
            )
        )
    return questions
