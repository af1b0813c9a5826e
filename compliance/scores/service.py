"""Score an assessment: build the facts the methodology needs from what is stored, then call
the pure scorer. Nothing here decides points; `scoring` does."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from compliance.assessments import service as assessment_service
from compliance.assessments.models import Assessment, AssessmentStatus, EvidenceReview
from compliance.errors import Conflict
from compliance.phrases import Phrase
from compliance.screening import facts as screening_facts
from compliance.transparency import service as log_service
from compliance.transparency.models import LogEntry, LogEntryKind
from questionnaires.model import Questionnaire, translate
from questionnaires.visibility import visible_question_ids
from scoring import (
    AssessmentFacts,
    EvidenceFacts,
    EvidenceLevel,
    IncidentFacts,
    NoRulesForQuestionnaire,
    QuestionFacts,
    Rules,
    Score,
    default_rules,
    score,
)

EVIDENCE_LEVELS: dict[EvidenceReview, EvidenceLevel | None] = {
    EvidenceReview.pending: EvidenceLevel.DOCUMENTED,
    EvidenceReview.verified: EvidenceLevel.VERIFIED,
    EvidenceReview.rejected: None,
}


def rules() -> Rules:
    """The methodology in force."""
    return default_rules()


def is_provisional(assessment: Assessment) -> bool:
    """Only an approved assessment has a final score; until then it may still change."""
    return assessment.status is not AssessmentStatus.approved


def as_of_for(assessment: Assessment, *, today: date) -> date:
    """The scoring date: the approval date for a final score (so it stays reproducible),
    today for a provisional one."""
    if not is_provisional(assessment) and assessment.decided_at is not None:
        return assessment.decided_at.date()
    return today


def incident_facts_for(*, session: Session, organisation_id: int) -> list[IncidentFacts]:
    """Incidents matched to the organisation whose match a reviewer confirmed, as scoring facts:
    one per incident, with its current version and verification status, linked to own
    operations (the organisation, a subsidiary or a site) or the value chain (a supplier), and
    the organisation's response (see `compliance.screening.facts`)."""
    return screening_facts.incident_facts_for(session=session, organisation_id=organisation_id)


def assessment_facts(*, session: Session, assessment: Assessment) -> AssessmentFacts:
    """The facts of an assessment as stored now: answers, evidence by review, context, incidents."""
    definition = assessment_service.questionnaire_of(assessment)
    answers = assessment_service.answers_of(session=session, assessment=assessment)
    evidence = []
    for item in assessment_service.evidence_of(session=session, assessment=assessment):
        level = EVIDENCE_LEVELS[item.review]
        if level is not None:
            evidence.append(EvidenceFacts(ref=item.ref, question_id=item.question_id, level=level))
    return AssessmentFacts(
        questionnaire_key=definition.key,
        questionnaire_version=definition.version,
        high_risk_context=assessment.high_risk_context,
        questions=question_facts(definition, answers),
        evidence=tuple(evidence),
        incidents=tuple(
            incident_facts_for(session=session, organisation_id=assessment.organisation_id)
        ),
    )


def question_facts(
    definition: Questionnaire, answers: Mapping[str, Any]
) -> tuple[QuestionFacts, ...]:
    """Every question of the definition as a scoring fact; a hidden question's answer is
    ignored, as the company never saw it."""
    visible = visible_question_ids(definition, answers)
    return tuple(
        QuestionFacts(
            question_id=question.id,
            section_id=question.section,
            required=question.required,
            high_risk_mandatory=question.high_risk_mandatory,
            visible=question.id in visible,
            answer=answers.get(question.id) if question.id in visible else None,
        )
        for question in definition.questions
    )


def option_labels(definition: Questionnaire, language: str = "en") -> dict[str, dict[str, str]]:
    """The options of every choice question by key, with their labels in `language` (English
    where a translation is missing)."""
    return {
        question.id: {choice.key: translate(choice.label, language) for choice in choices}
        for question in definition.questions
        if (choices := question.all_choices)
    }


def score_assessment(*, session: Session, assessment: Assessment, as_of: date) -> Score:
    """The assessment's score on `as_of` under the methodology in force; its steps name the
    questionnaire's options by their English labels, as a person reads them."""
    facts = assessment_facts(session=session, assessment=assessment)
    labels = option_labels(assessment_service.questionnaire_of(assessment))
    methodology = rules()
    try:
        return score(facts, methodology, as_of, option_labels=labels)
    except NoRulesForQuestionnaire as exc:
        # scoring's own message, worded here as a phrase (scoring cannot know about pages)
        raise Conflict(
            Phrase(
                "Methodology %(methodology)s %(version)s has no rules for questionnaire "
                "%(questionnaire)s; publish a methodology version that covers it.",
                methodology=methodology.id,
                version=methodology.version,
                questionnaire=facts.questionnaire,
            )
        ) from exc


def publish_methodology(*, session: Session, now: datetime) -> LogEntry | None:
    """Record the methodology this service scores with in the public transparency log, once per
    version: anyone can then see when a method came into force. None when already logged."""
    current = rules()
    logged = session.exec(
        select(LogEntry.index).where(
            LogEntry.kind == LogEntryKind.methodology_published,
            LogEntry.entry.contains(current.content_hash),
        )
    ).first()
    if logged is not None:
        return None
    return log_service.append(
        session=session,
        kind=LogEntryKind.methodology_published,
        payload={
            "methodology_id": current.id,
            "version": current.version,
            "content_hash": current.content_hash,
        },
        now=now,
    )
