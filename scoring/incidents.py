"""How much an incident linked to the organisation takes from its score.

The allegation (severity, verification, link, collective reach, age) and the organisation's
response (public answer, investigation, remedy) are scored apart; the response reduces the
allegation's weight but never removes it.
"""

from __future__ import annotations

import calendar
from datetime import date

from scoring.facts import IncidentFacts
from scoring.result import IncidentScore
from scoring.rules import RESPONSE_STEPS, IncidentRules

DAYS_PER_YEAR = 365.25


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), kept within the target month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def most_severe(incident: IncidentFacts, rules: IncidentRules) -> tuple[str, float]:
    """The incident's most severe attack type and its severity; unknown types count as 'other'."""
    types = incident.attack_types or ("other",)
    scored = sorted((-rules.severity.get(t, rules.severity["other"]), t) for t in types)
    severity, attack_type = scored[0]
    return attack_type, -severity


def age_in_years(incident: IncidentFacts, as_of: date) -> float:
    """Years from the incident to the scoring date; a date after the scoring date counts as 0."""
    return max(0, (as_of - incident.occurred_on).days) / DAYS_PER_YEAR


def response_credit(incident: IncidentFacts, rules: IncidentRules) -> float:
    """Share of the allegation's weight taken off by the response (0 to below 1)."""
    return sum(
        rules.response_credit[step][getattr(incident.response, step)] for step in RESPONSE_STEPS
    )


def score_incident(incident: IncidentFacts, *, rules: IncidentRules, as_of: date) -> IncidentScore:
    """How much one incident takes from the total score today."""
    attack_type, severity = most_severe(incident, rules)
    age = age_in_years(incident, as_of)
    decay = 0.5 ** (age / rules.half_life_years)
    collective = rules.collective_multiplier if incident.collective_targeted else 1.0
    verification_weight = rules.verification_weights[incident.verification]
    link_weight = rules.link_weights[incident.link]
    allegation = severity * verification_weight * link_weight * collective * decay
    credit = response_credit(incident, rules)
    unknown = sorted(set(incident.attack_types) - set(rules.severity))
    return IncidentScore(
        ref=incident.ref,
        occurred_on=incident.occurred_on,
        attack_types=tuple(sorted(incident.attack_types)),
        most_severe=attack_type,
        severity=severity,
        verification=incident.verification,
        verification_weight=verification_weight,
        link=incident.link,
        link_weight=link_weight,
        collective_multiplier=collective,
        age_years=age,
        decay=decay,
        allegation_weight=allegation,
        response_credit=credit,
        response_percent=100 * credit / rules.max_response_credit
        if rules.max_response_credit
        else 0,
        weight=allegation * (1 - credit),
        note=f"Scored as 'other': {', '.join(unknown)}." if unknown else "",
    )
