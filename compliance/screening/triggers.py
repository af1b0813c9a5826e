"""Asking for a re-screening when incident records change.

Imported by the incident service, so it imports nothing of the incident or screening code:
it only queues a `screening.rescreen` job (and the challenges' retaliation watch). The periodic
run of the same job catches anything a trigger missed (see `screening.tasks`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from compliance.jobs import service as job_service

RESCREEN = "screening.rescreen"
RETALIATION_WATCH = "challenges.retaliation_watch"  # see compliance.challenges.retaliation


def incidents_changed(
    *, session: Session, incident_ids: Sequence[int], recorded_at: datetime
) -> None:
    """Queue a re-screening of the versions recorded at `recorded_at` or later; the job starts
    when the caller's transaction commits, and not at all if it rolls back."""
    if not incident_ids:
        return
    job_service.enqueue(
        session=session,
        kind=RESCREEN,
        params={"changed_since": recorded_at.isoformat()},
        organisation_id=None,
        created_by_id=None,
    )
    job_service.enqueue(  # new incidents may name a challenger: the reviewers' watch
        session=session,
        kind=RETALIATION_WATCH,
        params={"since": recorded_at.isoformat()},
        organisation_id=None,
        created_by_id=None,
    )
