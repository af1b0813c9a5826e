"""The published methodology (page, PDF and rules file) and the score shown on assessment pages.

Page and PDF are rendered from the same `Rules` the scorer uses, through the same template body,
so what is published cannot drift from what is computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, render_template
from flask_babel import (
    force_locale,
)

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.assessments import service as assessment_service
from compliance.assessments.models import Assessment
from compliance.clock import now
from compliance.errors import Conflict, NotFound
from compliance.scores import service as score_service
from compliance.web import i18n
from compliance.web.step_words import describe_step
from questionnaires.model import Question, translate
from questionnaires.registry import default_registry
from reports.methodology_pdf import STYLESHEET, render_methodology_pdf
from scoring import Rules, Score, rules_json
from scoring.rules import IndicatorRule, Method, RedFlagRule, WhenHidden

bp = Blueprint("web_methodology", __name__)

SUMMARY_STEPS = 5


@dataclass(frozen=True)
class IndicatorRow:
    question_id: str
    text: str
    scoring: str
    notes: tuple[str, ...]
    rationale: str


@dataclass(frozen=True)
class SectionRow:
    section_id: str
    title: str
    weight: float
    rationale: str
    indicators: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class QuestionnaireDoc:
    key: str
    title: str
    sections: tuple[SectionRow, ...]


def _number(value: float) -> str:
    return f"{value:g}"


def describe_scoring(rule: IndicatorRule, question: Question, rules: Rules) -> str:
    """How the answer to one question becomes points, in words."""
    labels = {choice.key: translate(choice.label, "en") for choice in question.all_choices}
    match rule.method:
        case Method.YES_PARTLY_NO:
            points = rules.methods[Method.YES_PARTLY_NO].points
            return " · ".join(f"{labels[key]} {_number(p)}" for key, p in points.items())
        case Method.CHOICE:
            return " · ".join(
                f"{labels.get(key, key)} {'not applicable' if p is None else _number(p)}"
                for key, p in rule.points.items()
            )
        case Method.MULTIPLE_CHOICE:
            parts = ", ".join(f"{labels.get(k, k)} +{_number(w)}" for k, w in rule.weights.items())
            return f"Each option ticked adds: {parts}; at most {_number(rules.max_points)}"
        case Method.NUMBER:
            bands = [
                f"≤ {_number(b.at_most)}: {_number(b.points)}"
                if b.at_most is not None
                else f"≥ {_number(b.at_least or 0)}: {_number(b.points)}"
                for b in rule.bands
            ]
            return " · ".join([*bands, "otherwise 0"])
        case Method.DATE:
            bands = [
                f"within {_number(b.within_years or 0)} years: {_number(b.points)}"
                for b in rule.bands
            ]
            return " · ".join([*bands, "older 0"])
        case Method.URL:
            return f"{_number(rules.max_points)} when the report it points to is evidenced"
    return "Not scored"


def describe_conditions(rule: IndicatorRule, question: Question) -> tuple[str, ...]:
    """When the question counts and what evidence supports it, in words."""
    notes = []
    if question.required:
        notes.append("Mandatory.")
    if question.high_risk_mandatory:
        notes.append("Counts only in high-risk contexts, where it is mandatory.")
    if question.show_if is not None and rule.scored:
        notes.append(
            "Counts as 0 when not asked."
            if rule.when_hidden is WhenHidden.ZERO
            else "Not counted when not asked."
        )
    if rule.evidence_from:
        notes.append(f"Evidence on {', '.join(rule.evidence_from)} also counts.")
    if rule.requires_evidence:
        notes.append("Earns nothing without evidence.")
    if rule.no_evidence_needed:
        notes.append(f"No evidence needed for: {', '.join(rule.no_evidence_needed)}.")
    return tuple(notes)


def questionnaire_docs(rules: Rules) -> tuple[QuestionnaireDoc, ...]:
    """Each questionnaire's sections and questions, with how each is scored."""
    docs = []
    for key, qrules in rules.questionnaires.items():
        name, _, version = key.partition("/")
        definition = default_registry().get(name, int(version))
        by_id = {rule.question_id: rule for rule in qrules.indicators}
        sections = []
        for section_rule in qrules.sections:
            section = definition.section(section_rule.section_id)
            questions = section.questions if section else ()
            sections.append(
                SectionRow(
                    section_id=section_rule.section_id,
                    title=translate(section.title, "en") if section else "",
                    weight=section_rule.weight,
                    rationale=section_rule.rationale,
                    indicators=tuple(
                        IndicatorRow(
                            question_id=q.id,
                            text=translate(q.text, "en"),
                            scoring=describe_scoring(by_id[q.id], q, rules),
                            notes=describe_conditions(by_id[q.id], q),
                            rationale=by_id[q.id].rationale,
                        )
                        for q in questions
                    ),
                )
            )
        docs.append(QuestionnaireDoc(key=key, title=qrules.title, sections=tuple(sections)))
    return tuple(docs)


def describe_red_flag(flag: RedFlagRule, rules: Rules) -> str:
    """The condition of a red flag, in words."""
    if flag.kind == "answer":
        where = ", ".join(f"{qid} ({key})" for key, qid in flag.questions.items())
        if flag.when:
            return f"The answer to {where} is {' or '.join(flag.when)}."
        return f"The answer to {where} is not {' or '.join(flag.unless)}, or is missing."
    parts = [
        f"A {' or '.join(v.value for v in flag.verification)} incident",
        f"of type {' or '.join(t.replace('_', ' ') for t in flag.attack_types)}"
        if flag.attack_types
        else "of any type",
        f"linked to {' or '.join(link.value.replace('_', ' ') for link in flag.links)}",
    ]
    if flag.perpetrators:
        parts.append(f"committed by {' or '.join(flag.perpetrators)}")
    parts.append(f"in the last {flag.within_months} months")
    for step, allowed in flag.response.items():
        parts.append(f"{step.replace('_', ' ')} {' or '.join(a.value for a in allowed)}")
    return ", ".join(parts) + "."


def methodology_context(rules: Rules) -> dict:
    return {
        "rules": rules,
        "questionnaires": questionnaire_docs(rules),
        "describe_red_flag": lambda flag: describe_red_flag(flag, rules),
        "tier_label": lambda tier: rules.tier(tier).label if tier else "no cap",
    }


@bp.get("/methodology")
def methodology():
    return render_template("methodology/page.html", **methodology_context(score_service.rules()))


@bp.get("/methodology.json")
def methodology_rules():
    """The rules file as published; the content hash is that of its canonical JSON."""
    rules = score_service.rules()
    return Response(
        rules_json(),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'inline; filename="{rules.id}-{rules.version}.json"',
            "ETag": f'"{rules.content_hash}"',
        },
    )


PUBLISHED_PDFS = Path(__file__).resolve().parent.parent / "methodology"


def published_pdf_path(rules: Rules) -> Path:
    """Where the methodology's PDF is kept: rendered once per methodology version by
    `hrd-sentinel methodology pdf` and committed with the rules it describes."""
    return PUBLISHED_PDFS / f"{rules.id}-{rules.version}.pdf"


def render_pdf(rules: Rules) -> bytes:
    """The methodology as PDF, in English, with the rules file attached (WeasyPrint: seconds,
    so never inside a request)."""
    with force_locale("en"):
        html = render_template(
            "methodology/pdf.html", stylesheet=STYLESHEET, **methodology_context(rules)
        )
    return render_methodology_pdf(html=html, rules=rules, rules_file=rules_json())


@bp.get("/methodology.pdf")
def methodology_pdf():
    """The methodology's published PDF, as committed; nothing is rendered here."""
    rules = score_service.rules()
    path = published_pdf_path(rules)
    if not path.is_file():
        raise NotFound(
            f"The PDF of methodology {rules.id} {rules.version} is not published yet; the rules "
            "themselves are at /methodology.json."
        )
    return Response(
        path.read_bytes(),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{rules.id}-{rules.version}.pdf"',
            "ETag": f'"{rules.content_hash}"',
        },
    )


@dataclass(frozen=True)
class StepLine:
    """A step of the action plan as the page shows it, in the page's language."""

    action: str
    points: float
    lifts_on: date | None


@dataclass(frozen=True)
class ScoreSummary:
    """What the assessment overview shows of the score."""

    score: Score
    provisional: bool
    tier_label: str
    target_label: str | None
    steps: tuple[StepLine, ...]
    more_steps: int
    gaps: tuple[str, ...]


@bp.app_template_global("assessment_score")
def assessment_score(assessment: Assessment) -> ScoreSummary | None:
    """The score of an assessment for its overview page, or None for someone not entitled."""
    actor = current_actor()
    if not policy.allowed(actor, "score.read", assessment):
        return None
    rules = score_service.rules()
    as_of = score_service.as_of_for(assessment, today=now().date())
    try:
        result = score_service.score_assessment(
            session=db.session(), assessment=assessment, as_of=as_of
        )
    except Conflict:  # no methodology covers this questionnaire version: the API says so
        return None
    path = result.next_tier
    gaps = sorted(result.data_gaps, key=lambda gap: not gap.counted)
    labels = score_service.option_labels(
        assessment_service.questionnaire_of(assessment), i18n.language()
    )
    return ScoreSummary(
        score=result,
        provisional=score_service.is_provisional(assessment),
        tier_label=rules.tier(result.tier).label,
        target_label=rules.tier(path.target).label if path else None,
        steps=tuple(
            StepLine(
                action=describe_step(
                    step, rules=rules, questionnaire=result.questionnaire, labels=labels
                ),
                points=step.points,
                lifts_on=step.lifts_on,
            )
            for step in (path.steps[:SUMMARY_STEPS] if path else ())
        ),
        more_steps=max(0, len(path.steps) - SUMMARY_STEPS) if path else 0,
        gaps=tuple(gap.message for gap in gaps[:SUMMARY_STEPS]),
    )
