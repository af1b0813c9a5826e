"""Turn raw cells into typed, canonical values, noting every cell that cannot be read.

Work is done a column at a time with pandas and numpy operations, never row by row. Columns
whose values repeat (countries, choices, dates) are factorised first, so folding and looking
up runs once per distinct value and is then spread back over the rows. A cell that cannot be
read becomes missing and gets an issue; the pandera schema then judges the typed values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

import numpy as np
import pandas as pd

from compliance.datasets.cells import TEXT_DTYPE, as_text
from compliance.datasets.issues import Issues
from compliance.datasets.kinds import DatasetSpec, Field, FieldType
from compliance.datasets.reading import SourceTable
from compliance.datasets.vocabulary import COUNTRY_BY_KEY, fold_series

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Excel serial numbers read as dates only between 1920 and 2100: a bare 2015 is a year, not a date.
_EXCEL_SERIALS = (7306, 73415)
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+Z?)?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_THOUSANDS = re.compile(r"\d{1,3}(?:[ ,.'\u00a0\u202f]\d{3})+")
_TIER = re.compile(
    r"^(?:tier|nivel|rang|niveau|level)?\s*(\d+)(?:\s*(?:plus|or more|and above|y mas|et plus))?$"
)
_NUMERIC_ONLY = {"floating", "integer", "mixed-integer-float"}
_DEGREES = re.compile(r"[°º'′\"″]|\d\s*[NSEWO]\s*$", re.IGNORECASE)


# Columns whose values repeat a lot: parsed once per distinct value, then spread over the rows.
_FEW_DISTINCT_VALUES = {
    FieldType.CHOICE,
    FieldType.YES_NO,
    FieldType.COUNTRY,
    FieldType.TIER,
    FieldType.DATE,
}


class _Distinct:
    """A column factorised: its distinct raw values and, per row, which one it holds."""

    def __init__(self, raw: np.ndarray) -> None:
        self.codes, self.values = pd.factorize(raw)

    def spread(self, per_value: pd.Series, dtype: str | pd.CategoricalDtype) -> pd.Series:
        """Per-distinct-value results back onto the rows."""
        return per_value.astype(dtype).take(self.codes).reset_index(drop=True)

    def rows(self, per_value_mask: pd.Series | np.ndarray) -> np.ndarray:
        """Row positions whose value is flagged in a per-distinct-value mask."""
        return np.flatnonzero(np.asarray(per_value_mask, dtype=bool)[self.codes])


def normalise(
    spec: DatasetSpec, table: SourceTable, columns: dict[str, int], issues: Issues
) -> pd.DataFrame:
    """The typed frame of `spec`'s fields; missing columns become empty ones."""
    frame: dict[str, pd.Series] = {}
    for field in spec.fields:
        position = columns.get(field.name)
        dtype = field.dtype
        if position is None:
            frame[field.name] = pd.Series(None, index=range(table.row_count), dtype=dtype)
            continue
        parse = _PARSERS[field.type]
        if field.type in _FEW_DISTINCT_VALUES:
            distinct = _Distinct(table.column(position))
            values, unreadable = parse(distinct.values, field, table.file_format)
            frame[field.name] = distinct.spread(values, dtype)
            for rule, mask in unreadable.items():
                issues.add(distinct.rows(mask), position, field.name, rule)
        else:
            values, unreadable = parse(table.column(position), field, table.file_format)
            frame[field.name] = values.astype(dtype)
            for rule, mask in unreadable.items():
                issues.add(np.flatnonzero(mask.to_numpy(dtype=bool)), position, field.name, rule)
    return pd.DataFrame(frame)


Parsed = tuple[pd.Series, dict[str, pd.Series]]


def _unreadable(text: pd.Series, values: pd.Series) -> pd.Series:
    """Cells that hold something but gave no value."""
    return text.notna() & values.isna()


def _parse_text(values: np.ndarray, field: Field, file_format: str) -> Parsed:
    return as_text(values), {}


def _parse_code(values: np.ndarray, field: Field, file_format: str) -> Parsed:
    """Identifiers: upper case, without the spaces and hyphens people add for legibility."""
    text = as_text(values)
    return text.str.upper().str.replace(r"[\s\-]", "", regex=True), {}


def _lookup(mapping: dict[str, str], rule: str) -> Callable[[np.ndarray, Field, str], Parsed]:
    def parse(values: np.ndarray, field: Field, file_format: str) -> Parsed:
        text = as_text(values)
        found = fold_series(text).map(mapping)
        return found, {rule: _unreadable(text, found)}

    return parse


def _parse_choice(values: np.ndarray, field: Field, file_format: str) -> Parsed:
    assert field.choices is not None
    return _lookup(field.choices.lookup, "unknown_choice")(values, field, file_format)


def _parse_yes_no(values: np.ndarray, field: Field, file_format: str) -> Parsed:
    found, unreadable = _parse_choice(values, field, file_format)
    return found.map({"yes": True, "no": False}), unreadable


def _parse_tier(values: np.ndarray, field: Field, file_format: str) -> Parsed:
    text = as_text(values)
    number = pd.to_numeric(fold_series(text).str.extract(_TIER, expand=False), errors="coerce")
    tier = pd.Series(np.select([number == 1, number == 2, number >= 3], ["1", "2", "3+"], ""))
    tier = tier.mask(tier == "")
    return tier, {"unknown_tier": _unreadable(text, tier)}


def _numbers(values: np.ndarray, *, grouped_thousands: bool) -> tuple[pd.Series, pd.Series]:
    """Numbers from numeric cells and from text such as '4.5' or '4,5' (and '1 200' or '1.200'
    when `grouped_thousands`); and the text of the cells that held something else."""
    if pd.api.types.infer_dtype(values, skipna=False) in _NUMERIC_ONLY:
        no_text = pd.Series(None, index=range(len(values)), dtype=TEXT_DTYPE)
        return no_text, pd.Series(values.astype(np.float64))
    cells = pd.Series(values, dtype=object)
    if grouped_thousands:
        strings = cells[cells.map(type).isin([str])].astype(TEXT_DTYPE).str.strip()
        grouped = strings[strings.str.fullmatch(_THOUSANDS)]
        cells = cells.copy()
        cells[grouped.index] = grouped.str.replace(r"\D", "", regex=True)
    numbers = pd.to_numeric(cells.mask(cells.map(type).isin([bool])), errors="coerce")
    numbers = numbers.astype("float64")
    other = numbers.isna() & (cells != "")
    text = pd.Series(pd.NA, index=cells.index, dtype=TEXT_DTYPE)
    if other.any():
        text[other] = as_text(values[other.to_numpy()])
        retry = text.notna()
        written = text[retry].str.replace(r"\s", "", regex=True)
        comma = written.str.fullmatch(r"[+-]?\d+,\d+")
        numbers[retry] = pd.to_numeric(
            written.mask(comma, written.str.replace(",", ".")), errors="coerce"
        )
    return text, numbers


def _parse_coordinate(values: np.ndarray, field: Field, file_format: str) -> Parsed:
    text, numbers = _numbers(values, grouped_thousands=False)
    unreadable = _unreadable(text, numbers)
    degrees = unreadable & text.str.contains(_DEGREES).fillna(False).astype(bool)
    return numbers, {"degrees_minutes": degrees, "not_a_coordinate": unreadable & ~degrees}


def _parse_whole_number(values: np.ndarray, field: Field, file_format: str) -> Parsed:
    text, numbers = _numbers(values, grouped_thousands=True)
    fractional = numbers.notna() & (numbers % 1 != 0)
    whole = numbers.mask(fractional)
    return whole, {"not_a_whole_number": _unreadable(text, whole) | fractional}


def _parse_date(values: np.ndarray, field: Field, file_format: str) -> Parsed:
    """Date cells, Excel serial numbers (xlsx only), ISO text and day/month/year text.

    Text such as 03/04/2021 is read day-first or month-first according to the other dates of
    the same column: a column where some date can only be day-first (25/12/2021) and none can
    only be month-first is read day-first, and the other way round. Where the column does not
    settle it, dates whose day and month could swap are reported as ambiguous.
    """
    cells = pd.Series(values, dtype=object)
    text = as_text(values)
    kinds = cells.map(type)
    parsed = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[s]")
    is_date = kinds.isin([date, datetime, pd.Timestamp])
    if is_date.any():
        parsed[is_date] = pd.to_datetime(cells[is_date]).dt.normalize()
    is_number = kinds.isin([int, float])
    if is_number.any() and file_format == "xlsx":
        serial = cells[is_number].astype(float)
        usable = serial.between(*_EXCEL_SERIALS) & (serial % 1 == 0)
        days = pd.to_timedelta(serial[usable], unit="D")
        parsed[usable[usable].index] = _EXCEL_EPOCH + days
    ambiguous = pd.Series(False, index=cells.index)
    is_text = kinds.isin([str]) & text.notna()
    if is_text.any():
        dates, ambiguous_text = _dates_from_text(text[is_text])
        parsed[is_text] = dates
        ambiguous[is_text] = ambiguous_text
    unreadable = _unreadable(text, parsed) & ~ambiguous
    return parsed, {"ambiguous_date": ambiguous, "not_a_date": unreadable}


def _dates_from_text(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    iso = text.str.extract(_ISO_DATE).astype("float64")
    other = text.str.extract(_DAY_MONTH_YEAR).astype("float64")
    first, second = other[0], other[1]
    only_day_first = (first > 12) & (second <= 12)
    only_month_first = (second > 12) & (first <= 12)
    day_first_column = bool(only_day_first.any()) and not only_month_first.any()
    month_first_column = bool(only_month_first.any()) and not only_day_first.any()
    if month_first_column:
        day_first = pd.Series(False, index=text.index)
    elif day_first_column:
        day_first = pd.Series(True, index=text.index)
    else:
        day_first = ~only_month_first
    ambiguous = (first <= 12) & (second <= 12) & (first != second)
    ambiguous &= not (day_first_column or month_first_column)
    year = iso[0].fillna(other[2])
    month = iso[1].fillna(second.where(day_first, first))
    day = iso[2].fillna(first.where(day_first, second))
    parts = pd.DataFrame({"year": year, "month": month, "day": day}).mask(ambiguous)
    dates = pd.to_datetime(parts, errors="coerce").astype("datetime64[s]")
    return dates, ambiguous.fillna(False).astype(bool)


_PARSERS: dict[FieldType, Callable[[np.ndarray, Field, str], Parsed]] = {
    FieldType.TEXT: _parse_text,
    FieldType.CHOICE: _parse_choice,
    FieldType.YES_NO: _parse_yes_no,
    FieldType.COUNTRY: _lookup(COUNTRY_BY_KEY, "unknown_country"),
    FieldType.TIER: _parse_tier,
    FieldType.LEI: _parse_code,
    FieldType.OS_HUB_ID: _parse_code,
    FieldType.WHOLE_NUMBER: _parse_whole_number,
    FieldType.LATITUDE: _parse_coordinate,
    FieldType.LONGITUDE: _parse_coordinate,
    FieldType.DATE: _parse_date,
}
