"""Job kinds of the dataset domain: checking an upload too large to check inside the request."""

from __future__ import annotations

from typing import Any

from flask import current_app

from compliance.api.files import file_store
from compliance.clock import now
from compliance.datasets import service as dataset_service
from compliance.datasets.models import DatasetVersion, UploadStatus
from compliance.errors import Problem
from compliance.jobs.registry import JobContext, task


@task(dataset_service.JOB_KIND)
def validate_upload(context: JobContext, *, upload_id: int) -> dict[str, Any]:
    """Check a stored upload. The result is the new version, or the problem count and the
    fix-it workbook's address; a file refused as a whole fails the job with the reason."""
    session = context.session
    upload = dataset_service.get_upload(session=session, upload_id=upload_id)
    if upload.status is UploadStatus.queued:
        try:
            dataset_service.check_queued(
                session=session,
                store=file_store(),
                upload=upload,
                settings=dataset_service.DatasetSettings.from_config(current_app.config),
                progress=context.report_progress,
                now=now(),
            )
        except dataset_service.DatasetRowsInvalid:
            pass  # the problems and the fix-it workbook are the result
        except Problem:
            session.commit()  # the refusal stays on the upload although the job fails
            raise
        except Exception:
            session.rollback()
            dataset_service.abandon(session=session, upload_id=upload_id, now=now())
            session.commit()
            raise
    version = session.get(DatasetVersion, upload.version_id) if upload.version_id else None
    return dataset_service.outcome(upload, version)
