"""The briefing renderers on plain data: PDF pages read back, workbook read back, SVG charts."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from openpyxl import load_workbook
from pypdf import PdfReader

from reports.briefing_pdf import briefing_html, charts, render_briefing_pdf
from reports.briefing_xlsx import briefing_xlsx
from reports.charts import Bar, Column, bar_chart, column_chart

FORMULA = "=cmd|' /C calc'!A0"


def holding(position: int, *, name: str, flags: int = 0, incidents: int = 0) -> dict:
    return {
        "position": position,
        "name": name,
        "isin": None,
        "lei": None,
        "country": "CO",
        "sector": "mining",
        "weight": 10.0,
        "market_value": None,
        "resolution": "identifier",
        "organisation_id": position,
        "organisation_name": name,
        "certificate": None,
        "tier": "none",
        "incidents": [
            {
                "ref": f"INC-{position:04d}{n:02d}",
                "match_status": "confirmed",
                "link": "own_operations",
                "occurred_on": "2025-03",
                "year": 2025,
                "country": "CO",
                "region": "Cauca",
                "sector": "mining",
                "attack_types": ["killing"],
                "most_severe": "killing",
                "severity": 40.0,
                "severe": True,
                "verification_status": "verified",
                "collective_targeted": False,
                "people_affected_band": "1-4",
                "perpetrator_type": "private_security",
            }
            for n in range(incidents)
        ],
        "confirmed_incidents": incidents,
        "suggested_incidents": 0,
        "severe_incidents": incidents,
        "red_flags": [{"code": f"flag{n}", "label": f"Flag {n} of {name}"} for n in range(flags)],
        "context": {
            "level": "high",
            "heightened_due_diligence": True,
            "basis": "home",
            "sites": 0,
            "sites_high": 0,
            "reasons": ["country CO: high"],
        },
        "data_gaps": [{"code": "no_assessment", "label": "No assessment"}],
        "questions": [
            {"ref": "A1", "topic": "Policy", "text": f"Question for {name}?", "why": "Lacking."}
        ],
        "priority": float(flags * 10 + position),
    }


def briefing(holdings: list[dict]) -> dict:
    return {
        "portfolio_id": 1,
        "portfolio_name": "Fund <One> & Co",
        "run": 3,
        "as_of": "2026-11-28",
        "generated_at": "2026-11-28T10:00:00Z",
        "methodology": "hrd-sentinel-method 1.0",
        "holdings": holdings,
        "aggregates": {
            "holdings": len(holdings),
            "resolved": len(holdings),
            "certified_weight": 0.0,
            "by_tier": [{"key": "none", "label": "No certificate", "weight": 100.0, "holdings": 3}],
            "by_sector": [
                {"key": "mining", "label": "mining", "weight": 70.0, "holdings": 2},
                {"key": "x", "label": "<script>alert(1)</script>", "weight": 30.0, "holdings": 1},
            ],
            "by_country": [{"key": "CO", "label": "CO", "weight": 100.0, "holdings": 3}],
            "severe_exposure": 20.0,
            "incident_exposure": 0.3,
            "red_flag_holdings": sum(1 for h in holdings if h["red_flags"]),
            "red_flag_weight": 20.0,
            "incidents_by_year": [
                {"year": 2024, "confirmed": 2, "suggested": 1},
                {"year": 2025, "confirmed": 3, "suggested": 0},
            ],
            "top_engage": [
                {"position": 1, "name": FORMULA, "weight": 10.0, "priority": 9.0, "reasons": ["x"]}
            ],
        },
        "changes": {
            "previous_run": 2,
            "holdings_added": [{"position": 3, "name": "New Co", "organisation_id": None}],
            "holdings_removed": [],
            "new_incidents": [],
            "status_changes": [],
            "tier_changes": [],
            "new_red_flags": [],
        },
    }


def sample() -> dict:
    return briefing(
        [
            holding(1, name=FORMULA, flags=2, incidents=2),
            holding(2, name="Quiet Holding"),
            holding(3, name="@SUM(A1:A9)", flags=1, incidents=1),
        ]
    )


def test_pdf_has_a_summary_then_a_page_per_red_flag_holding():
    pdf = render_briefing_pdf(sample())
    pages = PdfReader(io.BytesIO(pdf)).pages
    texts = [page.extract_text() for page in pages]
    assert "Executive summary" in texts[0]
    assert "Since run 2" in texts[0]
    flagged = [t for t in texts if "Red-flag holding" in t]
    assert len(flagged) == 2
    assert "Red-flag holding 1 of 2" in flagged[0] and FORMULA in flagged[0]  # highest priority
    assert "INC-000100" in flagged[0]
    assert "Quiet Holding" not in " ".join(flagged)
    assert "Question for @SUM(A1:A9)?" in flagged[1]


def test_html_escapes_names_and_charts_are_valid_svg():
    html = briefing_html(sample())
    assert "<script>alert(1)</script>" not in html
    assert "Fund &lt;One&gt; &amp; Co" in html
    for svg in charts(sample()).values():
        root = ET.fromstring(svg)  # noqa: S314  (our own output: well-formed, labels escaped)
        assert root.tag.endswith("svg") and root.get("role") == "img"


def test_workbook_keeps_formula_looking_names_as_text():
    workbook = load_workbook(io.BytesIO(briefing_xlsx(sample())))
    assert workbook.sheetnames == ["Summary", "Holdings", "Incidents"]
    holdings = workbook["Holdings"]
    assert holdings.auto_filter.ref == "A1:W4"
    assert [c.value for c in holdings[1]][:3] == ["Position", "Holding", "ISIN"]
    for row, name in ((2, FORMULA), (4, "@SUM(A1:A9)")):
        cell = holdings.cell(row=row, column=2)
        assert cell.value == name and cell.data_type == "s" and cell.quotePrefix
    assert holdings.cell(row=2, column=7).value == 10.0  # numbers stay numbers
    incidents = workbook["Incidents"]
    assert incidents.max_row == 4  # header + 3 incidents
    assert incidents.auto_filter.ref == "A1:P4"
    assert incidents.cell(row=2, column=2).quotePrefix
    summary = [row for row in workbook["Summary"].iter_rows(values_only=True)]
    assert summary[0][:2] == ("Portfolio", "Fund <One> & Co")
    assert any(row[0] == "Holdings added" and row[1] == 1 for row in summary)
    engage = [row for row in summary if row[0] and str(row[0]).startswith("1. ")]
    assert engage and engage[0][0] == f"1. {FORMULA}"


def test_empty_portfolio_renders():
    empty = briefing([])
    empty["aggregates"]["incidents_by_year"] = []
    empty["aggregates"]["by_sector"] = []
    empty["changes"] = None
    assert render_briefing_pdf(empty).startswith(b"%PDF-")
    assert load_workbook(io.BytesIO(briefing_xlsx(empty)))["Holdings"].max_row == 1


def test_charts_scale_and_label():
    svg = bar_chart([Bar("a", 25.0), Bar("b", 75.0)], title="t", scale_max=100)
    assert "25.0%" in svg and "75.0%" in svg
    columns = column_chart(
        [Column("2024", (2, 1)), Column("2025", (0, 0))], series=("c", "s"), title="y"
    )
    ET.fromstring(columns)  # noqa: S314  (our own output)
    assert ">3<" in columns  # total above the 2024 column
