"""Forms after a validation error: the errors are shown, tied to their fields, every control
keeps an accessible name, and axe-core finds nothing serious. Nothing is stored: every form is
sent with a mistake."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.accessibility.checks import unnamed_controls
from tests.accessibility.world import A11yWorld
from tests.support.axe import serious_violations


@dataclass(frozen=True)
class Mistake:
    role: str
    path: Callable[[A11yWorld], str]
    make: Callable[[Page], None]


def _wrong_password(page: Page) -> None:
    page.get_by_label("E-mail").fill("nobody@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()


def _negative_number(page: Page) -> None:
    page.locator("#q-B2 input").fill("-5")
    page.get_by_role("button", name="Save", exact=True).click()


def _token_for_ever(page: Page) -> None:
    page.get_by_label("Expires after (days)").fill("9999")
    page.get_by_role("button", name="Create token").click()


def _submit(name: str) -> Callable[[Page], None]:
    return lambda page: page.get_by_role("button", name=name).click()


MISTAKES = {
    "sign-in, wrong password": Mistake("anonymous", lambda w: "/login", _wrong_password),
    "questionnaire, out of range": Mistake(
        "company", lambda w: f"/assessments/{w.draft_assessment_id}/sections/B", _negative_number
    ),
    "challenge, nothing filled in": Mistake(
        "ngo",
        lambda w: f"/certificates/{w.portfolio.cert_a}/challenges/new",
        _submit("File the challenge"),
    ),
    "incident, nothing filled in": Mistake(
        "ngo", lambda w: "/incidents/new", _submit("Record the incident")
    ),
    "API token, too long": Mistake("company", lambda w: "/account/tokens", _token_for_ever),
}

# Fields shown with an error must point at it, so a screen reader reads it with the field.
UNTIED_ERRORS = """() => [...document.querySelectorAll('main .error[id]')]
  .filter((error) => !document.querySelector(`[aria-describedby~="${error.id}"]`))
  .map((error) => error.id)"""


@pytest.mark.parametrize("name", MISTAKES)
def test_form_after_a_validation_error_is_accessible(
    name: str, a11y: A11yWorld, site_url: str, open_as: Callable[[str], Page]
) -> None:
    mistake = MISTAKES[name]
    page = open_as(mistake.role)
    page.goto(site_url + mistake.path(a11y))
    mistake.make(page)
    expect(page.locator("main .error").first).to_be_visible()
    assert page.evaluate(UNTIED_ERRORS) == []
    assert unnamed_controls(page) == []
    assert serious_violations(page) == []
