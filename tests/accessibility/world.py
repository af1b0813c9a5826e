"""One world with data on every page, built once for all accessibility tests: the portfolio
world of the briefing tests (certificates, incidents, matches, a challenge, a screened
portfolio), plus an assessment in progress with a refused answers workbook, a refused sites
upload and a suppliers upload waiting for its check, a submitted assessment in the review
queue, an NGO's challenge and an NGO's incident report."""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask import Flask

from compliance import db
from compliance.datasets import DatasetKind
from compliance.datasets.models import DatasetUpload
from compliance.portfolios.models import Portfolio
from tests.assessments.support import fill
from tests.certificates.support import submit_via_api
from tests.challenges.support import decide, file_challenge
from tests.conftest import World, make_world
from tests.datasets.builders import SITE_HEADER, csv_file, site
from tests.datasets_app.conftest import upload_checked
from tests.incidents.conftest import submission
from tests.portfolios import briefing_world
from tests.portfolios.briefing_world import PortfolioWorld
from tests.portfolios.holdings_support import second_investor
from tests.screening.conftest import wait_for_rescreens
from tests.support.jobs import wait_for_job


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
    checked = upload_checked(client, company, draft, "sites", refused, "sites.csv")
    assert checked["outcome"] == "invalid", checked
    template = client.get(f"/api/v1/assessments/{draft}/answers.xlsx", headers=company).data
    sent = client.post(
        f"/api/v1/assessments/{draft}/answers.xlsx",
        data={"file": (io.BytesIO(fill(template, {"B1": "Perhaps"})), "answers.xlsx")},
        headers=company,
        content_type="multipart/form-data",
    )
    assert sent.status_code == 202, sent.get_json()
    imported = wait_for_job(client, company, sent.get_json()["job_id"])
    assert imported["result"]["outcome"] == "invalid", imported

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
        waiting = DatasetUpload(  # a suppliers file whose check has not started: its progress
            assessment_id=draft,
            kind=DatasetKind.SUPPLIERS,
            filename="suppliers.xlsx",
            size_bytes=1,
            file_sha256="0" * 64,
            uploaded_by_id=members["company_a"].user_id,
        )
        session.add(waiting)
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
