"""All questionnaire versions, loaded and checked once at start; any broken file stops the start.

Definitions live in `<directory>/<key>/<version>.yaml`, their translations beside them in
`<version>.translations.yaml` (see `questionnaires.translations`). A version listed in the lock
file (`published.json`) is published and immutable; other versions are drafts, served only when
`include_drafts` is set (for authoring and tests).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel

from questionnaires.conditions import AnswerValue
from questionnaires.errors import (
    DefinitionError,
    DefinitionProblem,
    PublishedVersionChanged,
    QuestionnaireError,
    UnknownQuestionnaire,
)
from questionnaires.loader import load_definition
from questionnaires.migration import (
    DroppedAnswer,
    MigrationResult,
    migrate_answers,
    migration_problems,
)
from questionnaires.model import Questionnaire
from questionnaires.phrases import Phrase
from questionnaires.publication import LOCK_FILE, check_unchanged, content_hash, read_lock
from questionnaires.translations import definition_path, is_translations_file

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


class QuestionnaireSummary(BaseModel):
    """One questionnaire in a listing: its latest version and every version still readable."""

    key: str
    version: int
    title: dict[str, str]
    organisation_kind: str
    versions: list[int]
    content_hash: str
    published: bool


class QuestionnaireRegistry:
    """The loaded definitions, by key and version."""

    def __init__(
        self, definitions: Mapping[tuple[str, int], Questionnaire], published: set[tuple[str, int]]
    ):
        self._definitions = dict(sorted(definitions.items()))
        self._published = set(published)

    def keys(self) -> list[str]:
        return sorted({key for key, _ in self._definitions})

    def versions(self, key: str) -> list[int]:
        found = [version for k, version in self._definitions if k == key]
        if not found:
            raise UnknownQuestionnaire(Phrase("There is no questionnaire '%(key)s'.", key=key))
        return found

    def get(self, key: str, version: int | None = None) -> Questionnaire:
        """A version of a questionnaire; without a version, the latest."""
        versions = self.versions(key)
        chosen = versions[-1] if version is None else version
        if (key, chosen) not in self._definitions:
            raise UnknownQuestionnaire(
                Phrase(
                    "Questionnaire '%(key)s' has no version %(version)s; versions: %(versions)s.",
                    key=key,
                    version=chosen,
                    versions=", ".join(map(str, versions)),
                )
            )
        return self._definitions[(key, chosen)]

    def is_published(self, key: str, version: int) -> bool:
        return (key, version) in self._published

    def list(self) -> list[QuestionnaireSummary]:
        """Every questionnaire with its latest version."""
        summaries = []
        for key in self.keys():
            latest = self.get(key)
            summaries.append(
                QuestionnaireSummary(
                    key=key,
                    version=latest.version,
                    title=latest.title,
                    organisation_kind=latest.organisation_kind,
                    versions=self.versions(key),
                    content_hash=content_hash(latest),
                    published=self.is_published(key, latest.version),
                )
            )
        return summaries

    def migrate(
        self,
        key: str,
        answers: Mapping[str, AnswerValue],
        *,
        from_version: int,
        to_version: int | None = None,
    ) -> MigrationResult:
        """Carry answers across every version between `from_version` and `to_version` (latest)."""
        target = self.get(key, to_version).version
        self.get(key, from_version)
        if from_version > target:
            raise QuestionnaireError(
                f"Answers to version {from_version} cannot be carried back to version {target}."
            )
        steps = [v for v in self.versions(key) if from_version <= v <= target]
        carried = dict(answers)
        renamed = {question_id: question_id for question_id in answers}
        dropped: list[DroppedAnswer] = []
        for previous, current in itertools.pairwise(steps):
            step = migrate_answers(self.get(key, previous), self.get(key, current), carried)
            renamed = {
                old: step.renamed[mid] for old, mid in renamed.items() if mid in step.renamed
            }
            dropped += step.dropped
            carried = step.answers
        return MigrationResult(answers=carried, renamed=renamed, dropped=dropped)


def load_registry(
    directory: Path = DEFINITIONS_DIR,
    *,
    lock_path: Path | None = None,
    include_drafts: bool = False,
) -> QuestionnaireRegistry:
    """Load and check every definition under `directory`; raise on the first broken file."""
    lock_path = lock_path or directory / LOCK_FILE
    lock = read_lock(lock_path)
    definitions: dict[tuple[str, int], Questionnaire] = {}
    for path in sorted(directory.glob("*/*.yaml")):
        if is_translations_file(path):
            continue
        definition = load_definition(path)
        expected = (path.parent.name, path.stem)
        if (definition.key, str(definition.version)) != expected:
            raise DefinitionError(
                [
                    DefinitionProblem(
                        None,
                        f"the file says key '{definition.key}' version {definition.version}; "
                        f"it must be stored as {definition.key}/{definition.version}.yaml",
                    )
                ],
                str(path),
            )
        recorded = lock.get((definition.key, definition.version))
        if recorded is not None:
            check_unchanged(definition, recorded, str(path))
        if recorded is not None or include_drafts:
            definitions[(definition.key, definition.version)] = definition
    missing = sorted(set(lock) - set(definitions))
    if missing:
        names = ", ".join(f"{key}/{version}.yaml" for key, version in missing)
        raise PublishedVersionChanged(
            f"{lock_path}: published versions are missing from {directory}: {names}. "
            "Published versions must stay readable; restore the files."
        )
    for stray in directory.glob("*/*.yaml"):
        if is_translations_file(stray) and not definition_path(stray).exists():
            problem = DefinitionProblem(None, f"there is no {definition_path(stray).name}")
            raise DefinitionError([problem], str(stray))
    _check_migrations(definitions, directory)
    return QuestionnaireRegistry(definitions, set(lock))


def _check_migrations(
    definitions: Mapping[tuple[str, int], Questionnaire], directory: Path
) -> None:
    by_key: dict[str, list[Questionnaire]] = {}
    for (key, _), definition in sorted(definitions.items()):
        by_key.setdefault(key, []).append(definition)
    for key, versions in by_key.items():
        for previous, current in itertools.pairwise(versions):
            problems = migration_problems(previous, current)
            if problems:
                raise DefinitionError(problems, str(directory / key / f"{current.version}.yaml"))


@functools.cache
def default_registry() -> QuestionnaireRegistry:
    """The published questionnaires shipped with the package (loaded once per process)."""
    return load_registry()
