"""Answers: bring raw values (JSON or workbook cells) to their stored form and report problems.

Stored values are JSON-friendly: choice keys as strings, a list of keys for multiple choice, int
or float for numbers, ISO dates ('2024-03-31') as strings, and for `file` questions the id of an
evidence item (the engine never stores files). Saving part of a questionnaire is normal, so a
missing answer is never a problem here; `completeness` says what is still missing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from pydantic import BaseModel, JsonValue

from questionnaires.conditions import AnswerValue, is_answered
from questionnaires.model import AnswerType, Question, Questionnaire
from questionnaires.phrases import Phrase, Worded
from questionnaires.visibility import hidden_answer_message, visible_question_ids

URL_LIMIT = 2000
EVIDENCE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class AnswerRejected(ValueError):
    """A value cannot be an answer to this question; the message (`args[0]`, a `Phrase` that
    a page can translate) says what to give instead."""


class AnswerProblem(BaseModel):
    """One answer that cannot be saved, with a message a person can act on."""

    question_id: str
    value: JsonValue
    message: Worded


@dataclass
class AnswerCheck:
    """Answers in their stored form, and the problems found (empty when all can be saved)."""

    answers: dict[str, AnswerValue] = field(default_factory=dict)
    problems: list[AnswerProblem] = field(default_factory=list)


@dataclass
class PatchResult:
    """The answers to store after a partial save.

    All or none: when `problems` is not empty, `answers` is the current set unchanged.
    `cleared` lists earlier answers removed because a new answer hid their question.
    """

    answers: dict[str, AnswerValue]
    problems: list[AnswerProblem]
    cleared: list[str]


def normalise_answer(question: Question, raw: object) -> AnswerValue | None:
    """The stored form of `raw` for `question`; None means no answer. Raises AnswerRejected."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    match question.type:
        case AnswerType.YES_PARTLY_NO | AnswerType.SINGLE_CHOICE:
            return _choice(question, raw)
        case AnswerType.MULTIPLE_CHOICE:
            return _choices(question, raw)
        case AnswerType.NUMBER:
            return _number(question, raw)
        case AnswerType.DATE:
            return _date(raw)
        case AnswerType.TEXT:
            return _text(raw, question.text_limit)
        case AnswerType.URL:
            return _url(raw)
        case AnswerType.FILE:
            return _evidence_ref(raw)


def _choice(question: Question, raw: object) -> str:
    keys = question.choice_keys
    if isinstance(raw, str) and raw.strip().lower() in keys:
        return raw.strip().lower()
    raise AnswerRejected(
        Phrase(
            "%(value)s is not one of the options; choose one of: %(options)s.",
            value=_shown(raw),
            options=", ".join(keys),
        )
    )


def _choices(question: Question, raw: object) -> list[str] | None:
    if not isinstance(raw, list | tuple) or not all(isinstance(item, str) for item in raw):
        raise AnswerRejected(
            Phrase('Give a list of option keys, e.g. ["%(key)s"].', key=question.choice_keys[0])
        )
    picked = {item.strip().lower() for item in raw}
    unknown = sorted(picked - set(question.choice_keys))
    if unknown:
        keys, options = ", ".join(unknown), ", ".join(question.choice_keys)
        if len(unknown) == 1:
            raise AnswerRejected(
                Phrase(
                    "%(keys)s is not among the options; choose from: %(options)s.",
                    keys=keys,
                    options=options,
                )
            )
        raise AnswerRejected(
            Phrase(
                "%(keys)s are not among the options; choose from: %(options)s.",
                keys=keys,
                options=options,
            )
        )
    return [key for key in question.choice_keys if key in picked] or None


def _number(question: Question, raw: object) -> int | float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise AnswerRejected(Phrase("Type a number, e.g. 12 or 12.5."))
    if isinstance(raw, str):
        if not _PLAIN_NUMBER.match(raw.strip()):
            raise AnswerRejected(
                Phrase(
                    "Type a plain number with a dot for decimals and no thousands separator, "
                    "e.g. 1250.5."
                )
            )
        raw = float(raw.strip())
    if not math.isfinite(raw):
        raise AnswerRejected(Phrase("Type a finite number."))
    if question.integer and raw != int(raw):
        raise AnswerRejected(Phrase("Type a whole number, without decimals."))
    if question.minimum is not None and raw < question.minimum:
        raise AnswerRejected(
            Phrase(
                "The number must be at least %(minimum)s.", minimum=format(question.minimum, "g")
            )
        )
    if question.maximum is not None and raw > question.maximum:
        raise AnswerRejected(
            Phrase("The number must be at most %(maximum)s.", maximum=format(question.maximum, "g"))
        )
    return int(raw) if question.integer else float(raw)


def _date(raw: object) -> str:
    if isinstance(raw, datetime):
        if raw.time() != datetime.min.time():
            raise AnswerRejected(Phrase("Give a date without a time of day."))
        raw = raw.date()
    if isinstance(raw, str) and _ISO_DATE.match(raw.strip()):
        try:
            raw = date.fromisoformat(raw.strip())
        except ValueError:
            raise AnswerRejected(
                Phrase("%(value)s is not a real date.", value=raw.strip())
            ) from None
    if not isinstance(raw, date):
        raise AnswerRejected(Phrase("Give the date as YYYY-MM-DD, e.g. 2024-03-31."))
    if not 1900 <= raw.year <= 2100:
        raise AnswerRejected(Phrase("Give a date between 1900 and 2100."))
    return raw.isoformat()


def _text(raw: object, limit: int) -> str | None:
    if not isinstance(raw, str):
        raise AnswerRejected(Phrase("Type text."))
    text = raw.strip()
    if _CONTROL.search(text):
        raise AnswerRejected(Phrase("Remove the invisible control characters from the text."))
    if len(text) > limit:
        raise AnswerRejected(
            Phrase(
                "The text has %(length)s characters; shorten it to %(limit)s or fewer.",
                length=len(text),
                limit=limit,
            )
        )
    return text or None


def _url(raw: object) -> str:
    if not isinstance(raw, str):
        raise AnswerRejected(Phrase("Give a web address starting with https://."))
    text = raw.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"\s", text):
        raise AnswerRejected(
            Phrase("Give a web address starting with https:// (or http://), without spaces.")
        )
    if len(text) > URL_LIMIT:
        raise AnswerRejected(
            Phrase("The address is longer than %(limit)s characters.", limit=URL_LIMIT)
        )
    return text


def _evidence_ref(raw: object) -> str:
    if isinstance(raw, str) and EVIDENCE_REF.match(raw.strip()):
        return raw.strip()
    raise AnswerRejected(
        Phrase(
            "Give the id of an evidence item uploaded to this assessment "
            "(letters, digits, '-', '_')."
        )
    )


def normalise_evidence_reference(raw: object) -> str:
    """An evidence reference: a web link (http or https) or the id of an uploaded evidence item."""
    if isinstance(raw, str) and raw.strip().lower().startswith(("http://", "https://")):
        return _url(raw)
    try:
        return _evidence_ref(raw)
    except AnswerRejected:
        raise AnswerRejected(
            Phrase(
                "%(value)s is neither a web link (https://...) nor the id of an evidence item "
                "uploaded to this assessment.",
                value=_shown(raw),
            )
        ) from None


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def json_value(value: object) -> JsonValue:
    """A value as it can be shown back in a JSON problem list."""
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return str(value)


def _normalise_all(
    definition: Questionnaire, raw_answers: Mapping[str, object]
) -> tuple[dict[str, AnswerValue | None], list[AnswerProblem]]:
    values: dict[str, AnswerValue | None] = {}
    problems: list[AnswerProblem] = []
    for question_id, raw in raw_answers.items():
        question = definition.question(question_id)
        if question is None:
            problems.append(
                AnswerProblem(
                    question_id=question_id,
                    value=json_value(raw),
                    message=Phrase(
                        "There is no question %(question)s in %(questionnaire)s "
                        "version %(version)s.",
                        question=question_id,
                        questionnaire=definition.key,
                        version=definition.version,
                    ),
                )
            )
            continue
        try:
            values[question_id] = normalise_answer(question, raw)
        except AnswerRejected as exc:
            problems.append(
                AnswerProblem(question_id=question_id, value=json_value(raw), message=exc.args[0])
            )
    return values, problems


def check_answers(definition: Questionnaire, raw_answers: Mapping[str, object]) -> AnswerCheck:
    """Validate a whole set of answers; every problem is reported, not only the first."""
    values, problems = _normalise_all(definition, raw_answers)
    answers = {qid: value for qid, value in values.items() if is_answered(value)}
    for question in _hidden_answers(definition, answers):
        problems.append(
            AnswerProblem(
                question_id=question.id,
                value=json_value(raw_answers[question.id]),
                message=hidden_answer_message(definition, question),
            )
        )
        del answers[question.id]
    return AnswerCheck(answers=_in_order(definition, answers), problems=problems)


def apply_patch(
    definition: Questionnaire,
    current: Mapping[str, AnswerValue],
    patch: Mapping[str, object],
) -> PatchResult:
    """Merge a partial save into the stored answers (None or '' clears an answer).

    New answers to questions that the merged answers hide are problems; stored answers that a
    new answer hides are cleared, so what is stored always matches what the form shows.
    """
    values, problems = _normalise_all(definition, patch)
    merged = {qid: value for qid, value in current.items() if definition.question(qid)}
    cleared = [qid for qid in current if qid not in merged]
    for question_id, value in values.items():
        if is_answered(value):
            merged[question_id] = value
        else:
            merged.pop(question_id, None)
    for question in _hidden_answers(definition, merged):
        if question.id in values:
            problems.append(
                AnswerProblem(
                    question_id=question.id,
                    value=json_value(patch[question.id]),
                    message=hidden_answer_message(definition, question),
                )
            )
        else:
            cleared.append(question.id)
        del merged[question.id]
    if problems:
        return PatchResult(answers=dict(current), problems=problems, cleared=[])
    return PatchResult(answers=_in_order(definition, merged), problems=[], cleared=cleared)


def _hidden_answers(
    definition: Questionnaire, answers: Mapping[str, AnswerValue]
) -> list[Question]:
    """The answered questions that their conditions hide, in questionnaire order."""
    visible = visible_question_ids(definition, answers)
    return [q for q in definition.questions if q.id in answers and q.id not in visible]


def _in_order(
    definition: Questionnaire, answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    return {q.id: answers[q.id] for q in definition.questions if q.id in answers}
