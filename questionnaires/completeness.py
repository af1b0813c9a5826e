"""How far an assessment is, and what is missing before it can be submitted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, computed_field

from questionnaires.conditions import AnswerValue, is_answered
from questionnaires.model import AnswerType, Question, Questionnaire
from questionnaires.phrases import Phrase, Worded
from questionnaires.visibility import visible_question_ids


class SectionProgress(BaseModel):
    """Counts for one section, over the questions currently shown."""

    section_id: str
    required_answered: int
    required_total: int
    answered: int
    visible: int


class Progress(BaseModel):
    """Counts per section and overall, for the progress bar."""

    sections: list[SectionProgress]
    required_answered: int
    required_total: int

    @computed_field
    @property
    def percent(self) -> int:
        if not self.required_total:
            return 100
        return self.required_answered * 100 // self.required_total


class MissingItem(BaseModel):
    """Something that must be provided before submitting."""

    question_id: str
    section_id: str
    kind: Literal["answer", "high_risk_answer", "evidence"]
    message: Worded


def is_required(question: Question, *, high_risk: bool) -> bool:
    """Required always, or because the organisation operates in a high-risk context."""
    return question.required or (high_risk and question.high_risk_mandatory)


def progress(
    definition: Questionnaire, answers: Mapping[str, AnswerValue], *, high_risk: bool
) -> Progress:
    """Required-and-visible questions answered, per section and overall."""
    visible = visible_question_ids(definition, answers)
    sections = []
    for section in definition.sections:
        shown = [q for q in section.questions if q.id in visible]
        required = [q for q in shown if is_required(q, high_risk=high_risk)]
        sections.append(
            SectionProgress(
                section_id=section.id,
                required_answered=sum(is_answered(answers.get(q.id)) for q in required),
                required_total=len(required),
                answered=sum(is_answered(answers.get(q.id)) for q in shown),
                visible=len(shown),
            )
        )
    return Progress(
        sections=sections,
        required_answered=sum(s.required_answered for s in sections),
        required_total=sum(s.required_total for s in sections),
    )


def evidence_needed(question: Question, answer: AnswerValue | None) -> bool:
    """Whether this answer must be backed by evidence (a 'no' needs none, by default)."""
    if not question.evidence.expected or question.type is AnswerType.FILE:
        return False
    if not is_answered(answer):
        return False
    wanted = question.evidence.expected_for
    if wanted is None:
        return answer != "no"
    picked = answer if isinstance(answer, list) else [answer]
    return any(key in wanted for key in picked)


def missing_before_submit(
    definition: Questionnaire,
    answers: Mapping[str, AnswerValue],
    *,
    high_risk: bool,
    evidence: Mapping[str, Sequence[str]] | None = None,
) -> list[MissingItem]:
    """Everything that blocks submission, in questionnaire order.

    `evidence` maps question ids to the evidence items (ids or links) attached to them. A
    `file` question whose evidence is expected is missing evidence when it has no answer.
    """
    evidence = evidence or {}
    visible = visible_question_ids(definition, answers)
    missing = []
    for question in definition.questions:
        if question.id not in visible:
            continue
        answer = answers.get(question.id)
        if not is_answered(answer) and is_required(question, high_risk=high_risk):
            missing.append(_answer_missing(question))
        elif question.type is AnswerType.FILE and question.evidence.expected and not answer:
            description = _evidence_description(question)
            message = Phrase(
                "Upload evidence for question %(id)s: %(description)s",
                id=question.id,
                description=description,
            )
            missing.append(_item(question, "evidence", message))
        elif evidence_needed(question, answer) and not evidence.get(question.id):
            description = _evidence_description(question)
            message = Phrase(
                "Attach evidence for question %(id)s: %(description)s",
                id=question.id,
                description=description,
            )
            missing.append(_item(question, "evidence", message))
    return missing


def _answer_missing(question: Question) -> MissingItem:
    if question.required:
        return _item(question, "answer", Phrase("Answer question %(id)s.", id=question.id))
    message = Phrase(
        "Answer question %(id)s (mandatory for operations in high-risk contexts).", id=question.id
    )
    return _item(question, "high_risk_answer", message)


def _item(question: Question, kind: str, message: str) -> MissingItem:
    return MissingItem(
        question_id=question.id, section_id=question.section, kind=kind, message=message
    )


def _evidence_description(question: Question) -> str:
    """What evidence is expected, as the definition words it in English (the definitions'
    own translations are not in the catalogues), or a general phrase."""
    description = question.evidence.description
    return description["en"] if description else Phrase("the supporting documents")
