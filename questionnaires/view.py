"""A questionnaire rendered in one language (English where a translation is missing).

This is what the web form and `GET /questionnaires/{key}?lang=` show; the multilingual
`Questionnaire` itself is what authors edit and what the content hash covers.
"""

from __future__ import annotations

from pydantic import BaseModel

from questionnaires.conditions import Condition
from questionnaires.model import LANGUAGES, AnswerType, Question, Questionnaire, translate
from questionnaires.visibility import describe_condition


class ChoiceView(BaseModel):
    key: str
    label: str


class EvidenceView(BaseModel):
    expected: bool
    description: str | None
    expected_for: list[str] | None


class QuestionView(BaseModel):
    id: str
    section: str
    text: str
    guidance: str
    norms: list[str]
    type: AnswerType
    choices: list[ChoiceView]
    show_if: Condition | None
    show_if_text: str | None
    required: bool
    high_risk_mandatory: bool
    evidence: EvidenceView
    minimum: float | None
    maximum: float | None
    integer: bool
    max_length: int | None


class SectionView(BaseModel):
    id: str
    title: str
    intro: str
    questions: list[QuestionView]


class QuestionnaireView(BaseModel):
    key: str
    version: int
    language: str
    organisation_kind: str
    title: str
    intro: str
    sections: list[SectionView]


def localize(definition: Questionnaire, language: str = "en") -> QuestionnaireView:
    """Every text of `definition` in `language`; unsupported languages give English."""
    lang = language if language in LANGUAGES else "en"
    return QuestionnaireView(
        key=definition.key,
        version=definition.version,
        language=lang,
        organisation_kind=definition.organisation_kind,
        title=translate(definition.title, lang),
        intro=translate(definition.intro, lang),
        sections=[
            SectionView(
                id=section.id,
                title=translate(section.title, lang),
                intro=translate(section.intro, lang),
                questions=[_question(q, definition, lang) for q in section.questions],
            )
            for section in definition.sections
        ],
    )


def _question(question: Question, definition: Questionnaire, lang: str) -> QuestionView:
    evidence = question.evidence
    return QuestionView(
        id=question.id,
        section=question.section,
        text=translate(question.text, lang),
        guidance=translate(question.guidance, lang),
        norms=list(question.norms),
        type=question.type,
        choices=[
            ChoiceView(key=c.key, label=translate(c.label, lang)) for c in question.all_choices
        ],
        show_if=question.show_if,
        show_if_text=(
            describe_condition(question.show_if, definition, lang) if question.show_if else None
        ),
        required=question.required,
        high_risk_mandatory=question.high_risk_mandatory,
        evidence=EvidenceView(
            expected=evidence.expected,
            description=translate(evidence.description, lang) if evidence.description else None,
            expected_for=list(evidence.expected_for) if evidence.expected_for else None,
        ),
        minimum=question.minimum,
        maximum=question.maximum,
        integer=question.integer,
        max_length=question.text_limit if question.type is AnswerType.TEXT else None,
    )
