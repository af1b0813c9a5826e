"""Supplier and project-site datasets: validated uploads, version diffs, fix-it workbooks.

Pure functions over bytes and frames (no Flask, no database, no clock); the API layer stores
what they return. The public surface:

- `validate_upload(kind, data, filename=..., limits=...)` -> `CleanDataset`, or raises
  `DatasetRefused` (whole file) / `DatasetInvalid` (every bad cell, as `DatasetProblem`s).
- `CleanDataset.records()` and `dataset_from_records(kind, records)` to store and reload a version.
- `diff_datasets(kind, previous_frame, current_frame)` -> `DatasetDiff`.
- `fixit_workbook(kind, data, filename=..., problems=...)` -> xlsx bytes.
"""

from compliance.datasets.diff import DatasetDiff, FieldChange, RowChange, RowRef, diff_datasets
from compliance.datasets.fixit import fixit_workbook
from compliance.datasets.kinds import DatasetKind
from compliance.datasets.problems import DatasetInvalid, DatasetProblem, DatasetRefused
from compliance.datasets.reading import UploadLimits, screen_file
from compliance.datasets.records import CleanDataset, DatasetSummary, dataset_from_records
from compliance.datasets.upload import validate_upload

__all__ = [
    "CleanDataset",
    "DatasetDiff",
    "DatasetInvalid",
    "DatasetKind",
    "DatasetProblem",
    "DatasetRefused",
    "DatasetSummary",
    "FieldChange",
    "RowChange",
    "RowRef",
    "UploadLimits",
    "dataset_from_records",
    "diff_datasets",
    "fixit_workbook",
    "screen_file",
    "validate_upload",
]
