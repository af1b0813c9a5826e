"""NGO submissions (API and web form) start as alleged; reviewers corroborate, verify or
withdraw them with a reason, and every decision is audited."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.audit.models import AuditEvent
from compliance.incidents.models import Incident, IncidentReview
from tests.conftest import World, csrf_token, sign_in
from tests.incidents.conftest import SECRETS, submission


def test_ngo_submission_starts_alleged_and_the_submitter_sees_its_protected_fields(
    client: FlaskClient, world: World
) -> None:
    response = client.post("/api/v1/incidents", json=submission(), headers=world["ngo"].headers)
    assert response.status_code == 201
    body = response.get_json()
    assert body["view"] == "protected"
    assert body["verification_status"] == "alleged" and body["withdrawn"] is False
    assert body["ref"].startswith("INC-") and SECRETS["reference"] in body["source_id"]
    assert [v["name"] for v in body["victims"]] == [SECRETS["victim"], SECRETS["second_victim"]]
    assert body["exact_date"] == "2024-03-17" and body["occurred_on"] == "2024-03"
    assert body["people_affected"] == 2 and body["people_affected_band"] == "1-4"
    assert (body["exact_latitude"], body["exact_longitude"]) == (4.7110123, -74.0721456)
    assert body["latitude"] is None and body["coordinate_precision"] == "exact"
    assert body["reporter_contact"] == SECRETS["contact"]
    assert body["consent_basis"] == "informed_consent"


def test_submission_needs_a_consent_basis_and_never_echoes_the_input(
    client: FlaskClient, world: World
) -> None:
    payload = submission()
    del payload["consent_basis"]
    payload["reporter_name"] = SECRETS["reporter"] * 20  # too long as well
    response = client.post("/api/v1/incidents", json=payload, headers=world["ngo"].headers)
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.get_json()["errors"]}
    assert {"/consent_basis", "/reporter_name"} <= pointers
    assert SECRETS["reporter"] not in response.get_data(as_text=True)


def test_submission_of_a_future_date_is_refused(client: FlaskClient, world: World) -> None:
    response = client.post(
        "/api/v1/incidents",
        json=submission(occurred_on="2999-01-01"),
        headers=world["ngo"].headers,
    )
    assert response.status_code == 422
    assert "future" in response.get_json()["detail"]


def test_companies_and_investors_cannot_submit_incidents(client: FlaskClient, world: World) -> None:
    for who in ("company_a", "investor"):
        response = client.post("/api/v1/incidents", json=submission(), headers=world[who].headers)
        assert response.status_code == 403, who


def test_submitting_again_with_the_same_reference_records_a_new_version(
    app: Flask, client: FlaskClient, world: World, submitted: str
) -> None:
    response = client.post(
        "/api/v1/incidents",
        json=submission(region="Nariño", people_affected=3),
        headers=world["ngo"].headers,
    )
    assert response.status_code == 201
    assert response.get_json()["ref"] == submitted and response.get_json()["version"] == 2
    versions = client.get(
        f"/api/v1/incidents/{submitted}/versions", headers=world["ngo"].headers
    ).get_json()["items"]
    assert [(v["version"], v["region"]) for v in versions] == [(2, "Nariño"), (1, "Cauca")]
    with db.session_scope(app) as session:
        assert len(session.exec(select(Incident)).all()) == 1


def test_reviewer_decisions_are_kept_with_their_reason_and_audited(
    app: Flask, client: FlaskClient, world: World, submitted: str
) -> None:
    reviewer = world["reviewer"].headers
    answer = client.post(
        f"/api/v1/incidents/{submitted}/verification",
        json={"status": "corroborated", "reason": "Two independent sources confirm the threats."},
        headers=reviewer,
    )
    assert answer.status_code == 200
    assert answer.get_json()["verification_status"] == "corroborated"
    answer = client.post(
        f"/api/v1/incidents/{submitted}/verification",
        json={"status": "withdrawn", "reason": "The submitting NGO asked to withdraw it."},
        headers=reviewer,
    )
    assert answer.get_json()["withdrawn"] is True
    assert answer.get_json()["verification_status"] == "corroborated"

    listed = client.get("/api/v1/incidents", headers=reviewer).get_json()["items"]
    assert submitted not in [item["ref"] for item in listed]
    listed = client.get("/api/v1/incidents?include_withdrawn=true", headers=reviewer).get_json()
    assert [item["ref"] for item in listed["items"]] == [submitted]
    assert client.get(f"/api/v1/incidents/{submitted}", headers=reviewer).status_code == 200

    with db.session_scope(app) as session:
        reviews = session.exec(select(IncidentReview).order_by(IncidentReview.id)).all()
        assert [(r.decision, r.reason[:3]) for r in reviews] == [
            ("corroborated", "Two"),
            ("withdrawn", "The"),
        ]
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "incident.reviewed")
        ).all()
        assert [e.details["decision"] for e in events] == ["corroborated", "withdrawn"]
        assert all("reason" not in e.details for e in events)


def test_only_reviewers_decide_on_incidents(
    client: FlaskClient, world: World, submitted: str
) -> None:
    for who in ("ngo", "company_a", "investor"):
        answer = client.post(
            f"/api/v1/incidents/{submitted}/verification",
            json={"status": "verified", "reason": "looks right"},
            headers=world[who].headers,
        )
        assert answer.status_code == 403, who


def _form(page: str, **fields) -> dict:
    data = {
        "csrf_token": csrf_token(page),
        "occurred_on": "2024-05-02",
        "date_precision": "day",
        "country": "pe",
        "region": "Cajamarca",
        "sector": "mining",
        "attack_types": ["judicial_harassment"],
        "defender_groups": ["land_environmental"],
        "people_affected": "12",
        "perpetrator_type": "company",
        "companies_alleged": "Minera Alfa S.A.\nMinera Alfa Peru",
        "consent_basis": "public_source",
        "victim_names": SECRETS["victim"],
        "narrative": SECRETS["narrative"],
        "coordinate_precision": "",
    }
    data.update(fields)
    return data


def test_ngo_submits_through_the_web_form_and_sees_the_protected_fields(
    client: FlaskClient, world: World
) -> None:
    assert sign_in(client, world["ngo"].email).status_code == 302
    page = client.get("/incidents/new").get_data(as_text=True)
    assert 'name="consent_basis"' in page and "Protected" in page
    response = client.post("/incidents/new", data=_form(page))
    assert response.status_code == 302
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Alleged" in detail and SECRETS["victim"] in detail and SECRETS["narrative"] in detail
    assert "Minera Alfa Peru" in detail and "2024-05-02" in detail


def test_web_form_names_each_problem_next_to_its_field(client: FlaskClient, world: World) -> None:
    sign_in(client, world["ngo"].email)
    page = client.get("/incidents/new").get_data(as_text=True)
    response = client.post("/incidents/new", data=_form(page, attack_types=[], country="Atlantis"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="attack_types-error"' in html and 'id="country-error"' in html
    assert 'aria-invalid="true"' in html


def test_web_form_without_its_csrf_token_is_refused(client: FlaskClient, world: World) -> None:
    sign_in(client, world["ngo"].email)
    page = client.get("/incidents/new").get_data(as_text=True)
    response = client.post("/incidents/new", data={**_form(page), "csrf_token": "forged"})
    assert response.status_code == 400


def test_companies_do_not_get_the_submission_form(client: FlaskClient, world: World) -> None:
    sign_in(client, world["company_a"].email)
    assert client.get("/incidents/new").status_code == 403
