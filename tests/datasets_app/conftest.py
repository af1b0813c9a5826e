"""Fixtures for the dataset endpoints: company A's assessment, uploads, job polling."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from compliance import db
from compliance.datasets.models import DatasetRow, DatasetUpload, DatasetVersion
from tests.conftest import World
from tests.support.jobs import wait_for_job


@pytest.fixture
def assessment_id(client: FlaskClient, world: World) -> int:
    answer = client.post(
        "/api/v1/assessments",
        json={"questionnaire_key": "company"},
        headers=world["company_a"].headers,
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def multipart(fields: dict[str, str], data: bytes, filename: str) -> tuple[bytes, str]:
    """A multipart body built in memory (the test client spools large ones to temporary files
    it never closes), and its content type."""
    values = {**fields, "file": FileStorage(io.BytesIO(data), filename=filename)}
    boundary, body = encode_multipart(values)
    return body, f"multipart/form-data; boundary={boundary}"


def upload(
    client: FlaskClient,
    headers: dict,
    assessment_id: int,
    kind: str,
    data: bytes,
    filename: str,
):
    body, content_type = multipart({}, data, filename)
    return client.post(
        f"/api/v1/assessments/{assessment_id}/datasets/{kind}",
        data=body,
        headers=headers,
        content_type=content_type,
    )


def queue_upload(
    client: FlaskClient,
    headers: dict,
    assessment_id: int,
    kind: str,
    data: bytes,
    filename: str,
) -> dict:
    """Upload a file the request accepts: the 202 body, whose job checks the rows."""
    answer = upload(client, headers, assessment_id, kind, data, filename)
    assert answer.status_code == 202, answer.get_json()
    body = answer.get_json()
    assert answer.headers["Location"] == f"/api/v1/jobs/{body['job_id']}" == body["status_url"]
    return body


def upload_checked(
    client: FlaskClient,
    headers: dict,
    assessment_id: int,
    kind: str,
    data: bytes,
    filename: str,
) -> dict:
    """Upload a file the request accepts and wait for its check: the job's result, with
    `outcome` "stored" or "invalid"."""
    body = queue_upload(client, headers, assessment_id, kind, data, filename)
    job = wait_for_job(client, headers, body["job_id"])
    assert job["status"] == "succeeded", job
    return job["result"]


def stored_counts(app: Flask) -> dict[str, int]:
    """How many uploads, versions and rows the database holds."""
    with db.session_scope(app) as session:
        return {
            model.__tablename__: session.execute(
                sa.select(sa.func.count()).select_from(model)
            ).scalar_one()
            for model in (DatasetUpload, DatasetVersion, DatasetRow)
        }
