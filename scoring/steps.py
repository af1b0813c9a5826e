"""What an organisation can do to raise its score: one step per unmet indicator or response."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from scoring.facts import EvidenceLevel, IncidentFacts, IncidentResponse, ResponseLevel
from scoring.incidents import score_incident
from scoring.result import IndicatorScore, IndicatorStatus, TierStep
from scoring.rules import IndicatorRule, Method, Rules

FULL_RESPONSE = IncidentResponse(
    public_answer=ResponseLevel.EVIDENCED,
    investigation=ResponseLevel.EVIDENCED,
    remedy=ResponseLevel.EVIDENCED,
)


def best_answer(rule: IndicatorRule, rules: Rules) -> str:
    """What full credit asks for, in words."""
    match rule.method:
        case Method.YES_PARTLY_NO:
            return "'yes'"
        case Method.CHOICE:
            top = max(p for p in rule.points.values() if p is not None)
            return " or ".join(f"'{key}'" for key, p in rule.points.items() if p == top)
        case Method.MULTIPLE_CHOICE:
            return f"options worth {rules.max_points:g} points together (see the methodology)"
        case Method.NUMBER:
            band = rule.bands[0]
            if band.at_most is not None:
                return f"a figure of at most {band.at_most:g}"
            return f"a figure of at least {band.at_least:g}"
        case Method.DATE:
            return f"a date within the last {rule.bands[0].within_years:g} years"
        case Method.URL:
            return "a link to the report, with the report attached as evidence"
    return "an answer"


def indicator_action(indicator: IndicatorScore, rule: IndicatorRule, rules: Rules) -> str:
    """The next thing to do for an indicator that does not earn full credit."""
    qid = indicator.question_id
    best = best_answer(rule, rules)
    if indicator.status is IndicatorStatus.NOT_ASKED:
        return (
            f"{qid} is not asked with your current answers: change the earlier answer it "
            f"depends on, then answer it with evidence; full credit needs {best}."
        )
    if indicator.status is IndicatorStatus.UNANSWERED:
        return f"Answer {qid} and attach evidence; full credit needs {best}."
    if indicator.base_points < rules.max_points:
        return f"Strengthen the practice behind {qid}; full credit needs {best}, with evidence."
    if indicator.evidence_level is EvidenceLevel.DOCUMENTED:
        return f"Have the reviewer verify the evidence for {qid}."
    sources = ", ".join(rule.evidence_questions)
    return (
        f"Attach evidence for {qid} (to {sources}): documents earn "
        f"{rules.evidence.multiplier(EvidenceLevel.DOCUMENTED):.0%} of the points, "
        "evidence verified by the reviewer all of them."
    )


def indicator_steps(
    indicators: tuple[IndicatorScore, ...], rules: Rules, questionnaire: str
) -> list[TierStep]:
    """A step for every counted indicator short of full credit."""
    by_id = {rule.question_id: rule for rule in rules.questionnaires[questionnaire].indicators}
    return [
        TierStep(
            kind="indicator",
            ref=ind.question_id,
            action=indicator_action(ind, by_id[ind.question_id], rules),
            points=ind.full_credit_gain,
        )
        for ind in indicators
        if ind.counted and ind.full_credit_gain > 1e-9
    ]


def response_gain(incident: IncidentFacts, *, rules: Rules, as_of: date) -> float:
    """Points an incident would give back with a complete, evidenced response."""
    now = score_incident(incident, rules=rules.incidents, as_of=as_of).weight
    best = score_incident(
        replace(incident, response=FULL_RESPONSE), rules=rules.incidents, as_of=as_of
    )
    return now - best.weight


def response_steps(
    incidents: tuple[IncidentFacts, ...], *, rules: Rules, as_of: date
) -> list[TierStep]:
    """A step for every incident whose response is not yet complete and evidenced."""
    steps = []
    for incident in incidents:
        gain = response_gain(incident, rules=rules, as_of=as_of)
        if gain > 1e-9:
            missing = [
                step.replace("_", " ")
                for step in ("public_answer", "investigation", "remedy")
                if getattr(incident.response, step) is not ResponseLevel.EVIDENCED
            ]
            steps.append(
                TierStep(
                    kind="incident_response",
                    ref=incident.ref,
                    action=(
                        f"Respond to incident {incident.ref} with evidence: {', '.join(missing)}."
                    ),
                    points=gain,
                )
            )
    return steps


def by_gain(steps: list[TierStep]) -> list[TierStep]:
    """Largest gain first; ties keep their order (questionnaire order, then incidents)."""
    return sorted(steps, key=lambda step: -step.points)
