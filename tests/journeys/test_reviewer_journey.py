"""Journey 2: a reviewer checks the submitted evidence, confirms the incident matched to the
company, approves; the certificate's PDF follows and the certificate is in the public register."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.journeys.story import COMPANY, full_page, sign_in, submitted, viewport, wait_for_pdf


def test_reviewer_verifies_confirms_approves_and_the_register_lists_it(
    page: Page,
    live_url: str,
    app: Flask,
    client: FlaskClient,
    world: World,
    screenshot_dir: Path,
) -> None:
    assessment_id = submitted(app, client, world)
    sign_in(page, live_url, world["reviewer"].email)
    page.get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name=f"#{assessment_id}").first.click()
    expect(page.get_by_role("heading", name=f"Review: {COMPANY}")).to_be_visible()
    full_page(page, screenshot_dir, "2-review-page")

    # Every evidence item opened and marked verified.
    saves = page.locator("#evidence").get_by_role("button", name="Save review of", exact=False)
    for position in range(saves.count()):
        row = page.locator("#evidence tbody tr").nth(position)
        row.get_by_label("Verified").check()
        row.get_by_role("button", name="Save review of", exact=False).click()
        expect(page.get_by_text("marked verified.")).to_be_visible()
    expect(page.locator("#evidence tbody")).not_to_contain_text("unreviewed")

    # The incident screening matched to the company: confirmed, with the reason.
    match = page.locator("#matches article", has_text=COMPANY)
    expect(match).to_contain_text("We reject intimidation and opened an inquiry.")
    match.get_by_label("Confirm: the record is about this organisation").check()
    match.get_by_label("Reason (seen by reviewers only)").fill("The record names the company.")
    match.scroll_into_view_if_needed()
    viewport(page, screenshot_dir, "2-confirm-match")
    match.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("confirmed; the decision holds at re-screening")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Review: {COMPANY}")).to_be_visible()
    expect(page.locator("#matches article .badge").first).to_have_text("confirmed")

    page.get_by_role("button", name="Approve and issue the certificate").click()
    expect(page.get_by_text("Approved: the certificate is issued.")).to_be_visible()
    cert_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_role("heading", name=COMPANY, level=1)).to_be_visible()
    wait_for_pdf(page, live_url, cert_id)
    full_page(page, screenshot_dir, "2-certificate")
    viewport(page, screenshot_dir, "2-certificate")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Organisation name").fill("Minera")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=cert_id)).to_be_visible()
    full_page(page, screenshot_dir, "2-register")
