"""Read a filled answers workbook: every answer, or every problem (sheet, cell, value, why).

All or none: the whole workbook is checked before anything is returned, so a person fixes all
problems in one pass. The upload goes through `open_untrusted_xlsx` (size, zip-bomb, macro and
entity checks, fast calamine reading, formula detection) before any cell is looked at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from openpyxl.utils import column_index_from_string
from pydantic import BaseModel

from questionnaires.answers import (
    AnswerRejected,
    normalise_answer,
    normalise_evidence_reference,
)
from questionnaires.conditions import AnswerValue, is_answered
from questionnaires.errors import CellProblem, SpreadsheetInvalid, WrongQuestionnaire
from questionnaires.model import LANGUAGES, AnswerType, Question, Questionnaire, Section
from questionnaires.phrases import Phrase
from questionnaires.publication import content_hash
from questionnaires.visibility import hidden_answer_message, visible_question_ids
from questionnaires.workbook_layout import (
    ANSWER_COLUMN,
    COMMENT_COLUMN,
    COMMENT_LIMIT,
    EVIDENCE_COLUMN,
    FIRST_QUESTION_ROW,
    ID_COLUMN,
    META_SHEET,
    NOT_SELECTED,
    OPTION_SEPARATOR,
    SELECTED,
    choice_lookup,
    section_sheet_name,
    takes_dropdown,
)
from questionnaires.workbook_reader import (
    CellValue,
    UntrustedWorkbook,
    WorkbookLimits,
    open_untrusted_xlsx,
)
from questionnaires.workbook_texts import say

_MARKS = {text.casefold(): True for text in SELECTED.values()} | {
    text.casefold(): False for text in NOT_SELECTED.values()
}


class WorkbookAnswers(BaseModel):
    """What a valid workbook holds. Blank cells are listed, not treated as answers."""

    questionnaire_key: str
    version: int
    language: str
    answers: dict[str, AnswerValue]
    blank: list[str]
    evidence: dict[str, list[str]]
    comments: dict[str, str]


@dataclass
class _Reading:
    """What has been read so far, with the cell each answer came from."""

    answers: dict[str, AnswerValue] = field(default_factory=dict)
    seen: dict[str, tuple[str, str]] = field(default_factory=dict)
    source: dict[str, tuple[str, str, CellValue]] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)
    language: str = "en"

    def say(self, message: str, **values: object) -> str:
        """A problem message in the workbook's language."""
        return say(message, self.language, **values)

    def problem(self, sheet: str, cell: str | None, value: CellValue, message: str) -> None:
        row = int("".join(ch for ch in cell if ch.isdigit())) if cell else None
        column = "".join(ch for ch in cell if ch.isalpha()) if cell else None
        self.problems.append(
            CellProblem(
                sheet=sheet, cell=cell, row=row, column=column, value=_shown(value), message=message
            )
        )


def read_answers_workbook(
    data: bytes,
    definition: Questionnaire,
    *,
    current_answers: Mapping[str, AnswerValue] | None = None,
    limits: WorkbookLimits | None = None,
) -> WorkbookAnswers:
    """Answers from an uploaded template, checked against `definition`.

    Raises `WorkbookRefused` (not a safe xlsx), `WrongQuestionnaire` (another questionnaire
    or version) or `SpreadsheetInvalid` with every problem. Conditions are checked against
    `current_answers` merged with the workbook, since a blank cell does not clear an answer.
    """
    book = open_untrusted_xlsx(data, limits=limits)
    language = _check_identity(book, definition)
    reading = _Reading(language=language)
    for section in definition.sections:
        sheet = section_sheet_name(section, language)
        if sheet not in book.sheet_names:
            reading.problem(sheet, None, "", reading.say("problem_sheet_missing", sheet=sheet))
            continue
        _read_section(book, sheet, section, definition, language, reading)
    _collect_options(definition, reading)
    _check_visibility(definition, current_answers or {}, reading)
    if reading.problems:
        raise SpreadsheetInvalid(reading.problems)
    return WorkbookAnswers(
        questionnaire_key=definition.key,
        version=definition.version,
        language=language,
        answers={
            q.id: reading.answers[q.id] for q in definition.questions if q.id in reading.answers
        },
        blank=[
            q.id
            for q in definition.questions
            if q.id in reading.seen and q.id not in reading.answers
        ],
        evidence=reading.evidence,
        comments=reading.comments,
    )


def _check_identity(book: UntrustedWorkbook, definition: Questionnaire) -> str:
    """Refuse a workbook made for another questionnaire or version; return its language."""
    expected = _edition(definition.key, definition.version)
    if META_SHEET not in book.sheet_names:
        raise WrongQuestionnaire(
            Phrase(
                "This workbook is not an HRD Sentinel answers template (its hidden "
                "identification sheet is missing). Download the template of questionnaire "
                "%(expected)s for this assessment and copy your answers into it.",
                expected=expected,
            )
        )
    meta = {
        str(row[0]).strip(): _meta_text(row[1]) for row in book.rows(META_SHEET) if len(row) >= 2
    }
    found = _edition(meta.get("questionnaire_key", "?"), meta.get("version", "?"))
    if found != expected:
        raise WrongQuestionnaire(
            Phrase(
                "This workbook is the template of questionnaire %(found)s, but this assessment "
                "uses questionnaire %(expected)s. Download the template for this assessment and "
                "copy your answers into it.",
                found=found,
                expected=expected,
            )
        )
    if meta.get("content_hash") != content_hash(definition):
        raise WrongQuestionnaire(
            Phrase(
                "This workbook was made from a different edition of questionnaire "
                "%(expected)s. Download the template again and copy your answers into it.",
                expected=expected,
            )
        )
    language = meta.get("language", "en")
    return language if language in LANGUAGES else "en"


def _edition(key: object, version: object) -> Phrase:
    """A questionnaire and version as the identity messages name them."""
    return Phrase("'%(key)s' version %(version)s", key=key, version=version)


def _meta_text(value: CellValue) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_section(
    book: UntrustedWorkbook,
    sheet: str,
    section: Section,
    definition: Questionnaire,
    language: str,
    reading: _Reading,
) -> None:
    rows = book.rows(sheet)
    formulas = set(book.formula_cells(sheet))
    for ref in sorted(formulas, key=_cell_order):
        row_index, column = _split(ref)
        value = _cell(rows, row_index, column)
        reading.problem(sheet, ref, value, reading.say("problem_formula", ref=ref))
    in_section = {q.id: q for q in section.questions}
    for row_number in range(FIRST_QUESTION_ROW, len(rows) + 1):
        raw_id = _cell(rows, row_number, ID_COLUMN)
        row_id = str(raw_id).strip() if raw_id != "" else ""
        values = {
            column: ("" if f"{column}{row_number}" in formulas else _cell(rows, row_number, column))
            for column in (ANSWER_COLUMN, EVIDENCE_COLUMN, COMMENT_COLUMN)
        }
        if not row_id:
            for column, value in values.items():
                if value != "":
                    ref = f"{column}{row_number}"
                    reading.problem(sheet, ref, value, reading.say("problem_no_id"))
            continue
        question_id, _, option_key = row_id.partition(OPTION_SEPARATOR)
        question = in_section.get(question_id)
        if question is None:
            _misplaced(sheet, row_number, row_id, definition, language, reading)
        elif option_key:
            _read_option(sheet, row_number, question, option_key, values, language, reading)
        else:
            _read_question(sheet, row_number, question, values, language, reading)


def _misplaced(
    sheet: str,
    row_number: int,
    row_id: str,
    definition: Questionnaire,
    language: str,
    reading: _Reading,
) -> None:
    elsewhere = definition.question(row_id.partition(OPTION_SEPARATOR)[0])
    if elsewhere is not None:
        target = section_sheet_name(definition.section(elsewhere.section), language)
        message = reading.say("problem_misplaced", id=elsewhere.id, sheet=target)
    else:
        message = reading.say("problem_not_a_question", row_id=row_id)
    reading.problem(sheet, f"{ID_COLUMN}{row_number}", row_id, message)


def _read_question(
    sheet: str,
    row_number: int,
    question: Question,
    values: dict[str, CellValue],
    language: str,
    reading: _Reading,
) -> None:
    if question.id in reading.seen:
        first_sheet, first_cell = reading.seen[question.id]
        reading.problem(
            sheet,
            f"{ID_COLUMN}{row_number}",
            question.id,
            reading.say("problem_twice", id=question.id, where=f"{first_sheet}!{first_cell}"),
        )
        return
    answer_ref = f"{ANSWER_COLUMN}{row_number}"
    reading.seen[question.id] = (sheet, answer_ref)
    raw = values[ANSWER_COLUMN]
    if question.type is AnswerType.MULTIPLE_CHOICE:
        if raw != "":
            reading.problem(sheet, answer_ref, raw, reading.say("problem_options_below"))
    elif raw != "":
        try:
            value = normalise_answer(question, _as_answer(question, raw, language))
        except AnswerRejected as exc:
            message = reading.say("problem_answer", id=question.id, problem=exc)
            reading.problem(sheet, answer_ref, raw, message)
        else:
            if value is not None:
                reading.answers[question.id] = value
                reading.source[question.id] = (sheet, answer_ref, raw)
    _read_evidence(
        sheet, f"{EVIDENCE_COLUMN}{row_number}", question, values[EVIDENCE_COLUMN], reading
    )
    _read_comment(sheet, f"{COMMENT_COLUMN}{row_number}", question, values[COMMENT_COLUMN], reading)


def _read_option(
    sheet: str,
    row_number: int,
    question: Question,
    key: str,
    values: dict[str, CellValue],
    language: str,
    reading: _Reading,
) -> None:
    ref = f"{ANSWER_COLUMN}{row_number}"
    if question.type is not AnswerType.MULTIPLE_CHOICE or key not in question.choice_keys:
        reading.problem(
            sheet,
            f"{ID_COLUMN}{row_number}",
            f"{question.id}{OPTION_SEPARATOR}{key}",
            reading.say("problem_no_option", id=question.id, key=key),
        )
        return
    for column in (EVIDENCE_COLUMN, COMMENT_COLUMN):
        if values[column] != "":
            reading.problem(
                sheet,
                f"{column}{row_number}",
                values[column],
                reading.say("problem_option_extras", id=question.id),
            )
    raw = values[ANSWER_COLUMN]
    marked = raw if isinstance(raw, bool) else _MARKS.get(str(raw).strip().casefold())
    if raw == "":
        return
    if marked is None:
        reading.problem(sheet, ref, raw, reading.say("problem_mark_option"))
        return
    reading.options.setdefault(question.id, [])
    if marked:
        reading.options[question.id].append(key)
        reading.source.setdefault(question.id, (sheet, ref, raw))


def _collect_options(definition: Questionnaire, reading: _Reading) -> None:
    for question_id, keys in reading.options.items():
        question = definition.question(question_id)
        if question is not None and keys:
            reading.answers[question_id] = [k for k in question.choice_keys if k in keys]


def _read_evidence(
    sheet: str, ref: str, question: Question, raw: CellValue, reading: _Reading
) -> None:
    if raw == "":
        return
    if not isinstance(raw, str):
        reading.problem(sheet, ref, raw, reading.say("problem_evidence"))
        return
    found = []
    for token in raw.replace(";", "\n").split():
        try:
            found.append(normalise_evidence_reference(token))
        except AnswerRejected as exc:
            reading.problem(sheet, ref, raw, str(exc))
            return
    if found:
        reading.evidence[question.id] = found


def _read_comment(
    sheet: str, ref: str, question: Question, raw: CellValue, reading: _Reading
) -> None:
    if raw == "":
        return
    text = _as_text(raw).strip()
    if len(text) > COMMENT_LIMIT:
        message = reading.say("problem_comment_long", length=len(text), limit=COMMENT_LIMIT)
        reading.problem(sheet, ref, raw, message)
    elif text:
        reading.comments[question.id] = text


def _check_visibility(
    definition: Questionnaire, current: Mapping[str, AnswerValue], reading: _Reading
) -> None:
    merged = {**current, **reading.answers}
    visible = visible_question_ids(definition, {k: v for k, v in merged.items() if is_answered(v)})
    for question in definition.questions:
        if question.id in reading.answers and question.id not in visible:
            sheet, ref, raw = reading.source[question.id]
            message = hidden_answer_message(definition, question, reading.language)
            reading.problem(sheet, ref, raw, message)
            del reading.answers[question.id]


def _as_answer(question: Question, raw: CellValue, language: str) -> object:
    """A cell value as the engine expects it: choice keys, numbers, dates, text."""
    if takes_dropdown(question):
        key = choice_lookup(question, language).get(_as_text(raw).strip().casefold())
        if key is None:
            options = ", ".join(_label(question, key, language) for key in question.choice_keys)
            value = _as_text(raw)
            raise AnswerRejected(say("problem_not_in_list", language, value=value, options=options))
        return key
    if question.type is AnswerType.NUMBER and isinstance(raw, date | time | timedelta):
        raise AnswerRejected(say("problem_number_not_date", language))
    if (
        question.type is AnswerType.DATE
        and isinstance(raw, int | float)
        and not isinstance(raw, bool)
    ):
        raise AnswerRejected(say("problem_date_format", language))
    if question.type in (AnswerType.TEXT, AnswerType.URL, AnswerType.FILE):
        return _as_text(raw)
    return raw


def _label(question: Question, key: str, language: str) -> str:
    choice = next(c for c in question.all_choices if c.key == key)
    return choice.label.get(language) or choice.label["en"]


def _as_text(value: CellValue) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _shown(value: CellValue) -> str:
    return "" if value is None else _as_text(value)


def _cell(rows: list[list[CellValue]], row_number: int, column: str) -> CellValue:
    index = column_index_from_string(column) - 1
    if row_number - 1 >= len(rows) or index >= len(rows[row_number - 1]):
        return ""
    value = rows[row_number - 1][index]
    return "" if value is None else value


def _split(ref: str) -> tuple[int, str]:
    column = "".join(ch for ch in ref if ch.isalpha())
    return int(ref[len(column) :]), column


def _cell_order(ref: str) -> tuple[int, int, str]:
    row, column = _split(ref)
    return row, len(column), column
