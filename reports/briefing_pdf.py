"""The portfolio briefing PDF: an executive summary with charts, then a page per red-flag holding.

Input is the briefing as plain data (the JSON the service stores: dicts, lists, strings and
numbers), so this module knows nothing of the database. Only public facts are in it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from reports.charts import Bar, Column, bar_chart, column_chart
from reports.pdf import render_pdf

TEMPLATE = "briefing.html"
STYLESHEET = "briefing.css"
TOP_SHARES = 10
MAX_HOLDING_PAGES = 100  # the most urgent; every red-flag holding is in the xlsx


def _shares(items: list[Mapping[str, Any]], limit: int = TOP_SHARES) -> list[Bar]:
    bars = [Bar(label=str(item["label"]), value=float(item["weight"])) for item in items[:limit]]
    rest = sum(float(item["weight"]) for item in items[limit:])
    if rest > 0:
        bars.append(Bar(label=f"{len(items) - limit} others", value=rest))
    return bars


def charts(briefing: Mapping[str, Any]) -> dict[str, str]:
    """The summary's charts as SVG text."""
    aggregates = briefing["aggregates"]
    years = [
        Column(label=str(row["year"]), values=(int(row["confirmed"]), int(row["suggested"])))
        for row in aggregates["incidents_by_year"]
    ]
    return {
        "tiers": bar_chart(
            _shares(aggregates["by_tier"]), title="Share of weight by tier", scale_max=100
        ),
        "sectors": bar_chart(_shares(aggregates["by_sector"]), title="Exposure by sector"),
        "countries": bar_chart(_shares(aggregates["by_country"]), title="Exposure by country"),
        "years": column_chart(
            years, series=("confirmed", "suggested"), title="Matched incidents per year"
        ),
    }


def flagged_holdings(briefing: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Red-flag holdings, most urgent first."""
    flagged = [h for h in briefing["holdings"] if h["red_flags"]]
    return sorted(flagged, key=lambda h: (-float(h["priority"]), int(h["position"])))


def briefing_html(
    briefing: Mapping[str, Any], *, max_holding_pages: int = MAX_HOLDING_PAGES
) -> str:
    flagged = flagged_holdings(briefing)
    return _template().render(
        b=briefing,
        a=briefing["aggregates"],
        changes=briefing.get("changes"),
        charts={k: Markup(v) for k, v in charts(briefing).items()},  # noqa: S704 (escaped)
        flagged=flagged[:max_holding_pages],
        flagged_total=len(flagged),
    )


def render_briefing_pdf(
    briefing: Mapping[str, Any], *, max_holding_pages: int = MAX_HOLDING_PAGES
) -> bytes:
    """The PDF: summary and charts, then a page for each red-flag holding, most urgent first,
    up to `max_holding_pages` (the xlsx lists them all)."""
    stylesheet = resources.files("reports").joinpath(STYLESHEET).read_bytes()
    html = briefing_html(briefing, max_holding_pages=max_holding_pages)
    return render_pdf(html, assets={STYLESHEET: (stylesheet, "text/css")})


def _words(value: object) -> str:
    return str(value or "").replace("_", " ")


@functools.cache
def _template() -> jinja2.Template:
    source = resources.files("reports").joinpath(TEMPLATE).read_text(encoding="utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.filters["words"] = _words
    return environment.from_string(source)
