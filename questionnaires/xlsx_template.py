"""Write the answers workbook for a questionnaire version, optionally prefilled with answers.

Users answer offline, often several colleagues over days, so the workbook explains itself: an
instructions sheet, guidance beside each question, dropdowns and input prompts, and locked
question text so that only answer, evidence and comment cells can be typed in.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from questionnaires.conditions import AnswerValue
from questionnaires.model import AnswerType, Question, Questionnaire, Section, translate
from questionnaires.publication import content_hash
from questionnaires.visibility import describe_condition
from questionnaires.workbook_layout import (
    ANSWER_COLUMN,
    COMMENT_COLUMN,
    EVIDENCE_COLUMN,
    FIRST_QUESTION_ROW,
    GUIDANCE_COLUMN,
    HEADER_ROW,
    ID_COLUMN,
    INTRO_ROW,
    LISTS_SHEET,
    META_SHEET,
    NOT_SELECTED,
    QUESTION_COLUMN,
    SELECTED,
    TEMPLATE_FORMAT,
    TITLE_ROW,
    option_id,
    section_sheet_name,
    takes_dropdown,
)
from questionnaires.workbook_texts import answer_hint, say

_WIDTHS = {
    ID_COLUMN: 11,
    QUESTION_COLUMN: 60,
    GUIDANCE_COLUMN: 70,
    ANSWER_COLUMN: 24,
    EVIDENCE_COLUMN: 36,
    COMMENT_COLUMN: 36,
}
_HEADERS = {
    ID_COLUMN: "header_id",
    QUESTION_COLUMN: "header_question",
    GUIDANCE_COLUMN: "header_guidance",
    ANSWER_COLUMN: "header_answer",
    EVIDENCE_COLUMN: "header_evidence",
    COMMENT_COLUMN: "header_comment",
}
_WRAP = Alignment(wrap_text=True, vertical="top")
_OPTION = Alignment(wrap_text=True, vertical="top", indent=2)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E5F")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF6D5")
_CLOSED_FILL = PatternFill("solid", fgColor="E7E7E7")
_THIN = Side(style="thin", color="B7B7B7")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)
_FIRST_DATE, _LAST_DATE = int(to_excel(date(1900, 1, 1))), int(to_excel(date(2100, 12, 31)))


def build_template(
    definition: Questionnaire,
    *,
    language: str = "en",
    answers: Mapping[str, AnswerValue] | None = None,
    evidence: Mapping[str, Sequence[str]] | None = None,
    comments: Mapping[str, str] | None = None,
) -> bytes:
    """The xlsx answers workbook for `definition`, prefilled with whatever is given."""
    book = Workbook()
    instructions = book.active
    instructions.title = say("instructions_sheet", language)
    _write_instructions(instructions, definition, language)
    lists = _ChoiceLists(book.create_sheet(LISTS_SHEET), language)
    prefill = _Prefill(answers or {}, evidence or {}, comments or {}, language)
    for section in definition.sections:
        sheet = book.create_sheet(section_sheet_name(section, language))
        _write_section(sheet, section, definition, language, lists, prefill)
    _write_meta(book.create_sheet(META_SHEET), definition, language)
    lists.sheet.sheet_state = "veryHidden"
    book.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def set_text(cell: Cell, text: str) -> None:
    """Store text as text, even when it starts with '=' (openpyxl would make it a formula);
    text a spreadsheet would read as a formula also gets Excel's quote prefix, so it stays
    text when someone edits the cell."""
    cell.value = text
    cell.data_type = "s"
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        cell.quotePrefix = True


class _ChoiceLists:
    """The hidden sheet holding dropdown options, one column per list."""

    def __init__(self, sheet: Worksheet, language: str):
        self.sheet = sheet
        self.language = language
        self._ranges: dict[str, str] = {}

    def range_for(self, name: str, labels: Sequence[str]) -> str:
        if name not in self._ranges:
            column = get_column_letter(len(self._ranges) + 1)
            set_text(self.sheet[f"{column}1"], name)
            for row, label in enumerate(labels, start=2):
                set_text(self.sheet[f"{column}{row}"], label)
            last = len(labels) + 1
            self._ranges[name] = f"'{LISTS_SHEET}'!${column}$2:${column}${last}"
        return self._ranges[name]


class _Prefill:
    """Existing answers, shown as a person would have typed them."""

    def __init__(
        self,
        answers: Mapping[str, AnswerValue],
        evidence: Mapping[str, Sequence[str]],
        comments: Mapping[str, str],
        language: str,
    ):
        self.answers, self.evidence, self.comments = answers, evidence, comments
        self.language = language

    def answer_cell(self, question: Question) -> str | int | float | date | None:
        value = self.answers.get(question.id)
        if value is None or question.type is AnswerType.MULTIPLE_CHOICE:
            return None
        if takes_dropdown(question):
            labels = {c.key: translate(c.label, self.language) for c in question.all_choices}
            return labels.get(str(value), str(value))
        if question.type is AnswerType.DATE and isinstance(value, str):
            return date.fromisoformat(value)
        return value

    def option_marked(self, question: Question, key: str) -> str | None:
        value = self.answers.get(question.id)
        if isinstance(value, list) and key in value:
            return translate(SELECTED, self.language)
        return None


def _write_instructions(sheet: Worksheet, definition: Questionnaire, language: str) -> None:
    sheet.column_dimensions["A"].width = 110
    sheet["A1"] = translate(definition.title, language)
    sheet["A1"].font = Font(bold=True, size=15, color="1F4E5F")
    sheet["A2"] = say("identity", language, key=definition.key, version=definition.version)
    sheet["A2"].font = Font(italic=True, color="555555")
    headings = (say("how_to", language), say("do_no_harm", language))
    steps = [say(f"step_{number}", language) for number in range(1, 9)]
    lines = [translate(definition.intro, language), "", headings[0], *steps, ""]
    lines += [headings[1], say("do_no_harm_text", language)]
    for row, line in enumerate(lines, start=4):
        cell = sheet.cell(row=row, column=1)
        set_text(cell, line)
        cell.alignment = _WRAP
        if line in headings:
            cell.font = Font(bold=True, size=12, color="1F4E5F")
        sheet.row_dimensions[row].height = _height(line, 110)
    sheet.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)


def _write_section(
    sheet: Worksheet,
    section: Section,
    definition: Questionnaire,
    language: str,
    lists: _ChoiceLists,
    prefill: _Prefill,
) -> None:
    for column, width in _WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.merge_cells(f"A{TITLE_ROW}:F{TITLE_ROW}")
    sheet[f"A{TITLE_ROW}"] = f"{section.id}. {translate(section.title, language)}"
    sheet[f"A{TITLE_ROW}"].font = Font(bold=True, size=14, color="1F4E5F")
    sheet.merge_cells(f"A{INTRO_ROW}:F{INTRO_ROW}")
    intro = sheet[f"A{INTRO_ROW}"]
    set_text(intro, translate(section.intro, language))
    intro.alignment = _WRAP
    sheet.row_dimensions[INTRO_ROW].height = _height(intro.value, sum(_WIDTHS.values()))
    for column, header in _HEADERS.items():
        cell = sheet[f"{column}{HEADER_ROW}"]
        cell.value = say(header, language)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = f"A{FIRST_QUESTION_ROW}"
    row = FIRST_QUESTION_ROW
    for question in section.questions:
        row = _write_question(sheet, row, question, definition, language, lists, prefill)
    sheet.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)


def _write_question(
    sheet: Worksheet,
    row: int,
    question: Question,
    definition: Questionnaire,
    language: str,
    lists: _ChoiceLists,
    prefill: _Prefill,
) -> int:
    question_text = _question_text(question, definition, language)
    guidance_text = _guidance_text(question, language)
    sheet[f"{ID_COLUMN}{row}"] = question.id
    set_text(sheet[f"{QUESTION_COLUMN}{row}"], question_text)
    set_text(sheet[f"{GUIDANCE_COLUMN}{row}"], guidance_text)
    for column in (ID_COLUMN, QUESTION_COLUMN, GUIDANCE_COLUMN):
        sheet[f"{column}{row}"].alignment = _WRAP
    sheet[f"{ID_COLUMN}{row}"].font = Font(bold=True)
    answer = sheet[f"{ANSWER_COLUMN}{row}"]
    for column in (ANSWER_COLUMN, EVIDENCE_COLUMN, COMMENT_COLUMN):
        cell = sheet[f"{column}{row}"]
        cell.alignment, cell.border, cell.fill, cell.protection = (
            _WRAP,
            _BOX,
            _ANSWER_FILL,
            _UNLOCKED,
        )
    refs = prefill.evidence.get(question.id)
    if refs:
        set_text(sheet[f"{EVIDENCE_COLUMN}{row}"], "\n".join(refs))
    if prefill.comments.get(question.id):
        set_text(sheet[f"{COMMENT_COLUMN}{row}"], prefill.comments[question.id])
    sheet.row_dimensions[row].height = max(
        _height(question_text, _WIDTHS[QUESTION_COLUMN]),
        _height(guidance_text, _WIDTHS[GUIDANCE_COLUMN]),
    )
    if question.type is AnswerType.MULTIPLE_CHOICE:
        answer.fill, answer.protection = _CLOSED_FILL, Protection(locked=True)
        return _write_options(sheet, row + 1, question, language, lists, prefill)
    value = prefill.answer_cell(question)
    if isinstance(value, str):
        set_text(answer, value)
    elif value is not None:
        answer.value = value
    if question.type is AnswerType.DATE:
        answer.number_format = "yyyy-mm-dd"
    _validation_for(sheet, question, language, lists).add(answer)
    return row + 1


def _write_options(
    sheet: Worksheet,
    row: int,
    question: Question,
    language: str,
    lists: _ChoiceLists,
    prefill: _Prefill,
) -> int:
    marks = [translate(SELECTED, language), translate(NOT_SELECTED, language)]
    validation = _dropdown(
        lists.range_for("selected", marks),
        say("option", language),
        say("mark_if_applies", language),
        language,
    )
    sheet.add_data_validation(validation)
    for choice in question.choices:
        sheet[f"{ID_COLUMN}{row}"] = option_id(question, choice.key)
        sheet[f"{ID_COLUMN}{row}"].font = Font(color="777777", size=9)
        label = sheet[f"{QUESTION_COLUMN}{row}"]
        set_text(label, translate(choice.label, language))
        label.alignment = _OPTION
        cell = sheet[f"{ANSWER_COLUMN}{row}"]
        cell.border, cell.fill, cell.protection = _BOX, _ANSWER_FILL, _UNLOCKED
        mark = prefill.option_marked(question, choice.key)
        if mark:
            set_text(cell, mark)
        validation.add(cell)
        row += 1
    return row


def _validation_for(
    sheet: Worksheet, question: Question, language: str, lists: _ChoiceLists
) -> DataValidation:
    hint = answer_hint(question, language)
    title = say("question_id", language, id=question.id)
    if takes_dropdown(question):
        labels = [translate(c.label, language) for c in question.all_choices]
        name = "yes_partly_no" if question.type is AnswerType.YES_PARTLY_NO else question.id
        validation = _dropdown(lists.range_for(name, labels), title, hint, language)
    elif question.type is AnswerType.NUMBER:
        low = question.minimum if question.minimum is not None else -1e15
        high = question.maximum if question.maximum is not None else 1e15
        validation = DataValidation(
            type="whole" if question.integer else "decimal",
            operator="between",
            formula1=f"{low:g}",
            formula2=f"{high:g}",
        )
    elif question.type is AnswerType.DATE:
        validation = DataValidation(
            type="date", operator="between", formula1=str(_FIRST_DATE), formula2=str(_LAST_DATE)
        )
    elif question.type is AnswerType.TEXT:
        validation = DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(question.text_limit)
        )
    else:
        validation = DataValidation()
    validation.allow_blank = True
    validation.showInputMessage = True
    validation.promptTitle, validation.prompt = title[:32], hint[:255]
    if validation.type:
        validation.showErrorMessage = True
        validation.errorTitle = say("not_valid", language)[:32]
        validation.error = hint[:255]
    sheet.add_data_validation(validation)
    return validation


def _dropdown(source: str, title: str, prompt: str, language: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle=say("pick_title", language)[:32],
        error=say("pick_error", language),
        promptTitle=title[:32],
        prompt=prompt[:255],
    )


def _question_text(question: Question, definition: Questionnaire, language: str) -> str:
    notes = [answer_hint(question, language)]
    if question.show_if is not None:
        condition = describe_condition(question.show_if, definition, language)
        notes.append(say("answer_only_if", language, condition=condition))
    if question.required:
        notes.append(say("required", language))
    elif question.high_risk_mandatory:
        notes.append(say("high_risk_required", language))
    return translate(question.text, language) + "\n\n" + "\n".join(notes)


def _guidance_text(question: Question, language: str) -> str:
    norms = say("norms", language, norms="; ".join(question.norms))
    parts = [translate(question.guidance, language), norms]
    if question.evidence.expected and question.evidence.description:
        description = translate(question.evidence.description, language)
        parts.append(say("evidence_expected", language, description=description))
    return "\n\n".join(parts)


def _height(text: str, width: float) -> float:
    """Row height (points) that shows wrapped text; Excel does not grow rows on opening."""
    per_line = max(int(width), 10)
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    return min(409.0, 15.0 * lines + 4)


def _write_meta(sheet: Worksheet, definition: Questionnaire, language: str) -> None:
    rows = [
        ("questionnaire_key", definition.key),
        ("version", str(definition.version)),
        ("content_hash", content_hash(definition)),
        ("language", language),
        ("template_format", TEMPLATE_FORMAT),
    ]
    for row, (name, value) in enumerate(rows, start=1):
        sheet.cell(row=row, column=1, value=name)
        set_text(sheet.cell(row=row, column=2), value)
    sheet.sheet_state = "veryHidden"
    sheet.protection = SheetProtection(sheet=True)
