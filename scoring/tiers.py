"""Tiers: from the total and the caps to a tier, and what would lift it to the next one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from scoring.facts import AssessmentFacts, ResponseLevel
from scoring.incidents import score_incident
from scoring.red_flags import red_flags
from scoring.result import CapApplied, IndicatorScore, RedFlag, TierPath, TierStep
from scoring.rules import TIER_ORDER, Method, RedFlagRule, Rules, Tier, tier_rank
from scoring.steps import OptionLabels, by_gain, indicator_steps, response_steps


def tier_for(total: float, rules: Rules) -> Tier:
    """The highest tier whose threshold the (rounded) total reaches."""
    return [rule.tier for rule in rules.tiers if total >= rule.min_score][-1]


def caps_of(flags: tuple[RedFlag, ...]) -> tuple[CapApplied, ...]:
    return tuple(
        CapApplied(
            red_flag_id=flag.id,
            tier=flag.caps_tier,
            reason=flag.label,
            remedy=flag.remedy,
            lifts_on=flag.lifts_on,
        )
        for flag in flags
        if flag.caps_tier is not None
    )


def capped_tier(tier: Tier, caps: tuple[CapApplied, ...]) -> Tier:
    """The lower of the tier reached and every cap in force."""
    return min((tier, *(cap.tier for cap in caps)), key=tier_rank)


def _display(total: float) -> float:
    return round(max(0.0, min(100.0, total)), 1)


def _lift_cap(
    flag: RedFlag,
    rule: RedFlagRule,
    facts: AssessmentFacts,
    indicators: dict[str, IndicatorScore],
    *,
    rules: Rules,
    as_of: date,
) -> tuple[AssessmentFacts, TierStep] | None:
    """The facts after acting on a cap's remedy, and the step; None when only time lifts it."""
    if rule.kind == "answer":
        question_id = flag.sources[0].ref
        accepted = rule.unless[0] if rule.unless else _outside(rule, rules, facts)
        questions = tuple(
            replace(q, answer=accepted, visible=True) if q.question_id == question_id else q
            for q in facts.questions
        )
        indicator = indicators.get(question_id)
        gain = indicator.full_credit_gain if indicator is not None and rule.unless else 0.0
        step = TierStep(kind="cap", ref=rule.id, action=rule.remedy, points=gain)
        return replace(facts, questions=questions), step
    fixable = {
        step: ResponseLevel.EVIDENCED
        for step, allowed in rule.response.items()
        if ResponseLevel.EVIDENCED not in allowed
    }
    if not fixable:
        return None
    refs = {source.ref for source in flag.sources}
    gain = 0.0
    incidents = []
    for incident in facts.incidents:
        if incident.ref in refs:
            better = replace(incident, response=replace(incident.response, **fixable))
            before = score_incident(incident, rules=rules.incidents, as_of=as_of).weight
            after = score_incident(better, rules=rules.incidents, as_of=as_of).weight
            gain += before - after
            incident = better
        incidents.append(incident)
    step = TierStep(kind="cap", ref=rule.id, action=rule.remedy, points=gain)
    return replace(facts, incidents=tuple(incidents)), step


def _outside(rule: RedFlagRule, rules: Rules, facts: AssessmentFacts) -> str:
    """The lowest-scoring answer that does not raise an answer rule written with 'when'."""
    indicator = rules.questionnaires[facts.questionnaire].indicator(
        rule.questions[facts.questionnaire]
    )
    points = (
        indicator.points
        if indicator and indicator.points
        else rules.methods[Method.YES_PARTLY_NO].points
    )
    allowed = [(p, key) for key, p in points.items() if key not in rule.when and p is not None]
    return min(allowed)[1] if allowed else ""


def next_tier(
    *,
    facts: AssessmentFacts,
    rules: Rules,
    as_of: date,
    tier: Tier,
    raw_total: float,
    indicators: tuple[IndicatorScore, ...],
    option_labels: OptionLabels | None = None,
) -> TierPath | None:
    """The smallest set of steps found that lifts the tier by one: caps' remedies first, then
    the unmet indicators and incident responses with the largest gains (greedy). Actions name
    options by `option_labels` (see `indicator_steps`)."""
    if tier is TIER_ORDER[-1]:
        return None
    target = TIER_ORDER[tier_rank(tier) + 1]
    threshold = rules.tier(target).min_score
    by_rule = {rule.id: rule for rule in rules.red_flags}
    by_question = {ind.question_id: ind for ind in indicators}
    steps: list[TierStep] = []
    used: set[str] = set()
    waiting: set[str] = set()
    projected = raw_total
    reachable = True
    for _ in range(len(rules.red_flags) + 1):
        blocking = [
            flag
            for flag in red_flags(facts, rules=rules, as_of=as_of)
            if flag.caps_tier is not None
            and tier_rank(flag.caps_tier) < tier_rank(target)
            and flag.id not in waiting
        ]
        if not blocking:
            break
        flag = blocking[0]
        lifted = _lift_cap(flag, by_rule[flag.id], facts, by_question, rules=rules, as_of=as_of)
        if lifted is None:
            waiting.add(flag.id)
            reachable = False
            steps.append(
                TierStep(
                    kind="wait", ref=flag.id, action=flag.remedy, points=0.0, lifts_on=flag.lifts_on
                )
            )
            continue
        facts, step = lifted
        steps.append(step)
        projected += step.points
        used.update(source.ref for source in flag.sources if by_rule[flag.id].unless)
    candidates = by_gain(
        [
            step
            for step in indicator_steps(indicators, rules, facts.questionnaire, option_labels)
            if step.ref not in used
        ]
        + response_steps(facts.incidents, rules=rules, as_of=as_of)
    )
    for candidate in candidates:
        if _display(projected) >= threshold:
            break
        steps.append(candidate)
        projected += candidate.points
    reachable = reachable and _display(projected) >= threshold
    return TierPath(
        target=target,
        threshold=threshold,
        steps=tuple(replace(step, points=round(step.points, 2)) for step in steps),
        reachable=reachable,
        projected_total=_display(projected),
    )
