"""Checking uploaded portfolios: identifiers, weights, duplicates, whole-file refusals and the
fix-it workbook, read back with openpyxl."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from compliance.datasets import DatasetInvalid, DatasetRefused, UploadLimits
from compliance.portfolios.upload import (
    isin_is_valid,
    parse_number,
    portfolio_fixit,
    validate_portfolio,
)
from reports.fixit_workbook import BAD_CELL_FILL, ERRORS_SHEET
from tests.portfolios.holdings_support import (
    APPLE_ISIN,
    BAE_ISIN,
    HEADER,
    MICROSOFT_ISIN,
    OTHER_VALID_LEI,
    VALID_LEI,
    good_rows,
    rows_csv,
    rows_xlsx,
)


def problems_of(data: bytes, filename: str = "holdings.csv", **kwargs) -> list:
    with pytest.raises(DatasetInvalid) as caught:
        validate_portfolio(data, filename=filename, **kwargs)
    return caught.value.problems


def refusal(data: bytes, filename: str = "holdings.csv", **kwargs) -> str:
    with pytest.raises(DatasetRefused) as caught:
        validate_portfolio(data, filename=filename, **kwargs)
    return str(caught.value)


@pytest.mark.parametrize("code", [APPLE_ISIN, MICROSOFT_ISIN, BAE_ISIN, "DE0007164600"])
def test_real_isins_pass_the_check_digit(code: str) -> None:
    assert isin_is_valid(code)


@pytest.mark.parametrize(
    "code",
    ["US0378331006", "US037833100", "US03783310055", "0S0378331005", "us0378331005", ""],
)
def test_wrong_isins_fail_the_check_digit(code: str) -> None:
    assert not isin_is_valid(code)


def test_good_csv_gives_clean_holdings_with_countries_and_percent_weights() -> None:
    clean = validate_portfolio(rows_csv(good_rows()), filename="holdings.csv")
    rows = clean.rows
    assert [row.position for row in rows] == [2, 3, 4, 5, 6]
    assert [row.country for row in rows] == ["US", "US", "PE", None, "GB"]
    assert [row.weight for row in rows] == [40.0, 35.5, 14.5, 5.0, 5.0]
    assert rows[1].isin == MICROSOFT_ISIN and rows[1].lei == VALID_LEI
    assert clean.weights_from == "percent" and clean.file_format == "csv"


def test_isin_and_lei_are_upper_cased_without_spaces() -> None:
    data = rows_csv([["Apple", "us 0378 3310 05", VALID_LEI.lower(), "", "", "100"]])
    row = validate_portfolio(data, filename="p.csv").rows[0]
    assert row.isin == APPLE_ISIN and row.lei == VALID_LEI


def test_bad_isin_and_bad_lei_are_reported_on_their_cells() -> None:
    data = rows_csv(
        [
            ["Apple", "US0378331006", "", "", "", "50"],
            ["Microsoft", MICROSOFT_ISIN, "5493001KJTIIGC8Y1R13", "", "", "50"],
        ]
    )
    problems = problems_of(data)
    found = {(p.row, p.column, p.value) for p in problems}
    assert found == {(2, "ISIN", "US0378331006"), (3, "LEI", "5493001KJTIIGC8Y1R13")}
    isin = next(p for p in problems if p.column == "ISIN")
    assert "not a valid ISIN" in isin.problem and "check digit" in isin.fix
    assert isin.sheet == "holdings" and isin.column_letter == "B"


@pytest.mark.parametrize("written", ["2.5", "2,5", "2.5%", "2,5 %", " 2.5"])
def test_weights_may_be_written_with_a_comma_or_a_percent_sign(written: str) -> None:
    data = rows_csv([["A", "", "", "", "", written], ["B", "", "", "", "", "97.5"]])
    assert validate_portfolio(data, filename="p.csv").rows[0].weight == pytest.approx(2.5)


def test_weights_not_adding_up_to_100_are_refused_naming_the_total() -> None:
    data = rows_csv([["A", "", "", "", "", "40"], ["B", "", "", "", "", "47.5"]])
    (problem,) = problems_of(data)
    assert problem.row == 1 and problem.column == "Weight" and problem.column_letter == "F"
    assert "87.50%" in problem.problem and "100%" in problem.problem


def test_weights_within_the_tolerance_are_accepted_and_the_tolerance_is_a_setting() -> None:
    data = rows_csv([["A", "", "", "", "", "40"], ["B", "", "", "", "", "59.2"]])
    assert len(validate_portfolio(data, filename="p.csv").rows) == 2
    (problem,) = problems_of(data, weight_tolerance=0.5)
    assert "99.20%" in problem.problem and "±0.5 point" in problem.problem


def test_xlsx_percentage_cells_are_read_as_fractions_of_the_portfolio() -> None:
    rows = [["A", "", "", "", "", 0.25], ["B", "", "", "", "", 0.75]]
    clean = validate_portfolio(rows_xlsx(rows), filename="p.xlsx")
    assert [row.weight for row in clean.rows] == [25.0, 75.0]
    assert clean.weights_from == "fraction"


def test_market_values_alone_give_the_weights() -> None:
    header = ["Name", "Market value"]
    data = rows_csv([["A", "1,250,000.50"], ["B", "3 749 999,50"]], header=header)
    clean = validate_portfolio(data, filename="p.csv")
    assert [row.market_value for row in clean.rows] == [1_250_000.5, 3_749_999.5]
    assert [round(row.weight, 4) for row in clean.rows] == [25.0, 75.0]
    assert clean.weights_from == "market_value" and clean.total_market_value == 5_000_000


def test_market_values_must_be_positive_numbers() -> None:
    header = ["Name", "Market value"]
    data = rows_csv(
        [["A", "0"], ["B", "-10"], ["C", "(5)"], ["D", "lots"], ["E", ""]], header=header
    )
    found = {(p.row, p.problem) for p in problems_of(data)}
    assert found == {
        (2, "Market value must be more than 0."),
        (3, "Market value must be more than 0."),
        (4, "Market value must be more than 0."),
        (5, "'lots' is not a number."),
        (6, "The market value is empty, and the file gives no weights."),
    }


def test_weight_problems_each_have_their_rule() -> None:
    data = rows_csv(
        [
            ["A", "", "", "", "", "-5"],
            ["B", "", "", "", "", "150"],
            ["C", "", "", "", "", "many"],
            ["D", "", "", "", "", ""],
        ]
    )
    found = {p.row: p.problem for p in problems_of(data)}
    assert found == {
        2: "The weight cannot be negative.",
        3: "The weight 150 is more than 100%.",
        4: "'many' is not a number.",
        5: "The weight is empty, but other holdings have one.",
    }


def test_empty_weight_column_falls_back_to_market_values() -> None:
    header = ["Name", "Weight", "Market value"]
    data = rows_csv([["A", "", "100"], ["B", "", "300"]], header=header)
    assert [row.weight for row in validate_portfolio(data, filename="p.csv").rows] == [25, 75]


def test_a_file_without_weight_or_market_value_is_refused_naming_the_headers() -> None:
    data = rows_csv([["A", "US"]], header=["Name", "Country"])
    message = refusal(data)
    assert "weight" in message and "market value" in message and "Add one of them" in message


def test_a_file_without_holding_names_is_refused() -> None:
    data = rows_csv([[APPLE_ISIN, "100"]], header=["ISIN", "Weight"])
    assert "Holding name" in refusal(data)


@pytest.mark.parametrize("make", [rows_csv, rows_xlsx])
def test_a_portfolio_of_zero_rows_is_refused(make) -> None:
    filename = "p.csv" if make is rows_csv else "p.xlsx"
    assert "no data rows" in refusal(make([]), filename)
    assert "no data rows" in refusal(make([["", "", "", "", "", ""]]), filename)


def test_an_empty_file_is_refused() -> None:
    assert "empty" in refusal(b"")


def test_duplicate_isin_is_reported_naming_the_earlier_row() -> None:
    data = rows_csv(
        [["Apple", APPLE_ISIN, "", "", "", "50"], ["Apple Inc", APPLE_ISIN, "", "", "", "50"]]
    )
    (problem,) = problems_of(data)
    assert (problem.row, problem.column) == (3, "ISIN")
    assert problem.problem == "Rows 2 and 3 have the same ISIN."


def test_same_lei_is_a_duplicate_unless_isins_tell_the_securities_apart() -> None:
    shares_and_bond = rows_csv(
        [
            ["Microsoft", MICROSOFT_ISIN, VALID_LEI, "US", "", "50"],
            ["Microsoft 3.3% 2027", "US594918BY93", VALID_LEI, "US", "", "50"],
        ]
    )
    assert len(validate_portfolio(shares_and_bond, filename="p.csv").rows) == 2
    twice = rows_csv(
        [
            ["Microsoft", "", VALID_LEI, "US", "", "50"],
            ["MSFT", "", VALID_LEI, "US", "", "50"],
        ]
    )
    (problem,) = problems_of(twice)
    assert (problem.row, problem.column) == (3, "LEI") and "same LEI" in problem.problem


def test_same_normalised_name_and_country_is_a_duplicate() -> None:
    data = rows_csv(
        [
            ["Vale S.A.", "", "", "Brazil", "", "30"],
            ["VALE", "", "", "BR", "", "30"],
            ["Vale", "", "", "Canada", "", "40"],
        ]
    )
    (problem,) = problems_of(data)
    assert (problem.row, problem.column) == (3, "Holding name")
    assert "Rows 2 and 3" in problem.problem


def test_one_duplicate_problem_per_repeated_row() -> None:
    row = ["Apple", APPLE_ISIN, OTHER_VALID_LEI, "US", "", "50"]
    assert len(problems_of(rows_csv([row, row]))) == 1


def test_spanish_and_french_headers_and_country_names_are_understood() -> None:
    spanish = rows_csv(
        [["Empresa Uno", "", "", "Perú", "Minería", "60"], ["Dos", "", "", "España", "", "40"]],
        header=["Nombre del emisor", "Código ISIN", "LEI", "País", "Sector", "Peso"],
    )
    assert [row.country for row in validate_portfolio(spanish, filename="c.csv").rows] == [
        "PE",
        "ES",
    ]
    french = rows_csv(
        [["Société Une", "Côte d'Ivoire", "1 000"], ["Deux", "Allemagne", "3 000"]],
        header=["Émetteur", "Pays", "Valeur de marché"],
        delimiter=";",
    )
    rows = validate_portfolio(french, filename="p.csv").rows
    assert [row.country for row in rows] == ["CI", "DE"] and rows[1].weight == 75


def test_title_rows_above_the_header_keep_the_row_numbers_the_user_sees() -> None:
    rows = [["A", "US0378331006", "", "", "", "100"]]
    data = rows_xlsx(rows, above=[["Fund X holdings as of 30 June"], []])
    (problem,) = problems_of(data, "p.xlsx")
    assert (problem.sheet, problem.row, problem.column_letter) == ("Holdings", 4, "B")


def test_csv_with_bom_and_semicolons_is_read() -> None:
    data = rows_csv(good_rows(), delimiter=";", bom=True)
    assert len(validate_portfolio(data, filename="p.csv").rows) == 5


def test_latin1_csv_is_refused_naming_the_line_and_how_to_resave() -> None:
    data = rows_csv([["Empresa", "", "", "Perú", "", "100"]], encoding="latin-1")
    message = refusal(data)
    assert "not UTF-8" in message and "line 2" in message and "CSV UTF-8" in message


def test_utf16_csv_is_refused() -> None:
    data = rows_csv([["A", "", "", "", "", "100"]], encoding="utf-16")
    assert "UTF-16" in refusal(data)


def test_formulas_in_recognised_columns_are_reported() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["A", "", "", "", "", 50])
    sheet.append(["B", "", "", "", "", "=100-F2"])
    output = io.BytesIO()
    book.save(output)
    (problem,) = problems_of(output.getvalue(), "p.xlsx")
    assert (problem.row, problem.column) == (3, "Weight") and "formula" in problem.problem


def test_zip_bomb_workbook_is_refused_before_parsing() -> None:
    data = rows_xlsx(good_rows())
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item.filename))
        bomb.writestr("xl/media/padding.xml", b"<x>" + b" " * 5_000_000 + b"</x>")
    assert "zip bomb" in refusal(output.getvalue(), "p.xlsx")


def test_more_rows_than_the_limit_is_refused_naming_the_limit() -> None:
    rows = [[f"Holding {n}", "", "", "", "", "1"] for n in range(101)]
    message = refusal(rows_csv(rows), limits=UploadLimits(max_rows=100))
    assert "100 rows" in message and "Split" in message


def test_text_too_long_for_the_sector_is_reported() -> None:
    data = rows_csv([["A", "", "", "", "x" * 65, "100"]])
    (problem,) = problems_of(data)
    assert problem.column == "Sector" and "64 characters" in problem.problem


def test_parse_number_reads_amounts_and_weights_differently() -> None:
    assert parse_number("2,500", amount=True) == (2500.0, False)
    assert parse_number("2,500", amount=False) == (2.5, False)
    assert parse_number("1.250.000,75", amount=True) == (1_250_000.75, False)
    assert parse_number("$1,000", amount=True) == (1000.0, False)
    assert parse_number("3%", amount=False) == (3.0, True)
    assert parse_number("abc", amount=True) == (None, False)
    assert parse_number(True, amount=True) == (None, False)


def _problems_for_fixit() -> tuple[bytes, list]:
    rows = [
        ["Apple", "US0378331006", "", "", "", "50"],
        ["Microsoft", MICROSOFT_ISIN, "", "Narnia", "", "50"],
    ]
    data = rows_xlsx(rows)
    return data, problems_of(data, "holdings.xlsx")


def test_fixit_workbook_marks_each_bad_cell_and_lists_every_problem() -> None:
    data, problems = _problems_for_fixit()
    report = load_workbook(io.BytesIO(portfolio_fixit(data, filename="h.xlsx", problems=problems)))
    assert report.sheetnames[0] == ERRORS_SHEET
    sheet = report["Holdings"]
    for coordinate in ("B2", "D3"):
        cell = sheet[coordinate]
        assert cell.fill.fgColor.rgb == BAD_CELL_FILL.fgColor.rgb
        assert "How to fix" in cell.comment.text
    assert sheet["A2"].comment is None
    listed = [[cell.value for cell in row] for row in report[ERRORS_SHEET].iter_rows(min_row=2)]
    assert {(row[1], row[3]) for row in listed} == {(2, "B2"), (3, "D3")}


def test_fixit_workbook_of_a_csv_marks_the_weights_total_and_keeps_text_inert() -> None:
    injected = '=HYPERLINK("http://evil.example","click")'
    data = rows_csv([[injected, "", "", "", "", "40"], ["B", "", "", "", "", "47.5"]])
    problems = problems_of(data)
    assert [p.row for p in problems] == [1]
    report = load_workbook(
        io.BytesIO(portfolio_fixit(data, filename="holdings.csv", problems=problems))
    )
    sheet = report["holdings"]
    assert sheet["F1"].fill.fgColor.rgb == BAD_CELL_FILL.fgColor.rgb
    assert "87.50%" in sheet["F1"].comment.text
    assert sheet["A2"].data_type == "s" and "HYPERLINK" in sheet["A2"].value
