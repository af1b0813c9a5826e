"""Journey 1: a company answers part of its self-assessment on the web and the rest in the
answers workbook, lists its sites (fixing the one mistake the fix-it workbook marks), answers
the incident screening matched to it, reads its provisional score and submits."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from compliance.demo.answers import STRONG_ANSWERS
from questionnaires.registry import default_registry
from questionnaires.workbook_layout import (
    ANSWER_COLUMN,
    EVIDENCE_COLUMN,
    FIRST_QUESTION_ROW,
    ID_COLUMN,
    OPTION_SEPARATOR,
)
from tests.conftest import World
from tests.datasets.builders import SITE_HEADER, csv_file, site
from tests.journeys.story import COMPANY, full_page, plant_incident, sign_in, viewport

ON_THE_WEB = ("A1", "A2", "A3")


def _fill_workbook(path: Path, answers: dict, with_evidence: set[str]) -> None:
    """Type the answers into the downloaded workbook as a person would: the answer cell of each
    question, 'Yes' on the rows of the options chosen, a link in the evidence cell."""
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in range(FIRST_QUESTION_ROW, sheet.max_row + 1):
            ref = sheet[f"{ID_COLUMN}{row}"].value
            if not isinstance(ref, str):
                continue
            question_id, _, option = ref.partition(OPTION_SEPARATOR)
            value = answers.get(question_id)
            if value is None:
                continue
            if option:
                if option in value:
                    sheet[f"{ANSWER_COLUMN}{row}"] = "Yes"
                continue
            if not isinstance(value, list):
                sheet[f"{ANSWER_COLUMN}{row}"] = value
            if question_id in with_evidence:
                sheet[f"{EVIDENCE_COLUMN}{row}"] = f"https://example.org/evidence/{question_id}"
    book.save(path)


def _questions_expecting_evidence() -> set[str]:
    company = default_registry().get("company")
    return {
        question.id
        for section in company.sections
        for question in section.questions
        if question.evidence.expected
    }


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fix_marked_cells(path: Path, fixes: dict[str, object]) -> None:
    """Correct the cells the fix-it workbook filled red and commented; its Errors sheet, which
    lists them, stays where it is."""
    book = openpyxl.load_workbook(path)
    marked = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.comment]
    assert [cell.coordinate for cell in marked] == list(fixes), marked
    for cell in marked:
        cell.value = fixes[cell.coordinate]
        cell.comment = None
    book.save(path)


def test_company_answers_lists_sites_replies_and_submits(
    page: Page,
    live_url: str,
    app: Flask,
    client: FlaskClient,
    world: World,
    tmp_path: Path,
    screenshot_dir: Path,
) -> None:
    plant_incident(app, client, world)
    sign_in(page, live_url, world["company_a"].email)
    assert page.locator(".brand img").evaluate("logo => logo.naturalWidth") > 0
    page.get_by_role("link", name="Assessments").first.click()
    page.get_by_role("button", name="Start a new assessment").click()
    expect(page.get_by_role("heading", name="Missing before you can submit")).to_be_visible()

    # Part of section A on the web.
    page.get_by_role("link", name="A. ", exact=False).first.click()
    page.locator("#q-A1").get_by_label("Yes").check()
    for option in STRONG_ANSWERS["A2"]:
        page.locator(f"#q-A2 input[value={option}]").check()
    page.locator("#q-A3").get_by_label("Yes").check()
    full_page(page, screenshot_dir, "1-section-on-the-web")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Section A saved.")).to_be_visible()
    page.locator(".breadcrumb").get_by_role("link", name="#", exact=False).click()
    evidence_expected = _questions_expecting_evidence()
    policy = tmp_path / "hrd-policy.pdf"
    policy.write_bytes(_blank_pdf())
    for question_id in sorted(evidence_expected & set(ON_THE_WEB)):
        page.get_by_label("For question").select_option(question_id)
        page.get_by_label("Description").fill("Board-approved HRD policy, 2025")
        page.get_by_label("File (PDF", exact=False).set_input_files(policy)
        page.get_by_role("button", name="Add evidence").click()
        expect(page.locator("#evidence tbody")).to_contain_text(question_id)

    # The rest in the workbook: download it, fill it, upload it.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the answers workbook").click()
    workbook = tmp_path / download.value.suggested_filename
    download.value.save_as(workbook)
    rest = {k: v for k, v in STRONG_ANSWERS.items() if k not in ON_THE_WEB}
    _fill_workbook(workbook, rest, with_evidence=evidence_expected)
    page.get_by_label("Filled workbook (.xlsx)").set_input_files(workbook)
    page.get_by_role("button", name="Upload answers").click()
    # Imported by a job: the section follows it, then says what was imported.
    expect(page.locator('section[aria-labelledby="excel-heading"]')).to_contain_text(
        "answers from the workbook", timeout=30_000
    )
    expect(page.locator("#overall-progress")).to_have_attribute("value", "100")

    # Sites, with one mistake; the fix-it workbook marks it; fixed and uploaded again.
    sites = tmp_path / "sites.csv"
    sites.write_bytes(
        csv_file([SITE_HEADER, site(), site(Name="Represa Alta", Type="dam", Latitude=95.2)])
    )
    page.get_by_label("Project sites file (.xlsx or UTF-8 .csv)").set_input_files(sites)
    page.get_by_role("button", name="Upload project sites").click()
    # The rows are checked by a job: the panel follows it, then names the refusal.
    panel = page.locator("#datasets")
    expect(panel).to_contain_text("The last upload, sites.csv, was refused", timeout=30_000)
    panel.get_by_role("link", name="see the problems").click()
    expect(
        page.get_by_role("heading", name="Project sites: the file was not accepted")
    ).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("95.2")
    full_page(page, screenshot_dir, "1-sites-refused")
    viewport(page, screenshot_dir, "1-sites-refused")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the fix-it workbook").click()
    fixit = tmp_path / "sites-fixed.xlsx"
    download.value.save_as(fixit)
    _fix_marked_cells(fixit, {"E3": 6.31})
    page.get_by_role("link", name="assessment page").click()
    page.get_by_label("Project sites file (.xlsx or UTF-8 .csv)").set_input_files(fixit)
    page.get_by_role("button", name="Upload project sites").click()
    expect(page.locator("#datasets")).to_contain_text("2 rows", timeout=30_000)

    # The incident screening matched to the company: its right of reply.
    page.get_by_role("link", name="Matched incidents").click()
    article = page.locator("article", has_text=COMPANY)
    expect(article).to_have_count(1)
    article.get_by_label("Your public response").fill(
        "We reject any intimidation of people who speak up about our mine."
    )
    article.get_by_label("We opened an investigation").check()
    article.get_by_label("The investigation: who runs it, scope, status").fill(
        "An independent lawyer chosen with the community council reviews the allegation."
    )
    article.get_by_label("Links evidencing the investigation (one per line)").fill(
        "https://example.org/investigation-terms"
    )
    article.get_by_role("button", name="Save the answer").click()
    expect(page.get_by_text("Your response is saved")).to_be_visible()
    full_page(page, screenshot_dir, "1-incident-answered")

    # The provisional score and what would raise the tier, then submit.
    page.get_by_role("link", name="Assessments").first.click()
    page.get_by_role("link", name="Assessment #", exact=False).first.click()
    score = page.locator("#score")
    expect(score.get_by_role("heading", name="Provisional score")).to_be_visible()
    expect(score.get_by_role("heading", name="What would raise the tier to")).to_be_visible()
    score.scroll_into_view_if_needed()
    viewport(page, screenshot_dir, "1-provisional-score")
    expect(page.get_by_text("Nothing is missing.")).to_be_visible()
    full_page(page, screenshot_dir, "1-ready-to-submit")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted.")).to_be_visible()
    expect(page.locator(".lead .status")).to_have_text("submitted")
    full_page(page, screenshot_dir, "1-submitted")
