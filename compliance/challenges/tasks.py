"""Job kinds of challenges: the hourly deadline run."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from flask import current_app

from compliance.challenges import service
from compliance.challenges.deadlines import DeadlinePolicy
from compliance.clock import now as clock_now
from compliance.credentials.timestamps import parse_datetime_stamp
from compliance.jobs.registry import JobContext, task


@task("challenges.deadlines", every=timedelta(hours=1))
def enforce(context: JobContext, *, now: str | None = None) -> dict:
    """Record missed company responses, send reminders, flag overdue reviewer steps.

    The scheduler runs it hourly without parameters; `now` (e.g. 2027-06-01T00:00:00Z) runs it
    as of another moment.
    """
    moment = parse_datetime_stamp(now) if now else clock_now()
    run = service.enforce_deadlines(
        session=context.session,
        rules=DeadlinePolicy.from_config(current_app.config),
        now=moment,
    )
    return asdict(run)
