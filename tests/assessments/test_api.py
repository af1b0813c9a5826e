"""The assessment API: start, partial saves, conditions, evidence, submission and review."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.assessments.models import Answer, Evidence
from tests.assessments.support import certifiable_answers, complete_answers
from tests.conftest import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def start(client, world: World, who: str = "company_a", key: str = "company") -> dict:
    answer = client.post(
        "/api/v1/assessments", json={"questionnaire_key": key}, headers=world[who].headers
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def _answers(app: Flask) -> int:
    with db.session_scope(app) as session:
        return session.execute(sa.select(sa.func.count()).select_from(Answer)).scalar_one()


def test_company_starts_an_assessment_and_sees_what_is_missing(client, world: World) -> None:
    started = start(client, world)
    assert started["status"] == "draft" and started["questionnaire_key"] == "company"
    assert started["progress_percent"] == 0 and len(started["missing"]) >= 30
    assert {s["section_id"] for s in started["sections"]} == set("ABCDEF")
    again = client.post(
        "/api/v1/assessments",
        json={"questionnaire_key": "company"},
        headers=world["company_a"].headers,
    )
    assert again.status_code == 409 and "continue that one" in again.json["detail"]


def test_each_kind_answers_its_own_questionnaire(client, world: World) -> None:
    wrong = client.post(
        "/api/v1/assessments",
        json={"questionnaire_key": "company"},
        headers=world["investor"].headers,
    )
    assert (
        wrong.status_code == 422 and "'financial_institution' questionnaire" in wrong.json["detail"]
    )
    assert start(client, world, "investor", "financial_institution")["missing"]
    ngo = client.post(
        "/api/v1/assessments", json={"questionnaire_key": "company"}, headers=world["ngo"].headers
    )
    assert ngo.status_code == 403


def test_partial_saves_merge_and_conditions_clear_hidden_answers(client, world: World) -> None:
    assessment = start(client, world)
    url = f"/api/v1/assessments/{assessment['id']}/answers"
    first = client.patch(
        url,
        json={"answers": {"A1": "yes", "A2": ["own_operations", "contractors"]}},
        headers=world["company_a"].headers,
    )
    assert first.status_code == 200
    assert first.json["answers"] == {"A1": "yes", "A2": ["own_operations", "contractors"]}
    second = client.patch(
        url, json={"answers": {"A1": "no", "B2": 3}}, headers=world["company_a"].headers
    )
    assert second.status_code == 200
    assert second.json["answers"] == {"A1": "no", "B2": 3} and second.json["cleared"] == ["A2"]
    assert any(m["question_id"] == "B3" for m in second.json["missing"])


def test_bad_answers_are_all_reported_and_nothing_is_saved(
    app: Flask, client, world: World
) -> None:
    assessment = start(client, world)
    url = f"/api/v1/assessments/{assessment['id']}/answers"
    client.patch(url, json={"answers": {"A1": "no"}}, headers=world["company_a"].headers)
    before = _answers(app)
    bad = client.patch(
        url,
        json={
            "answers": {
                "Z99": "yes",
                "B2": "many",
                "A2": ["own_operations"],
                "B1": "maybe",
                "A4": "yes",
            }
        },
        headers=world["company_a"].headers,
    )
    assert bad.status_code == 422
    pointers = {e["pointer"] for e in bad.json["errors"]}
    assert pointers == {"/answers/Z99", "/answers/B2", "/answers/A2", "/answers/B1"}
    assert _answers(app) == before
    assert client.get(
        f"/api/v1/assessments/{assessment['id']}", headers=world["company_a"].headers
    ).json["answers"] == {"A1": "no"}


def test_tenancy_other_companies_see_nothing_reviewers_read_only(client, world: World) -> None:
    assessment = start(client, world)
    url = f"/api/v1/assessments/{assessment['id']}"
    assert client.get(url, headers=world["company_b"].headers).status_code == 404
    assert (
        client.patch(
            f"{url}/answers", json={"answers": {"A1": "yes"}}, headers=world["company_b"].headers
        ).status_code
        == 404
    )
    assert client.get(url, headers=world["reviewer"].headers).status_code == 200
    edit = client.patch(
        f"{url}/answers", json={"answers": {"A1": "yes"}}, headers=world["reviewer"].headers
    )
    assert edit.status_code == 403
    listed = client.get("/api/v1/assessments", headers=world["company_b"].headers).json["items"]
    assert listed == []


def test_evidence_files_are_typed_by_their_bytes_and_hashed(
    app: Flask, client, world: World
) -> None:
    assessment = start(client, world)
    url = f"/api/v1/assessments/{assessment['id']}/evidence"
    uploaded = client.post(
        url,
        data={
            "file": (io.BytesIO(PDF), "policy.pdf"),
            "question_id": "A1",
            "description": "Board-approved policy",
        },
        headers=world["company_a"].headers,
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.json
    body = uploaded.json
    assert body["content_type"] == "application/pdf" and body["filename"] == "policy.pdf"
    assert len(body["sha256"]) == 64 and body["ref"] == f"EV{body['id']}"
    download = client.get(f"{url}/{body['id']}", headers=world["company_a"].headers)
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()
    assert client.get(f"{url}/{body['id']}", headers=world["company_b"].headers).status_code == 404

    elf = client.post(
        url,
        data={"file": (io.BytesIO(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64), "tool.pdf")},
        headers=world["company_a"].headers,
        content_type="multipart/form-data",
    )
    assert elf.status_code == 422 and "not accepted" in elf.json["detail"]
    app.config["EVIDENCE_MAX_BYTES"] = 1000
    big = client.post(
        url,
        data={"file": (io.BytesIO(PDF + b"0" * 2000), "big.pdf")},
        headers=world["company_a"].headers,
        content_type="multipart/form-data",
    )
    assert big.status_code == 422 and "larger than" in big.json["detail"]
    with db.session_scope(app) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Evidence)).scalar_one() == 1


def test_evidence_links_must_be_web_addresses(client, world: World) -> None:
    assessment = start(client, world)
    url = f"/api/v1/assessments/{assessment['id']}/evidence/links"
    bad = client.post(url, json={"url": "file:///etc/passwd"}, headers=world["company_a"].headers)
    assert bad.status_code == 422
    good = client.post(
        url,
        json={"url": "https://example.org/hrd-policy", "question_id": "A1"},
        headers=world["company_a"].headers,
    )
    assert good.status_code == 201 and good.json["kind"] == "link"
    unknown = client.post(
        url,
        json={"url": "https://example.org/x", "question_id": "Q404"},
        headers=world["company_a"].headers,
    )
    assert unknown.status_code == 422 and "Q404" in unknown.json["detail"]


def _complete(client, world: World, assessment_id: int, answers: dict | None = None) -> None:
    base = f"/api/v1/assessments/{assessment_id}"
    saved = client.patch(
        f"{base}/answers",
        json={"answers": answers or complete_answers()},
        headers=world["company_a"].headers,
    )
    assert saved.status_code == 200, saved.json
    for item in saved.json["missing"]:
        assert item["kind"] == "evidence", item
        linked = client.post(
            f"{base}/evidence/links",
            json={"url": "https://example.org/e", "question_id": item["question_id"]},
            headers=world["company_a"].headers,
        )
        assert linked.status_code == 201


def test_submission_is_refused_with_everything_missing_then_accepted(client, world: World) -> None:
    assessment = start(client, world)
    base = f"/api/v1/assessments/{assessment['id']}"
    refused = client.post(f"{base}/submit", headers=world["company_a"].headers)
    assert refused.status_code == 422 and len(refused.json["errors"]) >= 30
    _complete(client, world, assessment["id"])
    submitted = client.post(f"{base}/submit", headers=world["company_a"].headers)
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted"
    assert submitted.json["progress_percent"] == 100 and submitted.json["missing"] == []
    locked = client.patch(
        f"{base}/answers", json={"answers": {"A1": "yes"}}, headers=world["company_a"].headers
    )
    assert locked.status_code == 409 and "submitted" in locked.json["detail"]


def test_reviewer_requests_changes_company_resubmits_reviewer_approves(
    client, world: World
) -> None:
    assessment = start(client, world)
    base = f"/api/v1/assessments/{assessment['id']}"
    _complete(client, world, assessment["id"], certifiable_answers())
    client.post(f"{base}/submit", headers=world["company_a"].headers)
    self_approval = client.post(
        f"{base}/decision", json={"decision": "approve"}, headers=world["company_a"].headers
    )
    assert self_approval.status_code == 403
    vague = client.post(
        f"{base}/decision", json={"decision": "request_changes"}, headers=world["reviewer"].headers
    )
    assert vague.status_code == 422
    changes = client.post(
        f"{base}/decision",
        json={"decision": "request_changes", "comments": {"A1": "Attach the board minutes."}},
        headers=world["reviewer"].headers,
    )
    assert changes.status_code == 200 and changes.json["status"] == "changes_requested"
    seen = client.get(base, headers=world["company_a"].headers).json
    assert seen["review_comments"] == {"A1": "Attach the board minutes."}
    assert (
        client.patch(
            f"{base}/answers", json={"answers": {"A10": "yes"}}, headers=world["company_a"].headers
        ).status_code
        == 200
    )
    client.post(
        f"{base}/evidence/links",
        json={"url": "https://example.org/a10", "question_id": "A10"},
        headers=world["company_a"].headers,
    )
    assert client.post(f"{base}/submit", headers=world["company_a"].headers).status_code == 200
    approved = client.post(
        f"{base}/decision",
        json={"decision": "approve", "note": "Evidence checked."},
        headers=world["reviewer"].headers,
    )
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    twice = client.post(
        f"{base}/decision", json={"decision": "approve"}, headers=world["reviewer"].headers
    )
    assert twice.status_code == 409


def test_questionnaires_are_public_with_guidance_and_norms(client) -> None:
    listed = client.get("/api/v1/questionnaires").json["items"]
    assert {q["key"] for q in listed} == {"company", "financial_institution"}
    company = client.get("/api/v1/questionnaires/company?lang=en").json
    questions = [q for s in company["sections"] for q in s["questions"]]
    assert len(questions) >= 35 and all(q["guidance"] and q["norms"] for q in questions)
    missing = client.get("/api/v1/questionnaires/company?version=99")
    assert missing.status_code == 404
    assert client.get("/api/v1/questionnaires/nope").status_code == 404


def test_the_list_comes_a_page_at_a_time_newest_first(client, world: World) -> None:
    started = [
        start(client, world, "company_a")["id"],
        start(client, world, "company_b")["id"],
        start(client, world, "investor", "financial_institution")["id"],
    ]
    headers = world["reviewer"].headers

    first = client.get("/api/v1/assessments?limit=2", headers=headers).json
    rest = client.get(
        f"/api/v1/assessments?limit=2&cursor={first['next_cursor']}", headers=headers
    ).json

    assert [a["id"] for a in first["items"]] == started[::-1][:2]
    assert [a["id"] for a in rest["items"]] == started[:1] and rest["next_cursor"] is None
    own = client.get("/api/v1/assessments", headers=world["company_b"].headers).json
    assert [a["id"] for a in own["items"]] == [started[1]] and own["next_cursor"] is None
    forged = client.get("/api/v1/assessments?cursor=nonsense", headers=headers)
    assert forged.status_code == 422
    typo = client.get("/api/v1/assessments?limt=2", headers=headers)  # never silently ignored
    assert typo.status_code == 422 and typo.json["errors"][0]["pointer"] == "/limt"
