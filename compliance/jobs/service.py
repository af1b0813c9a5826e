"""Creating jobs and reading them back; a job is dispatched only once its row is committed."""

from __future__ import annotations

import importlib
import uuid
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlmodel import Session, select

from compliance import policy
from compliance.errors import NotFound
from compliance.jobs.backends import JobBackend, make_backend
from compliance.jobs.models import Job
from compliance.jobs.registry import TASKS
from compliance.phrases import Phrase

_PENDING = "hrd_jobs_pending"


def enqueue(
    *,
    session: Session,
    kind: str,
    params: dict[str, Any],
    organisation_id: int | None,
    created_by_id: int | None,
) -> Job:
    """Record a job; it starts when the caller's transaction commits (never before)."""
    if kind not in TASKS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(
        id=uuid.uuid4().hex,
        kind=kind,
        params=params,
        organisation_id=organisation_id,
        created_by_id=created_by_id,
    )
    session.add(job)
    session.info.setdefault(_PENDING, []).append(job.id)
    return job


def get_visible(*, session: Session, user: Any, job_id: str) -> Job:
    """A job the user may see (their organisation's, or any for reviewers)."""
    job = session.exec(select(Job).where(Job.id == job_id, policy.scope(user, Job))).first()
    if job is None:
        raise NotFound(Phrase("There is no job %(job_id)s that you can see.", job_id=job_id))
    return job


BACKEND_KEY = "hrd_jobs"  # where the app keeps its job backend (`app.extensions`)


def backend(app: Flask) -> JobBackend:
    return app.extensions[BACKEND_KEY]


def _dispatch_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    app = session.info.get("app")
    for job_id in pending:
        backend(app).submit(job_id)


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


BUILTIN_TASK_MODULES: tuple[str, ...] = (
    "compliance.jobs.maintenance",
    "compliance.incidents.tasks",
    "compliance.assessments.tasks",
    "compliance.datasets.tasks",
    "compliance.screening.tasks",
    "compliance.certificates.tasks",
    "compliance.challenges.tasks",
    "compliance.portfolios.tasks",
    "compliance.portfolios.run_tasks",
    "compliance.notifications.tasks",
    "compliance.webhooks.tasks",
)


def init_app(app: Flask) -> None:
    for module in (*BUILTIN_TASK_MODULES, *app.config["TASK_MODULES"]):
        importlib.import_module(module)
    app.extensions[BACKEND_KEY] = make_backend(app)
    if not event.contains(Session, "after_commit", _dispatch_after_commit):
        event.listen(Session, "after_commit", _dispatch_after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, _t: _forget_after_rollback(s))
