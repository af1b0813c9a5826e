"""Signing in works in a real browser, and the pages pass axe-core."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, World
from tests.support.axe import serious_violations


def test_company_signs_in_and_out_in_a_browser(
    page: Page, live_url: str, world: World, screenshot_dir: Path
) -> None:
    page.goto(f"{live_url}/")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Sign in").first.click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("E-mail").fill("company_a@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Minera Alfa S.A.")).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path=screenshot_dir / "home-company.png", full_page=True)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def test_wrong_password_is_explained_next_to_the_field(
    page: Page, live_url: str, world: World
) -> None:
    page.goto(f"{live_url}/login")
    page.get_by_label("E-mail").fill("company_a@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The e-mail or password is wrong.")).to_be_visible()
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"
    assert serious_violations(page) == []


def test_token_page_is_accessible_and_keyboard_usable(
    page: Page, live_url: str, world: World
) -> None:
    page.goto(f"{live_url}/login")
    page.get_by_label("E-mail").fill("ngo@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Red Delta")).to_be_visible()
    page.goto(f"{live_url}/account/tokens")
    page.get_by_label("Name of the token").fill("Case system")
    page.get_by_role("button", name="Create token").press("Enter")
    expect(page.get_by_label("New token")).to_be_visible()
    token = page.get_by_label("New token").input_value()
    assert token.startswith("hrd_")
    assert serious_violations(page) == []
