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
from tests.conftest import World, csrf_token, sign_in
from tests.datasets.builders import SITE_HEADER, csv_file, site, workbook
from tests.datasets_app.conftest import multipart, stored_counts, upload, wait_for_job


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


def test_owner_uploads_sites_from_the_panel_and_sees_the_version(
    client: FlaskClient, world: World, assessment_id: int
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
    page = _overview(client, assessment_id)
    assert "Project sites: version 1 stored with 2 rows" in page
    assert "Version 1: <strong>2 rows</strong> from sites.xlsx" in page
    assert "BR (1)" in page and "CO (1)" in page


def test_large_upload_from_the_panel_is_checked_in_the_background(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    app.config["DATASET_SYNC_MAX_BYTES"] = 64
    sign_in(client, world["company_a"].email)
    token = csrf_token(_overview(client, assessment_id))
    data = csv_file([SITE_HEADER, site()])

    answer = _web_upload(client, assessment_id, "sites", data, "sites.csv", token)

    assert answer.status_code == 302
    with db.session_scope(app) as session:
        job_id = session.execute(sa.select(DatasetUpload.job_id)).scalar_one()
    assert wait_for_job(client, world["company_a"].headers, job_id)["status"] == "succeeded"
    page = _overview(client, assessment_id)
    assert "the file is large, so it is being checked in the background" in page
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
    client: FlaskClient, world: World, assessment_id: int
) -> None:
    sign_in(client, world["company_a"].email)
    token = csrf_token(_overview(client, assessment_id))
    bad = csv_file([SITE_HEADER, site(), site(Name="B", Country="Atlantis")])

    answer = _web_upload(client, assessment_id, "sites", bad, "my-sites.csv", token)

    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "the file was not accepted" in page and "1 problem in 1 row" in page
    assert "&#39;Atlantis&#39; is not a country we recognise." in page
    report_link = f"/assessments/{assessment_id}/datasets/sites/report.xlsx"
    assert report_link in page
    report = client.get(report_link)
    assert report.status_code == 200
    assert load_workbook(io.BytesIO(report.data)).sheetnames == ["Errors", "my-sites"]

    overview = _overview(client, assessment_id)
    assert "The last upload, my-sites.csv, was refused" in overview
    problems = client.get(f"/assessments/{assessment_id}/datasets/sites/problems")
    assert problems.status_code == 200 and "Atlantis" in problems.get_data(as_text=True)


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
    assert (
        upload(
            client, world["company_a"].headers, assessment_id, "sites", data, "s.csv"
        ).status_code
        == 201
    )
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
