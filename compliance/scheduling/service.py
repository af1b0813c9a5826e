"""One scheduler tick: enqueue each periodic job that is due, exactly once across processes.

Every web process (and `hrd-sentinel scheduler`) may tick; a conditional UPDATE on the job
kind's row lets only one of them claim a given period.
"""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from compliance.jobs import service as job_service
from compliance.jobs.registry import PERIODIC
from compliance.scheduling.models import ScheduledRun

log = logging.getLogger(__name__)


def _ensure_rows(session: Session, now: datetime) -> None:
    known = set(session.exec(select(ScheduledRun.kind)).all())
    for kind in sorted(set(PERIODIC) - known):
        try:
            with session.begin_nested():
                session.add(ScheduledRun(kind=kind, next_run_at=now))
        except IntegrityError:
            log.debug("another process registered %s first", kind)


def tick(*, session: Session, now: datetime) -> list[str]:
    """Enqueue the periodic jobs due at `now`; return their ids. The caller commits."""
    _ensure_rows(session, now)
    started = []
    for kind, every in sorted(PERIODIC.items()):
        claimed = session.execute(
            sa.update(ScheduledRun)
            .where(ScheduledRun.kind == kind, ScheduledRun.next_run_at <= now)
            .values(next_run_at=now + every, last_run_at=now)
        ).rowcount
        if claimed != 1:
            continue
        job = job_service.enqueue(
            session=session, kind=kind, params={}, organisation_id=None, created_by_id=None
        )
        session.execute(
            sa.update(ScheduledRun).where(ScheduledRun.kind == kind).values(last_job_id=job.id)
        )
        started.append(job.id)
    return started
