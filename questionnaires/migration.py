"""Carry answers from one questionnaire version to the next, by the map the newer one declares."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, JsonValue

from questionnaires.answers import AnswerRejected, json_value, normalise_answer
from questionnaires.conditions import AnswerValue, is_answered
from questionnaires.errors import DefinitionProblem
from questionnaires.model import CHOICE_TYPES, Migration, Questionnaire
from questionnaires.visibility import visible_question_ids


class DroppedAnswer(BaseModel):
    """An answer that could not be carried over, and why (shown to the organisation)."""

    question_id: str
    value: JsonValue
    reason: str


class MigrationResult(BaseModel):
    """Answers for the newer version; `renamed` maps each carried old id to its new id."""

    answers: dict[str, AnswerValue]
    renamed: dict[str, str]
    dropped: list[DroppedAnswer]


def migration_problems(previous: Questionnaire, current: Questionnaire) -> list[DefinitionProblem]:
    """Check a declared migration map against both versions; every old question is accounted."""
    migration = current.migration
    if migration is None:
        return [DefinitionProblem(None, f"declare a migration from version {previous.version}")]
    problems = []
    if migration.from_version != previous.version:
        problems.append(
            DefinitionProblem(
                None,
                f"the migration starts from version {migration.from_version}, "
                f"but the previous version is {previous.version}",
            )
        )
    for old_id in [*migration.renamed, *migration.dropped, *migration.choice_keys]:
        if previous.question(old_id) is None:
            problems.append(
                DefinitionProblem(
                    old_id,
                    f"the migration names it, but version {previous.version} has no such question",
                )
            )
    for old_id, new_id in migration.renamed.items():
        if current.question(new_id) is None:
            problems.append(DefinitionProblem(old_id, f"renamed to {new_id}, which does not exist"))
    for old in previous.questions:
        if old.id in migration.dropped or old.id in migration.renamed:
            continue
        if current.question(old.id) is None:
            problems.append(
                DefinitionProblem(
                    old.id,
                    f"version {current.version} has no question with this id; declare it "
                    "under migration.renamed or migration.dropped",
                )
            )
    problems += _choice_map_problems(previous, current, migration)
    return problems


def _choice_map_problems(
    previous: Questionnaire, current: Questionnaire, migration: Migration
) -> list[DefinitionProblem]:
    problems = []
    for old_id, key_map in migration.choice_keys.items():
        old = previous.question(old_id)
        new = current.question(migration.renamed.get(old_id, old_id))
        if old is None or new is None:
            continue
        if old.type not in CHOICE_TYPES or new.type not in CHOICE_TYPES:
            problems.append(
                DefinitionProblem(old_id, "choice_keys applies to choice questions only")
            )
            continue
        unknown_old = sorted(set(key_map) - set(old.choice_keys))
        unknown_new = sorted(set(key_map.values()) - set(new.choice_keys))
        if unknown_old:
            problems.append(
                DefinitionProblem(old_id, f"choice_keys maps unknown old keys {unknown_old}")
            )
        if unknown_new:
            problems.append(
                DefinitionProblem(old_id, f"choice_keys maps to unknown keys {unknown_new}")
            )
    return problems


def migrate_answers(
    previous: Questionnaire, current: Questionnaire, answers: Mapping[str, AnswerValue]
) -> MigrationResult:
    """Answers to `previous` as answers to `current` (the next version), never silently lost."""
    migration = current.migration or Migration(from_version=previous.version)
    carried: dict[str, AnswerValue] = {}
    renamed: dict[str, str] = {}
    dropped: list[DroppedAnswer] = []
    for old_id, value in answers.items():
        if not is_answered(value):
            continue
        new_id = migration.renamed.get(old_id, old_id)
        question = current.question(new_id)
        if old_id in migration.dropped or question is None:
            reason = f"Question {old_id} is no longer asked in version {current.version}."
            dropped.append(
                DroppedAnswer(question_id=old_id, value=json_value(value), reason=reason)
            )
            continue
        key_map = migration.choice_keys.get(old_id, {})
        if isinstance(value, list):
            value = [key_map.get(key, key) for key in value]
        elif isinstance(value, str):
            value = key_map.get(value, value)
        try:
            normalised = normalise_answer(question, value)
        except AnswerRejected as exc:
            reason = (
                f"The answer does not fit question {new_id} of version {current.version}: {exc}"
            )
            dropped.append(
                DroppedAnswer(question_id=old_id, value=json_value(value), reason=reason)
            )
            continue
        if normalised is not None:
            carried[new_id] = normalised
            renamed[old_id] = new_id
    visible = visible_question_ids(current, carried)
    for old_id, new_id in list(renamed.items()):
        if new_id not in visible:
            reason = (
                f"Question {new_id} is not asked in version {current.version} with these answers."
            )
            dropped.append(
                DroppedAnswer(
                    question_id=old_id, value=json_value(carried.pop(new_id)), reason=reason
                )
            )
            del renamed[old_id]
    return MigrationResult(answers=carried, renamed=renamed, dropped=dropped)
