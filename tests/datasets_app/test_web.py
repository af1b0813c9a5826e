"""The 'Project sites and suppliers' panel: upload with the session and CSRF, problems page,
downloads for the signed-in user."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from compliance import db
from compliance.datasets import DatasetKind, validate_upload
from compliance.datasets.models import DatasetUpload
from tests.certificates.support import hold_jobs
from tests.conftest import World, csrf_token, sign_in
from tests.datasets.builders import SITE_HEADER, csv_file, site, workbook
from tests.datasets_app.conftest import multipart, stored_counts, upload_checked
from tests.support.jobs import wait_for_job


def _overview(client: FlaskClient, assessment_id: int) -> str:
    answer = client.get(f"/assessments/{assessment_id}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def _web_upload(
    client: FlaskClient, assessment_id: int, kind: str, data: bytes, filename: str, token: str
):
    body, content_type = multipart({"csrf_token": token}, data, filename)
    return client.post(
        f"/assessments/{assessment_id}/datasets/{kind}", data=body, content_type=content_type
    )


def _check_job(app: Flask, client: FlaskClient, world: World) -> dict:
    """The finished check of the (only) upload: its job."""
    with db.session_scope(app) as session:
        job_id = session.execute(sa.select(DatasetUpload.job_id)).scalar_one()
    return wait_for_job(client, world["company_a"].headers, job_id)


def _checked(app: Flask, client: FlaskClient, world: World) -> dict:
    """The check of the (only) upload, which ran to the end."""
    job = _check_job(app, client, world)
    assert job["status"] == "succeeded", job
    return job


def test_owner_uploads_sites_from_the_panel_and_sees_the_version(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    sign_in(client, world["company_a"].email)
    page = _overview(client, assessment_id)
    assert "Project sites and suppliers" in page and 'id="dataset-sites-file"' in page
    assert "No project sites uploaded yet." in page and "/datasets/sites/template.xlsx" in page

    rows = [SITE_HEADER, site(), site(Name="Represa Alta", Type="dam", Country="BR")]
    answer = _web_upload(
        client, assessment_id, "sites", workbook(rows), "sites.xlsx", csrf_token(page)
    )

    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/assessments/{assessment_id}#datasets")
    _checked(app, client, world)
    page = _overview(client, assessment_id)
    assert "Project sites: sites.xlsx is being checked row by row." in page  # the flash
    assert "Version 1: <strong>2 rows</strong> from sites.xlsx" in page
    assert "BR (1)" in page and "CO (1)" in page
    assert 'id="dataset-sites-progress"' not in page  # nothing waits any more


def test_panel_shows_the_progress_of_a_check_until_it_is_done(
    app: Flask, client: FlaskClient, world: World, assessment_id: int, monkeypatch
) -> None:
    held = hold_jobs(app, monkeypatch)
    sign_in(client, world["company_a"].email)
    token = csrf_token(_overview(client, assessment_id))
    answer = _web_upload(
        client, assessment_id, "sites", csv_file([SITE_HEADER, site()]), "sites.csv", token
    )
    assert answer.status_code == 302

    page = _overview(client, assessment_id)
    progress_url = f"/assessments/{assessment_id}/datasets/sites/progress.json"
    assert '<progress id="dataset-sites-progress"' in page
    assert f'data-poll-url="{progress_url}"' in page and "js/job-progress.js" in page
    assert "Checking the rows of sites.csv: 0%" in page
    polled = client.get(progress_url).get_json()
    assert polled == {"active": True, "label": "Checking the rows of sites.csv", "percent": 0}

    held.run_all(app)

    assert client.get(progress_url).get_json()["active"] is False
    page = _overview(client, assessment_id)
    assert "dataset-sites-progress" not in page
    assert "Version 1: <strong>1 row</strong> from sites.csv" in page


def test_upload_without_a_csrf_token_is_refused(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    sign_in(client, world["company_a"].email)
    body, content_type = multipart({}, csv_file([SITE_HEADER, site()]), "s.csv")
    answer = client.post(
        f"/assessments/{assessment_id}/datasets/sites", data=body, content_type=content_type
    )
    assert answer.status_code == 400
    assert stored_counts(app)["dataset_upload"] == 0


def test_refused_upload_shows_every_problem_and_the_fixit_workbook(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    sign_in(client, world["company_a"].email)
    token = csrf_token(_overview(client, assessment_id))
    bad = csv_file([SITE_HEADER, site(), site(Name="B", Country="Atlantis")])

    answer = _web_upload(client, assessment_id, "sites", bad, "my-sites.csv", token)

    assert answer.status_code == 302
    assert _checked(app, client, world)["result"]["outcome"] == "invalid"
    overview = _overview(client, assessment_id)
    assert "The last upload, my-sites.csv, was refused" in overview
    assert "1 problem in 1 row" in overview
    report_link = f"/assessments/{assessment_id}/datasets/sites/report.xlsx"
    assert report_link in overview
    report = client.get(report_link)
    assert report.status_code == 200
    assert load_workbook(io.BytesIO(report.data)).sheetnames == ["Errors", "my-sites"]
    problems = client.get(f"/assessments/{assessment_id}/datasets/sites/problems")
    page = problems.get_data(as_text=True)
    assert problems.status_code == 200 and "the file was not accepted" in page
    assert "&#39;Atlantis&#39; is not a country we recognise." in page


def test_file_refused_as_a_whole_is_explained_on_the_overview(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    sign_in(client, world["company_a"].email)
    token = csrf_token(_overview(client, assessment_id))
    answer = _web_upload(client, assessment_id, "suppliers", workbook([]), "p.xlsm", token)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Suppliers not uploaded: Workbooks with macros (.xlsm) are refused." in page
    assert stored_counts(app)["dataset_upload"] == 0


def test_reviewer_sees_the_data_but_no_upload_form(
    client: FlaskClient, world: World, assessment_id: int
) -> None:
    data = csv_file([SITE_HEADER, site()])
    upload_checked(client, world["company_a"].headers, assessment_id, "sites", data, "s.csv")
    sign_in(client, world["reviewer"].email)
    page = _overview(client, assessment_id)
    assert "Version 1: <strong>1 row</strong>" in page
    assert 'id="dataset-sites-file"' not in page
    refused = _web_upload(client, assessment_id, "sites", data, "s.csv", csrf_token(page))
    assert refused.status_code == 403
    sign_in(client, world["company_b"].email)
    assert client.get(f"/assessments/{assessment_id}/datasets/sites/problems").status_code == 404


def test_templates_download_without_signing_in(client: FlaskClient) -> None:
    csv_template = client.get("/datasets/sites/template.csv")
    assert csv_template.status_code == 200 and csv_template.data.startswith(b"\xef\xbb\xbfSite ID")
    clean = validate_upload(DatasetKind.SITES, csv_template.data, filename="t.csv")
    assert clean.summary.rows == 1
    xlsx = client.get("/datasets/suppliers/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/datasets/customers/template.xlsx").status_code == 404


def test_a_refusal_from_the_check_reads_in_the_page_language(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    """The job refuses the file in English (the API's words); the page words the same reason
    in Spanish from the terms kept beside it."""
    client.post("/language", data={"language": "es"})
    sign_in(client, world["company_a"].email)
    token = csrf_token(_overview(client, assessment_id))

    answer = _web_upload(client, assessment_id, "sites", csv_file([SITE_HEADER]), "s.csv", token)

    assert answer.status_code == 302
    job = _check_job(app, client, world)
    assert job["error"] == "The file has a header row but no data rows."
    overview = _overview(client, assessment_id)
    assert "El archivo tiene una fila de encabezados pero ninguna fila de datos." in overview
    api = app.test_client().get(
        f"/api/v1/assessments/{assessment_id}/datasets/sites", headers=world["company_a"].headers
    )
    assert api.json["last_refused"]["detail"] == "The file has a header row but no data rows."
