"""The portfolio briefing as a workbook: a summary sheet, the holdings (with filters) and the
incidents. Every text cell goes through `write_text`, so a holding named "=HYPERLINK(...)"
stays text. Input is the briefing as plain data (see `briefing_pdf`)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.spreadsheet_safety import write_text

HOLDING_COLUMNS = (
    ("Position", 9),
    ("Holding", 34),
    ("ISIN", 14),
    ("LEI", 22),
    ("Country", 8),
    ("Sector", 16),
    ("Weight %", 10),
    ("Resolution", 12),
    ("Organisation", 30),
    ("Certificate", 16),
    ("Certificate status", 12),
    ("Tier", 18),
    ("Score", 8),
    ("Expires", 11),
    ("Under challenge", 10),
    ("Confirmed incidents", 10),
    ("Suggested incidents", 10),
    ("Severe incidents", 10),
    ("Context risk", 10),
    ("Red flags", 50),
    ("Data gaps", 40),
    ("Engagement questions", 80),
    ("Priority", 10),
)
BOLD = Font(bold=True)
INCIDENT_COLUMNS = (
    ("Position", 9),
    ("Holding", 34),
    ("Incident", 14),
    ("Match", 11),
    ("Link", 15),
    ("When", 9),
    ("Country", 8),
    ("Region", 20),
    ("Sector", 16),
    ("Attack types", 34),
    ("Most severe", 18),
    ("Severity", 9),
    ("Verification", 12),
    ("Collective", 10),
    ("People affected", 12),
    ("Perpetrator", 16),
)


def _cells(sheet, values: Iterable[Any]) -> list[Any]:
    """A row of write-only cells; text through `write_text`, numbers as numbers."""
    row = []
    for value in values:
        if value is None:
            row.append(None)
            continue
        cell = WriteOnlyCell(sheet)
        if isinstance(value, bool):
            write_text(cell, "yes" if value else "no")
        elif isinstance(value, int | float):
            cell.value = value
        else:
            write_text(cell, str(value))
        row.append(cell)
    return row


def _sheet(workbook: Workbook, title: str, columns, rows: int):
    """A write-only sheet with a bold header, widths, frozen header and a filter over `rows`."""
    sheet = workbook.create_sheet(title)
    for column, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    header = []
    for title_text, _width in columns:
        cell = WriteOnlyCell(sheet)
        write_text(cell, title_text)
        cell.font = BOLD
        header.append(cell)
    sheet.append(header)
    return sheet


def _summary_rows(briefing: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    a = briefing["aggregates"]
    rows: list[tuple[Any, ...]] = [
        ("Portfolio", briefing["portfolio_name"]),
        ("Run", briefing["run"]),
        ("As of", briefing["as_of"]),
        ("Methodology", briefing["methodology"]),
        ("Holdings", a["holdings"]),
        ("Matched to known organisations", a["resolved"]),
        ("Weight under an active certificate %", a["certified_weight"]),
        ("Weight with confirmed severe incidents (5 years) %", a["severe_exposure"]),
        ("Weighted severe incidents", a["incident_exposure"]),
        ("Red-flag holdings", a["red_flag_holdings"]),
        ("Red-flag weight %", a["red_flag_weight"]),
        (),
    ]
    changes = briefing.get("changes")
    if changes:
        rows += [
            (f"Changes since run {changes['previous_run']}",),
            ("Holdings added", len(changes["holdings_added"])),
            ("Holdings removed", len(changes["holdings_removed"])),
            ("New incident matches", len(changes["new_incidents"])),
            ("Certificate status changes", len(changes["status_changes"])),
            ("Tier changes", len(changes["tier_changes"])),
            ("New red flags", len(changes["new_red_flags"])),
            (),
        ]
    for title, key in (
        ("Weight by tier", "by_tier"),
        ("Weight by sector", "by_sector"),
        ("Weight by country", "by_country"),
    ):
        rows.append((title, "Weight %", "Holdings"))
        rows += [(s["label"], s["weight"], s["holdings"]) for s in a[key]]
        rows.append(())
    rows.append(("Top holdings to engage", "Weight %", "Priority", "Why"))
    rows += [
        (f"{e['position']}. {e['name']}", e["weight"], e["priority"], "; ".join(e["reasons"]))
        for e in a["top_engage"]
    ]
    return rows


def _holding_row(h: Mapping[str, Any]) -> tuple[Any, ...]:
    cert = h.get("certificate") or {}
    context = h.get("context") or {}
    return (
        h["position"],
        h["name"],
        h.get("isin"),
        h.get("lei"),
        h.get("country"),
        h.get("sector"),
        h["weight"],
        h["resolution"],
        h.get("organisation_name"),
        cert.get("cert_id"),
        cert.get("status"),
        cert.get("tier_label"),
        cert.get("score"),
        cert.get("expires_on"),
        cert.get("under_challenge") if cert else None,
        h["confirmed_incidents"],
        h["suggested_incidents"],
        h["severe_incidents"],
        context.get("level"),
        "; ".join(f["label"] for f in h["red_flags"]),
        "; ".join(g["label"] for g in h["data_gaps"]),
        "\n".join(q["text"] for q in h["questions"]),
        h["priority"],
    )


def _incident_row(h: Mapping[str, Any], i: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        h["position"],
        h["name"],
        i["ref"],
        i["match_status"],
        i["link"].replace("_", " "),
        i["occurred_on"],
        i["country"],
        i.get("region"),
        i["sector"],
        ", ".join(i["attack_types"]),
        i["most_severe"],
        i["severity"],
        i["verification_status"],
        i["collective_targeted"],
        i.get("people_affected_band"),
        i["perpetrator_type"],
    )


def briefing_xlsx(briefing: Mapping[str, Any]) -> bytes:
    """The workbook, written in openpyxl's write-only mode (thousands of holdings stay fast)."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("Summary")
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["D"].width = 80
    for values in _summary_rows(briefing):
        summary.append(_cells(summary, values))
    holdings = briefing["holdings"]
    sheet = _sheet(workbook, "Holdings", HOLDING_COLUMNS, len(holdings))
    for h in holdings:
        sheet.append(_cells(sheet, _holding_row(h)))
    incident_count = sum(len(h["incidents"]) for h in holdings)
    sheet = _sheet(workbook, "Incidents", INCIDENT_COLUMNS, incident_count)
    for h in holdings:
        for i in h["incidents"]:
            sheet.append(_cells(sheet, _incident_row(h, i)))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
