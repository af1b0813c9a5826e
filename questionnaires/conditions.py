"""A small, declarative language for showing a question depending on earlier answers.

A condition is data, never code: either a test on one earlier answer

    {question: A1, in: [yes, partly]}      the answer is one of these keys (any of them, for a
                                           multiple-choice answer)
    {question: C2, not_in: [no]}           the answer is given and is none of these keys
    {question: B2, at_least: 1}            the numeric answer is at least this
    {question: F2, answered: true}         the question has (or, with false, has no) answer

or a combination: {all: [...]}, {any: [...]}, {not: {...}}. An unanswered or hidden question
satisfies no test except `answered: false`, so a question never shows before the answer it
depends on has been given.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
    model_validator,
)

QuestionId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9_]{0,31}$")]
ChoiceKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
AnswerValue = str | int | float | list[str]

_TESTS = ("in_", "not_in", "at_least", "answered")
_COMBINATORS = ("all", "any", "not_")
_SHAPE = (
    "write a condition as {question: ID, in: [...]} (or not_in, at_least, answered) "
    "or as {all: [...]}, {any: [...]} or {not: {...}}"
)


class Condition(BaseModel):
    """One display rule; exactly one test or one combinator is set (see the module doc)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_by_name=True, serialize_by_alias=True
    )

    question: QuestionId | None = None
    in_: tuple[ChoiceKey, ...] | None = Field(default=None, alias="in")
    not_in: tuple[ChoiceKey, ...] | None = None
    at_least: float | None = None
    answered: bool | None = None
    all: tuple[Condition, ...] | None = None
    any: tuple[Condition, ...] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_shape(self) -> Condition:
        tests = [name for name in _TESTS if getattr(self, name) is not None]
        combinators = [name for name in _COMBINATORS if getattr(self, name) is not None]
        if combinators:
            if len(combinators) > 1 or tests or self.question is not None:
                raise ValueError(f"a condition mixes several rules; {_SHAPE}")
            if combinators[0] in ("all", "any") and not getattr(self, combinators[0]):
                raise ValueError(f"'{combinators[0]}' needs at least one condition")
            return self
        if self.question is None or len(tests) != 1:
            raise ValueError(_SHAPE)
        if tests[0] in ("in_", "not_in") and not getattr(self, tests[0]):
            raise ValueError(f"'{tests[0].rstrip('_')}' needs at least one choice key")
        return self

    @model_serializer(mode="wrap")
    def _drop_unset(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}


def is_answered(value: object) -> bool:
    """Whether a stored value counts as an answer (None, '' and [] do not)."""
    return value is not None and value != "" and value != []


def holds(condition: Condition, answers: Mapping[str, AnswerValue | None]) -> bool:
    """Evaluate a condition against the answers of the questions currently visible."""
    if condition.all is not None:
        return builtins.all(holds(part, answers) for part in condition.all)
    if condition.any is not None:
        return builtins.any(holds(part, answers) for part in condition.any)
    if condition.not_ is not None:
        return not holds(condition.not_, answers)
    value = answers.get(condition.question or "")
    if condition.answered is not None:
        return is_answered(value) == condition.answered
    if not is_answered(value):
        return False
    if condition.in_ is not None:
        return _matches(value, condition.in_)
    if condition.not_in is not None:
        return not _matches(value, condition.not_in)
    at_least = condition.at_least
    return (
        at_least is not None
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and value >= at_least
    )


def _matches(value: AnswerValue | None, keys: tuple[str, ...]) -> bool:
    if isinstance(value, list):
        return builtins.any(item in keys for item in value)
    return value in keys


def leaves(condition: Condition) -> Iterator[Condition]:
    """Every test on a single answer inside a condition, in reading order."""
    parts = condition.all or condition.any or ((condition.not_,) if condition.not_ else ())
    if parts:
        for part in parts:
            yield from leaves(part)
    else:
        yield condition
