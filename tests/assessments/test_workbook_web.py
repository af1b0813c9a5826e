"""The answers workbook on the assessment page: sent with the session, imported by a job the
page follows, then what the import found, with the problems a page away."""

from __future__ import annotations

import io
import time

from flask import Flask
from flask.testing import FlaskClient

from compliance import db
from compliance.assessments.models import Assessment
from tests.assessments.support import fill
from tests.assessments.test_api import start
from tests.certificates.support import hold_jobs
from tests.conftest import World, csrf_token, sign_in


def _send(client: FlaskClient, assessment_id: int, data: bytes, token: str):
    return client.post(
        f"/assessments/{assessment_id}/workbook",
        data={"file": (io.BytesIO(data), "team-answers.xlsx"), "csrf_token": token},
        content_type="multipart/form-data",
    )


def _overview(client: FlaskClient, assessment_id: int) -> str:
    page = client.get(f"/assessments/{assessment_id}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_the_page_follows_the_import_then_says_what_it_imported(
    app: Flask, client: FlaskClient, world: World, monkeypatch
) -> None:
    assessment_id = start(client, world)["id"]
    sign_in(client, world["company_a"].email)
    template = client.get(f"/assessments/{assessment_id}/answers.xlsx").data
    held = hold_jobs(app, monkeypatch)
    token = csrf_token(_overview(client, assessment_id))

    sent = _send(client, assessment_id, fill(template, {"A1": "Yes", "C1": "No"}), token)

    assert sent.status_code == 302
    page = _overview(client, assessment_id)
    assert "team-answers.xlsx is being imported." in page  # the flash
    poll = f"/assessments/{assessment_id}/workbook/progress.json"
    assert '<progress id="workbook-progress"' in page and f'data-poll-url="{poll}"' in page
    assert client.get(poll).get_json() == {
        "active": True,
        "label": "Importing team-answers.xlsx",
        "percent": 0,
    }
    submit = client.post(f"/assessments/{assessment_id}/submit", data={"csrf_token": token})
    assert submit.status_code == 302
    assert "team-answers.xlsx is still being checked" in _overview(client, assessment_id)

    held.run_all(app)

    assert client.get(poll).get_json()["active"] is False
    page = _overview(client, assessment_id)
    assert "Imported 2 answers from the workbook team-answers.xlsx." in page
    assert "workbook-progress" not in page


def test_a_workbook_with_bad_cells_is_explained_with_its_problems(
    app: Flask, client: FlaskClient, world: World
) -> None:
    assessment_id = start(client, world)["id"]
    sign_in(client, world["company_a"].email)
    template = client.get(f"/assessments/{assessment_id}/answers.xlsx").data
    token = csrf_token(_overview(client, assessment_id))
    problems_url = f"/assessments/{assessment_id}/workbook/problems"
    assert client.get(problems_url).status_code == 404  # nothing refused yet

    assert _send(client, assessment_id, fill(template, {"B1": "Perhaps"}), token).status_code == 302
    _wait_until_imported(client, assessment_id)

    page = _overview(client, assessment_id)
    assert "The workbook team-answers.xlsx was not imported: 1 problem in its cells." in page
    assert f'href="{problems_url}"' in page
    problems = client.get(problems_url)
    assert problems.status_code == 200
    assert "Perhaps" in problems.get_data(as_text=True)
    sign_in(client, world["company_b"].email)
    assert client.get(problems_url).status_code == 404


def test_a_file_that_is_not_a_workbook_is_refused_on_the_page_at_once(
    client: FlaskClient, world: World
) -> None:
    assessment_id = start(client, world)["id"]
    sign_in(client, world["company_a"].email)
    token = csrf_token(_overview(client, assessment_id))

    refused = _send(client, assessment_id, b"%PDF-1.7 not a workbook", token)

    assert refused.status_code == 422
    assert "Workbook not imported: This file is not an .xlsx workbook." in refused.get_data(
        as_text=True
    )


def _wait_until_imported(client: FlaskClient, assessment_id: int) -> None:
    poll = f"/assessments/{assessment_id}/workbook/progress.json"
    for _ in range(600):
        if not client.get(poll).get_json()["active"]:
            return
        time.sleep(0.05)
    raise AssertionError("the workbook import did not finish in 30 s")


def test_a_refusal_of_the_import_reads_in_the_page_language(
    app: Flask, client: FlaskClient, world: World, monkeypatch
) -> None:
    """The job's result keeps the English the API answers with, and the terms the page words
    in Spanish."""
    assessment_id = start(client, world)["id"]
    other = client.get("/api/v1/questionnaires/financial_institution/template.xlsx").data
    client.post("/language", data={"language": "es"})
    sign_in(client, world["company_a"].email)
    held = hold_jobs(app, monkeypatch)

    sent = _send(client, assessment_id, other, csrf_token(_overview(client, assessment_id)))
    held.run_all(app)

    assert sent.status_code == 302
    assert "es la plantilla del cuestionario &#39;financial_institution&#39;" in _overview(
        client, assessment_id
    )
    with db.session_scope(app) as session:
        job_id = session.get(Assessment, assessment_id).import_job_id
    answer = app.test_client().get(f"/api/v1/jobs/{job_id}", headers=world["company_a"].headers)
    result = answer.json["result"]
    assert result["outcome"] == "refused"
    assert result["detail"].startswith("This workbook is the template of questionnaire")
