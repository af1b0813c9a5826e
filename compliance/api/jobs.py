"""Progress and results of long-running jobs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import blueprint, respond
from compliance.jobs import service as job_service
from compliance.jobs.models import JobPublic

bp = blueprint("api_jobs", __name__, tag="Jobs", description="Long-running work and its progress")


class JobPath(BaseModel):
    job_id: str = Field(pattern=r"^[0-9a-f]{32}$", description="The job's id")


@bp.get("/jobs/<job_id>", summary="A job's status, progress and result", responses={200: JobPublic})
def get_job(path: JobPath):
    actor = current_actor()
    job = job_service.get_visible(session=db.session(), user=actor, job_id=path.job_id)
    policy.require(actor, "job.read", job)
    return respond(JobPublic, job)
