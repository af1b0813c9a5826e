"""From answers and evidence to points: one test per rule of the methodology."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from scoring import EvidenceFacts, EvidenceLevel, FactsInvalid, NoRulesForQuestionnaire, score
from scoring.result import IndicatorStatus
from tests.scoring.builders import (
    AS_OF,
    RULES,
    best_answers,
    evidence_everywhere,
    facts,
    indicator,
    section,
)


def _a1(answer: str, *levels: EvidenceLevel):
    evidence = [EvidenceFacts(f"EV{n}", "A1", level) for n, level in enumerate(levels, 1)]
    return indicator(score(facts({"A1": answer}, evidence=evidence), RULES, AS_OF), "A1")


def test_yes_partly_no_earn_2_1_0_points() -> None:
    verified = EvidenceLevel.VERIFIED
    assert [_a1(a, verified).earned for a in ("yes", "partly", "no")] == [2, 1, 0]


@pytest.mark.parametrize(
    ("levels", "earned"),
    [
        ((), 0.5),
        ((EvidenceLevel.DOCUMENTED,), 1.5),
        ((EvidenceLevel.VERIFIED,), 2.0),
        ((EvidenceLevel.DOCUMENTED, EvidenceLevel.VERIFIED), 2.0),
    ],
)
def test_a_yes_without_evidence_earns_little(levels, earned) -> None:
    result = _a1("yes", *levels)
    assert result.earned == earned
    strongest = max(levels, key=list(EvidenceLevel).index) if levels else "self_declared"
    assert result.evidence_level == strongest


def test_the_strongest_evidence_item_is_credited_and_named() -> None:
    result = _a1("yes", EvidenceLevel.DOCUMENTED, EvidenceLevel.VERIFIED)
    assert [(e.ref, e.credited) for e in result.evidence] == [("EV2", True), ("EV1", False)]


def test_evidence_on_another_question_does_not_count_unless_the_rules_borrow_it() -> None:
    answers = {"A1": "yes", "A2": ["own_operations"], "A4": "yes"}
    on_a1 = [EvidenceFacts("EV1", "A1", EvidenceLevel.VERIFIED)]
    result = score(facts(answers, evidence=on_a1), RULES, AS_OF)
    assert indicator(result, "A4").evidence_level is EvidenceLevel.SELF_DECLARED
    assert indicator(result, "A2").evidence_level is EvidenceLevel.VERIFIED  # A2 borrows from A1


def test_evidence_for_the_assessment_as_a_whole_supports_no_answer() -> None:
    general = [EvidenceFacts("EV1", None, EvidenceLevel.VERIFIED)]
    result = score(facts({"A1": "yes"}, evidence=general), RULES, AS_OF)
    assert indicator(result, "A1").earned == 0.5


def test_choice_points_come_from_the_rules() -> None:
    verified = [EvidenceFacts("EV1", "A6", EvidenceLevel.VERIFIED)]
    earned = {
        choice: indicator(
            score(facts({"A6": choice}, evidence=verified), RULES, AS_OF), "A6"
        ).earned
        for choice in ("board_committee", "senior_manager", "nobody_named")
    }
    assert earned == {"board_committee": 2, "senior_manager": 1, "nobody_named": 0}


def test_a_choice_marked_not_applicable_leaves_the_count() -> None:
    result = score(facts({"C9": "no_case"}), RULES, AS_OF)
    assert indicator(result, "C9").status is IndicatorStatus.NOT_APPLICABLE
    assert indicator(result, "C9").max_points == 0


def test_multiple_choice_adds_weights_up_to_two_points() -> None:
    evidence = [EvidenceFacts("EV1", "E2", EvidenceLevel.VERIFIED)]
    four = ["legitimate", "accessible", "predictable", "equitable"]
    half = score(facts({"E1": "yes", "E2": four}, evidence=evidence), RULES, AS_OF)
    assert indicator(half, "E2").earned == 1.0
    everything = best_answers()["A2"]
    full = score(facts({"A1": "yes", "A2": everything}, evidence=[]), RULES, AS_OF)
    assert indicator(full, "A2").base_points == 2.0


@pytest.mark.parametrize(("hours", "points"), [(24, 2), (72, 2), (100, 1), (168, 1), (500, 0)])
def test_time_to_first_protective_action_is_scored_in_bands(hours, points) -> None:
    answers = {"E4": "yes", "E5": hours}
    result = score(
        facts(answers, evidence=[EvidenceFacts("EV1", "E4", EvidenceLevel.VERIFIED)]), RULES, AS_OF
    )
    assert indicator(result, "E5").earned == points


@pytest.mark.parametrize(
    ("reviewed", "points"),
    [("2025-01-01", 2), ("2022-07-01", 2), ("2021-01-01", 1), ("2015-01-01", 0)],
)
def test_a_commitment_reviewed_recently_earns_more(reviewed, points) -> None:
    evidence = [EvidenceFacts("EV1", "A1", EvidenceLevel.VERIFIED)]
    result = score(facts({"A1": "yes", "A9": reviewed}, evidence=evidence), RULES, AS_OF)
    assert indicator(result, "A9").earned == points


def test_a_report_link_earns_only_when_the_report_is_evidenced() -> None:
    answers = {"F1": "yes", "F2": "https://example.org/report"}
    bare = score(facts(answers), RULES, AS_OF)
    assert indicator(bare, "F2").earned == 0
    report = [EvidenceFacts("EV1", "F1", EvidenceLevel.DOCUMENTED)]
    evidenced = score(facts(answers, evidence=report), RULES, AS_OF)
    assert indicator(evidenced, "F2").earned == 1.5


def test_a_denial_that_cannot_be_documented_needs_no_evidence() -> None:
    result = score(facts({"E11": "none"}), RULES, AS_OF)
    assert indicator(result, "E11").earned == 2 and indicator(result, "E11").evidence_level is None


def test_context_questions_earn_nothing_but_their_gaps_are_listed() -> None:
    result = score(facts({}), RULES, AS_OF)
    assert indicator(result, "B2").status is IndicatorStatus.CONTEXT
    assert indicator(result, "B2").max_points == 0
    assert any(g.question_id == "B2" and not g.counted for g in result.data_gaps)


def test_a_missing_answer_counts_as_zero_and_is_a_data_gap() -> None:
    result = score(facts({}), RULES, AS_OF)
    a1 = indicator(result, "A1")
    assert a1.status is IndicatorStatus.UNANSWERED and a1.max_points == 2 and a1.earned == 0
    gap = next(g for g in result.data_gaps if g.question_id == "A1")
    assert gap.kind == "required" and gap.counted


def test_follow_up_questions_of_a_no_count_as_zero() -> None:
    result = score(facts({"A1": "no"}), RULES, AS_OF)
    a3 = indicator(result, "A3")
    assert a3.status is IndicatorStatus.NOT_ASKED and a3.max_points == 2
    assert section(result, "A").maximum == 22  # A2, A3 and A9 still count


def test_follow_ups_that_do_not_apply_leave_the_count() -> None:
    result = score(facts({"B2": 0, "D1": ["none"]}), RULES, AS_OF)
    assert indicator(result, "B3").status is IndicatorStatus.NOT_APPLICABLE
    assert section(result, "D").counted == 1  # only D8 (no surveillance) remains


def test_high_risk_questions_count_only_in_high_risk_contexts() -> None:
    outside = score(facts({}), RULES, AS_OF)
    assert indicator(outside, "F7").status is IndicatorStatus.OUTSIDE_HIGH_RISK
    assert all(g.question_id != "F7" for g in outside.data_gaps)
    inside = score(facts({}, high_risk=True), RULES, AS_OF)
    assert indicator(inside, "F7").status is IndicatorStatus.UNANSWERED
    assert any(g.question_id == "F7" and g.kind == "high_risk" for g in inside.data_gaps)


def test_a_section_that_cannot_apply_gives_its_weight_to_the_others() -> None:
    answers = best_answers("financial_institution")
    evidence = evidence_everywhere(answers)
    base = facts(answers, key="financial_institution", evidence=evidence)
    questions = tuple(
        replace(q, high_risk_mandatory=True, required=False) if q.section_id == "F" else q
        for q in base.questions
    )
    result = score(replace(base, questions=questions), RULES, AS_OF)
    assert section(result, "F").effective_weight == 0
    assert sum(s.effective_weight for s in result.sections) == pytest.approx(100, abs=0.01)
    assert result.total == 100


def test_full_credit_everywhere_scores_100_and_leads() -> None:
    answers = best_answers()
    result = score(
        facts(answers, high_risk=True, evidence=evidence_everywhere(answers)), RULES, AS_OF
    )
    assert result.total == 100 and result.tier == "certified_leading" and not result.action_plan
    assert result.confidence.level == "high" and result.next_tier is None


def test_documents_alone_cannot_reach_the_leading_tier() -> None:
    answers = best_answers()
    documented = evidence_everywhere(answers, EvidenceLevel.DOCUMENTED)
    result = score(facts(answers, evidence=documented), RULES, AS_OF)
    assert 75 <= result.total < 80 and result.tier == "certified"
    assert result.confidence.verified_share == 0


def test_yes_everywhere_without_evidence_stays_far_below_any_tier() -> None:
    result = score(facts(best_answers()), RULES, AS_OF)
    assert result.total < 30 and result.tier == "not_certified"
    assert result.confidence.level == "low"


def test_confidence_counts_mandatory_answers_and_evidenced_points() -> None:
    answers = {"A1": "yes", "A4": "yes"}
    result = score(
        facts(answers, evidence=[EvidenceFacts("EV1", "A1", EvidenceLevel.VERIFIED)]), RULES, AS_OF
    )
    assert result.confidence.mandatory_answered == 2
    assert result.confidence.evidenced_share == pytest.approx(2 / 2.5)
    assert result.confidence.verified_share == pytest.approx(2 / 2.5)


def test_a_questionnaire_without_rules_is_refused_with_advice() -> None:
    unknown = facts({})
    with pytest.raises(NoRulesForQuestionnaire, match="publish a methodology version"):
        score(replace(unknown, questionnaire_version=9), RULES, AS_OF)


def test_an_answer_the_rules_do_not_know_is_refused() -> None:
    with pytest.raises(FactsInvalid, match="A6"):
        score(facts({"A6": "the_intern"}), RULES, AS_OF)


def test_dates_in_the_future_count_as_today() -> None:
    evidence = [EvidenceFacts("EV1", "A1", EvidenceLevel.VERIFIED)]
    result = score(
        facts({"A1": "yes", "A9": "2026-01-01"}, evidence=evidence), RULES, date(2025, 1, 1)
    )
    assert indicator(result, "A9").earned == 2
