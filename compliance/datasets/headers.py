"""Match the user's header row to a kind's fields, whatever the language, case or accents."""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from compliance.datasets.kinds import DatasetSpec
from compliance.datasets.problems import DatasetRefused
from compliance.datasets.vocabulary import fold

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@dataclass(frozen=True)
class ColumnLayout:
    """Where each recognised field sits in the sheet (0-based column index)."""

    columns: dict[str, int]
    header: list[str]
    ignored: list[str]

    def field_at(self, column: int) -> str | None:
        return next((name for name, index in self.columns.items() if index == column), None)


def header_key(header: str) -> str:
    """'Latitude (decimal degrees) *' -> 'latitude': notes in brackets and marks are dropped."""
    return fold(_BRACKETED.sub(" ", header))


def match_headers(
    spec: DatasetSpec, header: list[str], *, sheet: str, header_row: int
) -> ColumnLayout:
    """Map header cells to fields, or refuse naming the columns that are missing or doubled."""
    lookup = spec.header_lookup
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, text in enumerate(header):
        name = lookup.get(header_key(text)) if text else None
        if name is None:
            if text:
                ignored.append(text)
            continue
        if name in columns:
            first = columns[name]
            raise DatasetRefused(
                f"Columns {get_column_letter(first + 1)} ('{header[first]}') and "
                f"{get_column_letter(index + 1)} ('{text}') both mean "
                f"'{spec.field(name).label}'. Keep one of them."
            )
        columns[name] = index
    missing = [f for f in spec.fields if f.required_column and f.name not in columns]
    if missing:
        where = f"The header row (row {header_row} of '{sheet}')"
        lines = [
            f"'{f.label}' (accepted headers: {', '.join(_distinct(f.headers))})" for f in missing
        ]
        raise DatasetRefused(
            f"{where} has no column for " + "; ".join(lines) + ". Add the column"
            f"{'s' if len(missing) > 1 else ''} (case and accents do not matter) and upload "
            "the file again."
        )
    return ColumnLayout(columns, header, ignored)


def _distinct(headers: tuple[str, ...]) -> list[str]:
    """Headers that differ once folded, in their first spelling."""
    first: dict[str, str] = {}
    for text in headers:
        first.setdefault(fold(text), text)
    return list(first.values())
