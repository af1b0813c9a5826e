"""What a score is computed from: plain, frozen facts about one assessment.

The application builds these from its database (answers, evidence and its review, the context,
incidents matched to the organisation and confirmed by a reviewer); the scorer never reads
anything else. Facts hold no names, contact data or exact locations: incidents are known by
their pseudonymous reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

AnswerValue = str | int | float | list[str]


class EvidenceLevel(StrEnum):
    """How well an answer is substantiated; each level earns a share of the answer's points."""

    SELF_DECLARED = "self_declared"
    DOCUMENTED = "documented"
    VERIFIED = "verified"


EVIDENCE_ORDER = (EvidenceLevel.SELF_DECLARED, EvidenceLevel.DOCUMENTED, EvidenceLevel.VERIFIED)


class Verification(StrEnum):
    """How far an incident record has been checked (every claim is alleged until verified)."""

    ALLEGED = "alleged"
    CORROBORATED = "corroborated"
    VERIFIED = "verified"


class Link(StrEnum):
    """How the incident is linked to the organisation being scored."""

    OWN_OPERATIONS = "own_operations"
    VALUE_CHAIN = "value_chain"


class ResponseLevel(StrEnum):
    """How far one step of the organisation's response to an incident is shown."""

    NONE = "none"
    STATED = "stated"
    EVIDENCED = "evidenced"


RESPONSE_ORDER = (ResponseLevel.NONE, ResponseLevel.STATED, ResponseLevel.EVIDENCED)


@dataclass(frozen=True)
class QuestionFacts:
    """One question of the questionnaire as the organisation sees it, with its answer.

    `visible` is whether the questionnaire's conditions show it given the other answers;
    `answer` is None when the question is unanswered.
    """

    question_id: str
    section_id: str
    required: bool
    high_risk_mandatory: bool
    visible: bool
    answer: AnswerValue | None = None


@dataclass(frozen=True)
class EvidenceFacts:
    """An evidence item (file or link) that a reviewer has not rejected.

    `level` is `documented` while the item awaits review and `verified` once a reviewer checked
    it; rejected items are not facts at all. `question_id` is None for an item attached to the
    assessment as a whole, which supports no answer in particular.
    """

    ref: str
    question_id: str | None
    level: EvidenceLevel


@dataclass(frozen=True)
class IncidentResponse:
    """The organisation's response to an incident, scored apart from the allegation."""

    public_answer: ResponseLevel = ResponseLevel.NONE
    investigation: ResponseLevel = ResponseLevel.NONE
    remedy: ResponseLevel = ResponseLevel.NONE


@dataclass(frozen=True)
class IncidentFacts:
    """An incident matched to the organisation (a reviewer confirmed the match).

    `attack_types` and `perpetrator` use the incident vocabulary (killing, death_threat, ...;
    company, police, ...). `collective_targeted` is true when a community or collective, not only
    individuals, was attacked.
    """

    ref: str
    occurred_on: date
    attack_types: tuple[str, ...]
    verification: Verification
    link: Link
    perpetrator: str = "unknown"
    collective_targeted: bool = False
    response: IncidentResponse = field(default_factory=IncidentResponse)


@dataclass(frozen=True)
class AssessmentFacts:
    """Everything one score depends on, besides the rules and the date."""

    questionnaire_key: str
    questionnaire_version: int
    high_risk_context: bool
    questions: tuple[QuestionFacts, ...]
    evidence: tuple[EvidenceFacts, ...] = ()
    incidents: tuple[IncidentFacts, ...] = ()

    @property
    def questionnaire(self) -> str:
        """The questionnaire as rules name it, e.g. 'company/1'."""
        return f"{self.questionnaire_key}/{self.questionnaire_version}"


def _answer_payload(answer: AnswerValue | None) -> object:
    return list(answer) if isinstance(answer, list | tuple) else answer


def facts_payload(facts: AssessmentFacts) -> dict[str, object]:
    """The facts as canonical data for hashing: order of questions, evidence and incidents
    does not matter, so it is fixed here."""
    return {
        "questionnaire": {"key": facts.questionnaire_key, "version": facts.questionnaire_version},
        "high_risk_context": facts.high_risk_context,
        "questions": [
            {
                "id": q.question_id,
                "section": q.section_id,
                "required": q.required,
                "high_risk_mandatory": q.high_risk_mandatory,
                "visible": q.visible,
                "answer": _answer_payload(q.answer),
            }
            for q in sorted(facts.questions, key=lambda q: q.question_id)
        ],
        "evidence": [
            {"ref": e.ref, "question": e.question_id, "level": e.level.value}
            for e in sorted(facts.evidence, key=lambda e: (e.question_id or "", e.ref, e.level))
        ],
        "incidents": [
            {
                "ref": i.ref,
                "occurred_on": i.occurred_on.isoformat(),
                "attack_types": sorted(i.attack_types),
                "verification": i.verification.value,
                "link": i.link.value,
                "perpetrator": i.perpetrator,
                "collective_targeted": i.collective_targeted,
                "response": {
                    "public_answer": i.response.public_answer.value,
                    "investigation": i.response.investigation.value,
                    "remedy": i.response.remedy.value,
                },
            }
            for i in sorted(facts.incidents, key=_incident_order)
        ],
    }


def _incident_order(incident: IncidentFacts) -> tuple[str, str, Sequence[str]]:
    return (incident.ref, incident.occurred_on.isoformat(), sorted(incident.attack_types))
