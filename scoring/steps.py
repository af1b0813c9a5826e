"""What an organisation can do to raise its score: one step per unmet indicator or response."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from scoring.facts import EvidenceLevel, IncidentFacts, IncidentResponse, ResponseLevel
from scoring.incidents import score_incident
from scoring.result import IndicatorScore, IndicatorStatus, IndicatorTask, TierStep
from scoring.rules import IndicatorRule, Method, Rules

FULL_RESPONSE = IncidentResponse(
    public_answer=ResponseLevel.EVIDENCED,
    investigation=ResponseLevel.EVIDENCED,
    remedy=ResponseLevel.EVIDENCED,
)
RESPONSE_PARTS = ("public_answer", "investigation", "remedy")


OptionLabels = Mapping[str, Mapping[str, str]]
"""How texts name the options of each question: question id -> option key -> label."""


def full_credit_options(rule: IndicatorRule) -> tuple[str, ...]:
    """The option keys that earn full credit on a question answered with one option; empty
    for other questions."""
    match rule.method:
        case Method.YES_PARTLY_NO:
            return ("yes",)
        case Method.CHOICE:
            top = max(p for p in rule.points.values() if p is not None)
            return tuple(key for key, p in rule.points.items() if p == top)
    return ()


def either(words: list[str]) -> str:
    """Alternatives in English: "a or b", "a, b, or c"."""
    if len(words) < 3:
        return " or ".join(words)
    return ", ".join(words[:-1]) + ", or " + words[-1]


def best_answer(rule: IndicatorRule, rules: Rules, labels: Mapping[str, str] | None = None) -> str:
    """What full credit asks for, in words; options are named by `labels` (key -> label), by
    their keys where a label is not given."""
    options = full_credit_options(rule)
    if options:
        names = labels or {}
        return either([f"“{names.get(key, key)}”" for key in options])
    match rule.method:
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


def indicator_task(indicator: IndicatorScore, rules: Rules) -> IndicatorTask:
    """What an indicator that does not earn full credit needs next."""
    if indicator.status is IndicatorStatus.NOT_ASKED:
        return IndicatorTask.ANSWER_HIDDEN
    if indicator.status is IndicatorStatus.UNANSWERED:
        return IndicatorTask.ANSWER
    if indicator.base_points < rules.max_points:
        return IndicatorTask.STRENGTHEN
    if indicator.evidence_level is EvidenceLevel.DOCUMENTED:
        return IndicatorTask.VERIFY
    return IndicatorTask.ATTACH_EVIDENCE


def indicator_action(
    indicator: IndicatorScore,
    rule: IndicatorRule,
    rules: Rules,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The next thing to do for an indicator that does not earn full credit, in English;
    options are named by `labels` (key -> label), by their keys where a label is not given."""
    qid = indicator.question_id
    best = best_answer(rule, rules, labels)
    match indicator_task(indicator, rules):
        case IndicatorTask.ANSWER_HIDDEN:
            return (
                f"{qid} is not asked with your current answers: change the earlier answer it "
                f"depends on, then answer it with evidence; full credit needs {best}."
            )
        case IndicatorTask.ANSWER:
            return f"Answer {qid} and attach evidence; full credit needs {best}."
        case IndicatorTask.STRENGTHEN:
            return f"Strengthen the practice behind {qid}; full credit needs {best}, with evidence."
        case IndicatorTask.VERIFY:
            return f"Have the reviewer verify the evidence for {qid}."
    sources = ", ".join(rule.evidence_questions)
    return (
        f"Attach evidence for {qid} (to {sources}): documents earn "
        f"{rules.evidence.multiplier(EvidenceLevel.DOCUMENTED):.0%} of the points, "
        "evidence verified by the reviewer all of them."
    )


def indicator_steps(
    indicators: tuple[IndicatorScore, ...],
    rules: Rules,
    questionnaire: str,
    option_labels: OptionLabels | None = None,
) -> list[TierStep]:
    """A step for every counted indicator short of full credit; its action names options by
    `option_labels`, by their keys where none are given."""
    by_id = {rule.question_id: rule for rule in rules.questionnaires[questionnaire].indicators}
    labels = option_labels or {}
    return [
        TierStep(
            kind="indicator",
            ref=ind.question_id,
            action=indicator_action(
                ind, by_id[ind.question_id], rules, labels.get(ind.question_id)
            ),
            points=ind.full_credit_gain,
            task=indicator_task(ind, rules),
            options=full_credit_options(by_id[ind.question_id]),
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
            missing = tuple(
                part
                for part in RESPONSE_PARTS
                if getattr(incident.response, part) is not ResponseLevel.EVIDENCED
            )
            named = ", ".join(part.replace("_", " ") for part in missing)
            steps.append(
                TierStep(
                    kind="incident_response",
                    ref=incident.ref,
                    action=f"Respond to incident {incident.ref} with evidence: {named}.",
                    points=gain,
                    missing=missing,
                )
            )
    return steps


def by_gain(steps: list[TierStep]) -> list[TierStep]:
    """Largest gain first; ties keep their order (questionnaire order, then incidents)."""
    return sorted(steps, key=lambda step: -step.points)
