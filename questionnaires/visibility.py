"""Which questions are asked, given the answers so far, and how to say why in plain words."""

from __future__ import annotations

from collections.abc import Mapping

from questionnaires.conditions import AnswerValue, Condition, holds
from questionnaires.model import Question, Questionnaire, translate
from questionnaires.phrases import Phrase


def visible_question_ids(
    definition: Questionnaire, answers: Mapping[str, AnswerValue | None]
) -> set[str]:
    """The ids of the questions shown; a question hidden by its condition hides its dependants.

    Conditions only look backwards, so one pass in order settles every chain: a hidden
    question's answer is ignored by the conditions that follow it.
    """
    visible: set[str] = set()
    seen: dict[str, AnswerValue | None] = {}
    for question in definition.questions:
        if question.show_if is None or holds(question.show_if, seen):
            visible.add(question.id)
            if question.id in answers:
                seen[question.id] = answers[question.id]
    return visible


_WORDS = {
    "en": {
        "or": " or ",
        "and": " and ",
        "is": "is",
        "not": "is not",
        "answered": "is answered",
        "unanswered": "is not answered",
        "at_least": "is at least",
        "negate": "not ",
    },
    "es": {
        "or": " o ",
        "and": " y ",
        "is": "es",
        "not": "no es",
        "answered": "tiene respuesta",
        "unanswered": "no tiene respuesta",
        "at_least": "es al menos",
        "negate": "no ",
    },
    "fr": {
        "or": " ou ",
        "and": " et ",
        "is": "est",
        "not": "n'est pas",
        "answered": "a une réponse",
        "unanswered": "n'a pas de réponse",
        "at_least": "est au moins",
        "negate": "non ",
    },
}


def describe_condition(
    condition: Condition, definition: Questionnaire, language: str = "en"
) -> str:
    """A condition in words, e.g. 'A1 is Yes or Partly', for the form and the workbook."""
    words = _WORDS.get(language, _WORDS["en"])
    if condition.all is not None or condition.any is not None:
        parts = condition.all or condition.any or ()
        joiner = words["and"] if condition.all is not None else words["or"]
        inner = [describe_condition(part, definition, language) for part in parts]
        return joiner.join(f"({text})" if len(parts) > 1 else text for text in inner)
    if condition.not_ is not None:
        return f"{words['negate']}({describe_condition(condition.not_, definition, language)})"
    question_id = condition.question or ""
    if condition.answered is not None:
        return f"{question_id} {words['answered' if condition.answered else 'unanswered']}"
    if condition.at_least is not None:
        return f"{question_id} {words['at_least']} {condition.at_least:g}"
    question = definition.question(question_id)
    labels = {
        c.key: translate(c.label, language) for c in (question.all_choices if question else ())
    }
    keys = condition.in_ if condition.in_ is not None else condition.not_in or ()
    listed = words["or"].join(_quoted(labels.get(key, key), words["or"]) for key in keys)
    verb = words["is"] if condition.in_ is not None else words["not"]
    return f"{question_id} {verb} {listed}"


def _quoted(label: str, joiner: str) -> str:
    """Quote a label that would read ambiguously in a list (it holds a comma or 'or')."""
    return f'"{label}"' if "," in label or joiner in label else label


# The message in a workbook's other languages; in English it is a `Phrase`, which a page words
# in its own language.
_HIDDEN = {
    "es": "La pregunta {id} solo se plantea si {reason}. Elimine esta respuesta o cambie la "
    "respuesta de la que depende.",
    "fr": "La question {id} n'est posée que si {reason}. Supprimez cette réponse ou modifiez "
    "la réponse dont elle dépend.",
}


def hidden_answer_message(
    definition: Questionnaire, question: Question, language: str = "en"
) -> str:
    """Why an answer to a question that is not asked is refused, and what to do."""
    condition = question.show_if
    reason = describe_condition(condition, definition, language) if condition else ""
    if language in _HIDDEN:
        return _HIDDEN[language].format(id=question.id, reason=reason)
    return Phrase(
        "Question %(id)s is asked only when %(reason)s. Remove this answer or change the answer "
        "it depends on.",
        id=question.id,
        reason=reason,
    )
