"""One question's points: does it count, what does the answer earn, how well is it evidenced."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from scoring.errors import FactsInvalid
from scoring.facts import EVIDENCE_ORDER, AnswerValue, EvidenceFacts, EvidenceLevel, QuestionFacts
from scoring.result import COUNTED, EvidenceUse, IndicatorScore, IndicatorStatus
from scoring.rules import IndicatorRule, Method, Rules, WhenHidden

DAYS_PER_YEAR = 365.25


def is_answered(value: AnswerValue | None) -> bool:
    """None, '' and [] are no answer (as the questionnaire engine stores them)."""
    return value is not None and value != "" and value != []


def status_of(rule: IndicatorRule, question: QuestionFacts, *, high_risk: bool) -> IndicatorStatus:
    """Whether the question counts, before looking at what the answer earns."""
    if not rule.scored:
        return IndicatorStatus.CONTEXT
    if question.high_risk_mandatory and not high_risk:
        return IndicatorStatus.OUTSIDE_HIGH_RISK
    if not question.visible:
        zero = rule.when_hidden is WhenHidden.ZERO
        return IndicatorStatus.NOT_ASKED if zero else IndicatorStatus.NOT_APPLICABLE
    if not is_answered(question.answer):
        return IndicatorStatus.UNANSWERED
    return IndicatorStatus.SCORED


def answer_points(
    rule: IndicatorRule, answer: AnswerValue | None, *, rules: Rules, as_of: date
) -> float | None:
    """Points of an answer before evidence (0 to the maximum), or None when it does not apply."""
    where = f"{rule.question_id}: the answer {answer!r}"
    match rule.method:
        case Method.YES_PARTLY_NO:
            points = rules.methods[Method.YES_PARTLY_NO].points
            if answer not in points:
                raise FactsInvalid(f"{where} is not yes, partly or no")
            return points[answer]
        case Method.CHOICE:
            if not isinstance(answer, str) or answer not in rule.points:
                raise FactsInvalid(f"{where} has no points in the rules")
            return rule.points[answer]
        case Method.MULTIPLE_CHOICE:
            picked = [answer] if isinstance(answer, str) else answer
            if not isinstance(picked, list | tuple):
                raise FactsInvalid(f"{where} is not a list of choices")
            unknown = sorted(set(picked) - set(rule.weights))
            if unknown:
                raise FactsInvalid(f"{where} has choices without weights: {', '.join(unknown)}")
            return min(rules.max_points, sum(rule.weights[key] for key in set(picked)))
        case Method.NUMBER:
            if isinstance(answer, bool) or not isinstance(answer, int | float):
                raise FactsInvalid(f"{where} is not a number")
            return _band_points(rule, float(answer))
        case Method.DATE:
            try:
                answered_on = date.fromisoformat(str(answer))
            except ValueError:
                raise FactsInvalid(f"{where} is not an ISO date") from None
            age = max(0, (as_of - answered_on).days) / DAYS_PER_YEAR
            return next(
                (
                    b.points
                    for b in rule.bands
                    if b.within_years is not None and age <= b.within_years
                ),
                0.0,
            )
        case Method.URL:
            return rules.max_points
    raise FactsInvalid(f"{rule.question_id}: '{rule.method}' questions earn no points")


def _band_points(rule: IndicatorRule, value: float) -> float:
    for band in rule.bands:
        if band.at_most is not None and value <= band.at_most:
            return band.points
        if band.at_least is not None and value >= band.at_least:
            return band.points
    return 0.0


def evidence_for(rule: IndicatorRule, evidence: Sequence[EvidenceFacts]) -> list[EvidenceFacts]:
    """The evidence items supporting this question: on it, or on the questions it borrows from."""
    wanted = rule.evidence_questions
    found = [item for item in evidence if item.question_id in wanted]
    return sorted(
        found,
        key=lambda e: (-EVIDENCE_ORDER.index(e.level), wanted.index(e.question_id or ""), e.ref),
    )


def score_indicator(
    rule: IndicatorRule,
    question: QuestionFacts,
    evidence: Sequence[EvidenceFacts],
    *,
    rules: Rules,
    high_risk: bool,
    as_of: date,
) -> IndicatorScore:
    """Points of one question; contribution to the total is filled in per section later."""
    status = status_of(rule, question, high_risk=high_risk)
    base: float | None = 0.0
    if status is IndicatorStatus.SCORED:
        base = answer_points(rule, question.answer, rules=rules, as_of=as_of)
        if base is None:
            status = IndicatorStatus.NOT_APPLICABLE
    items = evidence_for(rule, evidence) if rule.scored else []
    level, multiplier = _evidence_level(rule, question.answer, items, rules=rules)
    answer_share = multiplier
    if level is not None:
        alone = (
            0.0
            if rule.requires_evidence
            else rules.evidence.multiplier(EvidenceLevel.SELF_DECLARED)
        )
        answer_share = min(multiplier, alone)
    counted = status in COUNTED
    base = base or 0.0
    credited = items[0].ref if items and level is items[0].level else None
    return IndicatorScore(
        question_id=question.question_id,
        section_id=question.section_id,
        method=rule.method,
        status=status,
        answer=question.answer,
        base_points=base,
        evidence_level=level if status is IndicatorStatus.SCORED else None,
        multiplier=multiplier if status is IndicatorStatus.SCORED else 0.0,
        answer_share=answer_share if status is IndicatorStatus.SCORED else 0.0,
        earned=base * multiplier if status is IndicatorStatus.SCORED else 0.0,
        max_points=rules.max_points if counted else 0.0,
        contribution=0.0,
        full_credit_gain=0.0,
        evidence=tuple(
            EvidenceUse(
                ref=e.ref, question_id=e.question_id, level=e.level, credited=e.ref == credited
            )
            for e in items
        ),
        note=_NOTES.get(status, ""),
    )


def _evidence_level(
    rule: IndicatorRule,
    answer: AnswerValue | None,
    items: Sequence[EvidenceFacts],
    *,
    rules: Rules,
) -> tuple[EvidenceLevel | None, float]:
    if isinstance(answer, str) and answer in rule.no_evidence_needed:
        return None, 1.0
    if items:
        return items[0].level, rules.evidence.multiplier(items[0].level)
    if rule.requires_evidence:
        return EvidenceLevel.SELF_DECLARED, 0.0
    return EvidenceLevel.SELF_DECLARED, rules.evidence.multiplier(EvidenceLevel.SELF_DECLARED)


_NOTES = {
    IndicatorStatus.UNANSWERED: "Not answered: counts as 0 (missing answers are a risk).",
    IndicatorStatus.NOT_ASKED: (
        "Not asked because of an earlier answer, which means the practice is absent: counts as 0."
    ),
    IndicatorStatus.NOT_APPLICABLE: "Does not apply with the answers given: not counted.",
    IndicatorStatus.OUTSIDE_HIGH_RISK: "Counts only in high-risk contexts: not counted.",
    IndicatorStatus.CONTEXT: "Not scored: context for the reviewer.",
}
