"""One world the four journeys build on, stage by stage: an incident record naming the company,
then the company's submitted assessment, then its certificate. Each journey walks its own
stage through the pages and sets up the stages before it through the API, as the journey
before it left them. Also the few steps every journey takes in the browser."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from compliance import db
from compliance.accounts.models import Organisation
from compliance.certificates import service as certificate_service
from tests.certificates.support import SITES_CSV, approve_via_api, submit_via_api
from tests.conftest import PASSWORD, World
from tests.portfolios.holdings_support import wait_for_all_jobs
from tests.screening.conftest import import_records, matches, record, wait_for_rescreens

COMPANY = "Minera Alfa S.A."
# An alleged intimidation naming the company: a match it must answer, which lowers its score
# once confirmed without making it uncertifiable (only corroborated records can).
INCIDENT = record(
    "journey-1",
    firms=[COMPANY],
    kinds=["intimidation"],
    region="Antioquia",
)


def sign_in(page: Page, live_url: str, email: str) -> None:
    page.goto(f"{live_url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def full_page(page: Page, screenshot_dir: Path, name: str) -> None:
    """A full-page screenshot of a key step, kept by CI with the other test artifacts."""
    page.screenshot(path=screenshot_dir / f"journey-{name}.png", full_page=True)


def viewport(page: Page, screenshot_dir: Path, name: str) -> None:
    """What a person sees in a 1280x800 window: the size of the README's screenshots."""
    page.screenshot(path=screenshot_dir / f"journey-{name}-window.png")


def plant_incident(app: Flask, client: FlaskClient, world: World) -> None:
    """The company (in Colombia) and an incident record naming it, screened."""
    with db.session_scope(app) as session:
        organisation = session.get(Organisation, world["company_a"].organisation_id)
        organisation.country = "CO"
        session.add(organisation)
        session.commit()
    assert import_records(client, world, [INCIDENT])["created"] == 1
    wait_for_rescreens(app)


def company_match(client: FlaskClient, world: World) -> dict:
    (match,) = matches(client, world["company_a"])
    return match


def submitted(app: Flask, client: FlaskClient, world: World) -> int:
    """Journey 1's outcome: the incident planted, the assessment answered with evidence links,
    the sites listed, the match answered, and submitted; the assessment's id."""
    plant_incident(app, client, world)
    answered = client.post(
        f"/api/v1/matches/{company_match(client, world)['id']}/response",
        json={"public_response": "We reject intimidation and opened an inquiry."},
        headers=world["company_a"].headers,
    )
    assert answered.status_code in (200, 201), answered.get_json()
    return submit_via_api(client, world, sites_csv=SITES_CSV)


def certified(app: Flask, client: FlaskClient, world: World) -> str:
    """Journey 2's outcome: the match confirmed and the assessment approved; the certificate's
    public id, once its PDF is rendered."""
    assessment_id = submitted(app, client, world)
    confirmed = client.post(
        f"/api/v1/matches/{company_match(client, world)['id']}/review",
        json={"decision": "confirm", "reason": "The record names the company."},
        headers=world["reviewer"].headers,
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    approved = approve_via_api(client, world, assessment_id)
    assert approved.status_code == 200, approved.get_json()
    wait_for_all_jobs(app)
    with db.session_scope(app) as session:
        return certificate_service.for_assessment(
            session=session, assessment_id=assessment_id
        ).cert_id


def wait_for_pdf(page: Page, live_url: str, cert_id: str, timeout: float = 60) -> bytes:
    """Reload the certificate page until its PDF can be downloaded (it may be rendered by a
    job after approval); the PDF."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(f"{live_url}/certificates/{cert_id}")
        link = page.get_by_role("link", name="PDF", exact=True)
        if link.count():
            answer = page.request.get(live_url + link.get_attribute("href"))
            if answer.ok and answer.body().startswith(b"%PDF-"):
                return answer.body()
        assert time.monotonic() < deadline, f"the PDF of {cert_id} never became available"
        time.sleep(0.5)
