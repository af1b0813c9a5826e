"""The portfolio briefing as a workbook: a summary sheet, the holdings (with filters) and the
incidents. Every text cell goes through `write_text`, so a holding named "=HYPERLINK(...)"
stays text. Input is the briefing as plain data (see `briefing_pdf`).

Headers, labels and the findings (red flags, gaps, questions, reasons, tier labels, how an
incident is linked) are in the workbook's language; the columns holding the briefing's codes
(statuses, attack types, context level, resolution) keep them as the JSON does, so filters and
lookups read the same in every language."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.briefing_texts import localize, term
from reports.i18n import N_, translations
from reports.spreadsheet_safety import write_text

HOLDING_COLUMNS = (
    (N_("Position"), 9),
    (N_("Holding"), 34),
    (N_("ISIN"), 14),
    (N_("LEI"), 22),
    (N_("Country"), 8),
    (N_("Sector"), 16),
    (N_("Weight %"), 10),
    (N_("Resolution"), 12),
    (N_("Organisation"), 30),
    (N_("Certificate"), 16),
    (N_("Certificate status"), 12),
    (N_("Tier"), 18),
    (N_("Score"), 8),
    (N_("Expires"), 11),
    (N_("Under challenge"), 10),
    (N_("Confirmed incidents"), 10),
    (N_("Suggested incidents"), 10),
    (N_("Severe incidents"), 10),
    (N_("Context risk"), 10),
    (N_("Red flags"), 50),
    (N_("Data gaps"), 40),
    (N_("Engagement questions"), 80),
    (N_("Priority"), 10),
)
BOLD = Font(bold=True)
INCIDENT_COLUMNS = (
    (N_("Position"), 9),
    (N_("Holding"), 34),
    (N_("Incident"), 14),
    (N_("Match"), 11),
    (N_("Link"), 15),
    (N_("When"), 9),
    (N_("Country"), 8),
    (N_("Region"), 20),
    (N_("Sector"), 16),
    (N_("Attack types"), 34),
    (N_("Most severe"), 18),
    (N_("Severity"), 9),
    (N_("Verification"), 12),
    (N_("Collective"), 10),
    (N_("People affected"), 12),
    (N_("Perpetrator"), 16),
)


def _cells(sheet, values: Iterable[Any], locale: str) -> list[Any]:
    """A row of write-only cells; text through `write_text`, numbers as numbers."""
    _ = translations(locale).gettext
    row = []
    for value in values:
        if value is None:
            row.append(None)
            continue
        cell = WriteOnlyCell(sheet)
        if isinstance(value, bool):
            write_text(cell, _("yes") if value else _("no"))
        elif isinstance(value, int | float):
            cell.value = value
        else:
            write_text(cell, str(value))
        row.append(cell)
    return row


def _sheet(workbook: Workbook, title: str, columns, rows: int, locale: str):
    """A write-only sheet with a bold header, widths, frozen header and a filter over `rows`."""
    _ = translations(locale).gettext
    sheet = workbook.create_sheet(_(title))
    for column, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    header = []
    for title_text, _width in columns:
        cell = WriteOnlyCell(sheet)
        write_text(cell, _(title_text))
        cell.font = BOLD
        header.append(cell)
    sheet.append(header)
    return sheet


def _summary_rows(briefing: Mapping[str, Any], locale: str) -> list[tuple[Any, ...]]:
    _ = translations(locale).gettext
    a = briefing["aggregates"]
    rows: list[tuple[Any, ...]] = [
        (_("Portfolio"), briefing["portfolio_name"]),
        (_("Run"), briefing["run"]),
        (_("As of"), briefing["as_of"]),
        (_("Methodology"), briefing["methodology"]),
        (_("Holdings"), a["holdings"]),
        (_("Matched to known organisations"), a["resolved"]),
        (_("Weight under an active certificate %"), a["certified_weight"]),
        (_("Weight with confirmed severe incidents (5 years) %"), a["severe_exposure"]),
        (_("Weighted severe incidents"), a["incident_exposure"]),
        (_("Red-flag holdings"), a["red_flag_holdings"]),
        (_("Red-flag weight %"), a["red_flag_weight"]),
        (),
    ]
    changes = briefing.get("changes")
    if changes:
        rows += [
            (_("Changes since run %(run)s") % {"run": changes["previous_run"]},),
            (_("Holdings added"), len(changes["holdings_added"])),
            (_("Holdings removed"), len(changes["holdings_removed"])),
            (_("New incident matches"), len(changes["new_incidents"])),
            (_("Certificate status changes"), len(changes["status_changes"])),
            (_("Tier changes"), len(changes["tier_changes"])),
            (_("New red flags"), len(changes["new_red_flags"])),
            (),
        ]
    for title, key in (
        (N_("Weight by tier"), "by_tier"),
        (N_("Weight by sector"), "by_sector"),
        (N_("Weight by country"), "by_country"),
    ):
        rows.append((_(title), _("Weight %"), _("Holdings")))
        rows += [(s["label"], s["weight"], s["holdings"]) for s in a[key]]
        rows.append(())
    rows.append((_("Top holdings to engage"), _("Weight %"), _("Priority"), _("Why")))
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


def _incident_row(h: Mapping[str, Any], i: Mapping[str, Any], locale: str) -> tuple[Any, ...]:
    return (
        h["position"],
        h["name"],
        i["ref"],
        i["match_status"],
        term("link", i["link"], locale),
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


def briefing_xlsx(briefing: Mapping[str, Any], *, locale: str = "en") -> bytes:
    """The workbook, written in openpyxl's write-only mode (thousands of holdings stay fast).
    Headers and labels are in `locale` (en, es, fr); numbers and dates stay values, so the
    spreadsheet shows them the reader's way."""
    briefing = localize(briefing, locale)
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(translations(locale).gettext("Summary"))
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["D"].width = 80
    for values in _summary_rows(briefing, locale):
        summary.append(_cells(summary, values, locale))
    holdings = briefing["holdings"]
    sheet = _sheet(workbook, N_("Holdings"), HOLDING_COLUMNS, len(holdings), locale)
    for h in holdings:
        sheet.append(_cells(sheet, _holding_row(h), locale))
    incident_count = sum(len(h["incidents"]) for h in holdings)
    sheet = _sheet(workbook, N_("Incidents"), INCIDENT_COLUMNS, incident_count, locale)
    for h in holdings:
        for i in h["incidents"]:
            sheet.append(_cells(sheet, _incident_row(h, i, locale), locale))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
