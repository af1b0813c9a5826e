"""In a real browser: an anonymous visitor files a challenge from a certificate's tracker and
sees it listed; the pages pass axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import (  # noqa: F401
    base_url,
    browser_type_launch_args,
    live_url,
    screenshot_dir,
)
from tests.challenges.support import CONTACT, GROUNDS, assert_no_filer, certificate_of_company_a
from tests.conftest import World
from tests.support.axe import serious_violations

pytestmark = pytest.mark.browser


def test_an_anonymous_challenge_is_filed_and_tracked_in_a_browser(
    page: Page,
    live_url: str,  # noqa: F811
    app: Flask,
    world: World,
    screenshot_dir: Path,  # noqa: F811
) -> None:
    cert_id = certificate_of_company_a(app, world)
    page.goto(f"{live_url}/certificates/{cert_id}/challenges")
    expect(
        page.get_by_text("No challenge has been filed against this certificate.")
    ).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Challenge this certificate").click()
    assert serious_violations(page) == []
    page.get_by_label("What do you contest?").select_option("section")
    page.get_by_label("Section or question id").fill("C")
    page.get_by_label("Grounds").fill(GROUNDS)
    page.get_by_label("Contact e-mail").fill(CONTACT)
    page.get_by_role("button", name="File the challenge").click()
    expect(page.get_by_text("Challenge filed: your case number is CH-")).to_be_visible()
    expect(page.get_by_role("cell", name="section C")).to_be_visible()
    assert serious_violations(page) == []
    assert_no_filer(page.content(), world)
    page.screenshot(path=screenshot_dir / "challenge-tracker.png", full_page=True)
