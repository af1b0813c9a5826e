"""Checking an uploaded portfolio (xlsx or CSV): bytes in, clean holdings or every problem out.

The file is read with the dataset machinery (compliance.datasets: size and row limits, zip-bomb
and encoding checks, header matching in English, Spanish and French, formula cells, problems
located as the user numbers the sheet, the fix-it workbook); the rules here are a portfolio's:

- a holding name on every row; ISIN with its ISO 6166 check digit; LEI with its ISO 17442 check
  digits; country as a name (English, Spanish, French) or ISO code, stored as alpha-2;
- a weight column, a market value column, or both. Weights are percentages: "2.5", "2,5" and
  "2.5%" all mean 2.5 %. Weights written without a % sign that add up to 1 (±tolerance/100) are
  read as fractions of the portfolio, as Excel stores cells formatted as percentages (0.025 is
  shown as 2.5 %). When the weight column has any value, every row needs one and they must add
  up to 100 % (± `weight_tolerance` points); otherwise every row needs a market value and the
  weights are the values' shares. Market values, when given, must be more than 0;
- duplicate holdings: the same ISIN; or the same LEI, or the same normalised name and country,
  unless both rows carry different ISINs (a company's shares and its bonds are two holdings).

Pure: no database, no Flask, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from compliance.datasets.cells import as_text, cell_text
from compliance.datasets.headers import ColumnLayout, match_headers
from compliance.datasets.identifiers import lei_is_valid
from compliance.datasets.issues import Issues, write_up
from compliance.datasets.kinds import DatasetSpec, Field, FieldType
from compliance.datasets.normalise import normalise
from compliance.datasets.problems import RULES, DatasetInvalid, DatasetProblem, DatasetRefused, Rule
from compliance.datasets.reading import (
    ZIP_MAGIC,
    SourceTable,
    UploadLimits,
    csv_rows,
    csv_sheet_name,
    read_table,
)
from compliance.datasets.upload import note_formula_cells
from compliance.matching import normalise_name
from compliance.phrases import Phrase
from questionnaires.workbook_reader import WorkbookRefused, open_untrusted_xlsx
from reports.fixit_workbook import fixit_from_rows, fixit_from_xlsx

DEFAULT_MAX_ROWS = 50_000
WEIGHT_TOLERANCE = 1.0  # percentage points either side of 100
NAME_MAX = 300
SECTOR_MAX = 64


class PortfolioKind(StrEnum):
    HOLDINGS = "holdings"


_COUNTRY_HEADERS = (
    "country code",
    "iso country code",
    "country iso",
    "country of risk",
    "country of domicile",
    "domicile",
    "issuer country",
    "país",
    "código de país",
    "código país",
    "país del emisor",
    "país de riesgo",
    "domicilio",
    "pays",
    "code pays",
    "code du pays",
    "pays de l'émetteur",
    "pays de risque",
)

SPEC = DatasetSpec(
    kind=PortfolioKind.HOLDINGS,
    sheet_names=(
        "holdings",
        "portfolio",
        "positions",
        "investments",
        "loans",
        "cartera",
        "posiciones",
        "inversiones",
        "portefeuille",
        "positions du portefeuille",
        "placements",
    ),
    fields=(
        Field(
            "name",
            "Holding name",
            FieldType.TEXT,
            (
                "name",
                "holding",
                "security",
                "security name",
                "security description",
                "issuer",
                "issuer name",
                "company",
                "company name",
                "borrower",
                "investee",
                "instrument",
                "nombre",
                "emisor",
                "nombre del emisor",
                "empresa",
                "nombre de la empresa",
                "prestatario",
                "instrumento",
                "nom",
                "émetteur",
                "nom de l'émetteur",
                "société",
                "entreprise",
                "emprunteur",
                "titre",
            ),
            required_column=True,
            required_value=True,
            max_length=NAME_MAX,
        ),
        Field(
            "isin",
            "ISIN",
            FieldType.TEXT,
            ("isin code", "isin number", "código isin", "code isin"),
            max_length=40,
        ),
        Field(
            "lei",
            "LEI",
            FieldType.LEI,
            (
                "lei code",
                "issuer lei",
                "legal entity identifier",
                "código lei",
                "lei del emisor",
                "identificador de entidad jurídica",
                "identifiant lei",
                "lei de l'émetteur",
                "identifiant d'entité juridique",
            ),
        ),
        Field("country", "Country", FieldType.COUNTRY, _COUNTRY_HEADERS),
        Field(
            "sector",
            "Sector",
            FieldType.TEXT,
            (
                "industry",
                "gics sector",
                "sector gics",
                "industria",
                "actividad",
                "secteur",
                "secteur d'activité",
                "industrie",
            ),
            max_length=SECTOR_MAX,
        ),
        Field(
            "weight",
            "Weight",
            FieldType.TEXT,
            (
                "weight %",
                "weighting",
                "portfolio weight",
                "% of portfolio",
                "% of nav",
                "percent of portfolio",
                "allocation",
                "peso",
                "ponderación",
                "% de la cartera",
                "porcentaje de la cartera",
                "participación",
                "poids",
                "pondération",
                "% du portefeuille",
                "part du portefeuille",
            ),
        ),
        Field(
            "market_value",
            "Market value",
            FieldType.TEXT,
            (
                "value",
                "market value usd",
                "position value",
                "amount",
                "exposure",
                "outstanding amount",
                "notional",
                "valor de mercado",
                "valor",
                "monto",
                "importe",
                "exposición",
                "saldo",
                "valeur de marché",
                "valeur",
                "montant",
                "exposition",
                "encours",
            ),
        ),
    ),
)

# The order decides which problem a cell keeps when it breaks several rules.
PORTFOLIO_RULES: dict[str, Rule] = {
    "formula": RULES["formula"],
    "required": RULES["required"],
    "too_long": RULES["too_long"],
    "unknown_country": RULES["unknown_country"],
    "invalid_isin": Rule(
        Phrase("'%(value)s' is not a valid ISIN."),
        Phrase(
            "An ISIN has 12 characters: a two-letter country code, nine letters or digits and a "
            "check digit (ISO 6166), e.g. US0378331005. Copy it from your custodian's or the "
            "exchange's record rather than typing it, or leave the cell empty."
        ),
    ),
    "invalid_lei": RULES["invalid_lei"],
    "not_a_number": Rule(
        Phrase("'%(value)s' is not a number."),
        Phrase(
            "Write a plain number such as 2.5, 2,5 or 2.5% (weights) or 1250000 (market values), "
            "without words or currency codes."
        ),
    ),
    "negative_weight": Rule(
        Phrase("The weight cannot be negative."),
        Phrase(
            "Give the holding's share of the portfolio as 0 or more; short positions are not "
            "screened."
        ),
    ),
    "weight_over_100": Rule(
        Phrase("The weight %(value)s is more than 100%%."),
        Phrase("Write the weight as a percentage of the portfolio between 0 and 100."),
    ),
    "not_positive": Rule(
        Phrase("%(column)s must be more than 0."),
        Phrase(
            "Give the holding's market value as a positive amount, or remove the row if the "
            "position is closed."
        ),
    ),
    "weight_missing": Rule(
        Phrase("The weight is empty, but other holdings have one."),
        Phrase(
            "Give every holding its weight in percent, or empty the whole weight column and give "
            "market values instead."
        ),
    ),
    "market_value_missing": Rule(
        Phrase("The market value is empty, and the file gives no weights."),
        Phrase(
            "Give every holding its market value, or add a weight column with each holding's "
            "percentage of the portfolio."
        ),
    ),
    "duplicate_isin": Rule(
        Phrase("Rows %(other_row)s and %(row)s have the same ISIN."),
        Phrase(
            "Keep one row per security (add their weights or values together), or correct the ISIN."
        ),
    ),
    "duplicate_lei": Rule(
        Phrase("Rows %(other_row)s and %(row)s have the same LEI and no ISINs telling them apart."),
        Phrase(
            "Keep one row per holding (add their weights or values together), or give each row "
            "the ISIN of its security if they are different securities of one issuer."
        ),
    ),
    "duplicate_name": Rule(
        Phrase("Rows %(other_row)s and %(row)s name the same holding in the same country."),
        Phrase(
            "Keep one row per holding (add their weights or values together), or give each row "
            "the ISIN of its security if they are different securities."
        ),
    ),
}

_ISIN_FORMAT = re.compile(r"[A-Z]{2}[A-Z0-9]{9}[0-9]")
_CURRENCY = re.compile(r"^[$€£¥]|[$€£¥]$")
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED_COMMA = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_GROUPED_DOT = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")


@dataclass(frozen=True)
class HoldingRow:
    """One clean holding; `position` is its row number in the sheet as the investor sees it."""

    position: int
    name: str
    isin: str | None
    lei: str | None
    country: str | None
    sector: str | None
    weight: float  # percent of the portfolio (given, or the market value's share)
    market_value: float | None


@dataclass(frozen=True)
class CleanPortfolio:
    rows: list[HoldingRow]
    file_format: Literal["xlsx", "csv"]
    sheet: str
    weights_from: Literal["percent", "fraction", "market_value"]
    total_market_value: float | None
    columns: dict[str, str] = field(default_factory=dict)  # field -> the header the file used
    ignored_columns: list[str] = field(default_factory=list)


def isin_is_valid(code: str) -> bool:
    """ISO 6166: letters count as 10-35, and the Luhn check over all the digits passes."""
    if not _ISIN_FORMAT.fullmatch(code):
        return False
    digits = "".join(str(int(character, 36)) for character in code)
    total = 0
    for index, character in enumerate(reversed(digits)):
        digit = int(character)
        if index % 2:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return total % 10 == 0


def parse_number(value: object, *, amount: bool) -> tuple[float | None, bool]:
    """A cell as a number, and whether it was written with a % sign; (None, False) when it is
    not a number. Text accepts decimal commas ("2,5"), thousands separators ("1,250,000.50",
    "1.250.000,50", "1 250 000"), a currency sign and parentheses for negatives. A single comma
    followed by exactly three digits is a thousands separator in an `amount` ("2,500" is 2500)
    and a decimal comma in a weight ("2,500" is 2.5)."""
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int | float):
        number = float(value)
        return (number, False) if np.isfinite(number) else (None, False)
    text = _SPACES.sub("", cell_text(value))
    percent = text.endswith("%")
    text = _CURRENCY.sub("", text.removesuffix("%"))
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()") if negative else text
    number = _text_number(text, amount=amount)
    if number is None:
        return None, False
    return (-number if negative else number), percent


def _text_number(text: str, *, amount: bool) -> float | None:
    if _PLAIN.fullmatch(text) and text.count(".") <= 1:
        return float(text)
    if text.count(",") == 1 and "." not in text and _DECIMAL_COMMA.fullmatch(text):
        whole, decimals = text.split(",")
        if amount and len(decimals) == 3 and whole.lstrip("+-"):
            return float(whole + decimals)
        return float(f"{whole}.{decimals}")
    if _GROUPED_COMMA.fullmatch(text):
        return float(text.replace(",", ""))
    if _GROUPED_DOT.fullmatch(text):
        return float(text.replace(".", "").replace(",", "."))
    return None


def validate_portfolio(
    data: bytes,
    *,
    filename: str,
    limits: UploadLimits | None = None,
    weight_tolerance: float = WEIGHT_TOLERANCE,
) -> CleanPortfolio:
    """Read and check an uploaded portfolio.

    Raises `DatasetRefused` when the file as a whole cannot be used (its message says why) and
    `DatasetInvalid` listing every bad cell (plus the weights' total when it is off); nothing
    partial comes back.
    """
    limits = limits or UploadLimits(max_rows=DEFAULT_MAX_ROWS)
    table = read_table(SPEC, data, filename=filename, limits=limits)
    layout = match_headers(SPEC, table.header, sheet=table.sheet, header_row=table.header_row)
    _require_weight_or_value(layout, table)
    issues = Issues(PORTFOLIO_RULES)
    note_formula_cells(table, layout, issues)
    frame = normalise(SPEC, table, layout.columns, issues)
    columns = layout.columns
    _check_text_lengths(frame, columns, issues)
    isins = _isins(table, columns, issues)
    leis = _leis(frame, columns, issues)
    weights, weights_from, total_off = _weights(table, columns, issues, weight_tolerance)
    values = _market_values(table, columns, issues, required=weights is None)
    _duplicates(frame, isins, leis, columns, issues)
    extra = _weights_total_problem(table, columns, total_off, weight_tolerance)
    if issues or extra:
        problems, total, rows = (
            write_up(issues, SPEC, table, limits.max_problems) if issues else ([], 0, 0)
        )
        if extra is not None:
            problems, total = [extra, *problems][: max(limits.max_problems, 1)], total + 1
        raise DatasetInvalid(problems, total=total, rows=max(rows, 1))
    if weights is None:
        assert values is not None
        total_value = float(np.nansum(values))
        weights = values / total_value * 100
        weights_from = "market_value"
    rows = _rows(table, frame, isins, leis, weights, values)
    return CleanPortfolio(
        rows=rows,
        file_format=table.file_format,
        sheet=table.sheet,
        weights_from=weights_from,
        total_market_value=float(np.nansum(values)) if values is not None else None,
        columns={name: table.header[index] for name, index in columns.items()},
        ignored_columns=layout.ignored,
    )


def _require_weight_or_value(layout: ColumnLayout, table: SourceTable) -> None:
    if "weight" in layout.columns or "market_value" in layout.columns:
        return
    weight, value = SPEC.field("weight"), SPEC.field("market_value")
    raise DatasetRefused(
        Phrase(
            "The header row (row %(row)s of '%(sheet)s') has no column for the weight "
            "('%(weight_header)s', e.g. %(weight_examples)s) nor for the market value "
            "('%(value_header)s', e.g. %(value_examples)s). Add one of them (both are fine) and "
            "upload the file again.",
            row=table.header_row,
            sheet=table.sheet,
            weight_header=weight.label,
            weight_examples=", ".join(weight.headers[2:5]),
            value_header=value.label,
            value_examples=", ".join(value.headers[2:5]),
        )
    )


def _check_text_lengths(frame: pd.DataFrame, columns: dict[str, int], issues: Issues) -> None:
    for name in ("name", "sector"):
        if name in columns:
            limit = SPEC.field(name).max_length
            too_long = frame[name].str.len().gt(limit).fillna(False).to_numpy(dtype=bool)
            issues.add(np.flatnonzero(too_long), columns[name], name, "too_long")


def _isins(table: SourceTable, columns: dict[str, int], issues: Issues) -> pd.Series:
    """ISINs upper-cased without the spaces and hyphens people add; missing where empty."""
    if "isin" not in columns:
        return pd.Series([None] * table.row_count, dtype=object)
    text = as_text(table.column(columns["isin"]))
    codes = text.str.upper().str.replace(r"[\s\-]", "", regex=True)
    found = _present(codes)
    valid = np.array([code is None or isin_is_valid(code) for code in found], dtype=bool)
    issues.add(np.flatnonzero(~valid), columns["isin"], "isin", "invalid_isin")
    return pd.Series([code if ok else None for code, ok in zip(found, valid, strict=True)])


def _leis(frame: pd.DataFrame, columns: dict[str, int], issues: Issues) -> pd.Series:
    found = _present(frame["lei"])
    if "lei" not in columns:
        return pd.Series(found)
    present = np.array([code is not None for code in found], dtype=bool)
    valid = np.ones(len(found), dtype=bool)
    if present.any():
        codes = pd.Series([code for code in found if code is not None], dtype=str)
        valid[present] = lei_is_valid(codes).to_numpy(dtype=bool)
    issues.add(np.flatnonzero(~valid), columns["lei"], "lei", "invalid_lei")
    return pd.Series([code if ok else None for code, ok in zip(found, valid, strict=True)])


def _present(series: pd.Series) -> list[str | None]:
    """Text values as a list, None where missing or empty."""
    return [value if isinstance(value, str) and value else None for value in series.tolist()]


def _numbers(
    table: SourceTable, column: int, *, amount: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the number (NaN if none), whether written with %, blank, unreadable."""
    raw = table.column(column)
    numbers = np.full(len(raw), np.nan)
    percent = np.zeros(len(raw), dtype=bool)
    blank = np.zeros(len(raw), dtype=bool)
    unreadable = np.zeros(len(raw), dtype=bool)
    for position, value in enumerate(raw.tolist()):
        if value is None or (isinstance(value, str) and not value.strip()):
            blank[position] = True
            continue
        number, with_percent = parse_number(value, amount=amount)
        if number is None:
            unreadable[position] = True
        else:
            numbers[position], percent[position] = number, with_percent
    return numbers, percent, blank, unreadable


def _weights(
    table: SourceTable, columns: dict[str, int], issues: Issues, tolerance: float
) -> tuple[np.ndarray | None, Literal["percent", "fraction"], float | None]:
    """Weights in percent when the weight column has any value (else None), how they were
    written, and their total when it is not 100 % (checked only when every weight is good)."""
    if "weight" not in columns:
        return None, "percent", None
    column = columns["weight"]
    numbers, percent, blank, unreadable = _numbers(table, column, amount=False)
    if blank.all():
        return None, "percent", None
    issues.add(np.flatnonzero(unreadable), column, "weight", "not_a_number")
    issues.add(np.flatnonzero(blank), column, "weight", "weight_missing")
    given = ~np.isnan(numbers)
    fraction = (
        not percent.any()
        and bool(given.any())
        and bool((numbers[given] <= 1).all())
        and abs(float(numbers[given].sum()) - 1) <= tolerance / 100
    )
    weights = numbers * 100 if fraction else numbers
    negative = given & (weights < 0)
    issues.add(np.flatnonzero(negative), column, "weight", "negative_weight")
    over = given & (weights > 100)
    issues.add(np.flatnonzero(over), column, "weight", "weight_over_100")
    all_good = not (blank.any() or unreadable.any() or negative.any() or over.any())
    total = float(weights[given].sum())
    off = total if all_good and abs(total - 100) > tolerance else None
    return weights, ("fraction" if fraction else "percent"), off


def _market_values(
    table: SourceTable, columns: dict[str, int], issues: Issues, *, required: bool
) -> np.ndarray | None:
    if "market_value" not in columns:
        if required:  # no weights either: the rows say nothing about size
            issues.add(
                np.arange(table.row_count), columns["weight"], "weight", "market_value_missing"
            )
        return None
    column = columns["market_value"]
    numbers, _percent, blank, unreadable = _numbers(table, column, amount=True)
    issues.add(np.flatnonzero(unreadable), column, "market_value", "not_a_number")
    issues.add(np.flatnonzero(numbers <= 0), column, "market_value", "not_positive")
    if required:
        issues.add(np.flatnonzero(blank), column, "market_value", "market_value_missing")
    return numbers


def _weights_total_problem(
    table: SourceTable, columns: dict[str, int], total: float | None, tolerance: float
) -> DatasetProblem | None:
    if total is None:
        return None
    column = columns["weight"]
    header = table.header[column] or f"column {get_column_letter(column + 1)}"
    return DatasetProblem(
        sheet=table.sheet,
        row=table.header_row,
        column=header,
        column_letter=get_column_letter(column + 1),
        value=f"{total:.2f}%",
        problem=Phrase(
            "The weights add up to %(total)s%%, not 100%% (±%(tolerance)s point).",
            total=format(total, ".2f"),
            tolerance=format(tolerance, "g"),
        ),
        fix=Phrase(
            "Correct the weights so that they add up to 100%; or empty the weight column and "
            "give market values, from which the weights are computed."
        ),
    )


def _duplicates(
    frame: pd.DataFrame,
    isins: pd.Series,
    leis: pd.Series,
    columns: dict[str, int],
    issues: Issues,
) -> None:
    """One problem per repeated row, on the first identity that repeats (ISIN, LEI, name)."""
    names = _present(frame["name"])
    countries = [country or "" for country in _present(frame["country"].astype(object))]
    isin_list = _present(isins)
    first: dict[tuple[str, str], int] = {}
    found: dict[str, tuple[list[int], list[int]]] = {
        rule: ([], []) for rule in ("duplicate_isin", "duplicate_lei", "duplicate_name")
    }
    for position, (isin, lei, name, country) in enumerate(
        zip(isin_list, _present(leis), names, countries, strict=True)
    ):
        keys: list[tuple[str, str, str]] = []
        if isin:
            keys.append(("duplicate_isin", "isin", isin))
        if lei:
            keys.append(("duplicate_lei", "lei", lei))
        if name:
            normalised = normalise_name(name).sorted_text or name.casefold()
            keys.append(("duplicate_name", "name", f"{normalised}|{country}"))
        reported = False
        for rule, kind, value in keys:
            earlier = first.get((kind, value))
            if earlier is None:
                first[(kind, value)] = position
                continue
            if reported or (kind != "isin" and isin and isin_list[earlier] not in (None, isin)):
                continue
            found[rule][0].append(position)
            found[rule][1].append(earlier)
            reported = True
    for rule, field_name in (
        ("duplicate_isin", "isin"),
        ("duplicate_lei", "lei"),
        ("duplicate_name", "name"),
    ):
        positions, earlier = found[rule]
        if positions:
            issues.add(
                np.array(positions),
                columns[field_name],
                field_name,
                rule,
                other=np.array(earlier),
            )


def _rows(
    table: SourceTable,
    frame: pd.DataFrame,
    isins: pd.Series,
    leis: pd.Series,
    weights: np.ndarray,
    values: np.ndarray | None,
) -> list[HoldingRow]:
    countries = _present(frame["country"].astype(object))
    sectors = _present(frame["sector"])
    value_list = (
        [None if np.isnan(v) else float(v) for v in values.tolist()]
        if values is not None
        else [None] * table.row_count
    )
    return [
        HoldingRow(
            position=int(position),
            name=name,
            isin=isin,
            lei=lei,
            country=country,
            sector=sector,
            weight=float(weight),
            market_value=value,
        )
        for position, name, isin, lei, country, sector, weight, value in zip(
            table.row_numbers.tolist(),
            frame["name"].tolist(),
            _present(isins),
            _present(leis),
            countries,
            sectors,
            weights.tolist(),
            value_list,
            strict=True,
        )
    ]


def portfolio_fixit(data: bytes, *, filename: str, problems: list[DatasetProblem]) -> bytes:
    """xlsx bytes: the uploaded workbook (or the CSV rebuilt as a sheet) with every problem
    marked red with a comment, and an Errors sheet listing them."""
    if data.startswith(ZIP_MAGIC):
        try:
            open_untrusted_xlsx(data)
        except WorkbookRefused as exc:
            raise DatasetRefused(exc.args[0]) from exc
        return fixit_from_xlsx(data, problems)
    return fixit_from_rows(csv_sheet_name(filename, SPEC), csv_rows(data), problems)


__all__ = [
    "PORTFOLIO_RULES",
    "SPEC",
    "CleanPortfolio",
    "DatasetInvalid",
    "DatasetRefused",
    "HoldingRow",
    "PortfolioKind",
    "UploadLimits",
    "isin_is_valid",
    "parse_number",
    "portfolio_fixit",
    "validate_portfolio",
]
