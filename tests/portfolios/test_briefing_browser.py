"""The briefing page in a real browser: screen, follow the progress bar, filter; axe-core clean."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import (  # noqa: F401  (fixtures, found by name)
    base_url,
    browser_type_launch_args,
    live_url,
)
from tests.conftest import PASSWORD, World
from tests.portfolios import briefing_world as bw
from tests.support.axe import serious_violations

pytestmark = pytest.mark.browser


def test_investor_screens_follows_progress_and_filters(
    page: Page,
    live_url: str,  # noqa: F811  (the fixture imported above)
    app: Flask,
    world: World,
) -> None:
    pw = bw.build(app, world)
    page.goto(f"{live_url}/login")
    page.get_by_label("E-mail").fill(world["investor"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_url}/portfolios/{pw.portfolio_id}/briefing")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fondo Gamma Latin America")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Screen again").click()
    # the progress script reloads the page when the run ends
    expect(page.get_by_role("heading", name="Summary")).to_be_visible(timeout=60_000)
    expect(page.locator("#holdings-table")).to_contain_text(pw.killing_ref)
    assert serious_violations(page) == []
    assert bw.leaked(page.content()) == []
    page.get_by_label("Country").select_option("BR")
    page.get_by_role("button", name="Apply").click()
    rows = page.locator("#holdings-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Agro Beta")
    assert serious_violations(page) == []
