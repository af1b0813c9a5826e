"""The fix-it workbook: the user's own sheet with each bad cell filled red and explained.

Given the uploaded workbook (or the rows of an uploaded CSV) and the problems found, it returns
a workbook where every bad cell is filled red and carries a comment saying what is wrong and how
to fix it, plus an 'Errors' sheet (opened first) listing every problem with a link to its cell.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Protocol

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from reports.spreadsheet_safety import write_text

BAD_CELL_FILL = PatternFill(fill_type="solid", start_color="FFFF9C9C", end_color="FFFF9C9C")
COMMENT_AUTHOR = "HRD Sentinel"
ERRORS_SHEET = "Errors"
_ERROR_COLUMNS = (
    ("Sheet", 18),
    ("Row", 7),
    ("Column", 24),
    ("Cell", 8),
    ("Value", 28),
    ("Problem", 60),
    ("How to fix", 70),
)


class CellProblem(Protocol):
    """One bad cell (compliance.datasets.problems.DatasetProblem has this shape)."""

    @property
    def sheet(self) -> str: ...
    @property
    def row(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def column_letter(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def problem(self) -> str: ...
    @property
    def fix(self) -> str: ...


def fixit_from_xlsx(workbook: bytes, problems: Sequence[CellProblem]) -> bytes:
    """Mark the problems in the user's workbook (already checked as safe to open)."""
    book = load_workbook(io.BytesIO(workbook))
    return _finish(book, problems)


def fixit_from_rows(
    sheet: str, rows: Sequence[Sequence[str]], problems: Sequence[CellProblem]
) -> bytes:
    """Rebuild a CSV upload as a sheet named `sheet` (all values as text) and mark the problems."""
    book = Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for row_number, row in enumerate(rows, start=1):
        for column_number, value in enumerate(row, start=1):
            if value:
                write_text(worksheet.cell(row=row_number, column=column_number), value)
    return _finish(book, problems)


def _finish(book: Workbook, problems: Sequence[CellProblem]) -> bytes:
    for problem in problems:
        _mark(book[problem.sheet], problem)
    _errors_sheet(book, problems)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _mark(worksheet: Worksheet, problem: CellProblem) -> None:
    cell = worksheet[f"{problem.column_letter}{problem.row}"]
    cell.fill = BAD_CELL_FILL
    note = f"{problem.problem}\nHow to fix: {problem.fix}"
    if cell.comment is not None and cell.comment.author != COMMENT_AUTHOR:
        note = f"{cell.comment.text}\n\n{note}"
    comment = Comment(note, COMMENT_AUTHOR)
    comment.width, comment.height = 320, 140
    cell.comment = comment


def _errors_sheet(book: Workbook, problems: Sequence[CellProblem]) -> None:
    title = ERRORS_SHEET
    while title in book.sheetnames:
        title = f"{title}_"
    errors = book.create_sheet(title, 0)
    book.active = 0
    for sheet in book.worksheets[1:]:
        sheet.sheet_view.tabSelected = False
    for column_number, (heading, width) in enumerate(_ERROR_COLUMNS, start=1):
        cell = errors.cell(row=1, column=column_number, value=heading)
        cell.font = Font(bold=True)
        errors.column_dimensions[cell.column_letter].width = width
    for row_number, problem in enumerate(problems, start=2):
        reference = f"{problem.column_letter}{problem.row}"
        write_text(errors.cell(row=row_number, column=1), problem.sheet)
        errors.cell(row=row_number, column=2, value=problem.row)
        write_text(errors.cell(row=row_number, column=3), problem.column)
        link = errors.cell(row=row_number, column=4, value=reference)
        quoted_sheet = problem.sheet.replace("'", "''")
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted_sheet}'!{reference}")
        link.font = Font(color="FF0563C1", underline="single")
        write_text(errors.cell(row=row_number, column=5), problem.value)
        write_text(errors.cell(row=row_number, column=6), problem.problem)
        write_text(errors.cell(row=row_number, column=7), problem.fix)
    errors.freeze_panes = "A2"
    errors.auto_filter.ref = f"A1:G{len(problems) + 1}"
