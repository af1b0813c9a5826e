"""Running one job: claim it, run its task, record the result or the error. Idempotent."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import OperationalError

from compliance import db
from compliance.clock import now
from compliance.errors import Problem
from compliance.jobs.models import Job, JobStatus
from compliance.jobs.registry import TASKS, JobContext
from compliance.phrases import tree_terms

log = logging.getLogger(__name__)
_worker_app: Flask | None = None


def _claim(app: Flask, job_id: str, *, reclaim_running: bool) -> bool:
    """Mark the job running; False when it is finished already or another runner has it."""
    claimable = [JobStatus.queued, JobStatus.running] if reclaim_running else [JobStatus.queued]
    with db.session_scope(app) as session:
        claimed = session.execute(
            sa.update(Job)
            .where(Job.id == job_id, Job.status.in_(claimable))
            .values(status=JobStatus.running, started_at=now(), attempts=Job.attempts + 1)
        ).rowcount
        session.commit()
    return claimed == 1


def _progress_reporter(app: Flask, job_id: str):
    last = {"value": -1}

    def report(percent: int) -> None:
        """Best effort: a busy SQLite writer may delay it; the final state is authoritative."""
        percent = max(0, min(99, int(percent)))
        if percent == last["value"]:
            return
        last["value"] = percent
        with db.session_scope(app) as session:
            try:
                if session.bind.dialect.name == "sqlite":
                    session.execute(sa.text("PRAGMA busy_timeout=200"))
                session.execute(sa.update(Job).where(Job.id == job_id).values(progress=percent))
                session.commit()
            except OperationalError:
                session.rollback()

    return report


def _this_attempt(job_id: str, attempt: int):
    """The job's row while this attempt is still the current one: a later attempt (RQ retrying
    a job whose worker it believed dead, though its work horse ran on) takes the job over, and
    only the current attempt may finish it."""
    return sa.and_(Job.id == job_id, Job.status == JobStatus.running, Job.attempts == attempt)


def _fail(app: Flask, job_id: str, message: str, *, attempt: int) -> None:
    with db.session_scope(app) as session:
        session.execute(
            sa.update(Job)
            .where(_this_attempt(job_id, attempt))
            .values(status=JobStatus.failed, error=message[:2000], finished_at=now())
        )
        session.commit()


def run(app: Flask, job_id: str, *, reclaim_running: bool = False) -> None:
    """Run job `job_id` to its end; a task that raises leaves the job failed with its error."""
    with app.app_context():
        if not _claim(app, job_id, reclaim_running=reclaim_running):
            return
        with db.session_scope(app) as session:
            job = session.get(Job, job_id)
            attempt = job.attempts
            task = TASKS.get(job.kind)
            if task is None:
                message = f"This service does not know jobs of kind {job.kind!r}."
                _fail(app, job_id, message, attempt=attempt)
                return
            context = JobContext(
                session=session, job=job, report_progress=_progress_reporter(app, job_id)
            )
            try:
                result = task(context, **job.params)
            except Problem as exc:
                session.rollback()
                _fail(app, job_id, exc.detail, attempt=attempt)
                return
            except Exception:
                session.rollback()
                log.exception("job %s (%s) failed", job_id, job.kind)
                _fail(
                    app,
                    job_id,
                    f"The job failed unexpectedly; nothing it did was kept. "
                    f"Quote job {job_id} to the operators.",
                    attempt=attempt,
                )
                return
            finished = session.execute(
                sa.update(Job)
                .where(_this_attempt(job_id, attempt))
                .values(
                    status=JobStatus.succeeded,
                    result=result or {},
                    result_terms=tree_terms(result or {}),
                    progress=100,
                    finished_at=now(),
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if finished != 1:  # taken over by a later attempt: what this one did is dropped
                session.rollback()
                log.warning("job %s: attempt %d was superseded, its work dropped", job_id, attempt)
                return
            session.commit()


def run_in_worker(job_id: str) -> None:
    """Entry point of RQ workers: the app comes from the environment, once per worker."""
    global _worker_app
    if _worker_app is None:
        from compliance import create_app

        _worker_app = create_app()
    db.engine(_worker_app).dispose(close=False)  # connections are not shared across fork
    run(_worker_app, job_id, reclaim_running=True)


def bind_worker_app(app: Flask) -> None:
    """Let RQ jobs run in this already-configured app (the `worker` command)."""
    global _worker_app
    _worker_app = app
