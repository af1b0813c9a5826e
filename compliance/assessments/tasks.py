"""Job kinds of the assessment domain: importing a filled answers workbook."""

from __future__ import annotations

from typing import Any

from flask import current_app

from compliance.accounts.actor import actor_of_user
from compliance.api.files import file_store
from compliance.assessments import workbooks
from compliance.assessments.models import Assessment
from compliance.clock import now
from compliance.errors import Problem
from compliance.jobs.registry import JobContext, task
from compliance.phrases import Phrase
from questionnaires.workbook_reader import WorkbookLimits


@task(workbooks.IMPORT_JOB_KIND)
def import_answers_workbook(
    context: JobContext, *, assessment_id: int, file_sha256: str, filename: str
) -> dict[str, Any]:
    """Import a stored workbook into its assessment, unless a newer one was sent since. A
    refusal (wrong questionnaire, bad answers, the assessment locked) is the job's result:
    nothing of the workbook is kept but its highlighted copy when cells were wrong."""
    session = context.session
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.import_job_id != context.job.id:
        return {"outcome": "superseded", "filename": filename}
    actor = actor_of_user(session, context.job.created_by_id)
    if actor is None:
        return {
            "outcome": "refused",
            "filename": filename,
            "detail": Phrase("The uploader's account is gone."),
            "errors": [],
        }
    try:
        result = workbooks.import_stored(
            session=session,
            store=file_store(),
            actor=actor,
            assessment=assessment,
            file_sha256=file_sha256,
            limits=WorkbookLimits(max_bytes=current_app.config["WORKBOOK_MAX_BYTES"]),
            now=now(),
        )
    except Problem as exc:
        session.rollback()
        result = {
            "outcome": "refused",
            "detail": exc.detail,
            "errors": [error.as_json() for error in exc.errors],
        }
    return {**result, "filename": filename}
