"""Keeping jobs from being lost: re-dispatch queued jobs nobody ran, fail jobs that died."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlmodel import select

from compliance.clock import now
from compliance.jobs import service as job_service
from compliance.jobs.models import Job, JobStatus
from compliance.jobs.registry import JobContext, task

QUEUED_GRACE = timedelta(minutes=2)


@task("jobs.recover", every=timedelta(minutes=5))
def recover(context: JobContext) -> dict:
    """A restart of the web process loses the jobs in its thread pool; this finds them.

    Queued jobs older than a grace period are dispatched again (claiming is atomic, so a job
    still in a queue runs once). Jobs running longer than the job timeout are marked failed.
    """
    session = context.session
    moment = now()
    stale = session.exec(
        select(Job.id).where(
            Job.status == JobStatus.queued,
            Job.created_at < moment - QUEUED_GRACE,
            Job.kind != "jobs.recover",
        )
    ).all()
    timeout = timedelta(seconds=int(current_app.config["JOB_TIMEOUT_SECONDS"]))
    interrupted = session.execute(
        sa.update(Job)
        .where(
            Job.status == JobStatus.running,
            Job.started_at < moment - timeout,
            Job.id != context.job.id,
        )
        .values(
            status=JobStatus.failed,
            finished_at=moment,
            error="The job was interrupted (its process stopped). Start it again.",
        )
    ).rowcount
    backend = job_service.backend(current_app)
    for job_id in stale:
        backend.submit(job_id)
    return {"redispatched": len(stale), "interrupted": interrupted}
