"""Tiers, caps and red flags, and what would lift the tier."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from scoring import EvidenceLevel, IncidentResponse, Link, ResponseLevel, Tier, Verification, score
from scoring.tiers import tier_for
from tests.scoring.builders import AS_OF, RULES, best_answers, evidence_everywhere, facts, incident

REMEDIED = IncidentResponse(remedy=ResponseLevel.EVIDENCED)


def _strong(**changes):
    """A company with full, verified answers, changed as asked."""
    answers = {**best_answers(), **changes.pop("answers", {})}
    return facts(answers, evidence=evidence_everywhere(answers), **changes)


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        (0, Tier.NOT_CERTIFIED),
        (39.9, Tier.NOT_CERTIFIED),
        (40, Tier.CONDITIONAL),
        (59.9, Tier.CONDITIONAL),
        (60, Tier.CERTIFIED),
        (79.9, Tier.CERTIFIED),
        (80, Tier.CERTIFIED_LEADING),
        (100, Tier.CERTIFIED_LEADING),
    ],
)
def test_thresholds(total, tier) -> None:
    assert tier_for(total, RULES) is tier


def test_a_recent_unremedied_killing_makes_the_company_not_certifiable() -> None:
    result = score(_strong(incidents=[incident()]), RULES, AS_OF)
    assert result.tier_by_score is Tier.CERTIFIED and result.tier is Tier.NOT_CERTIFIED
    cap = result.caps[0]
    assert cap.red_flag_id == "lethal_attack_unremedied" and cap.lifts_on == date(2027, 6, 30)


def test_remedy_keeps_the_path_open_but_caps_at_conditional() -> None:
    result = score(_strong(incidents=[incident(response=REMEDIED)]), RULES, AS_OF)
    assert [c.red_flag_id for c in result.caps] == ["lethal_attack_remedied"]
    assert result.tier is Tier.CONDITIONAL


def test_the_bar_lifts_after_36_months() -> None:
    old = incident(occurred_on=date(2022, 6, 30))
    assert score(_strong(incidents=[old]), RULES, AS_OF).caps == ()
    just_inside = incident(occurred_on=date(2022, 7, 1))
    assert score(_strong(incidents=[just_inside]), RULES, AS_OF).tier is Tier.NOT_CERTIFIED


def test_an_allegation_alone_raises_a_flag_but_no_cap() -> None:
    result = score(_strong(incidents=[incident(verification=Verification.ALLEGED)]), RULES, AS_OF)
    assert result.caps == ()
    assert [f.id for f in result.red_flags] == ["serious_attack_unanswered"]


def test_a_killing_in_the_value_chain_is_flagged_for_leverage_not_capped() -> None:
    result = score(_strong(incidents=[incident(link=Link.VALUE_CHAIN)]), RULES, AS_OF)
    assert result.caps == ()
    assert "lethal_attack_value_chain" in {f.id for f in result.red_flags}


def test_an_ongoing_case_against_critics_caps_at_conditional() -> None:
    result = score(_strong(answers={"E11": "ongoing", "E12": "A case."}), RULES, AS_OF)
    assert [c.red_flag_id for c in result.caps] == ["slapp_declared"]
    assert result.tier is Tier.CONDITIONAL


def test_judicial_harassment_by_the_company_caps_at_conditional() -> None:
    slapp = incident(attack_types=("judicial_harassment",), perpetrator="company")
    result = score(_strong(incidents=[slapp]), RULES, AS_OF)
    assert "slapp_incident" in {c.red_flag_id for c in result.caps}
    by_police = replace(slapp, perpetrator="police")
    assert "slapp_incident" not in {
        c.red_flag_id for c in score(_strong(incidents=[by_police]), RULES, AS_OF).caps
    }


@pytest.mark.parametrize("a3", ["no", None])
def test_no_zero_tolerance_caps_at_conditional(a3) -> None:
    answers = {"A3": a3} if a3 else {"A1": "no"}
    result = score(_strong(answers=answers), RULES, AS_OF)
    assert "no_zero_tolerance" in {c.red_flag_id for c in result.caps}
    assert result.tier is Tier.CONDITIONAL


def test_zero_tolerance_also_binds_financial_institutions() -> None:
    answers = {**best_answers("financial_institution"), "A3": "no"}
    fi = facts(answers, key="financial_institution", evidence=evidence_everywhere(answers))
    assert score(fi, RULES, AS_OF).tier is Tier.CONDITIONAL


def test_caps_lift_first_when_raising_the_tier() -> None:
    result = score(_strong(answers={"A3": "no"}), RULES, AS_OF)
    path = result.next_tier
    assert path.target is Tier.CERTIFIED and path.reachable
    assert path.steps[0].kind == "cap" and path.steps[0].ref == "no_zero_tolerance"
    assert path.steps[0].points > 0  # answering A3 'yes' with evidence also earns its points


def test_an_unremedied_killing_asks_for_remedy_first() -> None:
    result = score(_strong(incidents=[incident()]), RULES, AS_OF)
    path = result.next_tier
    assert path.target is Tier.CONDITIONAL and path.reachable
    assert path.steps[0].kind == "cap" and path.steps[0].points > 0


def test_a_cap_only_time_lifts_makes_the_next_tier_unreachable_for_now() -> None:
    result = score(_strong(incidents=[incident(response=REMEDIED)]), RULES, AS_OF)
    path = result.next_tier
    assert path.target is Tier.CERTIFIED and not path.reachable
    assert path.steps[0].kind == "wait" and path.steps[0].lifts_on == date(2027, 6, 30)


def test_the_next_tier_is_reached_with_the_largest_gains_first() -> None:
    answers = best_answers()
    documented = evidence_everywhere(answers, EvidenceLevel.DOCUMENTED)
    result = score(facts(answers, evidence=documented), RULES, AS_OF)
    path = result.next_tier
    assert result.tier is Tier.CERTIFIED and path.target is Tier.CERTIFIED_LEADING
    gains = [step.points for step in path.steps]
    assert gains == sorted(gains, reverse=True)
    assert result.total + sum(gains) >= 80 > result.total + sum(gains[:-1])
    assert path.projected_total >= 80 and all("verify" in s.action for s in path.steps)


def test_the_action_plan_lists_every_unmet_indicator_with_its_gain() -> None:
    answers = {**best_answers(), "A4": "partly"}
    result = score(facts(answers, evidence=evidence_everywhere(answers)), RULES, AS_OF)
    assert [(s.ref, s.kind) for s in result.action_plan] == [("A4", "indicator")]
    assert result.action_plan[0].points == pytest.approx(10 / 22, abs=0.01)  # 1 of 22 in A


def test_incident_responses_are_part_of_the_action_plan() -> None:
    result = score(_strong(incidents=[incident(verification=Verification.ALLEGED)]), RULES, AS_OF)
    step = next(s for s in result.action_plan if s.kind == "incident_response")
    assert step.ref == "INC-AAAA" and "remedy" in step.action and step.points > 0


def test_steps_say_what_they_ask_as_data_and_name_options_by_the_labels_given() -> None:
    answers = {**best_answers(), "B8": "tier1_only"}
    labels = {"B8": {"to_origin_high_risk": "To the mine", "no_high_risk_materials": "None used"}}
    documented = facts(answers, evidence=evidence_everywhere(answers, EvidenceLevel.DOCUMENTED))
    labelled = score(documented, RULES, AS_OF, option_labels=labels)
    step = next(s for s in labelled.action_plan if s.ref == "B8")
    assert step.task == "strengthen"
    assert step.options == ("to_origin_high_risk", "no_high_risk_materials")
    assert (
        "“To the mine” or “None used”" in step.action and "to_origin_high_risk" not in step.action
    )
    assert labelled.next_tier.steps[0].action == step.action
    plain = score(documented, RULES, AS_OF)
    assert "“to_origin_high_risk” or “no_high_risk_materials”" in plain.action_plan[0].action
    assert plain.inputs_hash == labelled.inputs_hash and plain.total == labelled.total


def test_an_incident_response_step_lists_the_parts_not_yet_evidenced() -> None:
    result = score(_strong(incidents=[incident(verification=Verification.ALLEGED)]), RULES, AS_OF)
    step = next(s for s in result.action_plan if s.kind == "incident_response")
    assert step.missing == ("public_answer", "investigation", "remedy") and step.task is None
