"""Protected fields reach reviewers and the submitting NGO, and nobody else, anywhere: API
answers, pages, error answers, job results, the audit log and log lines."""

from __future__ import annotations

import io
import json
import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.audit.models import AuditEvent
from compliance.incidents.models import IncidentProtectedView, IncidentPublic
from tests.conftest import World, sign_in
from tests.incidents.conftest import SECRETS, leaked, submission
from tests.support.jobs import wait_for_job

NOT_ENTITLED = ("anonymous", "company_a", "company_b", "investor", "ngo_b")
GW_NAMES = ("Defensora Oculta-5521", "Defensor Escondido-6632")
GW_IDS = ("recSECRETgwID00001", "recSECRETgwID00002")
GW_FILE = (
    "id,date,name,gender,age,person_characteristics,industry_driver,perpetrator_type,"
    "continent,country,country_numeric,local_region,number_of_victims\n"
    f"{GW_IDS[0]},2/18/2016,{GW_NAMES[0]},Female,49,Indigenous peoples,Mining & Extractives,"
    "Hitmen,Americas,Colombia,170,Cauca,1\n"
    f"{GW_IDS[1]},10/16/2016,{GW_NAMES[1]},Male,31,Small-scale farmer,"
    "Sector could not be confirmed*,Police,Asia,Philippines,608,Mindanao,1\n"
).encode()
MISSING_REF = "INC-0000000000"


def _everything_for(client: FlaskClient, world: World, who: str, refs: list[str], job_id: str):
    """Every answer `who` can get about incidents, as (label, status, text)."""
    answers = []
    headers = {} if who == "anonymous" else world[who].headers
    api_calls = [
        ("GET", "/api/v1/incidents", None),
        ("GET", "/api/v1/incidents?country=CO&limit=1", None),
        ("GET", f"/api/v1/incidents/{MISSING_REF}", None),
        ("GET", "/api/v1/incident-feeds", None),
        ("GET", f"/api/v1/jobs/{job_id}", None),
        ("POST", "/api/v1/incidents", {**submission(), "country": "Atlantis"}),
    ]
    for ref in refs:
        api_calls += [
            ("GET", f"/api/v1/incidents/{ref}", None),
            ("GET", f"/api/v1/incidents/{ref}/versions", None),
            (
                "POST",
                f"/api/v1/incidents/{ref}/verification",
                {"status": "verified", "reason": "x" * 5},
            ),
        ]
    for method, url, body in api_calls:
        response = client.open(url, method=method, headers=headers, json=body)
        answers.append((f"{method} {url}", response.status_code, response.get_data(as_text=True)))
    if who != "anonymous":
        assert sign_in(client, world[who].email).status_code == 302
    pages = ["/incidents", "/incidents?country=CO", "/incidents/new", f"/incidents/{MISSING_REF}"]
    pages += [f"/incidents/{ref}" for ref in refs]
    for url in pages:
        response = client.get(url)
        answers.append((f"page {url}", response.status_code, response.get_data(as_text=True)))
    return answers


def _import_gw_as_reviewer(client: FlaskClient, world: World) -> tuple[str, list[str]]:
    response = client.post(
        "/api/v1/incidents/import",
        data={"file": (io.BytesIO(GW_FILE), "gw.csv"), "format": "global-witness"},
        headers=world["reviewer"].headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    job_id = response.get_json()["job_id"]
    done = wait_for_job(client, world["reviewer"].headers, job_id)
    assert done["status"] == "succeeded" and done["result"]["created"] == 2, done
    items = client.get(
        "/api/v1/incidents?country=PH", headers=world["reviewer"].headers
    ).get_json()["items"]
    items += client.get(
        "/api/v1/incidents?sector=mining&country=CO", headers=world["reviewer"].headers
    ).get_json()["items"]
    return job_id, [item["ref"] for item in items if item["source"] == "global-witness"]


def test_protected_fields_reach_only_reviewers_and_the_submitting_ngo(
    app: Flask, world: World, ngo_b, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with app.test_client() as client:
        submitted = client.post(
            "/api/v1/incidents", json=submission(), headers=world["ngo"].headers
        ).get_json()["ref"]
        job_id, gw_refs = _import_gw_as_reviewer(client, world)
    assert len(gw_refs) == 2
    refs = [submitted, *gw_refs]
    hidden = [*GW_NAMES, *GW_IDS, "2024-03-17"]

    for who in NOT_ENTITLED:
        with app.test_client() as client:
            answers = _everything_for(client, world, who, refs, job_id)
        for label, status, text in answers:
            assert not leaked(text), f"{who}: {label} ({status}) leaks {leaked(text)}"
            assert not [h for h in hidden if h in text], f"{who}: {label} leaks"
            assert status < 500, f"{who}: {label} answered {status}"
        if who != "anonymous":
            detail = dict((label, text) for label, _s, text in answers)[
                f"GET /api/v1/incidents/{submitted}"
            ]
            body = json.loads(detail)
            assert body["view"] == "public" and body["occurred_on"] == "2024-03"
            assert body["people_affected_band"] == "1-4" and "people_affected" not in body
            assert body["latitude"] is None and body["region"] == "Cauca"
            assert body["companies_alleged"] == ["Minera Alfa S.A."]

    with app.test_client() as client:
        ngo_answers = _everything_for(client, world, "ngo", refs, job_id)
    ngo_text = "".join(text for _l, _s, text in ngo_answers)
    assert SECRETS["victim"] in ngo_text and SECRETS["narrative"] in ngo_text
    assert not [name for name in (*GW_NAMES, *GW_IDS) if name in ngo_text]

    with app.test_client() as client:
        reviewer_answers = _everything_for(client, world, "reviewer", refs, job_id)
    reviewer_text = "".join(text for _l, _s, text in reviewer_answers)
    assert SECRETS["contact"] in reviewer_text and GW_NAMES[0] in reviewer_text

    assert not leaked(caplog.text)
    assert not [name for name in (*GW_NAMES, *GW_IDS) if name in caplog.text]
    with db.session_scope(app) as session:
        details = json.dumps([e.details for e in session.exec(select(AuditEvent)).all()])
    assert not leaked(details) and not [n for n in GW_NAMES if n in details]


def test_the_public_model_never_serialises_protected_fields() -> None:
    public_fields = set(IncidentPublic.model_fields)
    protected_only = set(IncidentProtectedView.model_fields) - public_fields
    assert {"victims", "reporter_name", "reporter_contact", "narrative", "location_detail"} <= (
        protected_only
    )
    assert {"source_id", "people_affected", "submitted_by_organisation_id"} <= protected_only


def test_a_protected_view_placed_in_a_public_list_is_cut_back_to_public_fields(
    client: FlaskClient, world: World, submitted: str
) -> None:
    from compliance.incidents.models import IncidentPage

    own = client.get(f"/api/v1/incidents/{submitted}", headers=world["ngo"].headers).get_json()
    page = IncidentPage(items=[IncidentProtectedView.model_validate(own)], next_cursor=None)
    assert not leaked(json.dumps(page.model_dump(mode="json")))


def test_the_submitting_ngo_sees_its_protected_fields_on_the_detail_page(
    client: FlaskClient, world: World, submitted: str
) -> None:
    sign_in(client, world["ngo"].email)
    page = client.get(f"/incidents/{submitted}").get_data(as_text=True)
    assert SECRETS["victim"] in page and SECRETS["place"] in page and "2024-03-17" in page
    listing = client.get("/incidents").get_data(as_text=True)
    assert submitted in listing and not leaked(listing)
