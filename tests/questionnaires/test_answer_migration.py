"""Answers to an older version stay readable and migrate by the declared map."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from questionnaires import DefinitionError, QuestionnaireError, load_registry
from questionnaires.loader import load_definition
from questionnaires.publication import publish

PILOT = Path(__file__).parent / "fixtures" / "pilot"


@pytest.fixture
def pilot_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "definitions"
    shutil.copytree(PILOT, directory / "pilot")
    for version in (1, 2):
        publish(
            load_definition(directory / "pilot" / f"{version}.yaml"), directory / "published.json"
        )
    return directory


def test_every_published_version_stays_readable(pilot_dir):
    registry = load_registry(pilot_dir)
    assert registry.versions("pilot") == [1, 2]
    assert registry.get("pilot").version == 2
    assert registry.get("pilot", 1).question("A4") is not None


def test_answers_are_carried_to_the_next_version(pilot_dir):
    registry = load_registry(pilot_dir)
    old_answers = {
        "A1": "yes",
        "A2": "ceo",
        "A3": "Covers all sites and suppliers.",
        "A4": ["women"],
        "B1": 1,
        "B2": "yes",
    }
    result = registry.migrate("pilot", old_answers, from_version=1)
    assert result.answers == {
        "A1": "yes",
        "A2": "chief_executive",
        "A7": "Covers all sites and suppliers.",
        "B1": 1,
    }
    assert result.renamed == {"A1": "A1", "A2": "A2", "A3": "A7", "B1": "B1"}
    reasons = {dropped.question_id: dropped.reason for dropped in result.dropped}
    assert set(reasons) == {"A4", "B2"}
    assert "no longer asked in version 2" in reasons["A4"]
    assert "not asked in version 2 with these answers" in reasons["B2"]


def test_unchanged_version_keeps_answers(pilot_dir):
    registry = load_registry(pilot_dir)
    result = registry.migrate("pilot", {"A1": "no"}, from_version=2)
    assert result.answers == {"A1": "no"}
    assert result.dropped == []


def test_a_question_lost_without_declaration_is_refused(pilot_dir):
    path = pilot_dir / "pilot" / "2.yaml"
    path.write_text(path.read_text().replace("  dropped: [A4]\n", ""))
    _publish_only_version_1(pilot_dir)
    with pytest.raises(DefinitionError) as caught:
        load_registry(pilot_dir, include_drafts=True)
    assert str(path) in str(caught.value)
    assert "question A4: version 2 has no question with this id" in str(caught.value)


def test_a_choice_map_to_unknown_keys_is_refused(pilot_dir):
    path = pilot_dir / "pilot" / "2.yaml"
    path.write_text(path.read_text().replace("nobody: nobody_named", "nobody: no_one"))
    _publish_only_version_1(pilot_dir)
    with pytest.raises(DefinitionError, match="maps to unknown keys"):
        load_registry(pilot_dir, include_drafts=True)


def _publish_only_version_1(directory: Path) -> None:
    """Leave version 2 a draft, so that editing it is allowed."""
    lock = directory / "published.json"
    lock.unlink()
    publish(load_definition(directory / "pilot" / "1.yaml"), lock)


def test_answers_are_never_carried_back(pilot_dir):
    with pytest.raises(QuestionnaireError, match="cannot be carried back"):
        load_registry(pilot_dir).migrate("pilot", {"A1": "no"}, from_version=2, to_version=1)
