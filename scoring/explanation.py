"""The explanation tree: every point of the total traced to a question, an evidence item or an
incident (and, when incidents would take the total below 0, to the floor rule)."""

from __future__ import annotations

from collections.abc import Sequence

from scoring.facts import AnswerValue
from scoring.result import (
    CapApplied,
    Explanation,
    IncidentScore,
    IndicatorScore,
    SectionScore,
    Source,
)
from scoring.rules import Rules


def answer_text(answer: AnswerValue | None) -> str:
    if answer is None or answer == "" or answer == []:
        return "no answer"
    if isinstance(answer, list):
        return ", ".join(answer)
    return str(answer)


def _indicator_node(indicator: IndicatorScore, rules: Rules) -> Explanation:
    qid = indicator.question_id
    source = Source("question", qid)
    if not indicator.counted:
        return Explanation(f"{qid}: {indicator.note}", 0.0, source)
    label = (
        f"{qid}: {answer_text(indicator.answer)}, {indicator.base_points:g} of "
        f"{indicator.max_points:g} points"
    )
    if indicator.earned <= 0:
        note = f" ({indicator.note})" if indicator.note else ""
        return Explanation(f"{label}, nothing earned{note}", 0.0, source)
    point_value = indicator.contribution / indicator.earned
    level = indicator.evidence_level
    share_of_answer = indicator.answer_share
    if level is None:
        label += ", no evidence needed for this answer"
    else:
        label += f", {rules.evidence.levels[level].label.lower()} ({indicator.multiplier:.0%})"
    children = [
        Explanation(
            f"The answer itself earns {share_of_answer:.0%} of {indicator.base_points:g} points",
            indicator.base_points * share_of_answer * point_value,
            source,
        )
    ]
    for item in indicator.evidence:
        extra = indicator.multiplier - share_of_answer if item.credited else 0.0
        verb = "raises it to" if item.credited else "also attached, adds nothing more; level"
        children.append(
            Explanation(
                f"{item.ref} ({item.level.value}, on {item.question_id}) {verb} "
                f"{rules.evidence.multiplier(item.level):.0%}",
                indicator.base_points * extra * point_value,
                Source("evidence", item.ref),
            )
        )
    return Explanation(label, indicator.contribution, source, tuple(children))


def _incident_node(incident: IncidentScore) -> Explanation:
    source = Source("incident", incident.ref)
    allegation = Explanation(
        f"Allegation: {incident.most_severe} severity {incident.severity:g} × "
        f"{incident.verification.value} {incident.verification_weight:g} × "
        f"{incident.link.value.replace('_', ' ')} {incident.link_weight:g} × collective "
        f"{incident.collective_multiplier:g} × age {incident.age_years:.1f} years "
        f"{incident.decay:.3f}",
        -incident.allegation_weight,
        source,
    )
    response = Explanation(
        f"Response: {incident.response_percent:.0f}% of the credit a complete, evidenced "
        f"response earns, takes off {incident.response_credit:.0%} of the allegation's weight",
        incident.allegation_weight * incident.response_credit,
        source,
    )
    return Explanation(
        f"Incident {incident.ref} ({incident.occurred_on.isoformat()}): "
        f"−{incident.weight:.2f} points",
        -incident.weight,
        source,
        (allegation, response),
    )


def explain(
    *,
    total: float,
    practice: float,
    sections: Sequence[SectionScore],
    indicators: Sequence[IndicatorScore],
    incidents: Sequence[IncidentScore],
    caps: Sequence[CapApplied],
    rules: Rules,
) -> Explanation:
    """The tree under the total: sections and their questions, incidents, floor and caps."""
    section_nodes = tuple(
        Explanation(
            f"Section {s.section_id}: {s.earned:g} of {s.maximum:g} points ({s.percent:.1f}%), "
            f"weight {s.effective_weight:.1f}",
            s.contribution,
            Source("section", s.section_id),
            tuple(_indicator_node(i, rules) for i in indicators if i.section_id == s.section_id),
        )
        for s in sections
    )
    deduction = sum(i.weight for i in incidents)
    children = [
        Explanation(f"Practice score {practice:.1f}", practice, None, section_nodes),
        Explanation(
            f"Incidents linked to the organisation: −{deduction:.1f}",
            -deduction,
            None,
            tuple(_incident_node(i) for i in incidents),
        ),
    ]
    if practice - deduction < 0:
        children.append(
            Explanation(
                "The total never falls below 0", deduction - practice, Source("rule", "total")
            )
        )
    children.append(
        Explanation(
            "Caps on the tier" if caps else "No cap on the tier",
            0.0,
            None,
            tuple(
                Explanation(
                    f"{cap.reason}: at most {rules.tier(cap.tier).label}",
                    0.0,
                    Source("rule", cap.red_flag_id),
                )
                for cap in caps
            ),
        )
    )
    return _rounded(Explanation(f"Total {total:.1f} of 100", total, None, tuple(children)))


def _rounded(node: Explanation) -> Explanation:
    """Points to 4 decimals, so the published tree carries no floating-point noise."""
    return Explanation(
        node.label,
        round(node.points, 4) + 0.0,
        node.source,
        tuple(_rounded(child) for child in node.children),
    )
