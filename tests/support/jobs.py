"""Following jobs from a test: poll the job API until the job has finished."""

from __future__ import annotations

import time

from flask.testing import FlaskClient


def wait_for_job(client: FlaskClient, headers: dict, job_id: str, timeout: float = 90) -> dict:
    """The job as `GET /api/v1/jobs/{id}` answers once it has succeeded or failed."""
    deadline = time.monotonic() + timeout
    answer: dict = {}
    while time.monotonic() < deadline:
        answer = client.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()
        if answer["status"] in ("succeeded", "failed"):
            return answer
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout}s; last answer {answer}")
