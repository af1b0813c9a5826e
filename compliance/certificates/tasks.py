"""Job kinds of the certificate domain: expiring certificates once they pass their date."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from compliance.certificates import status
from compliance.certificates.issuer import Issuer
from compliance.clock import now as clock_now
from compliance.credentials.timestamps import parse_datetime_stamp
from compliance.jobs.registry import JobContext, task


@task("certificates.expire", every=timedelta(hours=1))
def expire(context: JobContext, *, now: str | None = None) -> dict:
    """Mark certificates past their expiry date as expired (re-rendered, logged).

    The scheduler runs it hourly without parameters; `now` (e.g. 2027-06-01T00:00:00Z) lets an
    operator or a test run it as of another moment.
    """
    moment = parse_datetime_stamp(now) if now else clock_now()
    expired = status.expire_due(
        session=context.session, issuer=Issuer.from_config(current_app.config), now=moment
    )
    return {"expired": expired}
