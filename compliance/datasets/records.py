"""A clean dataset version: its typed rows, a summary, and the plain records that are stored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from pydantic import BaseModel

from compliance.datasets.kinds import SPECS, DatasetKind, FieldType
from compliance.datasets.schemas import schema_for

RecordValue = str | int | float | bool | None


class DatasetSummary(BaseModel):
    """What an accepted upload holds, for the answer to the upload and the web page."""

    kind: DatasetKind
    rows: int
    file_format: Literal["xlsx", "csv", "records"]
    sheet: str
    columns: dict[str, str]
    ignored_columns: list[str]
    countries: dict[str, int]
    counts: dict[str, dict[str, int]]
    with_coordinates: int


@dataclass(frozen=True)
class CleanDataset:
    """Rows that passed every check, typed as `schema_for(kind)` describes."""

    kind: DatasetKind
    frame: pd.DataFrame
    summary: DatasetSummary

    def records(self) -> list[dict[str, RecordValue]]:
        """JSON-ready rows for storage: dates as 'YYYY-MM-DD', missing values as None."""
        return frame_to_records(self.kind, self.frame)


def summarise(
    kind: DatasetKind,
    frame: pd.DataFrame,
    *,
    file_format: Literal["xlsx", "csv", "records"],
    sheet: str,
    columns: Mapping[str, str],
    ignored_columns: Sequence[str],
) -> DatasetSummary:
    counted = [
        field.name
        for field in SPECS[kind].fields
        if field.type in (FieldType.CHOICE, FieldType.YES_NO, FieldType.TIER)
    ]
    counts = {
        name: {str(value).lower(): int(n) for value, n in frame[name].value_counts().items() if n}
        for name in counted
    }
    return DatasetSummary(
        kind=kind,
        rows=len(frame),
        file_format=file_format,
        sheet=sheet,
        columns=dict(columns),
        ignored_columns=list(ignored_columns),
        countries={str(code): int(n) for code, n in frame["country"].value_counts().items() if n},
        counts=counts,
        with_coordinates=int(frame["latitude"].notna().sum()),
    )


def frame_to_records(kind: DatasetKind, frame: pd.DataFrame) -> list[dict[str, RecordValue]]:
    plain = {}
    for field in SPECS[kind].fields:
        column = frame[field.name]
        if field.type is FieldType.DATE:
            column = column.dt.strftime("%Y-%m-%d")
        plain[field.name] = column.astype(object).where(column.notna(), None)
    return pd.DataFrame(plain).to_dict("records")


def records_to_frame(
    kind: DatasetKind, records: Sequence[Mapping[str, RecordValue]]
) -> pd.DataFrame:
    """The typed frame of stored records (as `CleanDataset.records` wrote them), re-validated."""
    spec = SPECS[kind]
    raw = pd.DataFrame(list(records), columns=[field.name for field in spec.fields])
    columns = {}
    for field in spec.fields:
        values, dtype = raw[field.name], field.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            unknown = values.notna() & ~values.isin(dtype.categories)
            if unknown.any():
                raise ValueError(
                    f"stored {field.name} values are not allowed: {set(values[unknown])}"
                )
        if field.type is FieldType.DATE:
            values = pd.to_datetime(values)
        columns[field.name] = values.astype(dtype)
    frame = pd.DataFrame(columns)
    return schema_for(kind).validate(frame)


def dataset_from_records(
    kind: DatasetKind, records: Sequence[Mapping[str, RecordValue]]
) -> CleanDataset:
    """A stored version back as a `CleanDataset`, e.g. the previous version for a diff."""
    frame = records_to_frame(kind, records)
    summary = summarise(
        kind, frame, file_format="records", sheet="", columns={}, ignored_columns=[]
    )
    return CleanDataset(kind, frame, summary)
