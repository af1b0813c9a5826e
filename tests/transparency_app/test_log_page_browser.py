"""The public log page in a real browser: reachable from every page's footer, accessible."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import base_url, browser_type_launch_args, live_url  # noqa: F401
from tests.support.axe import serious_violations
from tests.transparency_app.conftest import fill_log

pytestmark = pytest.mark.browser


def test_anyone_finds_the_log_and_its_signed_head(page: Page, live_url: str, app: Flask) -> None:  # noqa: F811
    fill_log(app, 3)
    page.goto(f"{live_url}/")
    page.get_by_role("link", name="Transparency log").click()
    expect(page.get_by_role("heading", name="Transparency log", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Current signed tree head")).to_be_visible()
    table = page.get_by_role("table", name="The 50 latest log entries, newest first")
    expect(table.get_by_role("row")).to_have_count(4)
    expect(table.get_by_role("row").nth(1)).to_contain_text("methodology.published")
    assert serious_violations(page) == []
    href = page.get_by_role("link", name="published keys").get_attribute("href")
    keys = page.request.get(f"{live_url}{href}")
    assert keys.ok and keys.json()["keys"]
