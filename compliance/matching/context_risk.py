"""Context risk: how dangerous a country, region or sector has been for defenders lately.

Computed from an incident history (for example the Global Witness list of killings). Each
incident counts with a weight that halves every `half_life_years` (RepRisk-style decay), and the
weighted sum times ln 2 / half-life is the recent rate, in incidents a year: for a steady
rate it equals that rate; a place where killings stopped years ago fades. Rates at or above the
'high' thresholds make heightened due diligence mandatory for operations there.

Incidents dated after `as_of` are ignored; undated ones are counted but carry no weight in the
rate. Counts are aggregates; callers that publish them must still suppress counts small enough
to identify a person (DOMAIN.md, do no harm).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from compliance.matching.entities import IncidentFacts
from compliance.matching.places import region_keys
from compliance.matching.sectors import Sector, normalise_sector
from reports import briefing_texts

RiskLevel = Literal["low", "elevated", "high"]
_ORDER: dict[RiskLevel, int] = {"low": 0, "elevated": 1, "high": 2}


@dataclass(frozen=True, slots=True)
class ContextRiskSettings:
    """Half-life of an incident's weight and thresholds on the recent rate (incidents a year)."""

    half_life_years: float = 2.0
    country_high: float = 3.0
    country_elevated: float = 0.5
    region_high: float = 1.0
    region_elevated: float = 0.25
    sector_high: float = 5.0
    sector_elevated: float = 1.0


@dataclass(frozen=True, slots=True)
class ContextRisk:
    """One country, region or sector: all incidents up to `as_of`, the recent rate, the level."""

    incidents: int
    recent_rate: float
    level: RiskLevel


@dataclass(frozen=True, slots=True)
class ContextAssessment:
    """The verdict for one place and sector, with the reasons a person can check."""

    level: RiskLevel
    heightened_due_diligence: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RiskFactor:
    """One record behind a context verdict: a country, a region or a sector, and its risk.
    `where` names it (country code, region as given, sector key) for texts in any language."""

    kind: Literal["country", "region", "sector"]
    where: Mapping[str, str]
    risk: ContextRisk

    @property
    def code(self) -> str:
        """The kind of reason it gives, as reports.briefing_texts words it."""
        return f"{self.kind}_record"

    @property
    def params(self) -> dict[str, Any]:
        """What the reason's words are filled in with, in any language."""
        return {
            **self.where,
            "level": self.risk.level,
            "incidents": self.risk.incidents,
            "rate": round(self.risk.recent_rate, 1),
        }


@dataclass(frozen=True, slots=True)
class ContextRiskReport:
    """Risk per country (ISO alpha-2), per (country, region key) and per sector."""

    as_of: date
    by_country: Mapping[str, ContextRisk]
    by_region: Mapping[tuple[str, str], ContextRisk]
    by_sector: Mapping[Sector, ContextRisk]

    def factors(
        self, *, country: str | None, region: str | None = None, sector: str | None = None
    ) -> list[RiskFactor]:
        """The records behind a verdict for a place and sector: the country, each key of the
        region, then the sector, where the history has any."""
        found: list[RiskFactor] = []
        code = country.upper() if country else None
        if code and code in self.by_country:
            found.append(RiskFactor("country", {"country": code}, self.by_country[code]))
        for key in sorted(region_keys(region)) if code else ():
            if (code, key) in self.by_region:
                where = {"region": region or "", "country": code}
                found.append(RiskFactor("region", where, self.by_region[(code, key)]))
        sector_key = normalise_sector(sector)
        if sector_key in self.by_sector:
            found.append(RiskFactor("sector", {"sector": sector_key}, self.by_sector[sector_key]))
        return found

    def assess(
        self, *, country: str | None, region: str | None = None, sector: str | None = None
    ) -> ContextAssessment:
        """Context of an operation. Heightened due diligence is mandatory where the country or
        region is high-risk, or where the sector is high-risk and the place at least elevated:
        a sector's record alone does not make a wind farm in a quiet country high-risk."""
        found = self.factors(country=country, region=region, sector=sector)
        place_level = _highest(f.risk for f in found if f.kind != "sector")
        sector_level = _highest(f.risk for f in found if f.kind == "sector")
        heightened = place_level == "high" or (sector_level == "high" and place_level != "low")
        reasons = tuple(
            briefing_texts.context_reason(f.code, f.params) or f.code
            for f in found
            if f.risk.level != "low"
        )
        level: RiskLevel = "high" if heightened else "elevated"
        if place_level == "low" and sector_level == "low":
            level = "low"
        return ContextAssessment(level, heightened, reasons)


def _highest(risks: Iterable[ContextRisk]) -> RiskLevel:
    return max((risk.level for risk in risks), key=_ORDER.__getitem__, default="low")


def _level(rate: float, high: float, elevated: float) -> RiskLevel:
    if rate >= high:
        return "high"
    return "elevated" if rate >= elevated else "low"


def context_risk(
    history: Iterable[IncidentFacts],
    *,
    as_of: date,
    settings: ContextRiskSettings | None = None,
) -> ContextRiskReport:
    """Aggregate an incident history into risk levels as they stand on `as_of`."""
    rules = settings or ContextRiskSettings()
    counts: dict[str, defaultdict[Hashable, int]] = {
        part: defaultdict(int) for part in ("country", "region", "sector")
    }
    weights: dict[str, defaultdict[Hashable, float]] = {
        part: defaultdict(float) for part in ("country", "region", "sector")
    }
    for incident in history:
        if incident.occurred_on is not None and incident.occurred_on > as_of:
            continue
        weight = 0.0
        if incident.occurred_on is not None:
            age_years = (as_of - incident.occurred_on).days / 365.25
            weight = 0.5 ** (age_years / rules.half_life_years)
        keys: list[tuple[str, Hashable]] = []
        if incident.country:
            keys.append(("country", incident.country))
            keys += [("region", (incident.country, key)) for key in region_keys(incident.region)]
        sector = normalise_sector(incident.sector)
        if sector != "unknown":
            keys.append(("sector", sector))
        for part, key in keys:
            counts[part][key] += 1
            weights[part][key] += weight
    to_rate = math.log(2) / rules.half_life_years
    thresholds = {
        "country": (rules.country_high, rules.country_elevated),
        "region": (rules.region_high, rules.region_elevated),
        "sector": (rules.sector_high, rules.sector_elevated),
    }
    tables = {
        part: {
            key: ContextRisk(
                incidents=count,
                recent_rate=weights[part][key] * to_rate,
                level=_level(weights[part][key] * to_rate, *thresholds[part]),
            )
            for key, count in counts[part].items()
        }
        for part in counts
    }
    return ContextRiskReport(
        as_of=as_of,
        by_country=tables["country"],
        by_region=tables["region"],
        by_sector=tables["sector"],
    )
