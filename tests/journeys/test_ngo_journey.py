"""Journey 3: an NGO downloads the company's certificate from the register, verifies the PDF on
the verification page, challenges the certificate and follows the case."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.journeys.story import COMPANY, certified, full_page, sign_in, viewport

GROUNDS = (
    "Community members near Mina Norte report that the company's security contractor "
    "photographs people going to assemblies, which the answers on security providers omit."
)


def test_ngo_verifies_the_pdf_challenges_and_follows_the_case(
    page: Page,
    live_url: str,
    app: Flask,
    client: FlaskClient,
    world: World,
    tmp_path: Path,
    screenshot_dir: Path,
) -> None:
    cert_id = certified(app, client, world)
    sign_in(page, live_url, world["ngo"].email)
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Organisation name").fill("Minera")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=cert_id).click()
    # Chromium shows the PDF in a tab; saving it is what its viewer's Save button does.
    href = page.get_by_role("link", name="PDF", exact=True).get_attribute("href")
    pdf = tmp_path / f"{cert_id}.pdf"
    pdf.write_bytes(page.request.get(live_url + href).body())
    assert pdf.read_bytes().startswith(b"%PDF-")

    page.get_by_role("link", name="Verify", exact=True).click()
    page.get_by_label("or the certificate's PDF or signed JSON file").set_input_files(pdf)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Valid", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Genuine and in force: {cert_id}")).to_be_visible()
    full_page(page, screenshot_dir, "3-verified")
    viewport(page, screenshot_dir, "3-verified")

    page.get_by_role("link", name=f"certificate {cert_id}").click()
    page.get_by_role("link", name=f"Challenges to {cert_id}").click()
    expect(
        page.get_by_text("No challenge has been filed against this certificate.")
    ).to_be_visible()
    page.get_by_role("link", name="Challenge this certificate").click()
    page.get_by_label("What do you contest?").select_option("section")
    page.get_by_label("Section or question id", exact=False).fill("D")
    page.get_by_label("Grounds").fill(GROUNDS)
    page.get_by_label("Evidence links, one per line").fill("https://example.org/assembly-report")
    full_page(page, screenshot_dir, "3-challenge-form")
    page.get_by_role("button", name="File the challenge").click()
    expect(page.get_by_text("Challenge filed: your case number is")).to_be_visible()
    case_number = page.get_by_role("heading", level=1).inner_text().removeprefix("Challenge ")
    expect(page.get_by_text(GROUNDS)).to_be_visible()
    full_page(page, screenshot_dir, "3-case")

    page.get_by_role("link", name="Challenges", exact=True).click()
    filed = page.get_by_role("table", name="Challenges your organisation filed")
    expect(filed.get_by_role("link", name=case_number)).to_be_visible()
    expect(filed).to_contain_text(cert_id)
    full_page(page, screenshot_dir, "3-my-challenges")

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_url}/certificates/{cert_id}")
    page.get_by_role("link", name=f"Challenges to {cert_id}").click()
    expect(page.get_by_text(case_number)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(world["ngo"].email)
    expect(page.locator("main")).not_to_contain_text("Red Delta")
    expect(page.get_by_role("heading", level=1)).to_contain_text(cert_id)
    assert COMPANY in page.locator("main").inner_text()
    full_page(page, screenshot_dir, "3-public-tracker")
