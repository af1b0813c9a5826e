"""Periodic jobs start once per period, however many processes tick, and lost jobs are recovered."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from compliance import db
from compliance.clock import now
from compliance.jobs.models import Job, JobStatus
from compliance.jobs.registry import PERIODIC
from compliance.scheduling import service as scheduling_service
from compliance.scheduling.models import ScheduledRun


def _tick(app: Flask, at) -> list[str]:
    with db.session_scope(app) as session:
        started = scheduling_service.tick(session=session, now=at)
        session.commit()
        return started


def _wait_done(app: Flask, job_ids: list[str], timeout: float = 30) -> list[Job]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.session_scope(app) as session:
            jobs = session.exec(sa.select(Job).where(Job.id.in_(job_ids))).scalars().all()
        if jobs and all(j.status in (JobStatus.succeeded, JobStatus.failed) for j in jobs):
            return jobs
        time.sleep(0.05)
    raise AssertionError(f"jobs {job_ids} did not finish")


def test_each_periodic_kind_starts_once_per_period(app: Flask) -> None:
    assert "jobs.recover" in PERIODIC
    moment = now()
    first = _tick(app, moment)
    assert len(first) == len(PERIODIC)
    assert _tick(app, moment + timedelta(seconds=30)) == []
    later = _tick(app, moment + PERIODIC["jobs.recover"] + timedelta(seconds=1))
    assert len(later) >= 1
    _wait_done(app, first + later)


def test_concurrent_ticks_claim_each_period_once(app: Flask) -> None:
    moment = now()
    _wait_done(app, _tick(app, moment))
    due = moment + max(PERIODIC.values()) + timedelta(seconds=1)
    results: list[list[str]] = []
    barrier = threading.Barrier(4)

    def tick() -> None:
        barrier.wait()
        results.append(_tick(app, due))

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    started = [job for batch in results for job in batch]
    assert len(started) == len(PERIODIC), results
    with db.session_scope(app) as session:
        rows = session.exec(sa.select(ScheduledRun)).scalars().all()
    assert {row.kind for row in rows} == set(PERIODIC)
    _wait_done(app, started)


def test_recovery_redispatches_lost_queued_jobs_and_fails_dead_ones(app: Flask) -> None:
    long_ago = now() - timedelta(hours=3)
    lost, dead = uuid.uuid4().hex, uuid.uuid4().hex
    with db.session_scope(app) as session:
        session.add(
            Job(
                id=lost,
                kind="test.add",
                params={"a": 20, "b": 22, "steps": 1, "delay": 0},
                created_at=long_ago,
            )
        )
        session.add(
            Job(
                id=dead,
                kind="test.add",
                params={"a": 1, "b": 1},
                status=JobStatus.running,
                created_at=long_ago,
                started_at=long_ago,
            )
        )
        session.commit()
    app.config["JOB_TIMEOUT_SECONDS"] = 3600
    started = _tick(app, now())
    _wait_done(app, started)
    recovered, failed = _wait_done(app, [lost]), _wait_done(app, [dead])
    assert recovered[0].status == JobStatus.succeeded and recovered[0].result["sum"] == 42
    assert failed[0].status == JobStatus.failed and "interrupted" in failed[0].error


def test_scheduler_cli_ticks_once(app: Flask, runner) -> None:
    result = runner.invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0 and f"Started {len(PERIODIC)} periodic job(s)." in result.output
    again = runner.invoke(args=["scheduler", "--once"])
    assert "Started 0 periodic job(s)." in again.output
    with db.session_scope(app) as session:
        started = session.exec(sa.select(Job.id)).scalars().all()
    _wait_done(app, list(started))
