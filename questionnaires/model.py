"""What a questionnaire definition is: sections, questions, choices, evidence and migrations.

The same pydantic models validate the YAML files and serialise definitions to JSON for the API.
Every human-readable text is a mapping of language to text ({en, es, fr}); a plain string in a
file means English. English is required and is the normative text.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    StringConstraints,
    WrapSerializer,
    model_validator,
)

from questionnaires.conditions import ChoiceKey, Condition, QuestionId, leaves
from questionnaires.errors import DefinitionError, DefinitionProblem

LANGUAGES = ("en", "es", "fr")
DEFAULT_TEXT_LIMIT = 4000


def _as_translations(value: object) -> object:
    return {"en": value} if isinstance(value, str) else value


def _check_translations(value: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise ValueError(f"unsupported language {', '.join(unknown)}; use {', '.join(LANGUAGES)}")
    if not value.get("en", "").strip():
        raise ValueError("the English text (en) is required")
    blank = sorted(lang for lang, text in value.items() if not text.strip())
    if blank:
        raise ValueError(f"empty text for {', '.join(blank)}; leave the language out instead")
    return {lang: value[lang].strip() for lang in LANGUAGES if lang in value}


def _english_when_hashing(
    value: dict[str, str], handler: SerializerFunctionWrapHandler, info: SerializationInfo
) -> object:
    """In the canonical form only English counts, so adding translations keeps the hash."""
    if isinstance(info.context, Mapping) and info.context.get("canonical"):
        return value["en"]
    return handler(value)


LocalizedText = Annotated[
    dict[str, str],
    BeforeValidator(_as_translations),
    AfterValidator(_check_translations),
    WrapSerializer(_english_when_hashing),
]


def translate(text: Mapping[str, str], language: str) -> str:
    """The text in `language`, falling back to English when there is no translation."""
    return text.get(language) or text["en"]


class AnswerType(StrEnum):
    """How a question is answered; decides validation, widgets and XLSForm types."""

    YES_PARTLY_NO = "yes_partly_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    DATE = "date"
    TEXT = "text"
    URL = "url"
    FILE = "file"


CHOICE_TYPES = (AnswerType.YES_PARTLY_NO, AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE)


class _Definition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Definition):
    """One option of a choice question; the key is stable, the label may change language."""

    key: ChoiceKey
    label: LocalizedText


YES_PARTLY_NO_CHOICES = (
    Choice(key="yes", label={"en": "Yes", "es": "Sí", "fr": "Oui"}),
    Choice(key="partly", label={"en": "Partly", "es": "Parcialmente", "fr": "Partiellement"}),
    Choice(key="no", label={"en": "No", "es": "No", "fr": "Non"}),
)


class Evidence(_Definition):
    """The documents that substantiate an answer; without them an answer earns no credit."""

    expected: bool = False
    description: LocalizedText | None = None
    expected_for: tuple[ChoiceKey, ...] | None = Field(
        default=None,
        description="Choice keys whose answer needs evidence; by default every answer except 'no'.",
    )

    @model_validator(mode="after")
    def _described(self) -> Evidence:
        if self.expected and self.description is None:
            raise ValueError("say which evidence is expected (description)")
        if not self.expected and self.expected_for is not None:
            raise ValueError("expected_for only makes sense when evidence is expected")
        return self


class Question(_Definition):
    """One question: what is asked, how it is answered, when it shows, what proves it."""

    id: QuestionId
    section: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
    text: LocalizedText
    guidance: LocalizedText
    norms: tuple[Annotated[str, StringConstraints(min_length=2, max_length=120)], ...] = Field(
        min_length=1
    )
    type: AnswerType
    choices: tuple[Choice, ...] = ()
    show_if: Condition | None = None
    required: bool = False
    high_risk_mandatory: bool = False
    evidence: Evidence = Evidence()
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    max_length: int | None = Field(default=None, ge=1, le=20_000)

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        is_choice = self.type in (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE)
        if is_choice and len(self.choices) < 2:
            raise ValueError(f"a {self.type} question needs at least two choices")
        if not is_choice and self.choices:
            raise ValueError(f"a {self.type} question takes no choices")
        keys = [choice.key for choice in self.choices]
        if len(set(keys)) != len(keys):
            raise ValueError("choice keys must be unique")
        numeric = (self.minimum, self.maximum) != (None, None) or self.integer
        if numeric and self.type is not AnswerType.NUMBER:
            raise ValueError("minimum, maximum and integer apply to number questions only")
        if None not in (self.minimum, self.maximum) and self.minimum > self.maximum:
            raise ValueError("minimum is above maximum")
        if self.max_length is not None and self.type is not AnswerType.TEXT:
            raise ValueError("max_length applies to text questions only")
        if self.required and self.high_risk_mandatory:
            raise ValueError("a required question is already mandatory in high-risk contexts")
        unknown = set(self.evidence.expected_for or ()) - set(self.choice_keys)
        if unknown:
            raise ValueError(f"evidence.expected_for names unknown choices: {sorted(unknown)}")
        return self

    @property
    def all_choices(self) -> tuple[Choice, ...]:
        """The options offered, including the built-in yes / partly / no."""
        if self.type is AnswerType.YES_PARTLY_NO:
            return YES_PARTLY_NO_CHOICES
        return self.choices

    @property
    def choice_keys(self) -> tuple[str, ...]:
        return tuple(choice.key for choice in self.all_choices)

    @property
    def text_limit(self) -> int:
        return self.max_length or DEFAULT_TEXT_LIMIT


class Section(_Definition):
    """A group of questions shown on one page of the form and one sheet of the workbook."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
    title: LocalizedText
    intro: LocalizedText
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _fill_section_id(cls, value: Any) -> Any:
        """Questions are written inside their section; each carries the section id for the API."""
        if isinstance(value, dict) and isinstance(value.get("questions"), list):
            questions = [
                {"section": value.get("id"), **question} if isinstance(question, dict) else question
                for question in value["questions"]
            ]
            return {**value, "questions": questions}
        return value


class Migration(_Definition):
    """How answers to the previous version carry over to this one; declared, never guessed.

    Every question of the previous version must be kept (same id), renamed or dropped.
    `choice_keys` maps, per question id of the previous version, old choice keys to new ones.
    """

    from_version: int = Field(ge=1)
    renamed: dict[QuestionId, QuestionId] = {}
    dropped: tuple[QuestionId, ...] = ()
    choice_keys: dict[QuestionId, dict[ChoiceKey, ChoiceKey]] = {}


class Questionnaire(_Definition):
    """One version of a questionnaire, immutable once published."""

    key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
    version: int = Field(ge=1)
    organisation_kind: Literal["company", "financial_institution"]
    title: LocalizedText
    intro: LocalizedText
    sections: tuple[Section, ...] = Field(min_length=1)
    migration: Migration | None = None

    _by_id: dict[str, Question] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _structure(self) -> Questionnaire:
        problems = _structure_problems(self)
        if problems:
            raise DefinitionError(problems)
        self._by_id.update((question.id, question) for question in self.questions)
        return self

    @property
    def questions(self) -> list[Question]:
        """All questions in the order they are asked."""
        return [question for section in self.sections for question in section.questions]

    def question(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def section(self, section_id: str) -> Section | None:
        return next((section for section in self.sections if section.id == section_id), None)

    @property
    def languages(self) -> list[str]:
        """The languages every text of this version could be shown in, English first."""
        found = {"en"}
        for text in _all_texts(self):
            found.update(text)
        return [lang for lang in LANGUAGES if lang in found]


def _all_texts(definition: Questionnaire) -> list[Mapping[str, str]]:
    texts: list[Mapping[str, str]] = [definition.title, definition.intro]
    for section in definition.sections:
        texts += [section.title, section.intro]
        for question in section.questions:
            texts += [question.text, question.guidance]
            texts += [choice.label for choice in question.choices]
            if question.evidence.description:
                texts.append(question.evidence.description)
    return texts


def _structure_problems(definition: Questionnaire) -> list[DefinitionProblem]:
    """Checks across questions: unique ids, sections and conditions pointing backwards."""
    problems: list[DefinitionProblem] = []
    section_ids = [section.id for section in definition.sections]
    for duplicate in sorted({sid for sid in section_ids if section_ids.count(sid) > 1}):
        problems.append(DefinitionProblem(None, f"section {duplicate} appears more than once"))
    for section in definition.sections:
        problems += [
            DefinitionProblem(
                question.id, f"it says section {question.section} but sits in {section.id}"
            )
            for question in section.questions
            if question.section != section.id
        ]
    earlier: dict[str, Question] = {}
    for question in definition.questions:
        if question.id in earlier:
            problems.append(DefinitionProblem(question.id, "this id is used more than once"))
            continue
        if not question.id.startswith(question.section):
            problems.append(
                DefinitionProblem(
                    question.id, f"the id must start with its section letter {question.section}"
                )
            )
        if question.show_if is not None:
            problems += [
                DefinitionProblem(question.id, message)
                for message in _condition_problems(question.show_if, earlier, definition)
            ]
        earlier[question.id] = question
    return problems


def _condition_problems(
    condition: Condition, earlier: Mapping[str, Question], definition: Questionnaire
) -> list[str]:
    problems = []
    later = {question.id for question in definition.questions}
    for test in leaves(condition):
        target = earlier.get(test.question or "")
        if target is None:
            where = "a later question" if test.question in later else "an unknown question"
            problems.append(
                f"show_if refers to {test.question}, {where}; a condition may only use "
                "answers to questions asked before it"
            )
            continue
        keys = test.in_ or test.not_in
        if keys is not None:
            if target.type not in CHOICE_TYPES:
                problems.append(
                    f"show_if tests {target.id} against choice keys, but it is a "
                    f"{target.type} question"
                )
            unknown = sorted(set(keys) - set(target.choice_keys))
            if unknown and target.type in CHOICE_TYPES:
                problems.append(
                    f"show_if uses {', '.join(unknown)}, which {target.id} does not offer "
                    f"(its choices: {', '.join(target.choice_keys)})"
                )
        if test.at_least is not None and target.type is not AnswerType.NUMBER:
            problems.append(f"show_if uses at_least on {target.id}, which is not a number question")
    return problems
