"""Read a definition file into a validated `Questionnaire`, or fail naming file, question, problem.

YAML is read with a strict loader: only true/false are booleans (so the choice keys yes and no
stay strings) and a key written twice in one mapping is an error rather than silently replaced.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from questionnaires.errors import DefinitionError, DefinitionProblem
from questionnaires.model import Questionnaire
from questionnaires.translations import merge_translations, translations_path

_BOOL_TAG = "tag:yaml.org,2002:bool"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and no duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{key}' is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _read_yaml(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise DefinitionError([DefinitionProblem(None, f"not valid YAML: {exc}")], source) from exc
    if not isinstance(data, dict):
        raise DefinitionError([DefinitionProblem(None, "the file must hold a mapping")], source)
    return data


def parse_definition(
    text: str, source: str, *, translations: str | None = None, translations_source: str = ""
) -> Questionnaire:
    """Validate the YAML text of a definition, with the YAML text of its translations if any;
    `source` and `translations_source` name them in error messages."""
    data = _read_yaml(text, source)
    if translations is not None:
        where = translations_source or f"{source} (translations)"
        problems = merge_translations(data, _read_yaml(translations, where))
        if problems:
            raise DefinitionError(problems, where)
    try:
        return Questionnaire.model_validate(data)
    except DefinitionError as exc:
        raise exc.with_source(source) from None
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = [_problem(data, error) for error in errors if not _echo(error, errors)]
        raise DefinitionError(problems, source) from None


def load_definition(path: Path) -> Questionnaire:
    """Load one definition file, with its translations file beside it when there is one."""
    beside = translations_path(path)
    return parse_definition(
        path.read_text(encoding="utf-8"),
        str(path),
        translations=beside.read_text(encoding="utf-8") if beside.exists() else None,
        translations_source=str(beside),
    )


def _echo(error: Any, errors: list[Any]) -> bool:
    """A container reported too short only because its own items failed: not a real problem."""
    location = tuple(error["loc"])
    return error["type"] == "too_short" and any(
        tuple(other["loc"])[: len(location)] == location and len(other["loc"]) > len(location)
        for other in errors
    )


def _problem(data: dict[str, Any], error: Any) -> DefinitionProblem:
    """Turn a pydantic error into a problem naming the question the location points into."""
    location = list(error["loc"])
    question_id = None
    node: Any = data
    path: list[str] = []
    for step in location:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(node, dict) and "questions" not in node and isinstance(node.get("id"), str):
            question_id = node["id"]
            path = []
        elif not isinstance(step, int):
            path.append(str(step))
    where = ".".join(path)
    message = error["msg"].removeprefix("Value error, ")
    if question_id is None:
        where = ".".join(str(step) for step in location)
    return DefinitionProblem(question_id, f"{where}: {message}" if where else message)
