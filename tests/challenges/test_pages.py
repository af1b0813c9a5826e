"""The challenge pages: file (anonymously), respond, decide; the company's pages never name
who filed, reviewers' pages do."""

from __future__ import annotations

from flask import Flask

from tests.challenges.support import (
    CONTACT,
    GROUNDS,
    NGO_NAME,
    assert_no_filer,
    certificate_of_company_a,
)
from tests.challenges.test_challenges_api import _file
from tests.conftest import World, csrf_token, sign_in


def _post(browser, page_url: str, action_url: str, data: dict):
    token = csrf_token(browser.get(page_url).get_data(as_text=True))
    return browser.post(action_url, data={**data, "csrf_token": token})


def test_an_anonymous_visitor_files_from_the_tracker(app: Flask, world: World) -> None:
    cert_id = certificate_of_company_a(app, world)
    with app.test_client() as browser:
        form_url = f"/certificates/{cert_id}/challenges/new"
        assert browser.get(form_url).status_code == 200
        short = _post(browser, form_url, form_url, {"claim": "scope", "grounds": "too short"})
        assert short.status_code == 422
        filed = _post(
            browser,
            form_url,
            form_url,
            {"claim": "section", "ref": "C", "grounds": GROUNDS, "contact_email": CONTACT},
        )
        assert filed.status_code == 302
        tracker = browser.get(filed.headers["Location"]).get_data(as_text=True)
        assert "Challenge filed: your case number is CH-" in tracker
        assert "section C" in tracker
        assert_no_filer(tracker, world)


def test_the_company_responds_and_the_reviewer_decides_on_the_case_page(
    app: Flask, client, world: World
) -> None:
    cert_id = certificate_of_company_a(app, world)
    case = _file(client, cert_id, world["ngo"].headers).get_json()["case_number"]
    page_url = f"/challenges/{case}"
    with app.test_client() as reviewer:
        assert sign_in(reviewer, world["reviewer"].email).status_code == 302
        triage = reviewer.get("/challenges/triage").get_data(as_text=True)
        assert case in triage
        page = reviewer.get(page_url).get_data(as_text=True)
        assert NGO_NAME in page and world["ngo"].email in page
        done = _post(reviewer, page_url, f"{page_url}/decision", {"action": "acknowledge"})
        assert done.status_code == 302
    with app.test_client() as company:
        assert sign_in(company, world["company_a"].email).status_code == 302
        seen = [
            company.get(page_url).get_data(as_text=True),
            company.get("/challenges").get_data(as_text=True),
        ]
        assert "Send the response" in seen[0]
        token = csrf_token(seen[0])
        answered = company.post(
            f"{page_url}/response",
            data={"response": "The mechanism exists; minutes attached.", "csrf_token": token},
        )
        assert answered.status_code == 302
        again = company.post(
            f"{page_url}/response",
            data={"response": "A second answer that must be refused now.", "csrf_token": token},
        )
        assert again.status_code == 409
        seen += [company.get(page_url).get_data(as_text=True), again.get_data(as_text=True)]
        seen.append(company.get(f"/certificates/{cert_id}/challenges").get_data(as_text=True))
        for text in seen:
            assert_no_filer(text, world)
        assert "under review" in seen[2]
