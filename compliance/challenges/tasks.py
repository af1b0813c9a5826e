"""Job kinds of challenges: the hourly deadline run and the retaliation watch."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from flask import current_app

from compliance.challenges import retaliation, service
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


@task(retaliation.WATCH_KIND, every=timedelta(minutes=15))
def retaliation_watch(context: JobContext, *, since: str | None = None) -> dict:
    """Alert reviewers to new incidents naming a challenger and linked to the company it
    challenged. Queued when incident records are stored (`since` their recording) and run
    every 15 minutes without parameters (from where the previous periodic run started)."""
    moment = clock_now()
    config = current_app.config
    periodic = since is None
    start = (
        retaliation.periodic_since(
            session=context.session,
            overlap=timedelta(seconds=int(config["JOB_TIMEOUT_SECONDS"])),
        )
        if periodic
        else parse_datetime_stamp(since)
    )
    outcome = retaliation.watch(
        session=context.session,
        since=start,
        watch_days=int(config["CHALLENGE_RETALIATION_WATCH_DAYS"]),
        now=moment,
    )
    if periodic:
        retaliation.record_run(session=context.session, outcome=outcome, started_at=moment)
    return outcome.as_dict()
