"""Red flags: answers or incidents that must be shown, and that may cap the tier."""

from __future__ import annotations

from datetime import date

from scoring.facts import AssessmentFacts, IncidentFacts
from scoring.incidents import add_months
from scoring.indicators import is_answered
from scoring.result import RedFlag, Source
from scoring.rules import RedFlagRule, Rules, tier_rank


def answer_for_flag(rule: RedFlagRule, facts: AssessmentFacts) -> tuple[str | None, object]:
    """The question an answer rule looks at in this questionnaire, and its answer (None when
    unanswered or not asked)."""
    question_id = rule.questions.get(facts.questionnaire)
    question = next((q for q in facts.questions if q.question_id == question_id), None)
    if question is None or not question.visible or not is_answered(question.answer):
        return question_id, None
    return question_id, question.answer


def incident_matches(rule: RedFlagRule, incident: IncidentFacts, *, as_of: date) -> bool:
    """Whether an incident meets every condition of an incident rule on the scoring date."""
    return (
        (not rule.attack_types or bool(set(rule.attack_types) & set(incident.attack_types)))
        and incident.link in rule.links
        and incident.verification in rule.verification
        and (not rule.perpetrators or incident.perpetrator in rule.perpetrators)
        and add_months(incident.occurred_on, rule.within_months) > as_of
        and all(
            getattr(incident.response, step) in allowed for step, allowed in rule.response.items()
        )
    )


def evaluate(rule: RedFlagRule, facts: AssessmentFacts, *, as_of: date) -> RedFlag | None:
    """The red flag raised by one rule, or None."""
    if rule.kind == "answer":
        question_id, answer = answer_for_flag(rule, facts)
        if question_id is None:
            return None
        fired = answer in rule.when if rule.when else answer not in rule.unless
        if not fired:
            return None
        return RedFlag(
            id=rule.id,
            label=rule.label,
            caps_tier=rule.caps_tier,
            remedy=rule.remedy,
            sources=(Source("question", question_id),),
            lifts_on=None,
        )
    matched = [i for i in facts.incidents if incident_matches(rule, i, as_of=as_of)]
    if not matched:
        return None
    return RedFlag(
        id=rule.id,
        label=rule.label,
        caps_tier=rule.caps_tier,
        remedy=rule.remedy,
        sources=tuple(Source("incident", i.ref) for i in sorted(matched, key=lambda i: i.ref)),
        lifts_on=max(add_months(i.occurred_on, rule.within_months) for i in matched),
    )


def red_flags(facts: AssessmentFacts, *, rules: Rules, as_of: date) -> tuple[RedFlag, ...]:
    """Every red flag raised, the ones capping lowest first, then in the order of the rules."""
    raised = [flag for rule in rules.red_flags if (flag := evaluate(rule, facts, as_of=as_of))]
    order = {rule.id: n for n, rule in enumerate(rules.red_flags)}
    return tuple(
        sorted(
            raised,
            key=lambda f: (
                f.caps_tier is None,
                tier_rank(f.caps_tier) if f.caps_tier else 0,
                order[f.id],
            ),
        )
    )
