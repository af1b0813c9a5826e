"""Download the template, fill it in as a person would, upload it, read the same answers."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from questionnaires import build_template, content_hash, read_answers_workbook
from questionnaires.workbook_layout import META_SHEET


@pytest.fixture(scope="module")
def company_template() -> bytes:
    from questionnaires import default_registry

    return build_template(default_registry().get("company"))


def _row(sheet, row_id):
    return next(row for row in range(1, sheet.max_row + 1) if sheet[f"A{row}"].value == row_id)


def test_template_layout(company, company_template):
    book = openpyxl.load_workbook(io.BytesIO(company_template))
    assert book.sheetnames[0] == "Instructions"
    assert book.sheetnames[2:8] == [
        "A Policy and governance",
        "B Due diligence and risk",
        "C Engagement, FPIC and",
        "D Security providers and state",
        "E Grievance, remedy and",
        "F Disclosure and effectiveness",
    ]
    meta = book[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    assert [[c.value for c in row] for row in meta.iter_rows(max_row=3)] == [
        ["questionnaire_key", "company"],
        ["version", "1"],
        ["content_hash", content_hash(company)],
    ]
    sheet = book["A Policy and governance"]
    assert [c.value for c in sheet[4]] == [
        "Id",
        "Question",
        "Guidance, norms and evidence expected",
        "Answer",
        "Evidence (links or evidence ids, one per line)",
        "Comment",
    ]
    assert sheet.protection.sheet
    row = _row(sheet, "A1")
    assert sheet[f"B{row}"].protection.locked and sheet[f"C{row}"].protection.locked
    assert not sheet[f"D{row}"].protection.locked
    assert not sheet[f"E{row}"].protection.locked
    assert "UNGP 16" in sheet[f"C{row}"].value
    assert sheet[f"C{row}"].alignment.wrap_text
    dropdowns = [v for v in sheet.data_validations.dataValidation if f"D{row}" in v.sqref]
    assert dropdowns[0].type == "list"
    assert dropdowns[0].formula1 == "'_lists'!$A$2:$A$4"
    assert [book["_lists"][f"A{r}"].value for r in (2, 3, 4)] == ["Yes", "Partly", "No"]
    a2 = _row(sheet, "A2")
    assert "Answer only if A1 is Yes or Partly." in sheet[f"B{a2}"].value
    assert sheet[f"A{a2 + 1}"].value == "A2:own_operations"


def test_filled_workbook_round_trips(company, company_template, fill_workbook):
    typed = {
        "A1": "Yes",
        "A2:own_operations": "Yes",
        "A2:suppliers_tier1": "Yes",
        "A2:contractors": "No",
        "A3": "Partly",
        "A6": "The chief executive",
        "A9": date(2024, 3, 31),
        "B2": 4,
        "B3": "yes",
        "B8": "Beyond tier 1 for some materials",
        "B10": "Through trusted community organisations, in places they choose.",
        "C2": "No",
        "D1:in_house": "Yes",
        "E4": "Yes",
        "E5": 48,
        "F1": "Yes",
        "F2": "https://example.org/hrd-report-2024",
        "F3": 3,
        "F4": 2.5,
        "F5": 66.7,
        "F7": "Partly",
        "F8": "2024-06-30",
        "F10": "ev-17",
    }
    filled = fill_workbook(
        company_template,
        typed,
        evidence={"A1": "https://example.org/policy.pdf\nev-3", "F1": "ev-9; ev-10"},
        comments={"A6": "Reports to the board quarterly.", "B2": 1234},
    )
    imported = read_answers_workbook(filled, company)
    assert imported.answers == {
        "A1": "yes",
        "A2": ["own_operations", "suppliers_tier1"],
        "A3": "partly",
        "A6": "ceo",
        "A9": "2024-03-31",
        "B2": 4,
        "B3": "yes",
        "B8": "partly_beyond_tier1",
        "B10": "Through trusted community organisations, in places they choose.",
        "C2": "no",
        "D1": ["in_house"],
        "E4": "yes",
        "E5": 48,
        "F1": "yes",
        "F2": "https://example.org/hrd-report-2024",
        "F3": 3,
        "F4": 2.5,
        "F5": 66.7,
        "F7": "partly",
        "F8": "2024-06-30",
        "F10": "ev-17",
    }
    assert imported.evidence == {
        "A1": ["https://example.org/policy.pdf", "ev-3"],
        "F1": ["ev-9", "ev-10"],
    }
    assert imported.comments == {"A6": "Reports to the board quarterly.", "B2": "1234"}
    assert "A4" in imported.blank and "A1" not in imported.blank


def test_prefilled_template_reads_back_the_same_answers(company):
    answers = {
        "A1": "partly",
        "A2": ["joint_ventures", "security_providers"],
        "A9": "2023-11-02",
        "C2": "yes",
        "C3": "no",
        "C4": 0,
        "E11": "ongoing",
        "E12": "=one defamation claim, under review",
        "F3": 0,
    }
    template = build_template(
        company, answers=answers, evidence={"C2": ["ev-1"]}, comments={"C3": "Being negotiated."}
    )
    imported = read_answers_workbook(template, company)
    assert imported.answers == answers
    assert imported.evidence == {"C2": ["ev-1"]}
    assert imported.comments == {"C3": "Being negotiated."}


def test_spanish_template_round_trips(financial_institution, fill_workbook):
    template = build_template(financial_institution, language="es")
    book = openpyxl.load_workbook(io.BytesIO(template))
    assert [book["_lists"][f"A{r}"].value for r in (2, 3, 4)] == ["Sí", "Parcialmente", "No"]
    filled = fill_workbook(template, {"A1": "Sí", "G3": "Parcialmente", "G4": "yearly", "G5": 2})
    imported = read_answers_workbook(filled, financial_institution)
    assert imported.language == "es"
    assert imported.answers == {"A1": "yes", "G3": "partly", "G4": "yearly", "G5": 2}


def test_blank_cells_do_not_clear_stored_answers_but_conditions_see_them(
    company, company_template, fill_workbook
):
    filled = fill_workbook(company_template, {"A3": "Yes"})
    imported = read_answers_workbook(filled, company, current_answers={"A1": "yes"})
    assert imported.answers == {"A3": "yes"}
