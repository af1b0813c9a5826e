"""Export a questionnaire version as an XLSForm, so it can run in ODK or KoboToolbox.

Certifiers and NGOs use it for field work, for example community consultations at a site.
Question ids and choice keys are valid XML names by construction (see `conditions`), so they
are used as XLSForm names unchanged; conditions become XPath `relevant` expressions, and
questions mandatory in high-risk contexts are required when the first question says so.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from questionnaires.conditions import Condition
from questionnaires.model import (
    YES_PARTLY_NO_CHOICES,
    AnswerType,
    Question,
    Questionnaire,
    translate,
)
from questionnaires.workbook_texts import answer_hint, say
from questionnaires.xlsx_template import set_text

HIGH_RISK_FIELD = "high_risk_context"
_LANGUAGE_NAMES = {"en": "English (en)", "es": "Español (es)", "fr": "Français (fr)"}
_SURVEY_TEXTS = ("label", "hint", "guidance_hint", "constraint_message")


def export_xlsform(definition: Questionnaire) -> bytes:
    """The XLSForm (xlsx bytes) for `definition`, in every language it has."""
    languages = definition.languages
    columns = _text_columns(_SURVEY_TEXTS, languages)
    survey = _Table(["type", "name", *columns, "required", "relevant", "constraint"])
    choices = _Table(["list_name", "name", *_text_columns(("label",), languages)])
    yes_no = [(c.key, c.label) for c in YES_PARTLY_NO_CHOICES if c.key != "partly"]
    _add_list(choices, "yes_no", yes_no, languages)
    _add_list(
        choices, "yes_partly_no", [(c.key, c.label) for c in YES_PARTLY_NO_CHOICES], languages
    )
    survey.add(
        type="note",
        name="introduction",
        **_texts("label", definition.intro, languages),
    )
    survey.add(
        type="select_one yes_no",
        name=HIGH_RISK_FIELD,
        required="yes",
        **_texts("label", _HIGH_RISK_QUESTION, languages),
        **_texts("hint", _HIGH_RISK_HINT, languages),
    )
    for section in definition.sections:
        survey.add(
            type="begin_group",
            name=f"section_{section.id}",
            **_texts("label", section.title, languages),
        )
        survey.add(
            type="note",
            name=f"section_{section.id}_intro",
            **_texts("label", section.intro, languages),
        )
        for question in section.questions:
            survey.add(**_question_row(question, definition, languages))
            if question.type in (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE):
                _add_list(
                    choices,
                    _list_name(question),
                    [(c.key, c.label) for c in question.choices],
                    languages,
                )
        survey.add(type="end_group", name=f"section_{section.id}")
    settings = _Table(["form_title", "form_id", "version", "default_language"])
    settings.add(
        form_title=translate(definition.title, "en"),
        form_id=f"hrd_sentinel_{definition.key}_v{definition.version}",
        version=str(definition.version),
        default_language=_LANGUAGE_NAMES["en"] if len(languages) > 1 else "",
    )
    book = Workbook()
    book.remove(book.active)
    for name, table in (("survey", survey), ("choices", choices), ("settings", settings)):
        table.write(book.create_sheet(name))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_HIGH_RISK_QUESTION = {
    "en": "Does this assessment cover sites or operations in countries or sectors at high risk "
    "for human rights defenders?",
}
_HIGH_RISK_HINT = {
    "en": "High risk: repressed or closed civic space, recorded attacks on defenders, conflict, "
    "land disputes, or mining, agribusiness, fossil fuels, renewable energy, logging or "
    "infrastructure. Questions marked as mandatory in high-risk contexts become required.",
}


class _Table:
    """Rows of one XLSForm sheet, by column name."""

    def __init__(self, columns: Sequence[str]):
        self.columns = list(columns)
        self.rows: list[dict[str, str]] = []

    def add(self, **values: str) -> None:
        self.rows.append(values)

    def write(self, sheet: Worksheet) -> None:
        """Write the header and rows, leaving out optional columns that stay empty."""
        used = [c for c in self.columns if any(row.get(c) for row in self.rows)]
        for column_number, name in enumerate(used, start=1):
            set_text(sheet.cell(row=1, column=column_number), name)
        for row_number, values in enumerate(self.rows, start=2):
            for column_number, name in enumerate(used, start=1):
                set_text(sheet.cell(row=row_number, column=column_number), values.get(name, ""))


def _text_columns(names: Sequence[str], languages: Sequence[str]) -> list[str]:
    if len(languages) == 1:
        return list(names)
    return [f"{name}::{_LANGUAGE_NAMES[lang]}" for name in names for lang in languages]


def _texts(column: str, text: dict[str, str], languages: Sequence[str]) -> dict[str, str]:
    if len(languages) == 1:
        return {column: translate(text, languages[0])}
    return {f"{column}::{_LANGUAGE_NAMES[lang]}": translate(text, lang) for lang in languages}


def _add_list(
    table: _Table,
    name: str,
    options: Sequence[tuple[str, dict[str, str]]],
    languages: Sequence[str],
) -> None:
    for key, label in options:
        table.add(list_name=name, name=key, **_texts("label", label, languages))


def _list_name(question: Question) -> str:
    return f"{question.id}_options"


def _question_row(
    question: Question, definition: Questionnaire, languages: Sequence[str]
) -> dict[str, str]:
    row = {
        "type": _xlsform_type(question),
        "name": question.id,
        **_texts("label", _numbered(question), languages),
        **_texts("hint", _hint(question, languages), languages),
        **_texts("guidance_hint", _guidance(question), languages),
        "required": _required(question),
        "relevant": relevant(question.show_if, definition) if question.show_if else "",
    }
    constraint, message = _constraint(question)
    if constraint:
        row |= {
            "constraint": constraint,
            **_texts("constraint_message", {"en": message}, languages),
        }
    return row


def _numbered(question: Question) -> dict[str, str]:
    return {lang: f"{question.id}. {text}" for lang, text in question.text.items()}


def _hint(question: Question, languages: Sequence[str]) -> dict[str, str]:
    hints = {}
    for lang in languages:
        hint = answer_hint(question, lang)
        if question.type is AnswerType.MULTIPLE_CHOICE:
            hint = say("hint_select_all", lang)
        description = question.evidence.description
        if question.evidence.expected and description:
            expected = say("evidence_expected", lang, description=translate(description, lang))
            hint = f"{hint} {expected}"
        hints[lang] = hint
    return hints


def _guidance(question: Question) -> dict[str, str]:
    norms = "; ".join(question.norms)
    return {
        lang: f"{text} {say('norms', lang, norms=norms)}."
        for lang, text in question.guidance.items()
    }


def _xlsform_type(question: Question) -> str:
    match question.type:
        case AnswerType.YES_PARTLY_NO:
            return "select_one yes_partly_no"
        case AnswerType.SINGLE_CHOICE:
            return f"select_one {_list_name(question)}"
        case AnswerType.MULTIPLE_CHOICE:
            return f"select_multiple {_list_name(question)}"
        case AnswerType.NUMBER:
            return "integer" if question.integer else "decimal"
        case AnswerType.DATE:
            return "date"
        case AnswerType.FILE:
            return "file"
        case AnswerType.TEXT | AnswerType.URL:
            return "text"


def _required(question: Question) -> str:
    if question.required:
        return "yes"
    if question.high_risk_mandatory:
        return f"${{{HIGH_RISK_FIELD}}} = 'yes'"
    return ""


def _constraint(question: Question) -> tuple[str, str]:
    if question.type is AnswerType.NUMBER:
        bounds = []
        if question.minimum is not None:
            bounds.append(f". >= {question.minimum:g}")
        if question.maximum is not None:
            bounds.append(f". <= {question.maximum:g}")
        return " and ".join(bounds), answer_hint(question)
    if question.type is AnswerType.TEXT:
        return f"string-length(.) <= {question.text_limit}", answer_hint(question)
    if question.type is AnswerType.URL:
        return "regex(., '^https?://[^ ]+$')", answer_hint(question)
    return "", ""


def relevant(condition: Condition, definition: Questionnaire) -> str:
    """A condition as an XPath expression for the XLSForm `relevant` column."""
    if condition.all is not None:
        return " and ".join(f"({relevant(part, definition)})" for part in condition.all)
    if condition.any is not None:
        return " or ".join(f"({relevant(part, definition)})" for part in condition.any)
    if condition.not_ is not None:
        return f"not({relevant(condition.not_, definition)})"
    field = f"${{{condition.question}}}"
    if condition.answered is not None:
        return f"{field} != ''" if condition.answered else f"{field} = ''"
    if condition.at_least is not None:
        return f"{field} != '' and {field} >= {condition.at_least:g}"
    target = definition.question(condition.question or "")
    multiple = target is not None and target.type is AnswerType.MULTIPLE_CHOICE
    keys = condition.in_ if condition.in_ is not None else condition.not_in or ()
    tests = [f"selected({field}, '{key}')" if multiple else f"{field} = '{key}'" for key in keys]
    matched = " or ".join(tests)
    if condition.in_ is not None:
        return matched
    return f"{field} != '' and not({matched})"
