"""Reading an import file (CSV, xlsx or JSON) into rows keyed by the mapping's column names.

Problems with the file as a whole (not UTF-8, not JSON, a mapped column missing) refuse it with
`ImportRefused`; problems with single rows are left to `rows.build_drafts`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from compliance.errors import InvalidInput
from compliance.incidents.mapping import ColumnMapping
from compliance.incidents.vocabulary import fold
from compliance.phrases import Phrase
from questionnaires.workbook_reader import WorkbookRefused, open_untrusted_xlsx

Cell = str | int | float | bool | date | datetime | time | timedelta | list | None
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
_RECORD_KEYS = ("items", "incidents", "records", "data")


class FileFormat(StrEnum):
    global_witness = "global-witness"
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


class ImportRefused(InvalidInput):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass
class SourceRow:
    number: int  # as the user numbers it: spreadsheet row, or position in the JSON list
    cells: dict[str, Cell]  # mapping column name -> value
    problem: str | None = None  # the row cannot be read at all


@dataclass
class SourceTable:
    file_format: FileFormat
    rows: list[SourceRow]
    formula_cells: set[tuple[int, str]] = field(default_factory=set)


def read_table(
    data: bytes, file_format: FileFormat, mapping: ColumnMapping, *, max_rows: int
) -> SourceTable:
    """The rows of `data`, or `ImportRefused` naming what is wrong with the file."""
    if file_format in (FileFormat.csv, FileFormat.global_witness):
        header, records = _csv_records(data, mapping.delimiter)
        table = _table(file_format, header, records, mapping, first_row=2)
    elif file_format is FileFormat.xlsx:
        table = _xlsx_table(data, mapping)
    else:
        table = _json_table(data, mapping)
    if len(table.rows) > max_rows:
        raise ImportRefused(
            Phrase(
                "The file has %(records)s records; the limit is %(limit)s. Split it.",
                records=len(table.rows),
                limit=max_rows,
            )
        )
    return table


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            Phrase(
                "The file is not UTF-8 text (byte %(byte)s cannot be read). Save it as UTF-8.",
                byte=exc.start,
            )
        ) from exc


def _csv_records(data: bytes, delimiter: str) -> tuple[list[str], list[list[str]]]:
    text = _text(data)
    if "\x00" in text:
        raise ImportRefused(Phrase("The file contains NUL bytes: it is not a CSV text file."))
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportRefused(
            Phrase("The file is not valid CSV: %(error)s.", error=str(exc))
        ) from exc
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise ImportRefused(
            Phrase("The file is empty or its first line (the header row) is blank.")
        )
    return lines[0], lines[1:]


def _columns(header: list[Any], mapping: ColumnMapping) -> dict[str, int]:
    """Mapping column name -> index in the header; case and accents do not matter."""
    positions = {fold(str(name)): index for index, name in enumerate(header) if str(name).strip()}
    found: dict[str, int] = {}
    missing = []
    for name in mapping.columns:
        index = positions.get(fold(name))
        if index is None:
            missing.append(name)
        else:
            found[name] = index
    if missing:
        present = ", ".join(repr(str(h)) for h in header if str(h).strip()) or Phrase("none")
        raise ImportRefused(
            Phrase(
                "The mapping reads column(s) %(missing)s, which the file does not have (its "
                "columns: %(present)s). Fix the mapping or the header row.",
                missing=", ".join(repr(m) for m in missing),
                present=present,
            )
        )
    return found


def _blank(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _table(
    file_format: FileFormat,
    header: list[Any],
    records: list[list[Any]],
    mapping: ColumnMapping,
    *,
    first_row: int,
) -> SourceTable:
    columns = _columns(header, mapping)
    rows = []
    for offset, record in enumerate(records):
        if _blank(record):
            continue
        cells = {
            name: record[index] if index < len(record) else None for name, index in columns.items()
        }
        rows.append(SourceRow(first_row + offset, cells))
    return SourceTable(file_format, rows)


def _xlsx_table(data: bytes, mapping: ColumnMapping) -> SourceTable:
    try:
        workbook = open_untrusted_xlsx(data)
    except WorkbookRefused as exc:
        raise ImportRefused(exc.args[0]) from exc  # the message itself, a phrase if it is one
    visible = [s for s in workbook.sheet_names if s not in workbook.hidden_sheets]
    sheet = mapping.sheet or (visible[0] if visible else None)
    if sheet not in workbook.sheet_names:
        raise ImportRefused(
            Phrase(
                "The workbook has no sheet %(sheet)s; its sheets: %(sheets)s.",
                sheet=repr(sheet),
                sheets=", ".join(workbook.sheet_names),
            )
        )
    grid = workbook.rows(sheet)
    start = next((i for i, row in enumerate(grid) if not _blank(row)), None)
    if start is None:
        raise ImportRefused(Phrase("The sheet %(sheet)s is empty.", sheet=repr(sheet)))
    table = _table(FileFormat.xlsx, grid[start], grid[start + 1 :], mapping, first_row=start + 2)
    header = {_column_letter(index): str(name) for index, name in enumerate(grid[start])}
    mapped = {fold(name): name for name in mapping.columns}
    for ref in workbook.formula_cells(sheet):
        match = _CELL_REF.fullmatch(ref)
        if not match:
            continue
        column = mapped.get(fold(header.get(match.group(1), "")))
        if column is not None:
            table.formula_cells.add((int(match.group(2)), column))
    return table


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _json_table(data: bytes, mapping: ColumnMapping) -> SourceTable:
    try:
        document = json.loads(_text(data))
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            Phrase(
                "The file is not valid JSON (line %(line)s, column %(column)s).",
                line=exc.lineno,
                column=exc.colno,
            )
        ) from exc
    except RecursionError as exc:
        raise ImportRefused(Phrase("The file is not valid JSON.")) from exc
    records = document
    if isinstance(document, dict):
        keys = [mapping.records_key] if mapping.records_key else list(_RECORD_KEYS)
        key = next((k for k in keys if isinstance(document.get(k), list)), None)
        if key is None:
            raise ImportRefused(
                Phrase(
                    "The JSON document is an object without a list of records under %(keys)s. "
                    "Set 'records_key' in the mapping.",
                    keys=" or ".join(repr(k) for k in keys),
                )
            )
        records = document[key]
    if not isinstance(records, list):
        raise ImportRefused(Phrase("The JSON document must be a list of records (objects)."))
    wanted = {fold(name): name for name in mapping.columns}
    present: set[str] = set()
    rows = []
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            rows.append(SourceRow(position, {}, problem=Phrase("this item is not a JSON object")))
            continue
        cells: dict[str, Cell] = {}
        for key, value in record.items():
            name = wanted.get(fold(str(key)))
            if name is not None:
                cells[name] = value
                present.add(name)
        rows.append(SourceRow(position, cells))
    missing = [name for name in mapping.required_columns if name not in present]
    if rows and missing:
        raise ImportRefused(
            Phrase(
                "No record has the key(s) %(missing)s that the mapping reads. Fix the mapping or "
                "the file.",
                missing=", ".join(repr(m) for m in missing),
            )
        )
    return SourceTable(FileFormat.json, rows)
