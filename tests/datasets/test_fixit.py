"""The fix-it workbook, read back with openpyxl, and formula-injection safety of what we write."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from compliance.datasets import DatasetInvalid, DatasetKind, fixit_workbook, validate_upload
from reports.fixit_workbook import BAD_CELL_FILL, COMMENT_AUTHOR
from reports.spreadsheet_safety import write_text
from tests.datasets.builders import SITE_HEADER, csv_file, site, workbook

SITES = DatasetKind.SITES


def report_for(data: bytes, filename: str):
    with pytest.raises(DatasetInvalid) as caught:
        validate_upload(SITES, data, filename=filename)
    problems = caught.value.problems
    report = fixit_workbook(SITES, data, filename=filename, problems=problems)
    return problems, load_workbook(io.BytesIO(report))


def test_xlsx_report_marks_bad_cells_red_with_a_comment_and_lists_errors() -> None:
    rows = [
        SITE_HEADER,
        site(),
        site(Name="B", Country="Atlantis", Latitude=-104.9, Longitude=39.7),
    ]
    data = workbook(rows, sheet="Sites", before=["Read me"])

    problems, book = report_for(data, "sites.xlsx")

    assert book.sheetnames == ["Errors", "Read me", "Sites"]
    assert book.active.title == "Errors"
    sheet = book["Sites"]
    for reference, expected in (("C3", "not a country"), ("E3", "look swapped")):
        cell = sheet[reference]
        assert cell.fill.fgColor.rgb == BAD_CELL_FILL.fgColor.rgb
        assert cell.comment.author == COMMENT_AUTHOR
        assert expected in cell.comment.text
        assert "How to fix:" in cell.comment.text
    assert sheet["C2"].fill.fill_type is None
    assert sheet["C2"].comment is None
    assert sheet["A3"].value == "B"

    errors = list(book["Errors"].iter_rows(values_only=True))
    assert errors[0] == ("Sheet", "Row", "Column", "Cell", "Value", "Problem", "How to fix")
    assert [row[:5] for row in errors[1:]] == [
        ("Sites", 3, "Country", "C3", "Atlantis"),
        ("Sites", 3, "Latitude", "E3", "-104.9"),
    ]
    assert len(problems) == 2
    assert book["Errors"]["D2"].hyperlink.location == "'Sites'!C3"


def test_csv_report_rebuilds_the_file_as_a_sheet_with_inert_text() -> None:
    rows = [
        SITE_HEADER,
        site(Name='=HYPERLINK("http://evil.example","click")', Country="Atlantis"),
        site(Name="@SUM(1+1)", Type="-mine site"),
    ]

    problems, book = report_for(csv_file(rows, delimiter=";", bom=True), "Sitios 2025.csv")

    assert book.sheetnames == ["Errors", "Sitios 2025"]
    sheet = book["Sitios 2025"]
    assert [cell.value for cell in sheet[1]] == SITE_HEADER
    for reference in ("A2", "A3", "B3"):
        assert sheet[reference].data_type == "s"
        assert sheet[reference].quotePrefix
    assert sheet["A2"].value.startswith("=HYPERLINK")
    assert sheet["E2"].value == "6.25"
    assert sheet["C2"].fill.fgColor.rgb == BAD_CELL_FILL.fgColor.rgb
    assert "Atlantis" in sheet["C2"].comment.text
    assert sheet["B3"].comment is not None
    values = [row[4] for row in book["Errors"].iter_rows(min_row=2, values_only=True)]
    assert "-mine site" in values
    assert {p.sheet for p in problems} == {"Sitios 2025"}


def test_report_keeps_an_existing_errors_sheet_and_comment() -> None:
    book = Workbook()
    book.active.title = "Errors"
    sheet = book.create_sheet("Sites")
    sheet.append(SITE_HEADER)
    sheet.append(site(Country="Atlantis"))
    sheet["C2"].comment = Comment("check with Ana", "Ana")
    output = io.BytesIO()
    book.save(output)

    _, report = report_for(output.getvalue(), "sites.xlsx")

    assert report.sheetnames == ["Errors_", "Errors", "Sites"]
    assert report["Sites"]["C2"].comment.text.startswith("check with Ana")
    assert "not a country" in report["Sites"]["C2"].comment.text


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_write_text_never_stores_a_formula(text: str) -> None:
    book = Workbook()
    cell = book.active["A1"]

    write_text(cell, text)
    output = io.BytesIO()
    book.save(output)
    cell = load_workbook(io.BytesIO(output.getvalue())).active["A1"]

    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix


def test_write_text_leaves_plain_text_alone_and_drops_illegal_characters() -> None:
    book = Workbook()
    write_text(book.active["A1"], "Mina\x01 Norte")

    assert book.active["A1"].value == "Mina Norte"
    assert not book.active["A1"].quotePrefix
