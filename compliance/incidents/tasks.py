"""Job kinds of the incident domain: running an uploaded import, fetching a feed."""

from __future__ import annotations

from flask import current_app

from compliance.clock import now
from compliance.errors import NotFound, ServiceUnavailable
from compliance.incidents import feed_service, imports
from compliance.incidents.feeds import client_from_config
from compliance.incidents.models import ImportStatus, IncidentImport
from compliance.jobs.registry import JobContext, task
from compliance.phrases import Phrase


class FeedFetchFailed(ServiceUnavailable):
    """The feed could not be imported this time; the reason is on the feed too."""


@task("incidents.import")
def run_import(context: JobContext, *, import_id: int) -> dict:
    """Import an uploaded file; the job's result is the import report."""
    incident_import = context.session.get(IncidentImport, import_id)
    if incident_import is None:
        raise NotFound(
            Phrase("Incident import %(import_id)s does not exist any more.", import_id=import_id)
        )
    if incident_import.status is not ImportStatus.queued:
        return incident_import.report or {}
    context.report_progress(10)
    try:
        result = imports.run_import(
            session=context.session,
            incident_import=incident_import,
            limits=imports.limits_from(current_app.config),
            now=now(),
        )
    except Exception:
        context.session.rollback()
        imports.abandon(session=context.session, import_id=import_id, now=now())
        context.session.commit()
        raise
    return result.report.model_dump(mode="json")


@task("incidents.fetch_feed")
def fetch_feed(context: JobContext, *, feed_id: int) -> dict:
    """Fetch a feed and import it; a failure is kept on the feed and fails the job."""
    session = context.session
    with client_from_config(current_app.config) as client:
        outcome = feed_service.fetch(
            session=session,
            feed=feed_service.get(session=session, feed_id=feed_id),
            client=client,
            limits=imports.limits_from(current_app.config),
            now=now(),
        )
    if outcome.status == "failed":
        session.commit()  # the failure stays on the feed although the job fails
        raise FeedFetchFailed(outcome.error or Phrase("The feed could not be fetched."))
    return outcome.as_dict()
