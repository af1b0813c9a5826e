"""The assessment form in a real browser: conditions, save and resume, the missing list, submit."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect
from sqlmodel import select

from compliance import db
from compliance.accounts.actor import Actor
from compliance.accounts.models import Organisation, User
from compliance.assessments import service as assessment_service
from compliance.assessments.models import Assessment
from compliance.clock import now
from tests.assessments.support import complete_answers
from tests.conftest import PASSWORD, World
from tests.support.axe import serious_violations


def _sign_in(page: Page, live_url: str, email: str) -> None:
    page.goto(f"{live_url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _colleague_completes_the_rest(app: Flask, world: World) -> None:
    """Another colleague answers the other sections and links evidence, through the service."""
    with db.session_scope(app) as session:
        user = session.get(User, world["company_a"].user_id)
        actor = Actor(user=user, organisation=session.get(Organisation, user.organisation_id))
        assessment = session.exec(select(Assessment)).one()
        rest = {k: v for k, v in complete_answers().items() if not k.startswith("A")}
        assessment_service.save_answers(
            session=session, actor=actor, assessment=assessment, patch=rest, now=now()
        )
        for item in assessment_service.standing(session=session, assessment=assessment)[3]:
            if item.kind == "evidence":
                assessment_service.attach_link(
                    session=session,
                    actor=actor,
                    assessment=assessment,
                    url="https://example.org/evidence",
                    question_id=item.question_id,
                    description=None,
                    now=now(),
                )
        session.commit()


def test_company_fills_a_section_resumes_and_submits(
    page: Page, live_url: str, app: Flask, world: World, screenshot_dir: Path
) -> None:
    _sign_in(page, live_url, "company_a@example.org")
    page.get_by_role("link", name="Assessments").first.click()
    page.get_by_role("button", name="Start a new assessment").click()
    expect(page.get_by_role("heading", name="Missing before you can submit")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name="A. ", exact=False).first.click()
    scope_question = page.locator("#q-A2")
    expect(scope_question).to_be_hidden()
    page.locator("#q-A1").get_by_label("Yes").check()
    expect(scope_question).to_be_visible()
    scope_question.get_by_label("Own operations", exact=False).check()
    page.locator("#q-A1").get_by_label("No", exact=True).check()
    expect(scope_question).to_be_hidden()
    page.locator("#q-A1").get_by_label("Yes").check()
    expect(scope_question).to_be_visible()
    page.locator("#q-A4").get_by_label("Partly").check()
    assert serious_violations(page) == []
    page.screenshot(path=screenshot_dir / "assessment-section.png", full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Section A saved.")).to_be_visible()

    page.goto(f"{live_url}/")
    page.get_by_role("link", name="Assessments").first.click()
    page.get_by_role("link", name="Assessment #").first.click()
    page.get_by_role("link", name="A. ", exact=False).first.click()
    expect(page.locator("#q-A1").get_by_label("Yes")).to_be_checked()
    expect(page.locator("#q-A2").get_by_label("Own operations", exact=False)).to_be_checked()
    expect(page.locator("#q-A4").get_by_label("Partly")).to_be_checked()

    page.get_by_role("link", name="B", exact=True).click()
    page.locator("#q-B2 input").fill("-5")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.locator("#error-B2")).to_be_visible()

    _colleague_completes_the_rest(app, world)
    page.goto(page.url.split("/sections/")[0])
    missing = page.locator("#missing")
    expect(missing).to_contain_text("A", timeout=5000)
    section_a = {k: v for k, v in complete_answers().items() if k.startswith("A")}
    page.get_by_role("link", name="A. ", exact=False).first.click()
    for question_id, value in section_a.items():
        fieldset = page.locator(f"#q-{question_id}")
        if value == "no":
            fieldset.get_by_label("No", exact=True).check()
        elif isinstance(value, list):
            continue
        elif question_id == "A6":
            fieldset.locator("input[type=radio]").last.check()
        elif isinstance(value, str) and value[:4].isdigit():
            fieldset.locator("input").fill(value)
    page.get_by_role("button", name="Save and continue").click()
    page.goto(page.url.split("/sections/")[0])
    _colleague_links_missing_evidence(app, world)
    page.reload()
    expect(page.get_by_text("Nothing is missing.")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted.")).to_be_visible()
    expect(page.locator(".lead .status")).to_have_text("submitted")
    page.screenshot(path=screenshot_dir / "assessment-submitted.png", full_page=True)


def _colleague_links_missing_evidence(app: Flask, world: World) -> None:
    with db.session_scope(app) as session:
        user = session.get(User, world["company_a"].user_id)
        actor = Actor(user=user, organisation=session.get(Organisation, user.organisation_id))
        assessment = session.exec(select(Assessment)).one()
        for item in assessment_service.standing(session=session, assessment=assessment)[3]:
            assert item.kind == "evidence", item.message
            assessment_service.attach_link(
                session=session,
                actor=actor,
                assessment=assessment,
                url="https://example.org/evidence",
                question_id=item.question_id,
                description=None,
                now=now(),
            )
        session.commit()
