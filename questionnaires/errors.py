"""Exceptions of the questionnaire engine; each message tells a person what to fix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from questionnaires.phrases import Phrase, Worded


class QuestionnaireError(Exception):
    """Base of every error the questionnaire engine raises on purpose."""


@dataclass(frozen=True)
class DefinitionProblem:
    """One thing wrong in a questionnaire definition, tied to a question when there is one."""

    question_id: str | None
    message: str

    def __str__(self) -> str:
        return f"question {self.question_id}: {self.message}" if self.question_id else self.message


class DefinitionError(QuestionnaireError):
    """A questionnaire definition is broken; raised at load so the service does not start.

    Deliberately not a ValueError: pydantic lets it through unwrapped, so the structured
    problems survive model validation.
    """

    def __init__(self, problems: Sequence[DefinitionProblem], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        lines = [str(problem) for problem in self.problems]
        prefix = f"{source}: " if source else ""
        super().__init__(prefix + ("\n" + " " * len(prefix)).join(lines))

    def with_source(self, source: str) -> DefinitionError:
        """The same problems, attributed to the file they were found in."""
        return DefinitionError(self.problems, source=source)


class PublishedVersionChanged(QuestionnaireError):
    """A published questionnaire version was edited; published versions are immutable."""


class UnknownQuestionnaire(QuestionnaireError, LookupError):
    """No questionnaire with this key, or no such version of it."""


class CellProblem(BaseModel):
    """What is wrong in an uploaded workbook, located as the user sees it (sheet, cell D7)."""

    sheet: str | None
    cell: str | None
    row: int | None
    column: str | None
    value: str
    message: Worded


class SpreadsheetInvalid(QuestionnaireError):
    """An uploaded answers workbook has problems; nothing from it was imported."""

    def __init__(self, problems: Sequence[CellProblem]):
        self.problems = list(problems)
        count = len(self.problems)
        if count == 1:
            super().__init__(
                Phrase(
                    "The workbook has 1 problem; nothing was imported. Fix the highlighted "
                    "cells and upload it again."
                )
            )
            return
        super().__init__(
            Phrase(
                "The workbook has %(count)s problems; nothing was imported. Fix the highlighted "
                "cells and upload it again.",
                count=count,
            )
        )


class WrongQuestionnaire(QuestionnaireError):
    """The workbook is not the template of this assessment's questionnaire and version."""
