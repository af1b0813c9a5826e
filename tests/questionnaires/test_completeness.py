"""Progress per section and the list of what blocks submission."""

from __future__ import annotations

from questionnaires import missing_before_submit, progress


def _section(report, section_id):
    return next(s for s in report.sections if s.section_id == section_id)


def test_progress_counts_required_visible_questions(company):
    empty = progress(company, {}, high_risk=False)
    assert _section(empty, "A").required_total == 6
    assert _section(empty, "A").required_answered == 0
    assert empty.percent == 0
    started = progress(company, {"A1": "yes", "A4": "no"}, high_risk=False)
    assert _section(started, "A").required_total == 9
    assert _section(started, "A").required_answered == 2
    assert _section(started, "A").answered == 2
    assert 0 < started.percent < 100


def test_high_risk_context_makes_more_questions_required(company):
    answers = {"C2": "yes", "D1": ["private_contractors"], "D6": "yes"}
    normal = progress(company, answers, high_risk=False)
    high = progress(company, answers, high_risk=True)
    assert _section(high, "B").required_total == _section(normal, "B").required_total + 1
    assert _section(high, "C").required_total == _section(normal, "C").required_total + 1
    assert _section(high, "D").required_total == _section(normal, "D").required_total + 1


def test_missing_lists_answers_high_risk_answers_and_evidence(company):
    answers = {"A1": "yes", "A4": "no", "A6": "nobody_named", "B2": 0, "F7": "partly"}
    missing = missing_before_submit(company, answers, high_risk=True, evidence={})
    by_question = {(item.question_id, item.kind) for item in missing}
    assert ("A2", "answer") in by_question
    assert ("B10", "high_risk_answer") in by_question
    assert ("A1", "evidence") in by_question
    assert ("F10", "evidence") in by_question
    assert not {("A4", "evidence"), ("A6", "evidence"), ("B3", "answer")} & by_question
    assert ("B10", "high_risk_answer") not in {
        (item.question_id, item.kind)
        for item in missing_before_submit(company, answers, high_risk=False)
    }


def test_attached_evidence_and_file_answers_satisfy_evidence(company):
    answers = {"A1": "yes", "F7": "yes", "F10": "ev-42"}
    missing = missing_before_submit(
        company, answers, high_risk=False, evidence={"A1": ["https://example.org/policy"]}
    )
    kinds = {(item.question_id, item.kind) for item in missing}
    assert ("A1", "evidence") not in kinds
    assert ("F10", "evidence") not in kinds
    assert ("F8", "answer") in kinds


def test_choice_specific_evidence(company):
    missing = missing_before_submit(company, {"A6": "ceo"}, high_risk=False)
    evidence = [item for item in missing if item.kind == "evidence"]
    assert [item.question_id for item in evidence] == ["A6"]
    assert evidence[0].message.startswith("Attach evidence for question A6: Terms of reference")


def test_a_complete_assessment_has_nothing_missing(financial_institution):
    answers = {}
    for question in financial_institution.questions:
        if question.required or question.high_risk_mandatory:
            answers[question.id] = "no" if question.type == "yes_partly_no" else None
    answers = {
        **{k: v for k, v in answers.items() if v},
        "A6": "nobody_named",
        "B4": 10.0,
        "F3": 0,
        "G2": ["private_dialogue"],
        "G9": "no_case",
        "G10": "no_listed_equity",
    }
    missing = missing_before_submit(
        financial_institution, answers, high_risk=True, evidence={"G2": ["ev-1"]}
    )
    assert missing == []
    assert progress(financial_institution, answers, high_risk=True).percent == 100
