"""The upload path: bytes in, a clean dataset or the full list of problems out.

read (reading) -> match headers (headers) -> normalise cells (normalise) -> schema and
cross-field rules (schemas) -> in-file duplicates (duplicates) -> problems (issues).
Nothing here touches the database or the clock; the API layer stores what comes back.
"""

from __future__ import annotations

import numpy as np

from compliance.datasets.duplicates import find_duplicates
from compliance.datasets.headers import ColumnLayout, match_headers
from compliance.datasets.issues import HEADER, Issues, write_up
from compliance.datasets.kinds import SPECS, DatasetKind
from compliance.datasets.normalise import normalise
from compliance.datasets.problems import DatasetInvalid
from compliance.datasets.reading import SourceTable, UploadLimits, read_table
from compliance.datasets.records import CleanDataset, summarise
from compliance.datasets.schemas import check_rows


def validate_upload(
    kind: DatasetKind, data: bytes, *, filename: str, limits: UploadLimits | None = None
) -> CleanDataset:
    """Read and check an uploaded suppliers or sites file.

    Raises `DatasetRefused` when the file as a whole cannot be used (its message says why), and
    `DatasetInvalid` listing every bad cell when any row is wrong; nothing partial comes back.
    """
    limits = limits or UploadLimits()
    spec = SPECS[kind]
    table = read_table(spec, data, filename=filename, limits=limits)
    layout = match_headers(spec, table.header, sheet=table.sheet, header_row=table.header_row)
    issues = Issues()
    note_formula_cells(table, layout, issues)
    frame = normalise(spec, table, layout.columns, issues)
    check_rows(spec, frame, layout.columns, issues)
    find_duplicates(spec, frame, layout.columns, issues)
    if issues:
        problems, total, rows = write_up(issues, spec, table, limits.max_problems)
        raise DatasetInvalid(problems, total=total, rows=rows)
    summary = summarise(
        kind,
        frame,
        file_format=table.file_format,
        sheet=table.sheet,
        columns={name: table.header[index] for name, index in layout.columns.items()},
        ignored_columns=layout.ignored,
    )
    return CleanDataset(kind, frame, summary)


def note_formula_cells(table: SourceTable, layout: ColumnLayout, issues: Issues) -> None:
    """Formulas in the header or in a recognised column; other columns are not read at all."""
    for row, column in table.formula_cells:
        field = layout.field_at(column)
        if field is None:
            continue
        if row == table.header_row:
            position = HEADER
        else:
            position = int(table.row_numbers.searchsorted(row))
            if position == table.row_count or table.row_numbers[position] != row:
                continue
        issues.add(np.array([position]), column, field, "formula")
