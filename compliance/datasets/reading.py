"""Turn uploaded bytes (xlsx or CSV) into the cells of one sheet, or refuse the file.

Only whole-file questions are settled here: is it a workbook or UTF-8 text, which sheet, where
the header is, how many rows. Cell values are left exactly as the file holds them.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal

import numpy as np
import pandas as pd
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from compliance.datasets.headers import header_key
from compliance.datasets.kinds import DatasetSpec
from compliance.datasets.problems import DatasetRefused
from compliance.datasets.vocabulary import fold
from compliance.phrases import Phrase
from questionnaires.workbook_reader import (
    CellValue,
    WorkbookLimits,
    WorkbookRefused,
    open_untrusted_xlsx,
    screen_untrusted_xlsx,
)

DEFAULT_MAX_ROWS = 200_000
ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_RESAVE_AS_UTF8 = Phrase(
    "Save it again as UTF-8: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'; in "
    "LibreOffice, File > Save As > 'Text CSV' with the character set 'Unicode (UTF-8)'. "
    "Or upload the .xlsx workbook itself."
)
_DELIMITER_NAMES = {",": Phrase("comma"), ";": Phrase("semicolon"), "\t": Phrase("tab")}
_RAGGED_ROW = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class UploadLimits:
    """Ceilings for one upload; the row limit is named in the refusal so users can split files."""

    max_rows: int = DEFAULT_MAX_ROWS
    max_problems: int = 20_000
    max_csv_bytes: int = 64 * 2**20
    workbook: WorkbookLimits = field(default_factory=WorkbookLimits)


@dataclass(frozen=True)
class SourceTable:
    """The data rows of the chosen sheet (an object array, one column per sheet column) with
    the sheet's own row numbers."""

    file_format: Literal["xlsx", "csv"]
    sheet: str
    header_row: int
    header: list[str]
    cells: np.ndarray
    row_numbers: np.ndarray
    formula_cells: list[tuple[int, int]]

    @property
    def row_count(self) -> int:
        return len(self.row_numbers)

    def column(self, index: int) -> np.ndarray:
        return self.cells[:, index]


def read_table(
    spec: DatasetSpec, data: bytes, *, filename: str, limits: UploadLimits
) -> SourceTable:
    """Read the sheet that holds `spec`'s rows, or raise `DatasetRefused` saying why not."""
    if _is_workbook(data, filename):
        return _read_xlsx(spec, data, limits)
    _check_csv_size(data, limits)
    return _read_csv(spec, decode_csv(data), csv_sheet_name(filename, spec), limits)


def screen_file(data: bytes, *, filename: str, limits: UploadLimits) -> None:
    """Refuse at once, without reading a row, a file that `read_table` would refuse as a
    whole (wrong type, macros, zip bomb, encryption, XML entities, encoding, too many lines),
    so the uploader hears it in the answer to the upload; the rows are a job's work."""
    if _is_workbook(data, filename):
        try:
            screen_untrusted_xlsx(data, limits=limits.workbook)
        except WorkbookRefused as exc:
            raise DatasetRefused(exc.args[0]) from exc
        return
    _check_csv_size(data, limits)
    decode_csv(data)
    if b'"' not in data:  # no quoted value can span lines: each line is one record
        records = data.count(b"\n") + (not data.endswith(b"\n"))
        if records >= limits.max_rows + 2:
            raise _too_many_rows(limits)


def _is_workbook(data: bytes, filename: str) -> bool:
    """Whether the upload is an xlsx workbook (else a CSV file); refuses empty files and the
    workbook formats we never read."""
    if not data.strip():
        raise DatasetRefused(
            Phrase("The file is empty. Upload the workbook or CSV file with your rows.")
        )
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsm":
        raise DatasetRefused(
            Phrase("Workbooks with macros (.xlsm) are refused. Save it as a plain .xlsx workbook.")
        )
    if suffix == ".xls":
        raise DatasetRefused(
            Phrase("Old .xls workbooks are not accepted. Save it as .xlsx and try again.")
        )
    if data.startswith((ZIP_MAGIC, _OLE_MAGIC)):
        return True
    if suffix in {".xlsx", ".xltx"}:
        raise DatasetRefused(
            Phrase("This file is not an .xlsx workbook. Save it as .xlsx and try again.")
        )
    return False


def _check_csv_size(data: bytes, limits: UploadLimits) -> None:
    if len(data) > limits.max_csv_bytes:
        raise DatasetRefused(
            Phrase(
                "The file is %(size)s MiB; the limit for a CSV upload is %(limit)s MiB. Split it "
                "into several files.",
                size=format(len(data) / 2**20, ".0f"),
                limit=format(limits.max_csv_bytes / 2**20, ".0f"),
            )
        )


def _read_xlsx(spec: DatasetSpec, data: bytes, limits: UploadLimits) -> SourceTable:
    try:
        workbook = open_untrusted_xlsx(data, limits=limits.workbook)
    except WorkbookRefused as exc:
        raise DatasetRefused(exc.args[0]) from exc
    visible = [name for name in workbook.sheet_names if name not in workbook.hidden_sheets]
    if not visible:
        raise DatasetRefused(
            Phrase("The workbook has no visible sheet. Unhide the sheet with your rows.")
        )
    wanted = {fold(name) for name in spec.sheet_names}
    sheet = next((name for name in visible if fold(name) in wanted), visible[0])
    rows = workbook.rows(sheet)
    header_index = find_header(spec, rows[:_HEADER_SEARCH_ROWS])
    if header_index is None:
        raise DatasetRefused(Phrase("The sheet '%(sheet)s' is empty.", sheet=sheet))
    _check_row_count(len(rows) - header_index - 1, limits)
    header = [_header_text(value) for value in rows[header_index]]
    cells = np.array(rows[header_index + 1 :], dtype=object).reshape(-1, len(header))
    formulas = [_cell_position(reference) for reference in workbook.formula_cells(sheet)]
    return _without_blank_rows("xlsx", sheet, header_index + 1, header, cells, formulas)


def _read_csv(spec: DatasetSpec, text: str, sheet: str, limits: UploadLimits) -> SourceTable:
    delimiter = sniff_delimiter(text)
    record_cap = limits.max_rows + 2
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            nrows=record_cap,
        )
    except pd.errors.ParserError as exc:
        raise DatasetRefused(_ragged_message(str(exc), delimiter)) from exc
    except pd.errors.EmptyDataError as exc:
        raise DatasetRefused(Phrase("The file is empty.")) from exc
    if len(frame) >= record_cap:
        raise _too_many_rows(limits)
    cells = frame.to_numpy(dtype=object)
    first = find_header(spec, cells[:_HEADER_SEARCH_ROWS].tolist())
    if first is None:
        raise DatasetRefused(Phrase("The file has no rows."))
    _check_row_count(len(frame) - first - 1, limits)
    header = [_header_text(value) for value in cells[first]]
    return _without_blank_rows("csv", sheet, first + 1, header, cells[first + 1 :], [])


def decode_csv(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed), or a refusal naming the encoding and how to re-save."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise DatasetRefused(
            Phrase("The file is encoded as UTF-32. %(resave)s", resave=_RESAVE_AS_UTF8)
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(data):
        raise DatasetRefused(
            Phrase(
                "The file is encoded as UTF-16 (Excel's 'Unicode Text'). %(resave)s",
                resave=_RESAVE_AS_UTF8,
            )
        )
    if data.startswith(b"%PDF"):
        raise DatasetRefused(
            Phrase("This is a PDF, not a spreadsheet. Upload an .xlsx or CSV file.")
        )
    if b"\x00" in data[:4096]:
        raise DatasetRefused(
            Phrase("This is not a text file. Upload an .xlsx workbook or a CSV file.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DatasetRefused(
            Phrase(
                "The file is not UTF-8: line %(line)s holds a byte that UTF-8 does not allow, "
                "which usually means it was saved as Windows-1252 / Latin-1 (Excel's plain "
                "'CSV' format). %(resave)s",
                line=line,
                resave=_RESAVE_AS_UTF8,
            )
        ) from exc


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: text where every other byte of the start is NUL."""
    sample = data[:200]
    return len(sample) >= 4 and (
        sample[1::2].count(0) > len(sample) // 3 or sample[0::2].count(0) > len(sample) // 3
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon or tab) used most in the first non-blank line."""
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter]) if any(counts.values()) else ","


def csv_rows(data: bytes) -> list[list[str]]:
    """All records of a CSV upload as text, for rebuilding it as a sheet."""
    text = decode_csv(data)
    frame = pd.read_csv(
        io.StringIO(text),
        sep=sniff_delimiter(text),
        header=None,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
    )
    return frame.to_numpy(dtype=object).tolist()


def csv_sheet_name(filename: str, spec: DatasetSpec) -> str:
    """The sheet name a CSV upload gets in problems and in the fix-it workbook."""
    stem = _SHEET_NAME_FORBIDDEN.sub(" ", PurePath(filename).stem).strip(" '")[:31]
    return stem or spec.kind.value.capitalize()


def _ragged_message(error: str, delimiter: str) -> Phrase:
    match = _RAGGED_ROW.search(error)
    name = _DELIMITER_NAMES[delimiter]
    if not match:
        return Phrase(
            "The CSV file could not be read (%(error)s). Check that it is a %(delimiter)s-"
            "separated file.",
            error=error,
            delimiter=name,
        )
    expected, line, seen = match.groups()
    return Phrase(
        "Line %(line)s has %(seen)s values but the header has %(expected)s. A value probably "
        "contains a %(delimiter)s: put that value in double quotes, or save the file again from "
        "your spreadsheet.",
        line=line,
        seen=seen,
        expected=expected,
        delimiter=name,
    )


def _check_row_count(rows: int, limits: UploadLimits) -> None:
    if rows > limits.max_rows:
        raise _too_many_rows(limits)


def _too_many_rows(limits: UploadLimits) -> DatasetRefused:
    return DatasetRefused(
        Phrase(
            "The file has more than %(rows)s rows, the limit for one upload. Split it into "
            "several files, or ask us to raise the limit.",
            rows=format(limits.max_rows, ","),
        )
    )


def find_header(spec: DatasetSpec, rows: list[list[CellValue]]) -> int | None:
    """The header row among the first rows: the one naming most of `spec`'s fields (so title
    rows above it are skipped), else the first non-blank row; None if all are blank."""
    lookup = spec.header_lookup
    scores = [
        sum(1 for value in row if value != "" and header_key(_header_text(value)) in lookup)
        for row in rows
    ]
    if any(scores):
        return scores.index(max(scores))
    return next((i for i, row in enumerate(rows) if any(value != "" for value in row)), None)


def _header_text(value: CellValue) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell_position(reference: str) -> tuple[int, int]:
    """'C7' -> (row 7, column index 2)."""
    letters, row = coordinate_from_string(reference)
    return row, column_index_from_string(letters) - 1


def _without_blank_rows(
    file_format: Literal["xlsx", "csv"],
    sheet: str,
    header_row: int,
    header: list[str],
    cells: np.ndarray,
    formulas: list[tuple[int, int]],
) -> SourceTable:
    keep = ~(cells == "").all(axis=1)
    row_numbers = np.arange(header_row + 1, header_row + 1 + len(cells))[keep]
    if not len(row_numbers):
        raise DatasetRefused(
            Phrase("The sheet '%(sheet)s' has a header row but no data rows.", sheet=sheet)
            if file_format == "xlsx"
            else Phrase("The file has a header row but no data rows.")
        )
    if not keep.all():
        cells = cells[keep]
    return SourceTable(file_format, sheet, header_row, header, cells, row_numbers, formulas)
