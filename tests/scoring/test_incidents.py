"""Incidents: severity, reach, verification, link, decay, and the response scored apart."""

from __future__ import annotations

from datetime import date

import pytest

from scoring import IncidentResponse, Link, ResponseLevel, Verification, score
from scoring.incidents import add_months, score_incident
from tests.scoring.builders import AS_OF, RULES, best_answers, evidence_everywhere, facts, incident

RECENT = date(2025, 6, 30)


def weight(**changes) -> float:
    return score_incident(
        incident(occurred_on=RECENT, **changes), rules=RULES.incidents, as_of=AS_OF
    ).weight


def test_a_fresh_verified_killing_at_own_operations_weighs_its_full_severity() -> None:
    assert weight(verification=Verification.VERIFIED) == 40


def test_severity_is_that_of_the_most_severe_attack_type() -> None:
    assert weight(attack_types=("death_threat", "physical_violence")) == weight(
        attack_types=("physical_violence",)
    )
    assert weight(attack_types=("smear_campaign",)) < weight(attack_types=("death_threat",))


def test_unknown_or_missing_attack_types_count_as_other() -> None:
    assert weight(attack_types=("levitation",)) == weight(attack_types=("other",))
    assert weight(attack_types=()) == weight(attack_types=("other",))
    noted = score_incident(
        incident(attack_types=("levitation",)), rules=RULES.incidents, as_of=AS_OF
    )
    assert "levitation" in noted.note


def test_attacks_on_a_collective_weigh_more() -> None:
    assert weight(collective_targeted=True) == pytest.approx(1.5 * weight())


@pytest.mark.parametrize(
    ("verification", "share"),
    [(Verification.ALLEGED, 0.5), (Verification.CORROBORATED, 0.8), (Verification.VERIFIED, 1.0)],
)
def test_allegations_count_less_than_verified_records(verification, share) -> None:
    assert weight(verification=verification) == pytest.approx(40 * share)


def test_value_chain_incidents_count_half() -> None:
    assert weight(link=Link.VALUE_CHAIN) == pytest.approx(weight() / 2)


@pytest.mark.parametrize(("years", "decay"), [(0, 1.0), (2, 0.5), (4, 0.25)])
def test_incidents_fade_with_a_two_year_half_life(years, decay) -> None:
    occurred = date(AS_OF.year - years, AS_OF.month, AS_OF.day)
    scored = score_incident(incident(occurred_on=occurred), rules=RULES.incidents, as_of=AS_OF)
    assert scored.decay == pytest.approx(decay, rel=1e-3)


def test_an_incident_dated_after_the_scoring_date_does_not_weigh_more() -> None:
    future = score_incident(
        incident(occurred_on=date(2026, 1, 1)), rules=RULES.incidents, as_of=AS_OF
    )
    assert future.decay == 1.0 and future.age_years == 0


def test_the_response_is_scored_apart_and_lowers_the_weight() -> None:
    full = IncidentResponse(
        public_answer=ResponseLevel.EVIDENCED,
        investigation=ResponseLevel.EVIDENCED,
        remedy=ResponseLevel.EVIDENCED,
    )
    scored = score_incident(
        incident(occurred_on=RECENT, response=full), rules=RULES.incidents, as_of=AS_OF
    )
    assert scored.allegation_weight == pytest.approx(32)
    assert scored.response_credit == pytest.approx(0.75) and scored.response_percent == 100
    assert scored.weight == pytest.approx(32 * 0.25)


def test_evidenced_remedy_counts_more_than_a_stated_one_or_a_public_answer() -> None:
    remedy = weight(response=IncidentResponse(remedy=ResponseLevel.EVIDENCED))
    stated = weight(response=IncidentResponse(remedy=ResponseLevel.STATED))
    answer = weight(response=IncidentResponse(public_answer=ResponseLevel.EVIDENCED))
    assert remedy < stated < weight() and remedy < answer < weight()


def test_incidents_lower_the_total_but_never_below_zero() -> None:
    answers = best_answers()
    clean = facts(answers, evidence=evidence_everywhere(answers))
    one = facts(answers, evidence=evidence_everywhere(answers), incidents=[incident()])
    assert score(one, RULES, AS_OF).total < score(clean, RULES, AS_OF).total
    many = [incident(ref=f"INC-{n}", collective_targeted=True) for n in range(10)]
    crushed = score(facts({}, incidents=many), RULES, AS_OF)
    assert crushed.total == 0 and crushed.incident_deduction > 100


def test_add_months_keeps_the_day_within_the_month() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2022, 3, 15), 36) == date(2025, 3, 15)
    assert add_months(date(2025, 3, 15), -15) == date(2023, 12, 15)
