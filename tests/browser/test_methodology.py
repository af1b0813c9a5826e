"""The published methodology in a real browser: reachable from the navigation, accessible."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support.axe import serious_violations


def test_anyone_reads_the_methodology_and_finds_its_downloads(
    page: Page, live_url: str, screenshot_dir: Path
) -> None:
    page.goto(f"{live_url}/")
    page.get_by_role("link", name="Methodology").click()
    expect(page.get_by_role("heading", name="HRD Sentinel scoring methodology")).to_be_visible()
    expect(page.get_by_role("heading", name="Red flags and caps")).to_be_visible()
    expect(page.get_by_role("table", name="Section weights (company/1)")).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path=screenshot_dir / "methodology.png", full_page=False)
    href = page.get_by_role("link", name="this methodology as PDF").get_attribute("href")
    pdf = page.request.get(f"{live_url}{href}")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
