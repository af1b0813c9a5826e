"""Answers are checked by type, choice, condition and length; every problem is reported."""

from __future__ import annotations

import pytest

from questionnaires import AnswerRejected, apply_patch, check_answers, normalise_answer


def test_valid_answers_are_stored_in_canonical_form(company):
    check = check_answers(
        company,
        {
            "A1": " Yes ",
            "A2": ["suppliers_tier1", "own_operations", "own_operations"],
            "A9": "2024-03-31",
            "B2": "3",
            "B3": "partly",
            "F1": "yes",
            "F2": "https://example.org/report.pdf",
            "F3": 2.0,
            "F4": 4.5,
            "C4": None,
        },
    )
    assert check.problems == []
    assert check.answers == {
        "A1": "yes",
        "A2": ["own_operations", "suppliers_tier1"],
        "A9": "2024-03-31",
        "B2": 3,
        "B3": "partly",
        "F1": "yes",
        "F2": "https://example.org/report.pdf",
        "F3": 2,
        "F4": 4.5,
    }


def test_a_partial_save_is_not_a_problem(company):
    assert check_answers(company, {}).problems == []
    assert check_answers(company, {"E1": "no"}).problems == []


def test_every_problem_is_reported_at_once(company):
    answers = {
        "Z9": "yes",
        "A1": "sometimes",
        "A2": "own_operations",
        "B2": "12 sites",
        "A9": "31/03/2024",
        "F1": "yes",
        "F2": "ftp://example.org/report",
        "E12": "x" * 10,
        "F9": "x" * 3001,
        "E5": 1000,
        "B8": "tier_one",
    }
    problems = {
        problem.question_id: problem for problem in check_answers(company, answers).problems
    }
    assert set(problems) == {"Z9", "A1", "A2", "B2", "A9", "F2", "E12", "F9", "E5", "B8"}
    assert "no question Z9 in company version 1" in problems["Z9"].message
    assert "choose one of: yes, partly, no" in problems["A1"].message
    assert "list of option keys" in problems["A2"].message
    assert "plain number" in problems["B2"].message
    assert "YYYY-MM-DD" in problems["A9"].message
    assert "https://" in problems["F2"].message
    assert (
        'E11 is "Yes, all cases are concluded or withdrawn" or "Yes, at' in problems["E12"].message
    )
    assert "shorten it to 3000" in problems["F9"].message
    assert "at most 720" in problems["E5"].message
    assert problems["B2"].value == "12 sites"


@pytest.mark.parametrize(
    ("question_id", "raw", "message"),
    [
        ("B2", True, "Type a number"),
        ("B2", 2.5, "whole number"),
        ("B2", -1, "at least 0"),
        ("B2", float("nan"), "finite"),
        ("A9", "2024-02-30", "not a real date"),
        ("A9", 20240101, "YYYY-MM-DD"),
        ("F10", "../etc/passwd", "evidence item"),
        ("E12", "bell\x07", "control characters"),
        ("F2", "https://exa mple.org", "without spaces"),
        ("B4", ["women", "men"], "men is not among the options"),
    ],
)
def test_wrong_values_are_rejected_with_a_reason(company, question_id, raw, message):
    with pytest.raises(AnswerRejected, match=message):
        normalise_answer(company.question(question_id), raw)


def test_patch_merges_clears_and_keeps_order(company):
    current = {"A1": "yes", "A2": ["own_operations"], "A9": "2023-01-01", "B1": "no"}
    result = apply_patch(company, current, {"A4": "yes", "B1": None})
    assert result.problems == []
    assert result.answers == {
        "A1": "yes",
        "A2": ["own_operations"],
        "A4": "yes",
        "A9": "2023-01-01",
    }


def test_patch_that_hides_questions_clears_their_answers(company):
    current = {"A1": "yes", "A2": ["own_operations"], "A3": "partly", "A9": "2023-01-01"}
    result = apply_patch(company, current, {"A1": "no"})
    assert result.problems == []
    assert result.answers == {"A1": "no"}
    assert result.cleared == ["A2", "A3", "A9"]


def test_patch_with_a_problem_saves_nothing(company):
    current = {"A1": "no"}
    result = apply_patch(company, current, {"A4": "yes", "A2": ["own_operations"]})
    assert [problem.question_id for problem in result.problems] == ["A2"]
    assert "asked only when A1 is Yes or Partly" in result.problems[0].message
    assert result.answers == current
