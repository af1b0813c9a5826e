"""Running the jobs the seeding queued (imports, screenings, PDFs, notifications), here and
now, so the world is complete when `seed-demo` returns, whichever job backend is configured."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlmodel import select

from compliance import db
from compliance.jobs import runner
from compliance.jobs.models import Job, JobStatus

_BACKEND = "hrd_jobs"  # where compliance.jobs.service keeps the app's job backend


class _Deferred:
    """A backend that starts nothing: the job stays queued until `run_pending` runs it."""

    name = "deferred"

    def submit(self, job_id: str) -> None:
        return None

    def health(self) -> dict[str, Any]:
        return {"backend": self.name, "status": "ok"}


@contextmanager
def deferred(app: Flask) -> Iterator[None]:
    """While seeding, queued jobs wait for `run_pending` instead of starting in the background
    (threads, RQ workers): one at a time, so SQLite never sees two writers at once."""
    backend = app.extensions[_BACKEND]
    app.extensions[_BACKEND] = _Deferred()
    try:
        yield
    finally:
        app.extensions[_BACKEND] = backend


def run_pending(app: Flask) -> None:
    """Run every queued job, and the jobs they queue in turn, one at a time until none is
    left."""
    while True:
        with db.session_scope(app) as session:
            queued = session.exec(
                select(Job.id)
                .where(Job.status == JobStatus.queued)
                .order_by(Job.created_at, Job.id)
            ).all()
        if not queued:
            return
        for job_id in queued:
            runner.run(app, job_id)  # claimed atomically: a job another runner took is skipped
