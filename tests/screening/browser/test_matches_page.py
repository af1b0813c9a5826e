"""The 'Matched incidents' page works in a real browser and passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, World
from tests.screening.conftest import leaked
from tests.support.axe import serious_violations

pytestmark = pytest.mark.browser


def _sign_in(page: Page, live_url: str, email: str) -> None:
    page.goto(f"{live_url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_company_answers_a_matched_incident_and_a_reviewer_confirms_it(
    page: Page, live_url: str, world: World, planted: dict
) -> None:
    _sign_in(page, live_url, world["company_a"].email)
    page.get_by_role("link", name="Matched incidents").click()
    expect(page.get_by_role("heading", name="Matched incidents", level=1)).to_be_visible()
    assert serious_violations(page) == []
    assert not leaked(page.content())
    article = page.locator("article", has_text="alias 'Minera Alfa Colombia'")
    article.get_by_label("Your public response").fill("We condemn the attack.")
    article.get_by_label("We opened an investigation").check()
    article.get_by_label("Links evidencing the investigation (one per line)").fill(
        "https://example.org/investigation"
    )
    article.get_by_role("button", name="Save the answer").click()
    expect(page.get_by_text("Your response is saved")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, live_url, world["reviewer"].email)
    page.goto(f"{live_url}/matches")
    article = page.locator("article", has_text="alias 'Minera Alfa Colombia'")
    expect(article.get_by_text("We condemn the attack.")).to_be_visible()
    assert serious_violations(page) == []
    article.get_by_label("Confirm: the record is about this organisation").check()
    article.get_by_label("Reason (seen by reviewers only)").fill("Named by its alias.")
    article.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("confirmed; the decision holds at re-screening")).to_be_visible()
