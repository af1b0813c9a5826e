"""The incident pages work in a real browser and pass axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, World
from tests.incidents.conftest import SECRETS
from tests.support.axe import serious_violations

pytestmark = pytest.mark.browser


def _sign_in(page: Page, live_url: str, email: str) -> None:
    page.goto(f"{live_url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_ngo_submits_an_incident_in_a_browser_and_the_pages_are_accessible(
    page: Page, live_url: str, world: World, screenshot_dir: Path
) -> None:
    _sign_in(page, live_url, "ngo@example.org")
    page.goto(f"{live_url}/incidents/new")
    expect(page.get_by_role("heading", name="Submit an incident")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Record the incident").click()
    expect(page.get_by_text("Some answers need attention")).to_be_visible()
    assert page.get_by_label("Country (ISO code, e.g. CO)").get_attribute("aria-invalid") == "true"
    assert serious_violations(page) == []

    page.get_by_label("Date of the incident").fill("2024-02-10")
    page.get_by_label("Country (ISO code, e.g. CO)").fill("CO")
    page.get_by_label("Region (province, state or department)").fill("Cauca")
    page.get_by_label("Death threat").check()
    page.get_by_label("Indigenous").check()
    page.get_by_label("Sector of the business involved").select_option("mining")
    page.get_by_label("Companies alleged to be linked (one per line, as named)").fill(
        "Minera Alfa S.A."
    )
    page.get_by_label("The people concerned gave informed consent").check()
    page.get_by_label("Names of the people attacked (one per line)").fill(SECRETS["victim"])
    page.get_by_role("button", name="Record the incident").click()
    expect(page.get_by_text("It is shown as alleged until a reviewer")).to_be_visible()
    expect(page.get_by_text(SECRETS["victim"])).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path=screenshot_dir / "incident-detail-ngo.png", full_page=True)

    page.goto(f"{live_url}/incidents")
    expect(page.get_by_role("heading", name="Incident records")).to_be_visible()
    assert serious_violations(page) == []


def test_a_company_sees_the_incident_list_without_protected_fields(
    page: Page, live_url: str, world: World, client
) -> None:
    from tests.incidents.conftest import submission

    ref = client.post(
        "/api/v1/incidents", json=submission(), headers=world["ngo"].headers
    ).get_json()["ref"]
    _sign_in(page, live_url, "company_a@example.org")
    page.goto(f"{live_url}/incidents")
    page.get_by_role("link", name=ref).click()
    expect(page.get_by_role("heading", name=f"Incident {ref}")).to_be_visible()
    assert SECRETS["victim"] not in page.content()
    assert serious_violations(page) == []
