"""Job kinds of notifications: deliver the outbox every few minutes when SMTP is configured."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from compliance.clock import now
from compliance.jobs.registry import JobContext, task
from compliance.notifications.delivery import SmtpSettings, deliver_pending


@task("notifications.deliver", every=timedelta(minutes=5))
def deliver(context: JobContext) -> dict:
    """Send the outbox; without COMPLIANCE_SMTP_URL messages stay readable in the app only."""
    url = current_app.config["SMTP_URL"]
    if not url:
        return {"sent": 0, "smtp": False}
    sent = deliver_pending(
        session=context.session,
        settings=SmtpSettings.from_url(url),
        sender=current_app.config["MAIL_FROM"],
        now=now(),
    )
    return {"sent": sent, "smtp": True}
