"""Small upload files built in memory for the dataset tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

SITE_HEADER = [
    "Name",
    "Type",
    "Country",
    "Admin region",
    "Latitude",
    "Longitude",
    "Status",
    "Start date",
    "Affected communities",
    "On Indigenous land",
    "FPIC status",
    "FPIC evidence",
    "Security provider",
    "Security provider name",
    "Grievance mechanism",
]
SUPPLIER_HEADER = [
    "Name",
    "Country",
    "Tier",
    "Sector",
    "LEI",
    "OS ID",
    "Registry number",
    "Number of workers",
    "High-risk commodity",
]
VALID_LEI = "5493001KJTIIGC8Y1R12"
OTHER_VALID_LEI = "529900T8BM49AURSDO55"
VALID_OS_ID = "CN2019303BQ3FZP"


def site(**overrides: object) -> list[object]:
    """A valid site row; keyword arguments replace cells by header (spaces as underscores)."""
    row = {
        "Name": "Mina Norte",
        "Type": "mine",
        "Country": "CO",
        "Admin region": "Antioquia",
        "Latitude": 6.25,
        "Longitude": -75.56,
        "Status": "operating",
        "Start date": "2019-05-01",
        "Affected communities": "Vereda El Roble",
        "On Indigenous land": "no",
        "FPIC status": "",
        "FPIC evidence": "",
        "Security provider": "none",
        "Security provider name": "",
        "Grievance mechanism": "yes",
    }
    for key, value in overrides.items():
        row[key.replace("_", " ")] = value
    return [row[column] for column in SITE_HEADER]


def supplier(**overrides: object) -> list[object]:
    row = {
        "Name": "Textiles Andinos",
        "Country": "PE",
        "Tier": 1,
        "Sector": "apparel",
        "LEI": "",
        "OS ID": "",
        "Registry number": "",
        "Number of workers": 120,
        "High-risk commodity": "no",
    }
    for key, value in overrides.items():
        row[key.replace("_", " ")] = value
    return [row[column] for column in SUPPLIER_HEADER]


def workbook(
    rows: Sequence[Sequence[object]],
    *,
    sheet: str = "Sites",
    before: Sequence[str] = (),
    hidden: Sequence[str] = (),
) -> bytes:
    """A workbook whose sheet `sheet` holds `rows`; `before` adds sheets in front of it."""
    book = Workbook()
    book.remove(book.active)
    for name in (*hidden, *before):
        extra = book.create_sheet(name)
        extra.append(["Notes"])
        if name in hidden:
            extra.sheet_state = "hidden"
    worksheet = book.create_sheet(sheet)
    for row in rows:
        worksheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def csv_file(
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    encoding: str = "utf-8",
) -> bytes:
    """CSV bytes as a spreadsheet program saves them (CRLF line ends, quotes where needed)."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return ("\ufeff" if bom else "").encode(encoding) + output.getvalue().encode(encoding)
