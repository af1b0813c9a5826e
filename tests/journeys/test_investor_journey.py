"""Journey 4: an investor uploads a portfolio holding the certified company, watches the import
and the screening progress, opens the briefing and downloads it as PDF and xlsx."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from compliance.jobs import runner
from tests.certificates.support import hold_jobs
from tests.conftest import World
from tests.journeys.story import COMPANY, certified, full_page, sign_in, viewport
from tests.portfolios.holdings_support import rows_xlsx

HOLDINGS = [
    [COMPANY, "", "", "Colombia", "Mining", "55"],
    ["Agro Beta Ltda", "", "", "", "Agriculture", "30"],
    ["Unknown Widgets plc", "", "", "GB", "", "15"],
]


def test_investor_screens_a_portfolio_and_downloads_the_briefing(
    page: Page,
    live_url: str,
    app: Flask,
    client: FlaskClient,
    world: World,
    tmp_path: Path,
    screenshot_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cert_id = certified(app, client, world)
    held = hold_jobs(app, monkeypatch)  # the test plays the worker, one job at a time
    holdings = tmp_path / "fund-holdings.xlsx"
    holdings.write_bytes(rows_xlsx(HOLDINGS))

    sign_in(page, live_url, world["investor"].email)
    page.get_by_role("link", name="Portfolios").click()
    page.get_by_label("Name of the portfolio").fill("Andean equity fund")
    page.get_by_label("Holdings file (.xlsx or .csv)").set_input_files(holdings)
    page.get_by_role("button", name="Upload and screen").click()
    expect(page.get_by_role("heading", name="Andean equity fund", level=1)).to_be_visible()
    label = page.locator("#job-progress-label")
    expect(label).to_contain_text("Checking the file and matching the holdings")
    full_page(page, screenshot_dir, "4-import-progress")

    runner.run(app, held.job_ids.pop(0))  # the import, which queues the screening run
    expect(label).to_contain_text("Screening the holdings (run 1)", timeout=10_000)
    viewport(page, screenshot_dir, "4-screening-progress")
    held.run_all(app)
    page.get_by_role("link", name="Open the briefing (run 1)").click(timeout=15_000)

    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    table = page.locator("#holdings-table")
    expect(table).to_contain_text(COMPANY)
    expect(table).to_contain_text(cert_id)
    full_page(page, screenshot_dir, "4-briefing")
    viewport(page, screenshot_dir, "4-briefing")

    # Chromium shows the PDF in a tab; saving it is what its viewer's Save button does.
    pdf_href = page.get_by_role("link", name="briefing.pdf").get_attribute("href")
    pdf = PdfReader(io.BytesIO(page.request.get(live_url + pdf_href).body()))
    pdf_text = "\n".join(sheet.extract_text() for sheet in pdf.pages)
    assert f"{COMPANY} 55.00%" in pdf_text and "Certified 55.0%" in pdf_text

    with page.expect_download() as download:
        page.get_by_role("link", name="briefing.xlsx").click()
    xlsx = tmp_path / download.value.suggested_filename
    download.value.save_as(xlsx)
    book = load_workbook(xlsx, read_only=True, data_only=True)
    assert book.sheetnames == ["Summary", "Holdings", "Incidents"]
    holding_rows = [row for row in book["Holdings"].iter_rows(values_only=True)]
    (company_row,) = [row for row in holding_rows if COMPANY in row]
    assert cert_id in company_row
