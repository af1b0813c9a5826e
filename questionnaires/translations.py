"""Translations of a definition, kept beside it in `<version>.translations.yaml`.

The English definition (`<version>.yaml`) is the normative text and the only one the content
hash covers, so translators work in their own file and a published version stays valid while
its translations are added or corrected. The file mirrors the definition by id:

    title: {es: ..., fr: ...}
    intro: {es: ..., fr: ...}
    sections:
      A: {title: {es: ..., fr: ...}, intro: {es: ..., fr: ...}}
    questions:
      A1:
        text: {es: ..., fr: ...}
        guidance: {es: ..., fr: ...}
        evidence: {es: ..., fr: ...}        # the evidence description
        choices: {own_operations: {es: ..., fr: ...}}

Every entry must name something the definition has, in a language other than English, and may
not repeat a translation written inline in the definition.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from questionnaires.errors import DefinitionProblem
from questionnaires.model import LANGUAGES, Questionnaire

TRANSLATIONS_SUFFIX = ".translations.yaml"
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != "en")


def translations_path(definition_path: Path) -> Path:
    """Where the translations of a definition file live."""
    return definition_path.with_name(definition_path.stem + TRANSLATIONS_SUFFIX)


def definition_path(translations_file: Path) -> Path:
    """The definition file a translations file belongs to."""
    return translations_file.with_name(
        translations_file.name.removesuffix(TRANSLATIONS_SUFFIX) + ".yaml"
    )


def is_translations_file(path: Path) -> bool:
    return path.name.endswith(TRANSLATIONS_SUFFIX)


def merge_translations(data: dict[str, Any], translations: Any) -> list[DefinitionProblem]:
    """Add the translations to the raw definition `data` in place; return what does not fit."""
    if not isinstance(translations, dict):
        return [DefinitionProblem(None, "translations: the file must hold a mapping")]
    problems: list[DefinitionProblem] = []
    targets = dict(_targets(data))
    for where, question_id, texts in _entries(translations, problems):
        target = targets.get(where)
        if target is None:
            problems.append(
                DefinitionProblem(question_id, f"{where}: the definition has no such text")
            )
            continue
        if not isinstance(texts, dict):
            problems.append(DefinitionProblem(question_id, f"{where}: give {{language: text}}"))
            continue
        owner, field = target
        current = owner.get(field)
        current = {"en": current} if isinstance(current, str) else dict(current or {})
        for lang, text in texts.items():
            if lang not in TRANSLATED:
                problems.append(
                    DefinitionProblem(
                        question_id, f"{where}: '{lang}' is not a translation language"
                    )
                )
            elif lang in current:
                problems.append(
                    DefinitionProblem(question_id, f"{where}: {lang} is also written inline")
                )
            elif not isinstance(text, str):
                problems.append(DefinitionProblem(question_id, f"{where}.{lang}: not a text"))
            else:
                current[lang] = text
        owner[field] = current
    return problems


def missing_translations(
    definition: Questionnaire, languages: tuple[str, ...] = TRANSLATED
) -> list[str]:
    """Every text of `definition` lacking a language, as 'A1.text: fr'; empty when complete."""
    found = []
    for where, text in _texts(definition):
        found += [f"{where}: {lang}" for lang in languages if not text.get(lang, "").strip()]
    return found


def _texts(definition: Questionnaire) -> Iterator[tuple[str, Mapping[str, str]]]:
    yield "title", definition.title
    yield "intro", definition.intro
    for section in definition.sections:
        yield f"sections.{section.id}.title", section.title
        yield f"sections.{section.id}.intro", section.intro
        for question in section.questions:
            yield f"{question.id}.text", question.text
            yield f"{question.id}.guidance", question.guidance
            if question.evidence.description:
                yield f"{question.id}.evidence", question.evidence.description
            for choice in question.choices:
                yield f"{question.id}.choices.{choice.key}", choice.label


def _targets(data: dict[str, Any]) -> Iterator[tuple[str, tuple[dict[str, Any], str]]]:
    """Each translatable text of the raw definition: its address and (mapping, field)."""
    yield "title", (data, "title")
    yield "intro", (data, "intro")
    for section in _dicts(data.get("sections")):
        yield f"sections.{section.get('id')}.title", (section, "title")
        yield f"sections.{section.get('id')}.intro", (section, "intro")
        for question in _dicts(section.get("questions")):
            qid = question.get("id")
            yield f"{qid}.text", (question, "text")
            yield f"{qid}.guidance", (question, "guidance")
            evidence = question.get("evidence")
            if isinstance(evidence, dict) and "description" in evidence:
                yield f"{qid}.evidence", (evidence, "description")
            for choice in _dicts(question.get("choices")):
                yield f"{qid}.choices.{choice.get('key')}", (choice, "label")


def _entries(
    translations: dict[str, Any], problems: list[DefinitionProblem]
) -> Iterator[tuple[str, str | None, Any]]:
    """(address, question id, {lang: text}) for every entry of a translations file."""
    for key in ("title", "intro"):
        if key in translations:
            yield key, None, translations[key]
    for section_id, fields in _items(translations.get("sections")):
        for field, texts in _items(fields):
            yield f"sections.{section_id}.{field}", None, texts
    for question_id, fields in _items(translations.get("questions")):
        for field, texts in _items(fields):
            if field == "choices":
                for key, labels in _items(texts):
                    yield f"{question_id}.choices.{key}", question_id, labels
            else:
                yield f"{question_id}.{field}", question_id, texts
    unknown = sorted(set(translations) - {"title", "intro", "sections", "questions"})
    if unknown:
        problems.append(DefinitionProblem(None, f"translations: unknown keys {unknown}"))


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _items(value: Any) -> list[tuple[str, Any]]:
    return [(str(key), item) for key, item in value.items()] if isinstance(value, dict) else []
