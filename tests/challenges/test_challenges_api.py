"""The whole challenge path through the API, tenancy, and the anonymity rule: nothing the
challenged company can receive names who filed."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.audit.models import AuditEvent
from compliance.challenges import service as challenge_service
from compliance.challenges.deadlines import DeadlinePolicy
from compliance.challenges.models import Challenge
from compliance.clock import now
from tests.challenges.support import (
    CONTACT,
    GROUNDS,
    assert_no_filer,
    certificate_of_company_a,
    log_entries,
    outbox,
)
from tests.conftest import World, sign_in


def _file(client, cert_id: str, headers: dict | None = None, **extra):
    body = {
        "claims": [{"kind": "section", "ref": "C"}, {"kind": "scope"}],
        "grounds": GROUNDS,
        "evidence_links": ["https://example.org/report.pdf"],
        "incident_refs": ["INC-1"],
        **extra,
    }
    return client.post(f"/api/v1/certificates/{cert_id}/challenges", json=body, headers=headers)


def _decide(client, world: World, case: str, **body):
    return client.post(
        f"/api/v1/challenges/{case}/decision", json=body, headers=world["reviewer"].headers
    )


def _under_challenge(app: Flask, cert_id: str) -> bool:
    with db.session_scope(app) as session:
        challenge = session.exec(select(Challenge)).first()
        return challenge_service.is_under_challenge(
            session=session, certificate_id=challenge.certificate_id
        )


def test_file_acknowledge_respond_uphold_suspends_the_certificate(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    company = world["company_a"].headers
    filed = _file(client, cert_id, world["ngo"].headers)
    assert filed.status_code == 201, filed.get_json()
    case = filed.get_json()["case_number"]
    assert filed.get_json()["filed_by"]["organisation_name"] == "Red Delta"
    assert filed.get_json()["state"] == "filed"
    assert not _under_challenge(app, cert_id)

    seen = []
    acknowledged = _decide(client, world, case, action="acknowledge")
    assert acknowledged.status_code == 200
    assert acknowledged.get_json()["state"] == "awaiting_response"
    assert _under_challenge(app, cert_id)

    as_company = client.get(f"/api/v1/challenges/{case}", headers=company)
    assert as_company.status_code == 200
    assert as_company.get_json()["filed_by"] is None
    assert as_company.get_json()["grounds"] == GROUNDS
    seen.append(as_company.get_data(as_text=True))

    answer = client.post(
        f"/api/v1/challenges/{case}/response",
        json={"response": "The mechanism exists; see the attached minutes of 2026."},
        headers=company,
    )
    assert answer.status_code == 200
    assert answer.get_json()["state"] == "under_review"
    seen.append(answer.get_data(as_text=True))
    again = client.post(
        f"/api/v1/challenges/{case}/response",
        json={"response": "A second answer that must be refused now."},
        headers=company,
    )
    assert again.status_code == 409
    seen.append(again.get_data(as_text=True))

    missing_reasons = _decide(client, world, case, action="uphold", outcome="suspension")
    assert missing_reasons.status_code == 422
    upheld = _decide(
        client,
        world,
        case,
        action="uphold",
        outcome="suspension",
        reasons="Site visit found no grievance mechanism.",
    )
    assert upheld.status_code == 200, upheld.get_json()
    assert upheld.get_json()["outcome"] == "suspension"
    certificate = client.get(f"/api/v1/certificates/{cert_id}").get_json()
    assert certificate["status"] == "suspended"
    assert not _under_challenge(app, cert_id)

    seen.append(client.get(f"/api/v1/challenges/{case}", headers=company).get_data(as_text=True))
    seen.append(client.get(f"/certificates/{cert_id}/challenges").get_data(as_text=True))
    seen += log_entries(app)
    with app.test_client() as browser:
        assert sign_in(browser, world["company_a"].email).status_code == 302
        page = browser.get("/messages")
        assert page.status_code == 200 and case in page.get_data(as_text=True)
        seen.append(page.get_data(as_text=True))
    company_mail = [m for m in outbox(app) if m.to_address == world["company_a"].email]
    assert "challenge.filed" not in {m.kind for m in company_mail}  # told once admitted
    assert {m.kind for m in company_mail} >= {
        "challenge.acknowledged",
        "challenge.answered",
        "challenge.decided",
    }
    seen += [f"{m.subject}\n{m.body}" for m in company_mail]
    with db.session_scope(app) as session:
        seen += [json.dumps(e.details) for e in session.exec(select(AuditEvent)).all()]
    for text in seen:
        assert_no_filer(text, world)
    kinds = [json.loads(e)["kind"] for e in log_entries(app)]
    assert kinds[-5:] == [
        "challenge.filed",
        "challenge.acknowledged",
        "challenge.answered",
        "certificate.status_changed",
        "challenge.decided",
    ]


def test_anonymous_filing_keeps_the_contact_for_reviewers_only(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    filed = _file(client, cert_id, contact_email=CONTACT)
    assert filed.status_code == 201, filed.get_json()
    case = filed.get_json()["case_number"]
    reviewer_view = client.get(f"/api/v1/challenges/{case}", headers=world["reviewer"].headers)
    assert reviewer_view.get_json()["filed_by"]["contact_email"] == CONTACT
    company_view = client.get(f"/api/v1/challenges/{case}", headers=world["company_a"].headers)
    assert company_view.status_code == 200
    assert_no_filer(company_view.get_data(as_text=True), world)
    with db.session_scope(app) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "challenge.filed")).one()
        assert (event.actor_user_id, event.actor_organisation_id) == (None, None)
    assert CONTACT in {m.to_address for m in outbox(app)}
    assert all(CONTACT not in m.body for m in outbox(app))


def test_only_the_parties_and_reviewers_see_a_challenge(app: Flask, client, world: World) -> None:
    cert_id = certificate_of_company_a(app, world)
    case = _file(client, cert_id, world["ngo"].headers).get_json()["case_number"]
    for outsider in ("company_b", "investor"):
        answer = client.get(f"/api/v1/challenges/{case}", headers=world[outsider].headers)
        assert answer.status_code == 404
        assert (
            case not in answer.get_data(as_text=True)
            or "no challenge" in answer.get_json()["detail"]
        )
    assert client.get(f"/api/v1/challenges/{case}").status_code == 401
    by_company = _file(client, cert_id, world["company_b"].headers)
    assert by_company.status_code == 403
    assert _decide(client, world, case, action="acknowledge").status_code == 200
    respond_as_b = client.post(
        f"/api/v1/challenges/{case}/response",
        json={"response": "Not our certificate, yet we try to answer."},
        headers=world["company_b"].headers,
    )
    assert respond_as_b.status_code == 404
    decide_as_company = client.post(
        f"/api/v1/challenges/{case}/decision",
        json={"action": "dismiss", "reasons": "We say so."},
        headers=world["company_a"].headers,
    )
    assert decide_as_company.status_code == 403


def test_a_missed_response_is_recorded_and_the_case_proceeds(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    case = _file(client, cert_id, world["ngo"].headers).get_json()["case_number"]
    rules = DeadlinePolicy()
    start = now()
    with db.session_scope(app) as session:
        run = challenge_service.enforce_deadlines(
            session=session, rules=rules, now=start + timedelta(days=11)
        )
        session.commit()
    assert run.overdue_flags == 1
    with db.session_scope(app) as session:  # the page reads the real clock: backdate the case
        challenge = session.exec(select(Challenge)).one()
        challenge.acknowledge_by = now() - timedelta(days=1)
        session.add(challenge)
        session.commit()
    tracker = client.get(f"/certificates/{cert_id}/challenges").get_data(as_text=True)
    assert "acknowledgement overdue" in tracker
    assert _decide(client, world, case, action="acknowledge").status_code == 200
    with db.session_scope(app) as session:
        reminded = challenge_service.enforce_deadlines(
            session=session, rules=rules, now=start + timedelta(days=28)
        )
        twice = challenge_service.enforce_deadlines(
            session=session, rules=rules, now=start + timedelta(days=29)
        )
        missed = challenge_service.enforce_deadlines(
            session=session, rules=rules, now=start + timedelta(days=31)
        )
        session.commit()
    assert (reminded.reminders, twice.reminders, missed.no_response) == (1, 0, 1)
    view = client.get(f"/api/v1/challenges/{case}", headers=world["company_a"].headers).get_json()
    assert view["state"] == "under_review" and view["no_response"] is True
    late = client.post(
        f"/api/v1/challenges/{case}/response",
        json={"response": "Our late answer arrives after the window."},
        headers=world["company_a"].headers,
    )
    assert late.status_code == 409
    assert_no_filer(late.get_data(as_text=True), world)
    assert json.loads(log_entries(app)[-1])["payload"]["step"] == "no_response"
