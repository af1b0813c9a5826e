"""Whether an assessment's project sites put it in a high-risk context for defenders.

A high-risk context makes the questionnaire's heightened-due-diligence questions mandatory. The
rule lives in `high_risk_context` alone, so a richer source (the screening work's context risk
over the incident history) can replace these lists without touching the callers.

Sources of the lists:
- Countries: the ten countries with at least 50 killings of land and environmental defenders
  recorded by Global Witness from 2012 to 2021 (an average of five or more a year), from
  its published list (shared/data/global_witness_led_2012_2021.csv; a test recomputes it). The
  next country has 17, so the cut is clear.
- Sectors: the riskiest sectors for defenders named by the investor guidance ("Safeguarding
  Human Rights Defenders", Investor Alliance for Human Rights, BHRRC, ISHR, 2020) and the
  Business & Human Rights Resource Centre's counts: mining, agribusiness, fossil fuels,
  hydropower, wind, logging and infrastructure. Site types map onto them below.

A site counts whatever its status: planned sites (consent is sought then) and closed ones
(remedy is still owed) need the same care as operating ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

HIGH_RISK_COUNTRIES: frozenset[str] = frozenset(
    {"BR", "CO", "PH", "MX", "HN", "GT", "IN", "CD", "NI", "PE"}
)

HIGH_RISK_SECTOR_OF_SITE_TYPE: dict[str, str] = {
    "mine": "mining",
    "plantation": "agribusiness",
    "farm": "agribusiness",
    "oil_gas_field": "fossil fuels",
    "pipeline": "fossil fuels",
    "dam": "hydropower",
    "wind_farm": "wind",
    "logging_concession": "logging",
    "road": "infrastructure",
    "railway": "infrastructure",
    "port": "infrastructure",
    "transmission_line": "infrastructure",
}


@dataclass(frozen=True)
class SiteRisk:
    """The high-risk countries and sectors the sites are in (sorted, without repeats)."""

    countries: tuple[str, ...]
    sectors: tuple[str, ...]

    @property
    def high(self) -> bool:
        return bool(self.countries or self.sectors)


def site_risk(sites: Iterable[Mapping[str, Any]]) -> SiteRisk:
    """Which of the sites' countries and sectors are high-risk; sites are clean site records
    (`country` as ISO alpha-2, `site_type` from the sites vocabulary)."""
    countries: set[str] = set()
    sectors: set[str] = set()
    for site in sites:
        if site.get("country") in HIGH_RISK_COUNTRIES:
            countries.add(site["country"])
        sector = HIGH_RISK_SECTOR_OF_SITE_TYPE.get(site.get("site_type") or "")
        if sector is not None:
            sectors.add(sector)
    return SiteRisk(countries=tuple(sorted(countries)), sectors=tuple(sorted(sectors)))


def high_risk_context(sites: Iterable[Mapping[str, Any]]) -> bool:
    """True when any site is in a high-risk country or a high-risk sector."""
    return site_risk(sites).high
