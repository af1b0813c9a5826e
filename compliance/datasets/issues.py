"""Collect bad cells as arrays while checking, and only at the end write them up as problems.

A file can have thousands of bad cells; they stay as integer arrays (row position, column, rule)
until the end, where each cell keeps only its most telling problem and the list is capped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from compliance.datasets.cells import cell_text
from compliance.datasets.kinds import DatasetSpec
from compliance.datasets.problems import RULES, DatasetProblem, Rule
from compliance.datasets.reading import SourceTable
from compliance.phrases import Phrase

HEADER = -1
NO_ROW = -1


class Issues:
    """Bad cells found so far: data-row position (HEADER for the header row), column, rule.

    `rules` explains each rule to the user (the dataset rules unless another upload, such as a
    portfolio, brings its own); its order decides which problem a cell keeps.
    """

    def __init__(self, rules: Mapping[str, Rule] = RULES) -> None:
        self._parts: list[pd.DataFrame] = []
        self.rules = rules
        self._priority = {name: position for position, name in enumerate(rules)}

    def add(
        self,
        positions: np.ndarray,
        column: int,
        field: str,
        rule: str,
        *,
        other: np.ndarray | None = None,
        missing_column: str = "",
    ) -> None:
        """Add bad cells; `missing_column` names the column the user must add before the rule
        can be met (the cell is reported on another column)."""
        if not len(positions):
            return
        self._parts.append(
            pd.DataFrame(
                {
                    "position": np.asarray(positions, dtype=np.int64),
                    "column": column,
                    "field": field,
                    "rule": rule,
                    "other": NO_ROW if other is None else np.asarray(other, dtype=np.int64),
                    "missing_column": missing_column,
                }
            )
        )

    def __bool__(self) -> bool:
        return bool(self._parts)

    def worst_per_cell(self) -> pd.DataFrame:
        """One issue per cell (the rule listed first in `rules` wins), in sheet order."""
        issues = pd.concat(self._parts, ignore_index=True)
        issues["priority"] = issues["rule"].map(self._priority)
        issues = issues.sort_values(["position", "column", "priority"], kind="stable")
        return issues.drop_duplicates(["position", "column"]).reset_index(drop=True)


def write_up(
    issues: Issues, spec: DatasetSpec, table: SourceTable, limit: int
) -> tuple[list[DatasetProblem], int, int]:
    """Problems (at most `limit`), the number of bad cells, and the number of rows concerned."""
    cells = issues.worst_per_cell()
    total, rows = len(cells), cells["position"].nunique()
    problems = [
        _problem(spec, table, cell, issues.rules)
        for cell in cells.head(limit).itertuples(index=False)
    ]
    return problems, total, rows


def _problem(
    spec: DatasetSpec, table: SourceTable, cell: Any, rules: Mapping[str, Rule]
) -> DatasetProblem:
    column = int(cell.column)
    position = int(cell.position)
    if position == HEADER:
        row, raw = table.header_row, table.header[column]
    else:
        row, raw = int(table.row_numbers[position]), table.cells[position, column]
    value = cell_text(raw) if raw != "" else ""
    field = spec.field(cell.field)
    choices = field.choices.describe() if field.choices else ""
    other_row = int(table.row_numbers[cell.other]) if cell.other != NO_ROW else None
    header = table.header[column] or Phrase(
        "column %(letter)s", letter=get_column_letter(column + 1)
    )
    words = {
        "value": value,
        "column": header,
        "choices": choices,
        "limit": field.max_length,
        "other_row": other_row,
        "row": row,
    }
    problem, fix = rules[cell.rule].worded(words)
    if cell.missing_column:
        fix = Phrase(
            "Add a '%(column)s' column to the sheet. Then: %(fix)s",
            column=cell.missing_column,
            fix=fix,
        )
    return DatasetProblem(
        sheet=table.sheet,
        row=row,
        column=header,
        column_letter=get_column_letter(column + 1),
        value=value,
        problem=problem,
        fix=fix,
    )
