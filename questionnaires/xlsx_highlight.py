"""Give a rejected workbook back with each problem cell in red and explained in a comment."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

from openpyxl import load_workbook
from openpyxl.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from questionnaires.errors import CellProblem
from questionnaires.workbook_layout import PROBLEMS_SHEET
from questionnaires.workbook_reader import WorkbookLimits, open_untrusted_xlsx
from questionnaires.xlsx_template import set_text

_RED = PatternFill("solid", fgColor="FFC7CE")
_AUTHOR = "HRD Sentinel"


def highlight_problems(
    data: bytes, problems: Sequence[CellProblem], *, limits: WorkbookLimits | None = None
) -> bytes:
    """The user's own workbook with problem cells red and commented, and a Problems sheet first.

    The bytes pass the same safety checks as an upload before openpyxl parses them.
    """
    open_untrusted_xlsx(data, limits=limits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(io.BytesIO(data))
    messages: dict[tuple[str, str], list[str]] = {}
    for problem in problems:
        if problem.sheet in book.sheetnames and problem.cell:
            messages.setdefault((problem.sheet, problem.cell), []).append(problem.message)
    for (sheet, ref), texts in messages.items():
        cell = book[sheet][ref]
        if isinstance(cell, MergedCell):
            continue
        cell.fill = _RED
        text = "\n".join(texts)
        cell.comment = Comment(text, _AUTHOR, height=max(80, 20 * (len(text) // 40 + 2)), width=300)
    if PROBLEMS_SHEET in book.sheetnames:
        del book[PROBLEMS_SHEET]
    listing = book.create_sheet(PROBLEMS_SHEET, 0)
    for column, (header, width) in zip(
        "ABCD", (("Sheet", 32), ("Cell", 8), ("Value", 30), ("Problem", 90)), strict=True
    ):
        listing[f"{column}1"] = header
        listing[f"{column}1"].font = Font(bold=True)
        listing.column_dimensions[column].width = width
    for row, problem in enumerate(problems, start=2):
        for column, text in zip(
            "ABCD",
            (problem.sheet or "", problem.cell or "", problem.value, problem.message),
            strict=True,
        ):
            set_text(listing[f"{column}{row}"], text)
            listing[f"{column}{row}"].alignment = Alignment(wrap_text=True, vertical="top")
    book.active = 0
    for sheet in book.worksheets[1:]:
        sheet.sheet_view.tabSelected = False
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
