"""Following jobs from a test: poll the job API until the job has finished, or the jobs table
until no job is left to run."""

from __future__ import annotations

import time

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from compliance import db
from compliance.jobs.models import Job, JobStatus


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


def wait_for_jobs(app: Flask, timeout: float = 60) -> None:
    """Wait until no job is queued or running (jobs run in threads, or on the RQ worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.session_scope(app) as session:
            pending = session.exec(
                select(Job).where(Job.status.in_([JobStatus.queued, JobStatus.running]))
            ).all()
        if not pending:
            return
        time.sleep(0.05)
    raise AssertionError(f"jobs still pending after {timeout}s: {[j.kind for j in pending]}")
