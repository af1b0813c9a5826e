"""Uploading suppliers and sites through the API: versions, diffs, problems, refusals.

The request screens the file as a whole (422 at once) and queues its check (202); the job
stores a new version or keeps every problem with the fix-it workbook."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from compliance import db
from compliance.assessments.models import Assessment, AssessmentStatus
from compliance.datasets import DatasetKind, validate_upload
from reports.fixit_workbook import BAD_CELL_FILL, COMMENT_AUTHOR
from tests.certificates.support import hold_jobs
from tests.conftest import World
from tests.datasets.builders import (
    SITE_HEADER,
    SUPPLIER_HEADER,
    csv_file,
    site,
    supplier,
    workbook,
)
from tests.datasets_app.conftest import queue_upload, stored_counts, upload, upload_checked

SITES = [
    SITE_HEADER,
    site(),
    site(Name="Planta Sur", Type="factory", Country="Peru", Latitude=None, Longitude=None),
    site(Name="Represa Alta", Type="dam", Country="BR", Latitude=-3.1, Longitude=-60.0),
]


def _base(assessment_id: int, kind: str = "sites") -> str:
    return f"/api/v1/assessments/{assessment_id}/datasets/{kind}"


def test_good_workbook_becomes_version_1_with_its_rows(
    client: FlaskClient, world: World, assessment_id: int
) -> None:
    headers = world["company_a"].headers
    result = upload_checked(client, headers, assessment_id, "sites", workbook(SITES), "sites.xlsx")

    assert (result["outcome"], result["version"], result["rows"]) == ("stored", 1, 3)
    assert result["dataset_url"] == _base(assessment_id)
    body = client.get(_base(assessment_id), headers=headers).get_json()["current"]
    assert (body["version"], body["row_count"], body["file_format"]) == (1, 3, "xlsx")
    assert body["summary"]["countries"] == {"CO": 1, "PE": 1, "BR": 1}
    assert (body["diff"]["added"], body["diff"]["removed"], body["diff"]["modified"]) == (3, 0, 0)
    assert body["rows_url"] == f"{_base(assessment_id)}/rows"

    state = client.get(_base(assessment_id), headers=headers).get_json()
    assert state["current"]["version"] == 1 and state["last_refused"] is None
    first = client.get(f"{_base(assessment_id)}/rows?limit=2", headers=headers).get_json()
    assert [row["data"]["name"] for row in first["items"]] == ["Mina Norte", "Planta Sur"]
    assert first["items"][1]["data"]["country"] == "PE"
    rest = client.get(
        f"{_base(assessment_id)}/rows?limit=2&cursor={first['next_cursor']}", headers=headers
    ).get_json()
    assert [row["position"] for row in rest["items"]] == [3] and rest["next_cursor"] is None


def test_utf8_csv_with_a_bom_becomes_a_suppliers_version(
    client: FlaskClient, world: World, assessment_id: int
) -> None:
    data = csv_file(
        [SUPPLIER_HEADER, supplier(), supplier(Name="Café del Norte", Country="Colombie", Tier=2)],
        bom=True,
        delimiter=";",
    )
    headers = world["company_a"].headers
    result = upload_checked(client, headers, assessment_id, "suppliers", data, "proveedores.csv")

    assert result["outcome"] == "stored"
    body = client.get(_base(assessment_id, "suppliers"), headers=headers).get_json()["current"]
    assert (body["kind"], body["version"], body["row_count"]) == ("suppliers", 1, 2)
    assert body["file_format"] == "csv" and body["summary"]["countries"] == {"PE": 1, "CO": 1}
    sites = client.get(_base(assessment_id), headers=world["company_a"].headers).get_json()
    assert sites["current"] is None


def test_second_upload_is_version_2_with_what_changed(
    client: FlaskClient, world: World, assessment_id: int
) -> None:
    headers = world["company_a"].headers
    upload_checked(client, headers, assessment_id, "sites", workbook(SITES), "s.xlsx")
    changed = [
        SITE_HEADER,
        site(Status="closed"),
        site(Name="Represa Alta", Type="dam", Country="BR", Latitude=-3.1, Longitude=-60.0),
        site(Name="Parque Eólico", Type="wind farm", Country="MX", Latitude=16.4, Longitude=-95.0),
    ]
    result = upload_checked(client, headers, assessment_id, "sites", csv_file(changed), "s.csv")

    assert (result["outcome"], result["version"]) == ("stored", 2)
    assert result["diff"] == {"added": 1, "removed": 1, "modified": 1, "unchanged": 1}
    diff = client.get(_base(assessment_id), headers=headers).get_json()["current"]["diff"]
    assert (diff["added"], diff["removed"], diff["modified"], diff["unchanged"]) == (1, 1, 1, 1)
    assert [row["name"] for row in diff["details"]["added"]] == ["Parque Eólico"]
    assert [row["name"] for row in diff["details"]["removed"]] == ["Planta Sur"]
    [modified] = diff["details"]["modified"]
    assert modified["name"] == "Mina Norte"
    assert modified["changes"] == [{"field": "status", "before": "operating", "after": "closed"}]

    rows = client.get(f"{_base(assessment_id)}/rows", headers=headers).get_json()
    assert rows["version"] == 2 and len(rows["items"]) == 3
    old = client.get(f"{_base(assessment_id)}/rows?version=1", headers=headers).get_json()
    assert [r["data"]["name"] for r in old["items"]] == ["Mina Norte", "Planta Sur", "Represa Alta"]
    missing = client.get(f"{_base(assessment_id)}/rows?version=9", headers=headers)
    assert missing.status_code == 404 and "no version 9" in missing.get_json()["detail"]


def test_bad_rows_end_the_check_with_every_problem_and_a_fixit_workbook(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    headers = world["company_a"].headers
    upload_checked(client, headers, assessment_id, "sites", workbook(SITES), "s.xlsx")
    bad = workbook(
        [
            SITE_HEADER,
            site(),
            site(Name="B", Country="Atlantis", Latitude=-104.9, Longitude=39.7),
            site(Name="C", On_Indigenous_land="yes"),
        ]
    )
    result = upload_checked(client, headers, assessment_id, "sites", bad, "sites-v2.xlsx")

    report_url = f"{_base(assessment_id)}/report.xlsx"
    assert (result["outcome"], result["report_url"]) == ("invalid", report_url)
    assert "nothing was stored" in result["detail"]
    problems = client.get(result["problems_url"], headers=headers).get_json()
    assert problems["total"] == result["problems"] == len(problems["items"]) >= 3
    located = {(e["sheet"], e["row"], e["column"], e["cell"]) for e in problems["items"]}
    assert ("Sites", 3, "Country", "C3") in located and ("Sites", 3, "Latitude", "E3") in located
    assert any(e["row"] == 4 and e["column"] == "FPIC status" for e in problems["items"])
    country = next(e for e in problems["items"] if e["column"] == "Country")
    assert country["value"] == "Atlantis"
    assert "not a country" in country["problem"] and country["fix"]
    first = client.get(f"{result['problems_url']}?limit=1", headers=headers).get_json()
    rest = client.get(
        f"{result['problems_url']}?limit=50&cursor={first['next_cursor']}", headers=headers
    ).get_json()
    assert first["items"] + rest["items"] == problems["items"] and rest["next_cursor"] is None

    report = client.get(report_url, headers=headers)
    assert report.status_code == 200 and report.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(report.data))
    assert book.sheetnames[0] == "Errors"
    cell = book["Sites"]["C3"]
    assert cell.fill.fgColor.rgb == BAD_CELL_FILL.fgColor.rgb
    assert cell.comment.author == COMMENT_AUTHOR and "How to fix:" in cell.comment.text
    errors = list(book["Errors"].iter_rows(values_only=True))
    assert len(errors) - 1 == problems["total"]

    state = client.get(_base(assessment_id), headers=headers).get_json()
    assert state["current"]["version"] == 1
    assert state["last_refused"]["problem_total"] == problems["total"]
    assert state["last_refused"]["report_url"] == report_url
    rows = client.get(f"{_base(assessment_id)}/rows", headers=headers).get_json()
    assert [r["data"]["name"] for r in rows["items"]] == [
        "Mina Norte",
        "Planta Sur",
        "Represa Alta",
    ]
    assert stored_counts(app) == {"dataset_upload": 2, "dataset_version": 1, "dataset_row": 3}

    fixed = upload_checked(client, headers, assessment_id, "sites", workbook(SITES[:2]), "s.xlsx")
    assert (fixed["outcome"], fixed["version"]) == ("stored", 2)
    gone = client.get(report_url, headers=headers)
    assert gone.status_code == 404 and "the last upload was accepted" in gone.get_json()["detail"]
    assert client.get(_base(assessment_id), headers=headers).get_json()["last_refused"] is None
    cleared = client.get(result["problems_url"], headers=headers).get_json()
    assert cleared == {"upload_id": None, "total": 0, "items": [], "next_cursor": None}


def _latin1_csv() -> bytes:
    return csv_file([SITE_HEADER, site(Name="Peñas Blancas")], encoding="latin-1")


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"%PDF-1.4 not a workbook", "sites.xlsx", "not an .xlsx workbook"),
        (workbook(SITES), "sites.xlsm", "macros (.xlsm) are refused"),
        (_latin1_csv(), "sites.csv", "not UTF-8"),
        (b"", "sites.csv", "The file is empty"),
        (b"   \r\n", "sites.csv", "The file is empty"),
    ],
    ids=["not-a-workbook", "xlsm", "latin-1", "no-bytes", "blank"],
)
def test_whole_file_refusals_are_clear_and_store_nothing(
    app: Flask,
    client: FlaskClient,
    world: World,
    assessment_id: int,
    data: bytes,
    filename: str,
    expected: str,
) -> None:
    answer = upload(client, world["company_a"].headers, assessment_id, "sites", data, filename)

    assert answer.status_code == 422, answer.get_json()
    assert expected in answer.get_json()["detail"]
    assert stored_counts(app) == {"dataset_upload": 0, "dataset_version": 0, "dataset_row": 0}


def test_files_over_the_size_and_row_limits_are_refused_with_the_limit_named(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    headers = world["company_a"].headers
    app.config.update(DATASET_MAX_ROWS=2)
    rows = upload(client, headers, assessment_id, "sites", csv_file(SITES), "s.csv")
    assert rows.status_code == 422 and "more than 2 rows" in rows.get_json()["detail"]

    app.config.update(DATASET_MAX_ROWS=100, DATASET_MAX_BYTES=2**20)
    big = upload(client, headers, assessment_id, "sites", b"x" * (2**20 + 10), "s.csv")
    assert big.status_code == 422 and "larger than 1 MiB" in big.get_json()["detail"]
    huge = upload(client, headers, assessment_id, "sites", b"x" * (3 * 2**20), "s.csv")
    assert huge.status_code == 413 and "larger than the limit" in huge.get_json()["detail"]
    assert stored_counts(app) == {"dataset_upload": 0, "dataset_version": 0, "dataset_row": 0}


def test_only_the_owner_uploads_reviewers_read_others_see_nothing(
    client: FlaskClient, world: World, assessment_id: int
) -> None:
    data = csv_file(SITES)
    base = _base(assessment_id)
    for who in ("company_b", "investor", "ngo"):
        headers = world[who].headers
        assert upload(client, headers, assessment_id, "sites", data, "s.csv").status_code == 404
        for suffix in ("", "/rows", "/problems", "/report.xlsx"):
            assert client.get(base + suffix, headers=headers).status_code == 404
    refused = upload(client, world["reviewer"].headers, assessment_id, "sites", data, "s.csv")
    assert refused.status_code == 403
    assert upload(client, {}, assessment_id, "sites", data, "s.csv").status_code == 401
    assert client.get(base).status_code == 401

    upload_checked(client, world["company_a"].headers, assessment_id, "sites", data, "s.csv")
    reviewer = client.get(f"{base}/rows", headers=world["reviewer"].headers).get_json()
    assert len(reviewer["items"]) == 3


def test_data_is_locked_once_the_assessment_is_submitted(
    app: Flask, client: FlaskClient, world: World, assessment_id: int
) -> None:
    with db.session_scope(app) as session:
        session.execute(
            sa.update(Assessment)
            .where(Assessment.id == assessment_id)
            .values(status=AssessmentStatus.submitted)
        )
        session.commit()
    answer = upload(
        client, world["company_a"].headers, assessment_id, "sites", csv_file(SITES), "s.csv"
    )
    assert answer.status_code == 409
    assert "cannot change until the reviewer asks for changes" in answer.get_json()["detail"]
    assert stored_counts(app)["dataset_version"] == 0


def test_unknown_kind_is_refused(client: FlaskClient, world: World, assessment_id: int) -> None:
    answer = client.get(
        f"/api/v1/assessments/{assessment_id}/datasets/customers",
        headers=world["company_a"].headers,
    )
    assert answer.status_code == 422


@pytest.mark.parametrize("kind", ["sites", "suppliers"])
def test_templates_read_back_as_a_valid_file(client: FlaskClient, kind: str) -> None:
    answer = client.get(f"/api/v1/datasets/{kind}/template.xlsx")
    assert answer.status_code == 200
    clean = validate_upload(DatasetKind(kind), answer.data, filename="template.xlsx")
    assert clean.summary.rows == 1 and not clean.summary.ignored_columns
    assert "Columns" in load_workbook(io.BytesIO(answer.data)).sheetnames


def test_no_submission_while_an_upload_is_still_being_checked(
    app: Flask, client: FlaskClient, world: World, assessment_id: int, monkeypatch
) -> None:
    """The reviewers must see the data that was sent: a check still queued blocks the submit
    (its job would otherwise find the assessment locked and throw the upload away)."""
    headers = world["company_a"].headers
    held = hold_jobs(app, monkeypatch)
    queue_upload(client, headers, assessment_id, "sites", csv_file(SITES), "my-sites.csv")

    early = client.post(f"/api/v1/assessments/{assessment_id}/submit", headers=headers)

    assert early.status_code == 409, early.get_json()
    assert "my-sites.csv is still being checked" in early.get_json()["detail"]
    held.run_all(app)
    state = client.get(_base(assessment_id), headers=headers).get_json()
    assert state["current"]["version"] == 1 and state["pending"] == []
    later = client.post(f"/api/v1/assessments/{assessment_id}/submit", headers=headers)
    # No longer blocked by the upload: refused only for what is left to answer.
    assert later.status_code == 422, later.get_json()
    assert later.get_json()["errors"] and all(
        error["pointer"].startswith("/answers/") for error in later.get_json()["errors"]
    )
