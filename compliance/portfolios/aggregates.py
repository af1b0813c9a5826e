"""A screened portfolio's aggregates: weights by tier, sector and country, exposure to severe
incidents, incidents by year and the holdings to engage first."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from compliance.portfolios.briefing import (
    Aggregates,
    EngageItem,
    HoldingFinding,
    Share,
    YearCount,
)
from reports.briefing_texts import NO_CERTIFICATE, UNKNOWN
from scoring import Rules, Tier

TOP_ENGAGE = 10
NO_TIER = "none"


def _shares(pairs: Iterable[tuple[str, str, float]]) -> list[Share]:
    weight: dict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for key, label, value in pairs:
        weight[key] += value
        count[key] += 1
        labels[key] = label
    return sorted(
        (
            Share(key=k, label=labels[k], weight=round(weight[k], 4), holdings=count[k])
            for k in weight
        ),
        key=lambda s: (-s.weight, s.key),
    )


def aggregates(findings: Sequence[HoldingFinding], *, rules: Rules) -> Aggregates:
    def tier_label(finding: HoldingFinding) -> str:
        if finding.tier == NO_TIER:
            return NO_CERTIFICATE
        return rules.tier(Tier(finding.tier)).label

    by_year: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for finding in findings:
        for incident in finding.incidents:
            by_year[incident.year][0 if incident.match_status == "confirmed" else 1] += 1
    flagged = [f for f in findings if f.red_flags]
    ranked = sorted(
        (f for f in findings if f.priority > 0), key=lambda f: (-f.priority, f.position)
    )
    return Aggregates(
        holdings=len(findings),
        resolved=sum(1 for f in findings if f.organisation_id is not None),
        certified_weight=round(sum(f.weight for f in findings if f.tier != NO_TIER), 4),
        by_tier=_shares((f.tier, tier_label(f), f.weight) for f in findings),
        by_sector=_shares((f.sector or "unknown", f.sector or UNKNOWN, f.weight) for f in findings),
        by_country=_shares(
            (f.country or "unknown", f.country or UNKNOWN, f.weight) for f in findings
        ),
        severe_exposure=round(sum(f.weight for f in findings if f.severe_incidents), 4),
        incident_exposure=round(sum(f.weight * f.severe_incidents for f in findings) / 100, 4),
        red_flag_holdings=len(flagged),
        red_flag_weight=round(sum(f.weight for f in flagged), 4),
        incidents_by_year=[
            YearCount(year=year, confirmed=counts[0], suggested=counts[1])
            for year, counts in sorted(by_year.items())
        ],
        top_engage=[
            EngageItem(
                position=f.position,
                name=f.name,
                weight=f.weight,
                priority=f.priority,
                reasons=[flag.label for flag in f.red_flags] or [g.label for g in f.data_gaps],
            )
            for f in ranked[:TOP_ENGAGE]
        ],
    )
