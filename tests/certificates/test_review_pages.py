"""The reviewers' pages: the queue, one assessment with its answers, guidance, evidence, score,
matched incidents and scope, and the decisions taken from there."""

from __future__ import annotations

from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.assessments.models import Evidence
from tests.certificates.support import minimal_answers, stored, submit_via_api
from tests.conftest import World, csrf_token, sign_in


def test_the_queue_and_the_review_page_are_for_reviewers_only(client, world: World) -> None:
    assessment_id = submit_via_api(client, world)
    assert client.get("/review").status_code == 302
    assert sign_in(client, world["company_a"].email).status_code == 302
    assert client.get("/review").status_code == 403
    assert client.get(f"/review/{assessment_id}").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    assert sign_in(client, world["reviewer"].email).status_code == 302
    queue = client.get("/review").get_data(as_text=True)
    assert f'href="/review/{assessment_id}"' in queue and "Minera Alfa S.A." in queue
    page = client.get(f"/review/{assessment_id}").get_data(as_text=True)
    for expected in (
        "Review: Minera Alfa S.A.",
        "Has the company published a policy commitment",  # A1, with its guidance below
        "Guidance for A1",
        "UNGP 16",
        "Matched incidents",
        "No matches",
        "Provisional score",
        "Sites listed: no list submitted",
        "https://example.org/A1",
        "Save review of EV",
        "Approve and issue the certificate",
        'name="comment_A1"',
    ):
        assert expected in page, expected


def test_reviewers_judge_evidence_request_changes_and_approve_on_the_web(
    app: Flask, client, world: World
) -> None:
    assessment_id = submit_via_api(client, world)
    with db.session_scope(app) as session:
        evidence_id = session.exec(select(Evidence.id).where(Evidence.question_id == "A1")).one()
    assert sign_in(client, world["reviewer"].email).status_code == 302
    token = csrf_token(client.get(f"/review/{assessment_id}").get_data(as_text=True))
    refused = client.post(
        f"/review/{assessment_id}/evidence/{evidence_id}",
        data={"review": "rejected", "csrf_token": token},
        follow_redirects=True,
    )
    assert "not updated: Say why the evidence is rejected" in refused.get_data(as_text=True)
    client.post(
        f"/review/{assessment_id}/evidence/{evidence_id}",
        data={"review": "verified", "note": "Matches the board minutes.", "csrf_token": token},
    )
    with db.session_scope(app) as session:
        assert session.get(Evidence, evidence_id).review == "verified"

    changes = client.post(
        f"/review/{assessment_id}/decision",
        data={
            "decision": "request_changes",
            "comment_A4": "Attach the rule on reviewing legal action against critics.",
            "comment_B2": "",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert "Changes requested" in changes.get_data(as_text=True)
    seen = client.get(f"/api/v1/assessments/{assessment_id}", headers=world["company_a"].headers)
    assert seen.json["status"] == "changes_requested"
    assert seen.json["review_comments"] == {
        "A4": "Attach the rule on reviewing legal action against critics."
    }
    resubmitted = client.post(
        f"/api/v1/assessments/{assessment_id}/submit", headers=world["company_a"].headers
    )
    assert resubmitted.status_code == 200

    approved = client.post(
        f"/review/{assessment_id}/decision",
        data={"decision": "approve", "note": "All evidence checked.", "csrf_token": token},
    )
    assert approved.status_code == 302 and "/certificates/HRD-" in approved.headers["Location"]
    cert_id = approved.headers["Location"].rsplit("/", 1)[1]
    assert stored(app, cert_id).status.value == "active"
    page = client.get(f"/certificates/{cert_id}").get_data(as_text=True)
    assert "Change the status" in page and "Minera Alfa S.A." in page


def test_a_not_certifiable_approval_is_refused_on_the_page(client, world: World) -> None:
    assessment_id = submit_via_api(client, world, answers=minimal_answers())
    assert sign_in(client, world["reviewer"].email).status_code == 302
    token = csrf_token(client.get(f"/review/{assessment_id}").get_data(as_text=True))
    refused = client.post(
        f"/review/{assessment_id}/decision",
        data={"decision": "approve", "csrf_token": token},
        follow_redirects=True,
    )
    html = refused.get_data(as_text=True)
    assert "Decision not recorded" in html and "not certifiable" in html
