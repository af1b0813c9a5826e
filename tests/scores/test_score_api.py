"""The score of a stored assessment: built from answers and reviewed evidence, served by the API
(provisional until approval) and shown on the assessment overview."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from compliance import db
from compliance.assessments.models import Assessment, Evidence, EvidenceReview
from compliance.clock import now
from compliance.scores import service as score_service
from compliance.scores.models import ScorePublic
from scoring import EvidenceLevel, inputs_hash
from tests.assessments.support import certifiable_answers
from tests.conftest import World, sign_in


def _start(client: FlaskClient, world: World, who: str = "company_a", key: str = "company") -> int:
    answer = client.post(
        "/api/v1/assessments", json={"questionnaire_key": key}, headers=world[who].headers
    )
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def _score(client: FlaskClient, world: World, assessment_id: int, who: str = "company_a"):
    return client.get(f"/api/v1/assessments/{assessment_id}/score", headers=world[who].headers)


def _a1(client: FlaskClient, world: World, assessment_id: int) -> dict:
    return next(
        i
        for i in _score(client, world, assessment_id).json["indicators"]
        if i["question_id"] == "A1"
    )


def _set_review(app: Flask, review: EvidenceReview) -> None:
    with db.session_scope(app) as session:
        session.execute(sa.update(Evidence).values(review=review))
        session.commit()


def test_a_new_assessment_has_a_provisional_score_with_every_gap(client, world: World) -> None:
    assessment_id = _start(client, world)
    answer = _score(client, world, assessment_id)
    assert answer.status_code == 200
    body = answer.json
    assert set(body) == set(ScorePublic.model_fields)
    assert body["provisional"] is True and body["assessment_status"] == "draft"
    assert body["total"] == 0 and body["tier"] == "not_certified"
    assert body["methodology_id"] == "hrd-sentinel-method" and body["questionnaire"] == "company/1"
    assert len(body["inputs_hash"]) == 64 and body["as_of"] == now().date().isoformat()
    assert any(
        gap["question_id"] == "A1" and gap["kind"] == "required" for gap in body["data_gaps"]
    )
    assert body["next_tier"]["target"] == "conditional" and body["next_tier"]["steps"]
    assert {c["red_flag_id"] for c in body["caps"]} == {"no_zero_tolerance"}


def test_financial_institutions_are_scored_with_their_own_weights(client, world: World) -> None:
    assessment_id = _start(client, world, "investor", "financial_institution")
    body = _score(client, world, assessment_id, "investor").json
    assert [s["section_id"] for s in body["sections"]] == list("ABEFG")
    assert body["questionnaire"] == "financial_institution/1"


def test_only_the_organisation_and_reviewers_see_the_score(client, world: World) -> None:
    assessment_id = _start(client, world)
    assert _score(client, world, assessment_id, "reviewer").status_code == 200
    assert _score(client, world, assessment_id, "company_b").status_code == 404
    assert _score(client, world, assessment_id, "ngo").status_code == 404
    assert client.get(f"/api/v1/assessments/{assessment_id}/score").status_code == 401


def test_evidence_counts_as_the_reviewer_judged_it(app: Flask, client, world: World) -> None:
    assessment_id = _start(client, world)
    headers = world["company_a"].headers
    client.patch(
        f"/api/v1/assessments/{assessment_id}/answers",
        json={"answers": {"A1": "yes"}},
        headers=headers,
    )
    assert _a1(client, world, assessment_id)["earned"] == 0.5
    link = client.post(
        f"/api/v1/assessments/{assessment_id}/evidence/links",
        json={"url": "https://example.org/policy", "question_id": "A1"},
        headers=headers,
    )
    assert link.status_code == 201
    pending = _a1(client, world, assessment_id)
    assert pending["evidence_level"] == "documented" and pending["earned"] == 1.5
    _set_review(app, EvidenceReview.verified)
    assert _a1(client, world, assessment_id)["earned"] == 2.0
    _set_review(app, EvidenceReview.rejected)
    rejected = _a1(client, world, assessment_id)
    assert rejected["earned"] == 0.5 and rejected["evidence"] == []


def test_the_inputs_hash_recomputes_from_the_stored_facts(app: Flask, client, world: World) -> None:
    assessment_id = _start(client, world)
    client.patch(
        f"/api/v1/assessments/{assessment_id}/answers",
        json={"answers": {"A1": "partly", "B2": 2}},
        headers=world["company_a"].headers,
    )
    with db.session_scope(app) as session:
        assessment = session.get(Assessment, assessment_id)
        as_of = date(2025, 6, 30)
        result = score_service.score_assessment(session=session, assessment=assessment, as_of=as_of)
        facts = score_service.assessment_facts(session=session, assessment=assessment)
        assert result.inputs_hash == inputs_hash(facts, score_service.rules(), as_of)
        assert (
            score_service.incident_facts_for(
                session=session, organisation_id=assessment.organisation_id
            )
            == []
        )
    hidden = {q.question_id: q for q in facts.questions}
    assert hidden["B3"].visible and hidden["A3"].visible and not hidden["C3"].visible
    assert score_service.EVIDENCE_LEVELS[EvidenceReview.pending] is EvidenceLevel.DOCUMENTED


def _complete_and_submit(client: FlaskClient, world: World, assessment_id: int) -> None:
    headers = world["company_a"].headers
    saved = client.patch(
        f"/api/v1/assessments/{assessment_id}/answers",
        json={"answers": certifiable_answers()},
        headers=headers,
    )
    for item in saved.json["missing"]:
        client.post(
            f"/api/v1/assessments/{assessment_id}/evidence/links",
            json={"url": "https://example.org/evidence", "question_id": item["question_id"]},
            headers=headers,
        )
    submitted = client.post(f"/api/v1/assessments/{assessment_id}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.json


def test_an_approved_assessment_has_a_final_score_as_of_its_approval(client, world: World) -> None:
    assessment_id = _start(client, world)
    _complete_and_submit(client, world, assessment_id)
    assert _score(client, world, assessment_id).json["provisional"] is True
    decided = client.post(
        f"/api/v1/assessments/{assessment_id}/decision",
        json={"decision": "approve"},
        headers=world["reviewer"].headers,
    )
    assert decided.status_code == 200
    final = _score(client, world, assessment_id).json
    assert final["provisional"] is False and final["assessment_status"] == "approved"
    assert final["as_of"] == decided.json["decided_at"][:10]


def test_the_overview_page_shows_the_provisional_score(client, world: World) -> None:
    assessment_id = _start(client, world)
    assert sign_in(client, world["company_a"].email).status_code == 302
    page = client.get(f"/assessments/{assessment_id}").get_data(as_text=True)
    assert "Provisional score" in page and "What would raise the tier to Conditional" in page
    assert "Top gaps" in page and "A1 is not answered" in page
    assert 'href="/methodology"' in page


B8_ENGLISH = "To the mine, farm or concession for all high-risk materials"
B8_SPANISH = "Hasta la mina, la finca o la concesión para todos los materiales de alto riesgo"


def _trace_to_tier1_only(client: FlaskClient, world: World) -> int:
    """A strong company tracing its raw materials only to direct suppliers: tracing to the
    origin (option `to_origin_high_risk`) is the step that would raise its tier most."""
    assessment_id = _start(client, world)
    saved = client.patch(
        f"/api/v1/assessments/{assessment_id}/answers",
        json={"answers": {**certifiable_answers(), "B8": "tier1_only"}},
        headers=world["company_a"].headers,
    )
    assert saved.status_code == 200, saved.json
    return assessment_id


def test_the_action_plan_names_options_by_their_english_labels(client, world: World) -> None:
    assessment_id = _trace_to_tier1_only(client, world)
    body = _score(client, world, assessment_id).json
    step = next(s for s in body["action_plan"] if s["ref"] == "B8")
    assert step["task"] == "strengthen"
    assert step["options"] == ["to_origin_high_risk", "no_high_risk_materials"]
    assert f"“{B8_ENGLISH}”" in step["action"] and "to_origin_high_risk" not in step["action"]
    assert body["next_tier"]["steps"][0]["action"] == step["action"]
    better_answers = [
        s for s in body["action_plan"] if s["options"] == ["yes"] and s["task"] == "strengthen"
    ]
    assert better_answers and all("needs “Yes”" in s["action"] for s in better_answers)


def test_the_overview_names_options_in_the_page_language(client, world: World) -> None:
    assessment_id = _trace_to_tier1_only(client, world)
    assert sign_in(client, world["company_a"].email).status_code == 302
    english = client.get(f"/assessments/{assessment_id}").get_data(as_text=True)
    assert f"“{B8_ENGLISH}”" in english
    spanish = client.get(
        f"/assessments/{assessment_id}", headers={"Accept-Language": "es-ES,es;q=0.9"}
    ).get_data(as_text=True)
    assert '<html lang="es"' in spanish and B8_SPANISH in spanish and B8_ENGLISH not in spanish
    for page in (english, spanish):
        steps = page[page.index("<ol>", page.index('id="score"')) :]
        steps = steps[: steps.index("</ol>")]
        assert "B8" in steps and "to_origin_high_risk" not in steps
        assert "no_high_risk_materials" not in steps and "tier1_only" not in steps
