"""In Debian's chromium: the portfolio page's progress bar follows the import job and the page
reloads itself when the job is done; the pages pass axe-core."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from compliance import db
from compliance.jobs.models import Job
from compliance.portfolios.models import Portfolio, PortfolioStatus
from tests.browser.conftest import base_url, browser_type_launch_args, live_url  # noqa: F401
from tests.conftest import PASSWORD, World
from tests.portfolios.holdings_support import (
    add_known_organisations,
    good_rows,
    import_portfolio,
    rows_csv,
    wait_for_all_jobs,
)
from tests.support.axe import serious_violations

pytestmark = pytest.mark.browser


def _sign_in(page: Page, live: str, email: str) -> None:
    page.goto(f"{live}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_progress_bar_follows_the_import_and_the_page_reloads_when_done(
    page: Page,
    live_url: str,  # noqa: F811  (the fixture imported above)
    app: Flask,
    world: World,
) -> None:
    investor = world["investor"]
    with db.session_scope(app) as session:
        job = Job(
            id=uuid.uuid4().hex,
            kind="portfolio.import",
            params={},
            organisation_id=investor.organisation_id,
            created_by_id=investor.user_id,
        )  # never dispatched: the test plays the job's part
        portfolio = Portfolio(
            organisation_id=investor.organisation_id,
            name="Fund in progress",
            filename="holdings.xlsx",
            file_sha256="0" * 64,
            status=PortfolioStatus.validating,
            upload_job_id=job.id,
        )
        session.add_all([job, portfolio])
        session.commit()
        portfolio_id, job_id = portfolio.id, job.id

    _sign_in(page, live_url, investor.email)
    page.get_by_role("link", name="Portfolios").click()
    expect(page.get_by_role("heading", name="Portfolios", exact=True)).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Fund in progress").click()
    bar = page.locator("progress#job-progress")
    expect(bar).to_be_visible()
    assert serious_violations(page) == []

    with db.session_scope(app) as session:
        session.get(Job, job_id).progress = 60
        session.commit()
    expect(page.locator("#job-progress-label")).to_contain_text("60%", timeout=10_000)
    assert bar.get_attribute("value") == "60"

    with db.session_scope(app) as session:
        item = session.get(Portfolio, portfolio_id)
        item.status = PortfolioStatus.refused
        item.refusal = "The file has a header row but no data rows."
        session.commit()
    expect(page.get_by_role("heading", name="The last upload was refused")).to_be_visible(
        timeout=10_000
    )
    expect(page.locator("progress#job-progress")).to_have_count(0)


def test_holdings_page_and_picking_an_organisation_pass_axe(
    page: Page,
    live_url: str,  # noqa: F811  (the fixture imported above)
    app: Flask,
    world: World,
) -> None:
    known = add_known_organisations(app)
    investor = world["investor"]
    with app.test_client() as client:
        portfolio = import_portfolio(client, investor.headers, rows_csv(good_rows()))
    wait_for_all_jobs(app)
    _sign_in(page, live_url, investor.email)
    page.goto(f"{live_url}/portfolios/{portfolio['id']}")
    expect(page.get_by_role("heading", name="Holdings to match by hand (2)")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Organisation for row 5").select_option(str(known["Palmas del Sur Ltda"]))
    page.locator("#holding-5").get_by_role("button", name="Use this one").click()
    expect(page.get_by_text("Row 5 (Palmas del Sur) is now mapped")).to_be_visible()
    expect(page.get_by_role("heading", name="Holdings to match by hand (1)")).to_be_visible()
    page.locator("#holding-6").get_by_role("link", name="Search by name").click()
    page.get_by_label("Name of the company or financial institution").fill("banco")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Banco Andino (BO)").check()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Use this organisation").click()
    expect(page.get_by_text("Row 6 (Unknown Widgets plc) is now mapped")).to_be_visible()
    expect(page.get_by_role("heading", name="Holdings to match by hand")).to_have_count(0)
