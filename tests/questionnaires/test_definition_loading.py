"""A broken definition fails at load, naming the file, the question and the problem."""

from __future__ import annotations

import pytest

from questionnaires import DefinitionError, load_registry
from questionnaires.loader import load_definition, parse_definition


def _broken(write_definition, definition, change) -> DefinitionError:
    change(definition)
    path = write_definition(definition)
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    assert str(path) in str(caught.value)
    return caught.value


def _questions(definition: dict) -> list[dict]:
    return definition["sections"][0]["questions"]


def test_small_definition_is_valid(write_definition, small_definition):
    loaded = load_definition(write_definition(small_definition))
    assert [q.id for q in loaded.questions] == ["A1", "A2", "A3"]
    assert loaded.question("A2").section == "A"


def test_duplicate_question_id(write_definition, small_definition):
    error = _broken(write_definition, small_definition, lambda d: _questions(d)[2].update(id="A2"))
    assert [(p.question_id, p.message) for p in error.problems] == [
        ("A2", "this id is used more than once")
    ]


def test_condition_on_unknown_question(write_definition, small_definition):
    def change(d):
        _questions(d)[1]["show_if"] = {"question": "A9", "in": ["yes"]}

    error = _broken(write_definition, small_definition, change)
    assert error.problems[0].question_id == "A2"
    assert "A9, an unknown question" in error.problems[0].message


def test_condition_on_a_later_question(write_definition, small_definition):
    def change(d):
        _questions(d)[0]["show_if"] = {"question": "A3", "at_least": 1}

    error = _broken(write_definition, small_definition, change)
    assert "question A1: show_if refers to A3, a later question" in str(error)


def test_choice_question_without_choices(write_definition, small_definition):
    error = _broken(write_definition, small_definition, lambda d: _questions(d)[1].pop("choices"))
    assert error.problems[0].question_id == "A2"
    assert "needs at least two choices" in error.problems[0].message


def test_condition_value_that_the_question_does_not_offer(write_definition, small_definition):
    def change(d):
        _questions(d)[1]["show_if"] = {"question": "A1", "in": ["maybe"]}

    error = _broken(write_definition, small_definition, change)
    assert "maybe, which A1 does not offer" in str(error)


def test_at_least_on_a_choice_question(write_definition, small_definition):
    def change(d):
        _questions(d)[2]["show_if"] = {"question": "A1", "at_least": 1}

    assert "not a number question" in str(_broken(write_definition, small_definition, change))


def test_malformed_condition_is_explained(write_definition, small_definition):
    def change(d):
        _questions(d)[1]["show_if"] = {"question": "A1", "in": ["yes"], "answered": True}

    error = _broken(write_definition, small_definition, change)
    assert error.problems[0].question_id == "A2"
    assert "write a condition as" in error.problems[0].message


def test_missing_english_text(write_definition, small_definition):
    error = _broken(
        write_definition,
        small_definition,
        lambda d: _questions(d)[2].update(text={"es": "¿Cuántos?"}),
    )
    assert error.problems[0].question_id == "A3"
    assert "English text (en) is required" in error.problems[0].message


def test_every_problem_of_a_file_is_reported(write_definition, small_definition):
    def change(d):
        _questions(d)[1].pop("choices")
        _questions(d)[2]["norms"] = []

    error = _broken(write_definition, small_definition, change)
    assert {p.question_id for p in error.problems} == {"A2", "A3"}


def test_yes_and_no_stay_strings_in_yaml():
    text = """
key: sample
version: 1
organisation_kind: company
title: Sample
intro: Sample.
sections:
  - id: A
    title: T
    intro: I
    questions:
      - {id: A1, text: Q, guidance: G, norms: [UNGP 16], type: yes_partly_no}
      - id: A2
        text: Q
        guidance: G
        norms: [UNGP 16]
        type: text
        show_if: {question: A1, in: [yes, no]}
"""
    definition = parse_definition(text, "inline.yaml")
    assert definition.question("A2").show_if.in_ == ("yes", "no")


def test_a_key_written_twice_is_refused():
    with pytest.raises(DefinitionError, match="written twice"):
        parse_definition("key: a\nkey: b\n", "twice.yaml")


def test_file_must_be_stored_under_its_key_and_version(write_definition, small_definition):
    path = write_definition(small_definition)
    path.rename(path.with_name("2.yaml"))
    with pytest.raises(DefinitionError, match=r"must be stored as sample/1\.yaml"):
        load_registry(path.parent.parent, include_drafts=True)
