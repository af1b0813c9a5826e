"""The main pages work with the keyboard alone: a skip link first, every control of the page
reached by Tab in order, and the focus always visible."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page

from tests.accessibility.checks import keyboard_problems
from tests.accessibility.world import A11yWorld
from tests.conftest import PASSWORD

MAIN_PAGES = {
    "sign-in": ("anonymous", lambda w: "/login"),
    "questionnaire section": (
        "company",
        lambda w: f"/assessments/{w.draft_assessment_id}/sections/A",
    ),
    "challenge filing": ("ngo", lambda w: f"/certificates/{w.portfolio.cert_a}/challenges/new"),
    "portfolio upload": ("investor", lambda w: "/portfolios"),
}


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_keyboard_reaches_every_control_in_order_with_visible_focus(
    name: str, a11y: A11yWorld, site_url: str, open_as: Callable[[str], Page]
) -> None:
    role, path = MAIN_PAGES[name]
    assert keyboard_problems(open_as(role), site_url + path(a11y)) == []


def test_keyboard_signs_in(site_url: str, a11y: A11yWorld, browser: Browser) -> None:
    """Typing and Enter are enough to sign in."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site_url}/login")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type(a11y.members["ngo"].email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"{site_url}/(#main)?$"))  # the skip link's #main stays
    assert page.get_by_role("button", name="Sign out").is_visible()
    context.close()
