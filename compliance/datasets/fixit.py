"""The fix-it workbook for a refused upload: the user's file with its problems marked."""

from __future__ import annotations

from collections.abc import Sequence

from compliance.datasets.kinds import SPECS, DatasetKind
from compliance.datasets.problems import DatasetProblem, DatasetRefused
from compliance.datasets.reading import ZIP_MAGIC, csv_rows, csv_sheet_name
from questionnaires.workbook_reader import WorkbookRefused, open_untrusted_xlsx
from reports.fixit_workbook import fixit_from_rows, fixit_from_xlsx


def fixit_workbook(
    kind: DatasetKind, data: bytes, *, filename: str, problems: Sequence[DatasetProblem]
) -> bytes:
    """xlsx bytes: the uploaded workbook (or CSV rebuilt as a sheet) with every problem marked.

    `data` and `filename` are the upload that raised `DatasetInvalid(problems)`.
    """
    if data.startswith(ZIP_MAGIC):
        try:
            open_untrusted_xlsx(data)
        except WorkbookRefused as exc:
            raise DatasetRefused(exc.args[0]) from exc
        return fixit_from_xlsx(data, problems)
    sheet = csv_sheet_name(filename, SPECS[kind])
    return fixit_from_rows(sheet, csv_rows(data), problems)
