"""Fixtures for the dataset endpoints: company A's assessment, uploads, job polling."""

from __future__ import annotations

import io
import time

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from compliance import db
from compliance.datasets.models import DatasetRow, DatasetUpload, DatasetVersion
from tests.conftest import World


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


def wait_for_job(client: FlaskClient, headers: dict, job_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    answer: dict = {}
    while time.monotonic() < deadline:
        answer = client.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()
        if answer["status"] in ("succeeded", "failed"):
            return answer
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout}s; last answer {answer}")


def stored_counts(app: Flask) -> dict[str, int]:
    """How many uploads, versions and rows the database holds."""
    with db.session_scope(app) as session:
        return {
            model.__tablename__: session.execute(
                sa.select(sa.func.count()).select_from(model)
            ).scalar_one()
            for model in (DatasetUpload, DatasetVersion, DatasetRow)
        }
