"""The condition language: safe data, evaluated against visible answers only."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from questionnaires import Condition, describe_condition, visible_question_ids
from questionnaires.conditions import holds


def condition(**data) -> Condition:
    return Condition.model_validate(data)


@pytest.mark.parametrize(
    ("rule", "answers", "expected"),
    [
        ({"question": "A1", "in": ["yes", "partly"]}, {"A1": "partly"}, True),
        ({"question": "A1", "in": ["yes", "partly"]}, {"A1": "no"}, False),
        ({"question": "A1", "in": ["yes"]}, {}, False),
        ({"question": "A1", "not_in": ["no"]}, {"A1": "yes"}, True),
        ({"question": "A1", "not_in": ["no"]}, {}, False),
        ({"question": "D1", "in": ["public_forces"]}, {"D1": ["in_house", "public_forces"]}, True),
        ({"question": "D1", "in": ["public_forces"]}, {"D1": ["in_house"]}, False),
        ({"question": "B2", "at_least": 1}, {"B2": 3}, True),
        ({"question": "B2", "at_least": 1}, {"B2": 0}, False),
        ({"question": "B2", "at_least": 1}, {"B2": "7"}, False),
        ({"question": "F2", "answered": True}, {"F2": "https://example.org"}, True),
        ({"question": "F2", "answered": False}, {"F2": ""}, True),
        ({"all": [{"question": "A1", "in": ["yes"]}, {"question": "B2", "at_least": 1}]},
         {"A1": "yes", "B2": 0}, False),
        ({"any": [{"question": "A1", "in": ["yes"]}, {"question": "B2", "at_least": 1}]},
         {"A1": "no", "B2": 2}, True),
        ({"not": {"question": "A1", "in": ["no"]}}, {"A1": "yes"}, True),
    ],
)  # fmt: skip
def test_conditions_evaluate(rule, answers, expected):
    assert holds(condition(**rule), answers) is expected


@pytest.mark.parametrize(
    "rule",
    [
        {"question": "A1"},
        {"question": "A1", "in": ["yes"], "answered": True},
        {"question": "A1", "equals": "yes"},
        {"all": []},
        {"all": [{"question": "A1", "in": ["yes"]}], "question": "A1"},
        {"question": "A1", "in": []},
        {"question": "a1", "in": ["yes"]},
        {"question": "A1", "in": ["Not a key"]},
    ],
)
def test_malformed_conditions_are_refused(rule):
    with pytest.raises(ValidationError):
        condition(**rule)


def test_condition_serialises_in_its_written_form():
    rule = condition(
        any=[{"question": "A1", "in": ["yes"]}, {"not": {"question": "B2", "at_least": 2}}]
    )
    assert rule.model_dump(mode="json") == {
        "any": [{"question": "A1", "in": ["yes"]}, {"not": {"question": "B2", "at_least": 2.0}}]
    }


def test_hidden_question_hides_its_dependants(company):
    answers = {"D1": ["none"], "D6": "yes", "F7": "no", "F8": "2024-01-01"}
    visible = visible_question_ids(company, answers)
    assert {"D2", "D3", "D4", "D5", "D6", "D7", "F8", "F10"}.isdisjoint(visible)
    assert {"D1", "D8", "F7", "F9"} <= visible


def test_answers_open_the_chain(company):
    answers = {"D1": ["private_contractors"], "D6": "partly"}
    visible = visible_question_ids(company, answers)
    assert {"D2", "D3", "D5", "D6", "D7"} <= visible
    assert "D4" not in visible


def test_condition_in_words(company):
    assert describe_condition(company.question("A2").show_if, company) == "A1 is Yes or Partly"
    assert describe_condition(company.question("B3").show_if, company) == "B2 is at least 1"
    assert (
        describe_condition(company.question("D4").show_if, company, "fr")
        == 'D1 est "Police ou armée affectées à nos sites"'  # quoted: the label holds "ou"
    )
