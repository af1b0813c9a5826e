"""In a real browser: an investor adds a webhook on the watchlist page, copies the secret shown
once, and stops watching an organisation; the page passes axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from tests.browser.conftest import (  # noqa: F401
    base_url,
    browser_type_launch_args,
    live_url,
    screenshot_dir,
)
from tests.conftest import PASSWORD, World
from tests.support.axe import serious_violations

pytestmark = pytest.mark.browser


def test_an_investor_manages_the_watchlist_in_a_browser(
    page: Page,
    live_url: str,  # noqa: F811
    app: Flask,
    client: FlaskClient,
    world: World,
    screenshot_dir: Path,  # noqa: F811
) -> None:
    ids = [world["company_a"].organisation_id, world["company_b"].organisation_id]
    client.post(
        "/api/v1/watchlist", json={"organisation_ids": ids}, headers=world["investor"].headers
    )
    app.config["WEBHOOKS_ALLOWED_NETWORKS"] = ["10.0.0.0/8"]
    page.goto(f"{live_url}/login")
    page.get_by_label("E-mail").fill(world["investor"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Watchlist").click()
    expect(page.get_by_role("cell", name="Minera Alfa S.A.", exact=True)).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_label("Receiver URL").fill("http://127.0.0.1:9/hook")
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_text("COMPLIANCE_WEBHOOKS_ALLOW_PRIVATE")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Receiver URL").fill("https://10.2.3.4/hrd-alerts")
    page.get_by_role("button", name="Add webhook").click()
    secret = page.get_by_label("Signing secret").input_value()
    assert secret.startswith("whsec_")
    assert serious_violations(page) == []
    page.screenshot(path=screenshot_dir / "watchlist.png", full_page=True)

    page.get_by_role("button", name="Stop watching Agro Beta Ltda").click()
    expect(page.get_by_text("You no longer watch that organisation.")).to_be_visible()
    expect(page.get_by_role("cell", name="Agro Beta Ltda", exact=True)).to_have_count(0)
    assert secret not in page.content()
