"""score(facts, rules, as_of) -> Score: the whole methodology, as one pure function."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from scoring.canonical import sha256_hex
from scoring.errors import FactsInvalid, NoRulesForQuestionnaire
from scoring.explanation import explain
from scoring.facts import AssessmentFacts, EvidenceLevel, facts_payload
from scoring.incidents import score_incident
from scoring.indicators import is_answered, score_indicator
from scoring.red_flags import red_flags
from scoring.result import (
    Confidence,
    DataGap,
    IncidentScore,
    IndicatorScore,
    IndicatorStatus,
    Score,
    SectionScore,
)
from scoring.rules import QuestionnaireRules, Rules
from scoring.steps import OptionLabels, by_gain, indicator_steps, response_steps
from scoring.tiers import capped_tier, caps_of, next_tier, tier_for


def inputs_hash(facts: AssessmentFacts, rules: Rules, as_of: date) -> str:
    """SHA-256 of the canonical inputs: the facts, the methodology and the scoring date."""
    return sha256_hex(
        {
            "methodology": {"id": rules.id, "version": rules.version, "hash": rules.content_hash},
            "as_of": as_of.isoformat(),
            "facts": facts_payload(facts),
        }
    )


def questionnaire_rules(facts: AssessmentFacts, rules: Rules) -> QuestionnaireRules:
    """The rules for the facts' questionnaire, checked to cover exactly its questions."""
    qrules = rules.questionnaires.get(facts.questionnaire)
    if qrules is None:
        raise NoRulesForQuestionnaire(
            f"Methodology {rules.id} {rules.version} has no rules for questionnaire "
            f"{facts.questionnaire}; publish a methodology version that covers it."
        )
    asked = {q.question_id for q in facts.questions}
    ruled = {i.question_id for i in qrules.indicators}
    if asked != ruled:
        raise FactsInvalid(
            f"The rules for {facts.questionnaire} and the questions given differ: without rules "
            f"{sorted(asked - ruled)}, not given {sorted(ruled - asked)}."
        )
    sections = {s.section_id for s in qrules.sections}
    stray = sorted({q.section_id for q in facts.questions} - sections)
    if stray:
        raise FactsInvalid(f"Sections without a weight in the rules: {', '.join(stray)}.")
    return qrules


def _sections(
    qrules: QuestionnaireRules, indicators: list[IndicatorScore]
) -> tuple[list[SectionScore], dict[str, float]]:
    """Section scores, and for each section the points of the total one indicator point is worth."""
    totals = {
        s.section_id: (
            sum(i.earned for i in indicators if i.section_id == s.section_id and i.counted),
            sum(i.max_points for i in indicators if i.section_id == s.section_id and i.counted),
        )
        for s in qrules.sections
    }
    weight_in_play = sum(s.weight for s in qrules.sections if totals[s.section_id][1] > 0)
    sections, point_value = [], {}
    for s in qrules.sections:
        earned, maximum = totals[s.section_id]
        effective = 100 * s.weight / weight_in_play if maximum and weight_in_play else 0.0
        point_value[s.section_id] = effective / maximum if maximum else 0.0
        members = [i for i in indicators if i.section_id == s.section_id]
        sections.append(
            SectionScore(
                section_id=s.section_id,
                weight=s.weight,
                effective_weight=effective,
                earned=earned,
                maximum=maximum,
                percent=100 * earned / maximum if maximum else 0.0,
                contribution=earned * point_value[s.section_id],
                counted=sum(i.counted for i in members),
                not_counted=sum(not i.counted for i in members),
            )
        )
    return sections, point_value


def _data_gaps(facts: AssessmentFacts, indicators: list[IndicatorScore]) -> tuple[DataGap, ...]:
    by_id = {i.question_id: i for i in indicators}
    gaps = []
    for q in facts.questions:
        if not q.visible or is_answered(q.answer):
            continue
        indicator = by_id[q.question_id]
        if q.required:
            kind = "required"
        elif q.high_risk_mandatory and facts.high_risk_context:
            kind = "high_risk"
        elif indicator.counted:
            kind = "optional"
        else:
            continue
        cost = " It counts as 0 points." if indicator.counted else ""
        why = {
            "required": "a mandatory question",
            "high_risk": "mandatory in high-risk contexts",
            "optional": "an optional question that earns points",
        }[kind]
        gaps.append(
            DataGap(
                question_id=q.question_id,
                section_id=q.section_id,
                kind=kind,
                counted=indicator.counted,
                message=f"{q.question_id} is not answered ({why}).{cost}",
            )
        )
    return tuple(gaps)


def _confidence(
    facts: AssessmentFacts, indicators: list[IndicatorScore], rules: Rules
) -> Confidence:
    mandatory = [
        q
        for q in facts.questions
        if q.visible and (q.required or (q.high_risk_mandatory and facts.high_risk_context))
    ]
    answered = sum(is_answered(q.answer) for q in mandatory)
    earned = sum(i.earned for i in indicators if i.counted)
    documented = sum(
        i.earned
        for i in indicators
        if i.evidence_level in (EvidenceLevel.DOCUMENTED, EvidenceLevel.VERIFIED)
    )
    verified = sum(i.earned for i in indicators if i.evidence_level is EvidenceLevel.VERIFIED)
    shares = {
        "answered_share": answered / len(mandatory) if mandatory else 1.0,
        "evidenced_share": documented / earned if earned else 0.0,
        "verified_share": verified / earned if earned else 0.0,
    }
    level = next(
        (
            rule.level
            for rule in rules.confidence.levels
            if shares["answered_share"] >= rule.answered_share
            and shares["evidenced_share"] >= rule.evidenced_share
            and shares["verified_share"] >= rule.verified_share
        ),
        "low",
    )
    return Confidence(
        level=level,
        mandatory_answered=answered,
        mandatory_total=len(mandatory),
        **{key: round(value, 4) for key, value in shares.items()},
    )


def _scored(
    facts: AssessmentFacts, rules: Rules, as_of: date
) -> tuple[list[SectionScore], list[IndicatorScore]]:
    """Section scores and indicator scores (with what each earns of the total and what full
    credit would add), unrounded."""
    qrules = questionnaire_rules(facts, rules)
    by_id = {q.question_id: q for q in facts.questions}
    raw = [
        score_indicator(
            rule,
            by_id[rule.question_id],
            facts.evidence,
            rules=rules,
            high_risk=facts.high_risk_context,
            as_of=as_of,
        )
        for rule in qrules.indicators
    ]
    sections, point_value = _sections(qrules, raw)
    indicators = [
        replace(
            i,
            contribution=i.earned * point_value[i.section_id],
            full_credit_gain=(i.max_points - i.earned) * point_value[i.section_id]
            if i.status is not IndicatorStatus.NOT_APPLICABLE
            else 0.0,
        )
        for i in raw
    ]
    return sections, indicators


def indicator_scores(facts: AssessmentFacts, rules: Rules, as_of: date) -> list[IndicatorScore]:
    """Only the indicator scores of `score` (unrounded), for callers that need no more: an
    investor screening thousands of holdings asks which indicators each one fails."""
    return _scored(facts, rules, as_of)[1]


def score(
    facts: AssessmentFacts,
    rules: Rules,
    as_of: date,
    *,
    option_labels: OptionLabels | None = None,
) -> Score:
    """Score one assessment on `as_of` with a published methodology.

    `option_labels` only words the steps' actions (options by label rather than key): the
    score and its inputs hash do not depend on it.
    """
    sections, indicators = _scored(facts, rules, as_of)
    practice = sum(s.contribution for s in sections)
    incidents = [score_incident(i, rules=rules.incidents, as_of=as_of) for i in facts.incidents]
    deduction = sum(i.weight for i in incidents)
    total = round(max(0.0, min(100.0, practice - deduction)), 1)
    flags = red_flags(facts, rules=rules, as_of=as_of)
    caps = caps_of(flags)
    by_score = tier_for(total, rules)
    tier = capped_tier(by_score, caps)
    indicator_tuple = tuple(indicators)
    return Score(
        methodology_id=rules.id,
        methodology_version=rules.version,
        methodology_hash=rules.content_hash,
        questionnaire=facts.questionnaire,
        as_of=as_of,
        inputs_hash=inputs_hash(facts, rules, as_of),
        total=total,
        practice=round(practice, 3),
        incident_deduction=round(deduction, 3),
        tier=tier,
        tier_by_score=by_score,
        sections=tuple(_round_section(s) for s in sections),
        indicators=tuple(_round_indicator(i) for i in indicators),
        incidents=tuple(_round_incident(i) for i in incidents),
        caps=caps,
        red_flags=flags,
        data_gaps=_data_gaps(facts, indicators),
        confidence=_confidence(facts, indicators, rules),
        action_plan=tuple(
            replace(step, points=round(step.points, 2))
            for step in by_gain(
                indicator_steps(indicator_tuple, rules, facts.questionnaire, option_labels)
                + response_steps(facts.incidents, rules=rules, as_of=as_of)
            )
        ),
        next_tier=next_tier(
            facts=facts,
            rules=rules,
            as_of=as_of,
            tier=tier,
            raw_total=practice - deduction,
            indicators=indicator_tuple,
            option_labels=option_labels,
        ),
        explanation=explain(
            total=total,
            practice=practice,
            sections=sections,
            indicators=indicators,
            incidents=incidents,
            caps=caps,
            rules=rules,
        ),
    )


def _round_section(section: SectionScore) -> SectionScore:
    return replace(
        section,
        effective_weight=round(section.effective_weight, 3),
        earned=round(section.earned, 4),
        percent=round(section.percent, 1),
        contribution=round(section.contribution, 3),
    )


def _round_indicator(indicator: IndicatorScore) -> IndicatorScore:
    return replace(
        indicator,
        earned=round(indicator.earned, 4),
        contribution=round(indicator.contribution, 4),
        full_credit_gain=round(indicator.full_credit_gain, 4),
    )


def _round_incident(incident: IncidentScore) -> IncidentScore:
    return replace(
        incident,
        age_years=round(incident.age_years, 3),
        decay=round(incident.decay, 4),
        allegation_weight=round(incident.allegation_weight, 4),
        response_credit=round(incident.response_credit, 4),
        response_percent=round(incident.response_percent, 1),
        weight=round(incident.weight, 4),
    )
