"""One world with data on every page, built once for all accessibility tests: the portfolio
world of the briefing tests (certificates, incidents, matches, a challenge, a screened
portfolio), plus an assessment in progress with a refused dataset upload, a submitted
assessment in the review queue, an NGO's challenge and an NGO's incident report."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from compliance import db
from compliance.portfolios.models import Portfolio
from tests.certificates.support import submit_via_api
from tests.challenges.support import decide, file_challenge
from tests.conftest import World, make_world
from tests.datasets.builders import SITE_HEADER, csv_file, site
from tests.datasets_app.conftest import upload
from tests.incidents.conftest import submission
from tests.portfolios import briefing_world
from tests.portfolios.briefing_world import PortfolioWorld
from tests.portfolios.holdings_support import second_investor
from tests.screening.conftest import wait_for_rescreens


@dataclass
class A11yWorld:
    """Ids of what the pages show; `members` sign in, `newcomer` is an investor with nothing."""

    members: World
    portfolio: PortfolioWorld
    draft_assessment_id: int
    submitted_assessment_id: int
    challenge_case: str
    incident_ref: str
    newcomer_email: str
    validating_portfolio_id: int


def build(app: Flask) -> A11yWorld:
    members = make_world(app)
    portfolio = briefing_world.build(app, members)
    client = app.test_client()
    briefing_world.screen(app, client, members, portfolio.portfolio_id)

    company = members["company_a"].headers
    started = client.post(
        "/api/v1/assessments", json={"questionnaire_key": "company"}, headers=company
    )
    assert started.status_code == 201, started.get_json()
    draft = started.get_json()["id"]
    client.patch(
        f"/api/v1/assessments/{draft}/answers", json={"answers": {"A1": "yes"}}, headers=company
    )
    refused = csv_file([SITE_HEADER, site(Country="Atlantis")])
    assert upload(client, company, draft, "sites", refused, "sites.csv").status_code == 422

    submitted = submit_via_api(client, members, "company_b")
    case = file_challenge(client, members, portfolio.cert_a)
    decide(client, members, case, action="acknowledge")
    reported = client.post("/api/v1/incidents", json=submission(), headers=members["ngo"].headers)
    assert reported.status_code == 201, reported.get_json()
    wait_for_rescreens(app)  # the report's screening writes matches: let it finish first
    with db.session_scope(app) as session:
        validating = Portfolio(  # its import job has not started: the page shows progress
            organisation_id=members["investor"].organisation_id,
            name="Still validating",
            filename="holdings.xlsx",
            file_sha256="0" * 64,
        )
        session.add(validating)
        session.commit()
        validating_id = validating.id
    return A11yWorld(
        members=members,
        portfolio=portfolio,
        draft_assessment_id=draft,
        submitted_assessment_id=submitted,
        challenge_case=case,
        incident_ref=reported.get_json()["ref"],
        newcomer_email=second_investor(app).email,
        validating_portfolio_id=validating_id,
    )
