"""Supplier and site pages: the panel on the assessment overview, uploads, problems, downloads.

The API needs a bearer token; these routes serve the same things to the signed-in session.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, lazy_gettext

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api.files import XLSX, download, file_store, read_upload
from compliance.assessments import service as assessment_service
from compliance.assessments.models import EDITABLE, Assessment
from compliance.clock import now
from compliance.datasets import DatasetKind
from compliance.datasets import service as dataset_service
from compliance.datasets.kinds import SPECS, Field
from compliance.datasets.models import DatasetState, DatasetUploadPublic
from compliance.datasets.template import accepts, template_csv, template_xlsx
from compliance.errors import Conflict, InvalidInput
from compliance.jobs.models import Job, JobStatus
from compliance.web import login_required
from compliance.web.terms import localized

bp = Blueprint("web_datasets", __name__)
UPLOAD_ENDPOINT = "web_datasets.upload"
TITLES = {
    DatasetKind.SITES: lazy_gettext("Project sites"),
    DatasetKind.SUPPLIERS: lazy_gettext("Suppliers"),
}
PROBLEMS_SHOWN = 500


@dataclass(frozen=True)
class PanelEntry:
    """One dataset kind as the assessment overview shows it."""

    kind: DatasetKind
    title: str
    state: DatasetState
    fields: tuple[Field, ...]
    percent: int  # how far the check of the first pending upload has got


def _check_job(pending: list[DatasetUploadPublic]) -> Job | None:
    """The job checking the first of the pending uploads, if it is still on record."""
    first = pending[0] if pending else None
    return db.session().get(Job, first.job_id) if first is not None and first.job_id else None


@bp.before_request
def _dataset_body_limit() -> None:
    """Dataset files may be larger than other request bodies (DATASET_MAX_BYTES)."""
    if request.endpoint == UPLOAD_ENDPOINT:
        request.max_content_length = current_app.config["DATASET_MAX_BYTES"] + 2**20


@bp.app_template_global()
def dataset_panel(assessment: Assessment) -> list[PanelEntry]:
    """What the overview's 'Project sites and suppliers' panel shows, per kind."""
    session = db.session()
    entries = []
    for kind in (DatasetKind.SITES, DatasetKind.SUPPLIERS):
        state = dataset_service.state_of(session=session, assessment=assessment, kind=kind)
        job = _check_job(state.pending)
        entries.append(
            PanelEntry(
                kind=kind,
                title=TITLES[kind],
                state=state,
                fields=SPECS[kind].fields,
                percent=job.progress if job else 0,
            )
        )
    return entries


@bp.app_template_global()
def dataset_column_accepts(field: Field) -> str:
    return localized(accepts(field))


def _kind(kind: str) -> DatasetKind:
    try:
        return DatasetKind(kind)
    except ValueError:
        abort(404)


def _visible(assessment_id: int, action: str) -> Assessment:
    return assessment_service.get_allowed(
        session=db.session(), actor=current_actor(), assessment_id=assessment_id, action=action
    )


def _overview(assessment: Assessment) -> Response:
    return redirect(url_for("web.assessment", assessment_id=assessment.id) + "#datasets")


@bp.post("/assessments/<int:assessment_id>/datasets/<kind>")
@login_required
def upload(assessment_id: int, kind: str):
    item = _visible(assessment_id, "dataset.upload")
    dataset_kind = _kind(kind)
    settings = dataset_service.DatasetSettings.from_config(current_app.config)
    session = db.session()
    upload_file = request.files.get("file")
    try:
        data = read_upload(upload_file, max_bytes=settings.max_bytes, what=f"{kind} file")
        received = dataset_service.receive(
            session=session,
            store=file_store(),
            actor=current_actor(),
            assessment=item,
            kind=dataset_kind,
            data=data,
            filename=assessment_service.safe_filename(upload_file.filename),
            settings=settings,
            now=now(),
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        flash(
            gettext(
                "%(dataset)s not uploaded: %(detail)s",
                dataset=TITLES[dataset_kind],
                detail=localized(exc.detail),
            )
        )
        # the overview at once, with the refusal's status (no redirect hiding it)
        return current_app.view_functions["web.assessment"](assessment_id=item.id), exc.status
    session.commit()
    flash(
        gettext(
            "%(dataset)s: %(filename)s is being checked row by row. This page shows the "
            "result when the check is done.",
            dataset=TITLES[dataset_kind],
            filename=received.filename,
        )
    )
    return _overview(item)


@bp.get("/assessments/<int:assessment_id>/datasets/<kind>/progress.json")
@login_required
def progress(assessment_id: int, kind: str):
    """Polled by static/js/job-progress.js while an upload of this kind waits for its check."""
    item = _visible(assessment_id, "dataset.read")
    pending = dataset_service.state_of(
        session=db.session(), assessment=item, kind=_kind(kind)
    ).pending
    job = _check_job(pending)
    running = job is None or job.status in (JobStatus.queued, JobStatus.running)
    return jsonify(
        {
            "active": bool(pending) and running,
            "label": gettext("Checking the rows of %(filename)s", filename=pending[0].filename)
            if pending
            else "",
            "percent": job.progress if job else 0,
        }
    )


def _problems_page(assessment: Assessment, kind: DatasetKind) -> str | None:
    refused = dataset_service.last_refused(
        session=db.session(), assessment_id=assessment.id, kind=kind
    )
    if refused is None or refused.report_sha256 is None:
        return None
    problems = dataset_service.problems_of(refused)
    return render_template(
        "datasets/problems.html",
        assessment=assessment,
        kind=kind,
        title=TITLES[kind],
        upload=dataset_service.upload_public(refused),
        problems=problems[:PROBLEMS_SHOWN],
        listed=len(problems),
        editable=assessment.status in EDITABLE
        and policy.allowed(current_actor(), "dataset.upload", assessment),
    )


@bp.get("/assessments/<int:assessment_id>/datasets/<kind>/problems")
@login_required
def problems(assessment_id: int, kind: str):
    item = _visible(assessment_id, "dataset.read")
    page = _problems_page(item, _kind(kind))
    if page is None:
        abort(404)
    return page


@bp.get("/assessments/<int:assessment_id>/datasets/<kind>/report.xlsx")
@login_required
def report(assessment_id: int, kind: str):
    item = _visible(assessment_id, "dataset.read")
    dataset_kind = _kind(kind)
    data = dataset_service.fixit_report(
        session=db.session(), store=file_store(), assessment=item, kind=dataset_kind
    )
    return download(data, filename=f"assessment-{item.id}-{kind}-fix-it.xlsx", mimetype=XLSX)


@bp.get("/datasets/<kind>/template.<any(xlsx, csv):file_format>")
def template(kind: str, file_format: str):
    policy.require(current_actor(), "dataset.template")
    dataset_kind = _kind(kind)
    if file_format == "csv":
        return download(
            template_csv(dataset_kind),
            filename=f"{kind}-template.csv",
            mimetype="text/csv; charset=utf-8",
        )
    return download(template_xlsx(dataset_kind), filename=f"{kind}-template.xlsx", mimetype=XLSX)
