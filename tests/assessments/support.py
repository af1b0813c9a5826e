"""Answer sets that a real company could give, built from the questionnaire definition, and
workbooks filled with them as a person would."""

from __future__ import annotations

import io

import openpyxl

from compliance.demo.answers import STRONG_ANSWERS
from questionnaires.model import AnswerType, Question
from questionnaires.registry import default_registry
from questionnaires.visibility import visible_question_ids
from questionnaires.workbook_layout import ANSWER_COLUMN, FIRST_QUESTION_ROW, ID_COLUMN


def minimal_answer(question: Question):
    """The plainest honest answer to a question: 'no', none, zero."""
    match question.type:
        case AnswerType.YES_PARTLY_NO:
            return "no"
        case AnswerType.SINGLE_CHOICE:
            return question.choices[-1].key
        case AnswerType.MULTIPLE_CHOICE:
            keys = [c.key for c in question.choices]
            return ["none"] if "none" in keys else keys[:1]
        case AnswerType.NUMBER:
            return 0
        case AnswerType.DATE:
            return "2025-06-30"
        case AnswerType.URL:
            return "https://example.org/report"
        case _:
            return "Described in our annual human rights report."


def complete_answers(key: str = "company") -> dict:
    """Answers to every question that stays visible, reached by answering in order."""
    definition = default_registry().get(key)
    answers: dict = {}
    for question in definition.questions:
        if question.type is AnswerType.FILE:
            continue
        if question.id in visible_question_ids(definition, answers):
            answers[question.id] = minimal_answer(question)
    return answers


def certifiable_answers() -> dict:
    """A strong company's answers (the demo's): with evidence they reach a certifiable tier."""
    return dict(STRONG_ANSWERS)


def fill(workbook: bytes, values: dict[str, object]) -> bytes:
    """Type values into the answer cells of the rows whose id column matches."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    for sheet in book.worksheets:
        for row in range(FIRST_QUESTION_ROW, sheet.max_row + 1):
            question_id = sheet[f"{ID_COLUMN}{row}"].value
            if question_id in values:
                sheet[f"{ANSWER_COLUMN}{row}"] = values[question_id]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
