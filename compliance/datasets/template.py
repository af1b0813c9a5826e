"""Blank files to start from: the expected headers with one example row, as xlsx or CSV.

Headers are the labels of `kinds.SPECS`, so the template always reads back cleanly; the xlsx
adds a 'Columns' sheet saying which columns are required and what each accepts.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from compliance.datasets.kinds import SPECS, DatasetKind, Field, FieldType
from compliance.phrases import Phrase

EXAMPLES: dict[DatasetKind, dict[str, Any]] = {
    DatasetKind.SUPPLIERS: {
        "name": "Example Textiles S.A.C.",
        "country": "PE",
        "address": "Av. Industrial 123, Lima",
        "sector": "apparel",
        "tier": 1,
        "products": "cotton garments",
        "workers": 120,
        "high_risk_commodity": "no",
    },
    DatasetKind.SITES: {
        "site_id": "S-001",
        "name": "Example mine",
        "site_type": "mine",
        "country": "CO",
        "admin_region": "Antioquia",
        "latitude": 6.25,
        "longitude": -75.56,
        "status": "operating",
        "start_date": date(2019, 5, 1),
        "affected_communities": "Vereda El Roble",
        "indigenous_land": "no",
        "security_provider": "private",
        "security_provider_name": "Example Security Ltd",
        "grievance_mechanism": "yes",
    },
}
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_ACCEPTS = {
    FieldType.TEXT: Phrase("text"),
    FieldType.COUNTRY: Phrase("country name (English, Spanish or French) or ISO code, e.g. CO"),
    FieldType.TIER: Phrase("1, 2 or 3+"),
    FieldType.LEI: Phrase("20-character LEI (ISO 17442)"),
    FieldType.OS_HUB_ID: Phrase("Open Supply Hub ID, e.g. CN2019303BQ3FZP"),
    FieldType.WHOLE_NUMBER: Phrase("whole number"),
    FieldType.LATITUDE: Phrase("decimal degrees, -90 to 90 (south negative)"),
    FieldType.LONGITUDE: Phrase("decimal degrees, -180 to 180 (west negative)"),
    FieldType.DATE: Phrase("date, YYYY-MM-DD"),
}


def accepts(field: Field) -> str:
    """What a column accepts, in words for the 'Columns' sheet and the web page."""
    if field.choices is not None:
        return Phrase("one of: %(values)s", values=", ".join(field.choices.values))
    return _ACCEPTS[field.type]


def template_xlsx(kind: DatasetKind) -> bytes:
    """A workbook with the data sheet (headers and one example row) and a 'Columns' guide."""
    spec = SPECS[kind]
    book = Workbook()
    data = book.active
    data.title = kind.value.capitalize()
    data.append([field.label for field in spec.fields])
    example = EXAMPLES[kind]
    data.append([example.get(field.name) for field in spec.fields])
    _style_header(data, widths=[max(14, len(field.label) + 2) for field in spec.fields])
    guide = book.create_sheet("Columns")
    guide.append(["Column", "Required", "Accepts"])
    for field in spec.fields:
        guide.append([field.label, _required(field), accepts(field)])
    _style_header(guide, widths=[34, 34, 80])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def template_csv(kind: DatasetKind) -> bytes:
    """UTF-8 CSV (with a BOM, so Excel opens it as UTF-8) with the headers and one example."""
    spec = SPECS[kind]
    example = EXAMPLES[kind]
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([field.label for field in spec.fields])
    writer.writerow([_csv_value(example.get(field.name)) for field in spec.fields])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def _required(field: Field) -> str:
    if field.required_value:
        return "yes"
    if field.required_column:
        return "column required, value may be empty"
    return "no"


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _style_header(sheet: Worksheet, *, widths: list[int]) -> None:
    for cell, width in zip(sheet[1], widths, strict=True):
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
