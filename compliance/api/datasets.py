"""Supplier and project-site data of an assessment: upload, current version, rows, fix-it."""

from __future__ import annotations

from flask import current_app, request
from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import FormModel, accepted, blueprint, public, respond
from compliance.api.files import XLSX, download, file_store, read_upload
from compliance.assessments import service as assessment_service
from compliance.assessments.models import Assessment
from compliance.clock import now
from compliance.datasets import DatasetKind
from compliance.datasets import service as dataset_service
from compliance.datasets.models import (
    DatasetProblemPage,
    DatasetQueued,
    DatasetRowPage,
    DatasetState,
)
from compliance.datasets.template import template_xlsx
from compliance.errors import ProblemModel
from compliance.pagination import PageQuery, page_size

bp = blueprint(
    "api_datasets",
    __name__,
    tag="Datasets",
    description="Suppliers and project sites covered by an assessment: validated, versioned",
)
UPLOAD_ENDPOINT = "api_datasets.upload_dataset"
MULTIPART_OVERHEAD = 2**20


class DatasetPath(BaseModel):
    assessment_id: int = Field(ge=1, le=2**63 - 1)
    kind: DatasetKind = Field(description="suppliers or sites")


class KindPath(BaseModel):
    kind: DatasetKind = Field(description="suppliers or sites")


class DatasetUploadForm(FormModel):
    file: FileStorage


class RowsQuery(PageQuery):
    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="A past version; the current one if unset."
    )


@bp.before_request
def _dataset_body_limit() -> None:
    """Dataset files may be larger than other request bodies (DATASET_MAX_BYTES)."""
    if request.endpoint == UPLOAD_ENDPOINT:
        request.max_content_length = current_app.config["DATASET_MAX_BYTES"] + MULTIPART_OVERHEAD


def _visible(assessment_id: int, action: str) -> Assessment:
    return assessment_service.get_allowed(
        session=db.session(), actor=current_actor(), assessment_id=assessment_id, action=action
    )


@bp.post(
    "/assessments/<int:assessment_id>/datasets/<kind>",
    summary="Upload the suppliers or sites (xlsx or UTF-8 CSV)",
    description="The file is screened as a whole at once (422 if it is not a workbook or UTF-8 "
    "CSV we can read, a zip bomb, too many rows...), then stored and checked row by row by a job "
    "(202: poll the job at `Location`; its result is the new version, or every problem with the "
    "fix-it workbook's address).",
    responses={202: DatasetQueued, 413: ProblemModel, 422: ProblemModel},
)
def upload_dataset(path: DatasetPath, form: DatasetUploadForm):
    assessment = _visible(path.assessment_id, "dataset.upload")
    settings = dataset_service.DatasetSettings.from_config(current_app.config)
    data = read_upload(form.file, max_bytes=settings.max_bytes, what=f"{path.kind} file")
    session = db.session()
    received = dataset_service.receive(
        session=session,
        store=file_store(),
        actor=current_actor(),
        assessment=assessment,
        kind=path.kind,
        data=data,
        filename=assessment_service.safe_filename(form.file.filename),
        settings=settings,
        now=now(),
    )
    session.commit()
    return accepted(DatasetQueued, received.job_id, upload_id=received.id)


@bp.get(
    "/assessments/<int:assessment_id>/datasets/<kind>",
    summary="The current version, what changed, the last refusal and pending checks",
    responses={200: DatasetState},
)
def get_dataset(path: DatasetPath):
    assessment = _visible(path.assessment_id, "dataset.read")
    state = dataset_service.state_of(session=db.session(), assessment=assessment, kind=path.kind)
    return respond(DatasetState, state)


@bp.get(
    "/assessments/<int:assessment_id>/datasets/<kind>/rows",
    summary="The rows of the current (or a past) version, a page at a time",
    responses={200: DatasetRowPage},
)
def list_dataset_rows(path: DatasetPath, query: RowsQuery):
    assessment = _visible(path.assessment_id, "dataset.read")
    page = dataset_service.rows_page(
        session=db.session(),
        assessment=assessment,
        kind=path.kind,
        version=query.version,
        limit=page_size(query.limit, current_app.config),
        cursor=query.cursor,
    )
    return respond(DatasetRowPage, page)


@bp.get(
    "/assessments/<int:assessment_id>/datasets/<kind>/problems",
    summary="Every problem of the last refused upload, a page at a time",
    responses={200: DatasetProblemPage},
)
def list_dataset_problems(path: DatasetPath, query: PageQuery):
    assessment = _visible(path.assessment_id, "dataset.read")
    page = dataset_service.problems_page(
        session=db.session(),
        assessment=assessment,
        kind=path.kind,
        limit=page_size(query.limit, current_app.config),
        cursor=query.cursor,
    )
    return respond(DatasetProblemPage, page)


@bp.get(
    "/assessments/<int:assessment_id>/datasets/<kind>/report.xlsx",
    summary="The fix-it workbook of the last refused upload",
    responses={200: None},
)
def dataset_report(path: DatasetPath):
    assessment = _visible(path.assessment_id, "dataset.read")
    data = dataset_service.fixit_report(
        session=db.session(), store=file_store(), assessment=assessment, kind=path.kind
    )
    return download(
        data, filename=f"assessment-{assessment.id}-{path.kind}-fix-it.xlsx", mimetype=XLSX
    )


@bp.get(
    "/datasets/<kind>/template.xlsx",
    summary="A blank workbook with the expected columns and an example row",
    responses={200: None},
    security=[],
)
@public
def dataset_template(path: KindPath):
    policy.require(current_actor(), "dataset.template")
    return download(template_xlsx(path.kind), filename=f"{path.kind}-template.xlsx", mimetype=XLSX)
