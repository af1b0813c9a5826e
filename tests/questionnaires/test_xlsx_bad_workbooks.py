"""Bad uploads: refused with a clear reason, or every problem listed and highlighted."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from questionnaires import (
    SpreadsheetInvalid,
    WorkbookRefused,
    WrongQuestionnaire,
    build_template,
    highlight_problems,
    read_answers_workbook,
)
from questionnaires.workbook_layout import META_SHEET, PROBLEMS_SHEET


@pytest.fixture(scope="module")
def company_template() -> bytes:
    from questionnaires import default_registry

    return build_template(default_registry().get("company"))


def _problems(data: bytes, definition) -> list:
    with pytest.raises(SpreadsheetInvalid) as caught:
        read_answers_workbook(data, definition)
    assert "nothing was imported" in str(caught.value)
    return caught.value.problems


def _edit(data: bytes, change) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_formula_cells_are_refused(company, company_template, fill_workbook):
    filled = fill_workbook(company_template, {"A1": "Yes", "B2": "=2+2"})
    problems = _problems(filled, company)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.sheet == "B Due diligence and risk"
    assert problem.message == f"Cell {problem.cell} contains a formula; type the value instead."
    assert problem.column == "D" and problem.cell == f"D{problem.row}"


def test_every_problem_across_the_workbook_is_listed(company, company_template, fill_workbook):
    filled = fill_workbook(
        company_template,
        {
            "A1": "Maybe",
            "A2:own_operations": "Yes",
            "B2": "several",
            "A9": "31.03.2024",
            "B4:women": "x",
            "F2": "www.example.org",
        },
        evidence={"A4": "ftp://example.org/file"},
        comments={"C1": "c" * 2001},
    )
    problems = _problems(filled, company)
    found = {(p.sheet[:1], p.column, p.message.split(":")[0]) for p in problems}
    assert len(problems) == 8, [p.message for p in problems]
    assert ("A", "D", "Question A1") in found
    assert ("B", "D", "Question B2") in found
    assert any(
        "'Maybe' is not in the list; pick one of: Yes, Partly, No" in p.message for p in problems
    )
    assert any(p.column == "E" and "neither a web link" in p.message for p in problems)
    assert any(p.column == "F" and "keep it to 2000" in p.message for p in problems)
    assert any("Mark this option Yes or No" in p.message for p in problems)
    hidden = [p for p in problems if "asked only when" in p.message]
    assert [p.message.split()[1] for p in hidden] == ["A2"]
    assert any(p.value == "www.example.org" and "https://" in p.message for p in problems)
    assert all(p.value for p in problems)


def test_rows_and_ids_that_were_tampered_with(company, company_template):
    def change(book):
        sheet = book["A Policy and governance"]
        sheet["A5"] = "B1"
        sheet["A6"] = "A99"
        sheet["D40"] = "stray"
        del book["F Disclosure and effectiveness"]

    problems = _problems(_edit(company_template, change), company)
    messages = [p.message for p in problems]
    assert any("Question B1 belongs on the sheet 'B Due diligence and risk'" in m for m in messages)
    assert any("'A99' is not a question of this questionnaire" in m for m in messages)
    assert any("no question id in column A" in m for m in messages)
    missing = [p for p in problems if p.cell is None]
    assert missing[0].sheet == "F Disclosure and effectiveness"
    assert "is missing" in missing[0].message


def test_another_questionnaire_is_refused(company, financial_institution):
    with pytest.raises(WrongQuestionnaire) as caught:
        read_answers_workbook(build_template(financial_institution), company)
    message = str(caught.value)
    assert "'financial_institution' version 1" in message
    assert "this assessment uses questionnaire 'company' version 1" in message


def test_another_version_is_refused(company, company_template):
    changed = _edit(company_template, lambda book: book[META_SHEET].__setitem__("B2", "2"))
    with pytest.raises(WrongQuestionnaire, match="'company' version 2"):
        read_answers_workbook(changed, company)


def test_a_workbook_without_the_identification_sheet_is_refused(company):
    book = openpyxl.Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(WrongQuestionnaire, match="not an HRD Sentinel answers template"):
        read_answers_workbook(buffer.getvalue(), company)


def test_a_file_that_is_not_a_workbook_is_refused(company):
    with pytest.raises(WorkbookRefused, match=r"not an \.xlsx workbook"):
        read_answers_workbook(b"id,answer\nA1,yes\n", company)


def test_a_macro_workbook_is_refused(company, company_template):
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(company_template)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    with pytest.raises(WorkbookRefused, match=r"macros \(.xlsm\) are refused"):
        read_answers_workbook(buffer.getvalue(), company)


def test_bad_cells_come_back_highlighted_and_commented(company, company_template, fill_workbook):
    filled = fill_workbook(company_template, {"A1": "Maybe", "B2": "=1+1"})
    problems = _problems(filled, company)
    marked = openpyxl.load_workbook(io.BytesIO(highlight_problems(filled, problems)))
    assert marked.sheetnames[0] == PROBLEMS_SHEET
    listing = marked[PROBLEMS_SHEET]
    assert listing.max_row == len(problems) + 1
    for problem in problems:
        cell = marked[problem.sheet][problem.cell]
        assert cell.fill.fgColor.rgb.endswith("FFC7CE")
        assert problem.message in cell.comment.text
    formula = next(p for p in problems if "formula" in p.message)
    assert marked[formula.sheet][formula.cell].value == "=1+1"
    assert marked["A Policy and governance"]["D6"].comment is None
    again = highlight_problems(highlight_problems(filled, problems), problems)
    assert openpyxl.load_workbook(io.BytesIO(again)).sheetnames.count(PROBLEMS_SHEET) == 1
