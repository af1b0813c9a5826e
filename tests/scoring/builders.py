"""Facts a real organisation could present, built from the published questionnaires."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from questionnaires.model import AnswerType, Question
from questionnaires.registry import default_registry
from questionnaires.visibility import visible_question_ids
from scoring import (
    AssessmentFacts,
    EvidenceFacts,
    EvidenceLevel,
    IncidentFacts,
    IncidentResponse,
    Link,
    QuestionFacts,
    Verification,
    default_rules,
)
from scoring.rules import Method

RULES = default_rules()
AS_OF = date(2025, 6, 30)


def facts(
    answers: Mapping[str, object],
    *,
    key: str = "company",
    high_risk: bool = False,
    evidence: Iterable[EvidenceFacts] = (),
    incidents: Iterable[IncidentFacts] = (),
) -> AssessmentFacts:
    """Facts for `answers`, with visibility decided by the questionnaire's own conditions."""
    definition = default_registry().get(key)
    visible = visible_question_ids(definition, answers)
    return AssessmentFacts(
        questionnaire_key=key,
        questionnaire_version=definition.version,
        high_risk_context=high_risk,
        questions=tuple(
            QuestionFacts(
                question_id=q.id,
                section_id=q.section,
                required=q.required,
                high_risk_mandatory=q.high_risk_mandatory,
                visible=q.id in visible,
                answer=answers.get(q.id) if q.id in visible else None,
            )
            for q in definition.questions
        ),
        evidence=tuple(evidence),
        incidents=tuple(incidents),
    )


def _best(question: Question, key: str) -> object:
    rule = RULES.questionnaires[f"{key}/1"].indicator(question.id)
    assert rule is not None
    match question.type:
        case AnswerType.YES_PARTLY_NO:
            return "yes"
        case AnswerType.SINGLE_CHOICE:
            return (
                max((p, k) for k, p in rule.points.items() if p is not None)[1]
                if rule.points
                else question.choices[0].key
            )
        case AnswerType.MULTIPLE_CHOICE:
            return [c.key for c in question.choices if c.key != "none"]
        case AnswerType.NUMBER:
            if rule.method is Method.NUMBER:
                band = rule.bands[0]
                return band.at_most if band.at_most is not None else band.at_least
            return 1
        case AnswerType.DATE:
            return AS_OF.isoformat()
        case AnswerType.URL:
            return "https://example.org/report"
        case AnswerType.FILE:
            return "EV900"
        case _:
            return "Described in the annual human rights report."


def best_answers(key: str = "company") -> dict[str, object]:
    """The answers that earn full credit, given in order so that every follow-up is asked."""
    definition = default_registry().get(key)
    answers: dict[str, object] = {}
    for question in definition.questions:
        if question.id in visible_question_ids(definition, answers):
            answers[question.id] = _best(question, key)
    return answers


def evidence_everywhere(
    answers: Mapping[str, object], level: EvidenceLevel = EvidenceLevel.VERIFIED
) -> list[EvidenceFacts]:
    """One evidence item on every answered question."""
    return [EvidenceFacts(f"EV{n}", qid, level) for n, qid in enumerate(sorted(answers), start=1)]


def incident(**changes: object) -> IncidentFacts:
    """A corroborated killing linked to own operations a year before the scoring date."""
    base = IncidentFacts(
        ref="INC-AAAA",
        occurred_on=date(2024, 6, 30),
        attack_types=("killing",),
        verification=Verification.CORROBORATED,
        link=Link.OWN_OPERATIONS,
        perpetrator="unknown",
        collective_targeted=False,
        response=IncidentResponse(),
    )
    return replace(base, **changes)


def indicator(score, question_id: str):
    return next(i for i in score.indicators if i.question_id == question_id)


def section(score, section_id: str):
    return next(s for s in score.sections if s.section_id == section_id)
