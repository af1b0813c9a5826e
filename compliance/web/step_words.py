"""The action plan's steps in the page's language, options named by their labels.

`scoring` writes each step in English for the API; pages write it again from the step's data
(its task, options and missing parts) with the catalogue's words.
"""

from __future__ import annotations

from collections.abc import Mapping

from babel.lists import format_list
from flask_babel import format_decimal, format_percent, get_locale, gettext, ngettext

from scoring import EvidenceLevel, Rules
from scoring.result import IndicatorTask, TierStep
from scoring.rules import IndicatorRule, Method
from scoring.steps import OptionLabels


def response_parts(parts: tuple[str, ...]) -> str:
    """The parts of an incident response, in the page's language: "investigation and remedy"."""
    names = {
        "public_answer": gettext("public answer"),
        "investigation": gettext("investigation"),
        "remedy": gettext("remedy"),
    }
    return format_list([names.get(part, part) for part in parts], locale=get_locale())


def full_credit_words(
    step: TierStep, rule: IndicatorRule, rules: Rules, labels: Mapping[str, str]
) -> str:
    """What full credit on an indicator asks for, in the page's language; options are named by
    `labels` (key -> label in the page's language)."""
    if step.options:
        quoted = [gettext("“%(option)s”", option=labels.get(key, key)) for key in step.options]
        return format_list(quoted, style="or", locale=get_locale())
    match rule.method:
        case Method.MULTIPLE_CHOICE:
            return gettext(
                "options worth %(points)s points together (see the methodology)",
                points=format_decimal(rules.max_points),
            )
        case Method.NUMBER:
            band = rule.bands[0]
            if band.at_most is not None:
                return gettext(
                    "a figure of at most %(figure)s", figure=format_decimal(band.at_most)
                )
            return gettext(
                "a figure of at least %(figure)s", figure=format_decimal(band.at_least or 0)
            )
        case Method.DATE:
            years = rule.bands[0].within_years or 0
            return ngettext(
                "a date within the last %(years)s year",
                "a date within the last %(years)s years",
                years,
                years=format_decimal(years),
            )
        case Method.URL:
            return gettext("a link to the report, with the report attached as evidence")
    return gettext("an answer")


def describe_step(step: TierStep, *, rules: Rules, questionnaire: str, labels: OptionLabels) -> str:
    """A step of the action plan in the page's language, naming options by their labels
    (`labels`: question id -> option key -> label). A cap's remedy keeps the methodology's own
    words, in English."""
    if step.kind == "incident_response":
        return gettext(
            "Respond to incident %(ref)s with evidence: %(parts)s.",
            ref=step.ref,
            parts=response_parts(step.missing),
        )
    if step.kind != "indicator" or step.task is None:
        return step.action
    rule = rules.questionnaires[questionnaire].indicator(step.ref)
    if rule is None:
        return step.action
    question = step.ref
    match step.task:
        case IndicatorTask.VERIFY:
            return gettext(
                "Have the reviewer verify the evidence for %(question)s.", question=question
            )
        case IndicatorTask.ATTACH_EVIDENCE:
            return gettext(
                "Attach evidence for %(question)s (to %(sources)s): documents earn %(share)s of "
                "the points, evidence verified by the reviewer all of them.",
                question=question,
                sources=", ".join(rule.evidence_questions),
                share=format_percent(rules.evidence.multiplier(EvidenceLevel.DOCUMENTED)),
            )
    best = full_credit_words(step, rule, rules, labels.get(question, {}))
    match step.task:
        case IndicatorTask.ANSWER_HIDDEN:
            return gettext(
                "%(question)s is not asked with your current answers: change the earlier answer "
                "it depends on, then answer it with evidence; full credit needs %(answer)s.",
                question=question,
                answer=best,
            )
        case IndicatorTask.ANSWER:
            return gettext(
                "Answer %(question)s and attach evidence; full credit needs %(answer)s.",
                question=question,
                answer=best,
            )
    return gettext(
        "Strengthen the practice behind %(question)s; full credit needs %(answer)s, with evidence.",
        question=question,
        answer=best,
    )
