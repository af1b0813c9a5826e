"""Every upload is checked by the `datasets.validate` job: what it stores, keeps and refuses."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from reports.fixit_workbook import BAD_CELL_FILL
from tests.conftest import World
from tests.datasets.builders import SITE_HEADER, csv_file, site, workbook
from tests.datasets_app.conftest import queue_upload, stored_counts
from tests.support.jobs import wait_for_job


def test_upload_is_checked_by_a_job_and_becomes_a_version(
    client: FlaskClient, world: World, assessment_id: int
) -> None:
    headers = world["company_a"].headers
    rows = [SITE_HEADER, site(), site(Name="Represa Alta", Type="dam", Country="BR")]
    queued = queue_upload(client, headers, assessment_id, "sites", workbook(rows), "sites.xlsx")

    job = wait_for_job(client, headers, queued["job_id"])

    assert job["status"] == "succeeded", job
    result = job["result"]
    assert (result["outcome"], result["version"], result["rows"]) == ("stored", 1, 2)
    assert result["diff"] == {"added": 2, "removed": 0, "modified": 0, "unchanged": 0}
    assert result["summary"]["countries"] == {"CO": 1, "BR": 1}
    state = client.get(result["dataset_url"], headers=headers).get_json()
    assert state["current"]["version"] == 1 and state["pending"] == []
    names = client.get(state["current"]["rows_url"], headers=headers).get_json()["items"]
    assert [row["data"]["name"] for row in names] == ["Mina Norte", "Represa Alta"]


def test_upload_with_bad_rows_gets_its_problems_and_fixit_from_the_job(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    headers = world["company_a"].headers
    bad = csv_file([SITE_HEADER, site(), site(Name="B", Country="Atlantis")])
    queued = queue_upload(client, headers, assessment_id, "sites", bad, "sites.csv")

    job = wait_for_job(client, headers, queued["job_id"])

    assert job["status"] == "succeeded", job
    result = job["result"]
    assert (result["outcome"], result["problems"], result["rows_with_problems"]) == (
        "invalid",
        1,
        1,
    )
    report = client.get(result["report_url"], headers=headers)
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.data))["sites"]
    assert sheet["C3"].fill.fgColor.rgb == BAD_CELL_FILL.fgColor.rgb
    state = client.get(result["dataset_url"], headers=headers).get_json()
    assert state["current"] is None and state["last_refused"]["problem_total"] == 1
    assert stored_counts(app)["dataset_version"] == 0


def test_file_whose_header_lacks_a_required_column_fails_the_job_with_the_reason(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    """The request screens only what needs no reading of the sheet; the header is read by the
    job, which refuses the file as a whole and says which column is missing."""
    headers = world["company_a"].headers
    no_name = csv_file([SITE_HEADER[1:], site()[1:]])
    queued = queue_upload(client, headers, assessment_id, "sites", no_name, "sites.csv")

    job = wait_for_job(client, headers, queued["job_id"])

    assert job["status"] == "failed" and "Name" in job["error"]
    state = client.get(f"/api/v1/assessments/{assessment_id}/datasets/sites", headers=headers)
    refused = state.get_json()["last_refused"]
    assert refused["status"] == "refused" and "Name" in refused["detail"]
    assert refused["report_url"] is None
    assert stored_counts(app)["dataset_version"] == 0
