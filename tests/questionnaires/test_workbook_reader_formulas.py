"""Formula cells are located exactly, even next to empty styled cells."""

from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Protection

from questionnaires.workbook_reader import open_untrusted_xlsx


def test_formula_after_an_empty_styled_cell_is_reported_at_its_own_cell():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Answers"
    sheet["D7"].protection = Protection(locked=False)
    sheet["E7"] = "=1+1"
    sheet["A1"] = "=SUM(2,3)"
    sheet["C3"] = 5
    buffer = io.BytesIO()
    book.save(buffer)
    assert open_untrusted_xlsx(buffer.getvalue()).formula_cells("Answers") == ["A1", "E7"]
