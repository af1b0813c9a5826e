"""The portfolio briefing PDF: an executive summary with charts, then a page per red-flag holding.

Input is the briefing as plain data (the JSON the service stores: dicts, lists, strings and
numbers), so this module knows nothing of the database. Only public facts are in it. Its
findings (red flags, gaps, questions, context reasons) are worded in the PDF's language by
`briefing_texts.localize`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from markupsafe import Markup

from reports.briefing_texts import localize, sector_name, term
from reports.charts import Bar, Column, bar_chart, column_chart
from reports.i18n import environment, translations
from reports.pdf import render_pdf

TEMPLATE = "briefing.html"
STYLESHEET = "briefing.css"
TOP_SHARES = 10
MAX_HOLDING_PAGES = 100  # the most urgent; every red-flag holding is in the xlsx


def _shares(items: list[Mapping[str, Any]], locale: str, limit: int = TOP_SHARES) -> list[Bar]:
    bars = [Bar(label=str(item["label"]), value=float(item["weight"])) for item in items[:limit]]
    rest = sum(float(item["weight"]) for item in items[limit:])
    if rest > 0:
        others = len(items) - limit
        label = translations(locale).ngettext("%(num)d other", "%(num)d others", others)
        bars.append(Bar(label=label % {"num": others}, value=rest))
    return bars


def charts(briefing: Mapping[str, Any], locale: str = "en") -> dict[str, str]:
    """The summary's charts as SVG text."""
    _ = translations(locale).gettext
    aggregates = briefing["aggregates"]
    years = [
        Column(label=str(row["year"]), values=(int(row["confirmed"]), int(row["suggested"])))
        for row in aggregates["incidents_by_year"]
    ]
    return {
        "tiers": bar_chart(
            _shares(aggregates["by_tier"], locale),
            title=_("Share of weight by tier"),
            scale_max=100,
            locale=locale,
        ),
        "sectors": bar_chart(
            _shares(aggregates["by_sector"], locale), title=_("Exposure by sector"), locale=locale
        ),
        "countries": bar_chart(
            _shares(aggregates["by_country"], locale),
            title=_("Exposure by country"),
            locale=locale,
        ),
        "years": column_chart(
            years,
            series=(_("confirmed"), _("suggested")),
            title=_("Matched incidents per year"),
            locale=locale,
        ),
    }


def flagged_holdings(briefing: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Red-flag holdings, most urgent first."""
    flagged = [h for h in briefing["holdings"] if h["red_flags"]]
    return sorted(flagged, key=lambda h: (-float(h["priority"]), int(h["position"])))


_COUNTERS = re.compile(r"%\((page|pages)\)s")


def page_footer_css(locale: str = "en") -> str:
    """The `@page` rule numbering the pages ("page 2 of 4") in `locale`: the words as CSS
    strings, the numbers as the page counters."""
    words = translations(locale).gettext("page %(page)s of %(pages)s")
    content = []
    for number, chunk in enumerate(_COUNTERS.split(words)):
        if number % 2:
            content.append(f"counter({chunk})")
        elif chunk:
            escaped = chunk.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
            content.append(f'"{escaped}"')
    return "@page { @bottom-right { content: " + " ".join(content) + "; } }"


def briefing_html(
    briefing: Mapping[str, Any],
    *,
    max_holding_pages: int = MAX_HOLDING_PAGES,
    locale: str = "en",
) -> str:
    worded = localize(briefing, locale)
    flagged = flagged_holdings(worded)
    return (
        environment(locale)
        .get_template(TEMPLATE)
        .render(
            b=worded,
            a=worded["aggregates"],
            changes=worded.get("changes"),
            charts={k: Markup(v) for k, v in charts(worded, locale).items()},  # noqa: S704
            flagged=flagged[:max_holding_pages],
            flagged_total=len(flagged),
            page_footer=Markup(page_footer_css(locale)),  # noqa: S704  (CSS strings escaped)
            term=lambda vocabulary, code: term(vocabulary, code, locale),
            sector=lambda value: sector_name(value, locale),
        )
    )


def render_briefing_pdf(
    briefing: Mapping[str, Any],
    *,
    max_holding_pages: int = MAX_HOLDING_PAGES,
    locale: str = "en",
) -> bytes:
    """The PDF: summary and charts, then a page for each red-flag holding, most urgent first,
    up to `max_holding_pages` (the xlsx lists them all). Everything is in `locale` (en, es, fr):
    fixed texts, dates and numbers, and the findings worded from their codes; names, references
    and sectors as the data gives them."""
    stylesheet = resources.files("reports").joinpath(STYLESHEET).read_bytes()
    html = briefing_html(briefing, max_holding_pages=max_holding_pages, locale=locale)
    return render_pdf(html, assets={STYLESHEET: (stylesheet, "text/css")})
