"""Match the user's header row to a kind's fields, whatever the language, case or accents."""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from compliance.datasets.kinds import DatasetSpec, Field
from compliance.datasets.problems import DatasetRefused
from compliance.datasets.vocabulary import fold
from compliance.phrases import Phrase, joined

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
                Phrase(
                    "Columns %(first)s ('%(first_header)s') and %(second)s ('%(second_header)s') "
                    "both mean '%(field)s'. Keep one of them.",
                    first=get_column_letter(first + 1),
                    first_header=header[first],
                    second=get_column_letter(index + 1),
                    second_header=text,
                    field=spec.field(name).label,
                )
            )
        columns[name] = index
    missing = [f for f in spec.fields if f.required_column and f.name not in columns]
    if missing:
        raise DatasetRefused(_no_column_for(missing, sheet=sheet, header_row=header_row))
    return ColumnLayout(columns, header, ignored)


def _no_column_for(missing: list[Field], *, sheet: str, header_row: int) -> Phrase:
    """The refusal naming each required column the header row lacks, with its accepted headers."""
    columns = [
        Phrase(
            "'%(field)s' (accepted headers: %(headers)s)",
            field=f.label,
            headers=", ".join(_distinct(f.headers)),
        )
        for f in missing
    ]
    listed = joined(columns, "; ")
    if len(missing) == 1:
        return Phrase(
            "The header row (row %(row)s of '%(sheet)s') has no column for %(columns)s. Add the "
            "column (case and accents do not matter) and upload the file again.",
            row=header_row,
            sheet=sheet,
            columns=listed,
        )
    return Phrase(
        "The header row (row %(row)s of '%(sheet)s') has no column for %(columns)s. Add the "
        "columns (case and accents do not matter) and upload the file again.",
        row=header_row,
        sheet=sheet,
        columns=listed,
    )


def _distinct(headers: tuple[str, ...]) -> list[str]:
    """Headers that differ once folded, in their first spelling."""
    first: dict[str, str] = {}
    for text in headers:
        first.setdefault(fold(text), text)
    return list(first.values())
