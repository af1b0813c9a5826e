"""Job kinds of screening: keeping stored matches current, and screening posted entities.

`screening.rescreen` runs in three ways, all safe to overlap (runs take turns, and screening
an incident twice changes nothing):
- queued by `triggers.incidents_changed` when an import, a feed or a submission stores new
  versions (`changed_since`);
- every 15 minutes by the scheduler, without parameters: everything when the screened
  entities or settings changed since the last full run, otherwise what changed since the
  previous periodic run (this also catches anything a trigger missed);
- on demand with `full=true` (`hrd-sentinel screening rescreen --full`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlmodel import Session

from compliance import matching
from compliance.clock import now
from compliance.jobs.registry import JobContext, task
from compliance.screening import adhoc, context, entities, rescreen
from compliance.screening.models import RunScope, ScreeningRequest
from compliance.screening.triggers import RESCREEN

RESCREEN_EVERY = timedelta(minutes=15)


def run_rescreen(
    *,
    session: Session,
    config: Mapping[str, Any],
    full: bool = False,
    changed_since: datetime | None = None,
    incident_ids: Sequence[int] | None = None,
    job_id: str | None = None,
    progress: Callable[[int], None] | None = None,
    now: datetime,
) -> dict[str, Any]:
    """Build the index once, screen the incidents the parameters select, store the matches,
    then refresh the high-risk context of assessments being filled in."""
    settings = rescreen.settings_from(config)
    screened = entities.build_entities(session=session)
    fingerprint = entities.fingerprint(screened, settings)
    if full:
        scope, since = RunScope.full, None
    elif changed_since is not None or incident_ids is not None:
        scope, since = RunScope.targeted, changed_since
    else:
        overlap = timedelta(seconds=int(config["JOB_TIMEOUT_SECONDS"]))
        scope, since = rescreen.plan_periodic(
            session=session, entities_fingerprint=fingerprint, overlap=overlap
        )
    outcome = rescreen.rescreen(
        session=session,
        index=matching.ScreeningIndex(screened, settings),
        entities=len(screened),
        entities_fingerprint=fingerprint,
        scope=scope,
        changed_since=since,
        incident_ids=incident_ids,
        job_id=job_id,
        progress=progress,
        now=now,
    )
    result = outcome.as_dict()
    if scope is RunScope.full or outcome.incidents_screened:
        report = context.context_report(session=session, as_of=now.date())
        result["high_risk_context_changed"] = context.refresh_assessments(
            session=session, report=report, now=now
        )
    return result


@task(RESCREEN, every=RESCREEN_EVERY)
def rescreen_task(
    job: JobContext,
    *,
    full: bool = False,
    changed_since: str | None = None,
    incident_ids: list[int] | None = None,
) -> dict[str, Any]:
    return run_rescreen(
        session=job.session,
        config=current_app.config,
        full=full,
        changed_since=datetime.fromisoformat(changed_since) if changed_since else None,
        incident_ids=incident_ids,
        job_id=job.job.id,
        progress=job.report_progress,
        now=now(),
    )


@task("screening.screen")
def screen_task(job: JobContext, *, request: dict[str, Any]) -> dict[str, Any]:
    """Screen posted entities (more than the synchronous limit); the result is the answer."""
    posted = adhoc.resolve(session=job.session, request=ScreeningRequest.model_validate(request))
    job.report_progress(5)
    return adhoc.screen(session=job.session, posted=posted, actor=None).model_dump(mode="json")
