"""Jobs run outside the request (threads or a real RQ worker), report progress, never get lost."""

from __future__ import annotations

import time

import pytest
from flask import Flask

from compliance import db
from compliance.jobs import service as job_service
from compliance.jobs.models import Job
from tests.conftest import TEST_REDIS_URL, World


def _start(app: Flask, world: World, kind: str, **params) -> str:
    with db.session_scope(app) as session:
        job = job_service.enqueue(
            session=session,
            kind=kind,
            params=params,
            organisation_id=world["company_a"].organisation_id,
            created_by_id=world["company_a"].user_id,
        )
        session.commit()
        return job.id


def _wait(client, world: World, job_id: str, *, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        answer = client.get(f"/api/v1/jobs/{job_id}", headers=world["company_a"].headers).json
        seen.append(answer["progress"])
        if answer["status"] in ("succeeded", "failed"):
            answer["seen_progress"] = seen
            return answer
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not finish in {timeout}s; last answer {answer}")


def test_job_runs_reports_progress_and_keeps_its_result(app: Flask, client, world: World) -> None:
    job_id = _start(app, world, "test.add", a=2, b=40, steps=5, delay=0.15)
    done = _wait(client, world, job_id)
    assert done["status"] == "succeeded" and done["result"]["sum"] == 42
    assert done["progress"] == 100 and done["error"] is None
    assert any(0 < p < 100 for p in done["seen_progress"]), done["seen_progress"]
    assert done["started_at"] <= done["finished_at"]


def test_job_that_crashes_is_failed_without_leaking_internals(
    app: Flask, client, world: World
) -> None:
    done = _wait(client, world, _start(app, world, "test.crash"))
    assert done["status"] == "failed"
    assert "failed unexpectedly" in done["error"] and "secret internal detail" not in done["error"]


def test_job_refused_by_a_domain_rule_keeps_the_reason(app: Flask, client, world: World) -> None:
    done = _wait(client, world, _start(app, world, "test.refuse"))
    assert done["status"] == "failed" and done["error"] == "The file has no header row."


def test_job_of_a_rolled_back_transaction_never_runs(app: Flask, world: World) -> None:
    with db.session_scope(app) as session:
        job = job_service.enqueue(
            session=session,
            kind="test.add",
            params={"a": 1, "b": 1},
            organisation_id=None,
            created_by_id=None,
        )
        job_id = job.id
        session.rollback()
    time.sleep(0.5)
    with db.session_scope(app) as session:
        assert session.get(Job, job_id) is None


def test_jobs_are_visible_to_their_organisation_and_reviewers_only(
    app: Flask, client, world: World
) -> None:
    job_id = _start(app, world, "test.add", a=1, b=1, steps=1, delay=0)
    _wait(client, world, job_id)
    assert (
        client.get(f"/api/v1/jobs/{job_id}", headers=world["reviewer"].headers).status_code == 200
    )
    other = client.get(f"/api/v1/jobs/{job_id}", headers=world["company_b"].headers)
    assert other.status_code == 404 and "no job" in other.json["detail"]


def test_unknown_job_kind_is_refused_at_enqueue(app: Flask) -> None:
    with db.session_scope(app) as session, pytest.raises(ValueError, match="unknown job kind"):
        job_service.enqueue(
            session=session, kind="nope", params={}, organisation_id=None, created_by_id=None
        )


@pytest.mark.skipif(
    not TEST_REDIS_URL, reason="the RQ backend is exercised in the PostgreSQL + Redis run"
)
def test_rq_worker_process_is_seen_by_the_health_check(client) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        jobs = client.get("/healthz").json["jobs"]
        if jobs.get("workers"):
            break
        time.sleep(0.2)
    assert jobs["backend"] == "rq" and jobs["workers"] >= 1 and jobs["status"] == "ok"
