"""The certificate pages in a real browser: a reviewer reviews and approves, anyone finds the
certificate in the register and verifies its PDF; every page passes axe-core."""

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
from tests.certificates.support import pdf_when_ready, submit_via_api
from tests.conftest import PASSWORD, World
from tests.support.axe import serious_violations

pytestmark = pytest.mark.browser


def test_review_approve_find_and_verify_in_a_browser(
    page: Page,
    live_url: str,  # noqa: F811
    app: Flask,
    client: FlaskClient,
    world: World,
    tmp_path: Path,
    screenshot_dir: Path,  # noqa: F811
) -> None:
    assessment_id = submit_via_api(client, world)
    page.goto(f"{live_url}/login")
    page.get_by_label("E-mail").fill(world["reviewer"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_url}/review")
    expect(page.get_by_role("heading", name="Review queue", level=1)).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name=f"#{assessment_id}").first.click()
    expect(page.get_by_role("heading", name="Review: Minera Alfa S.A.")).to_be_visible()
    expect(page.get_by_text("No matches: screening has matched no incident")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Approve and issue the certificate").click()
    expect(page.get_by_text("Approved: the certificate is issued.")).to_be_visible()
    cert_id = page.url.rsplit("/", 1)[1]
    assert serious_violations(page) == []
    page.screenshot(path=screenshot_dir / "certificate-page.png", full_page=True)

    page.goto(f"{live_url}/register")
    page.get_by_label("Organisation name").fill("Minera")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=cert_id)).to_be_visible()
    assert serious_violations(page) == []

    pdf = tmp_path / f"{cert_id}.pdf"
    pdf.write_bytes(pdf_when_ready(client, cert_id).data)
    page.goto(f"{live_url}/verify")
    assert serious_violations(page) == []
    page.get_by_label("or the certificate's PDF or signed JSON file").set_input_files(str(pdf))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Valid", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Genuine and in force: {cert_id}")).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path=screenshot_dir / "certificate-verified.png", full_page=True)
