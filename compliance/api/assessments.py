"""Assessments: start, answer (JSON or xlsx), attach evidence, submit, decide."""

from __future__ import annotations

from typing import Literal

from flask import current_app
from flask_openapi3 import FileStorage
from pydantic import BaseModel, Field

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import accepted, blueprint, respond
from compliance.api.files import XLSX, download, file_store, read_upload
from compliance.assessments import service as assessment_service
from compliance.assessments import workbooks
from compliance.assessments.models import (
    AnswersPatch,
    AnswersSaved,
    Assessment,
    AssessmentCreate,
    AssessmentPublic,
    Decision,
    EvidenceLink,
    EvidencePublic,
)
from compliance.clock import now
from compliance.errors import NotFound, ProblemModel
from compliance.pagination import PageQuery, QueryModel, page_size
from compliance.phrases import Phrase
from questionnaires.workbook_reader import WorkbookLimits

bp = blueprint(
    "api_assessments",
    __name__,
    tag="Assessments",
    description="Self-assessments against the HRD-protection questionnaires",
)


class AssessmentPath(BaseModel):
    assessment_id: int = Field(ge=1, le=2**63 - 1)


class EvidencePath(AssessmentPath):
    evidence_id: int = Field(ge=1, le=2**63 - 1)


class LanguageQuery(QueryModel):
    lang: Literal["en", "es", "fr"] = "en"


class EvidenceUpload(BaseModel):
    file: FileStorage
    question_id: str | None = Field(default=None, max_length=32)
    description: str | None = Field(default=None, max_length=1000)


class WorkbookUpload(BaseModel):
    file: FileStorage


class AssessmentList(BaseModel):
    items: list[AssessmentPublic]
    next_cursor: str | None


class WorkbookQueued(BaseModel):
    job_id: str
    status_url: str


def public_view(assessment: Assessment, **extra: object) -> dict:
    """Everything the API and pages show of an assessment, with its progress and gaps."""
    answers, evidence, shown, missing = assessment_service.standing(
        session=db.session(), assessment=assessment
    )
    return {
        **assessment.model_dump(),
        "answers": answers,
        "evidence": [{**e.model_dump(), "ref": e.ref} for e in evidence],
        "progress_percent": shown.percent,
        "sections": [s.model_dump() for s in shown.sections],
        "missing": [m.model_dump() for m in missing],
        **extra,
    }


def _visible(assessment_id: int, action: str) -> Assessment:
    return assessment_service.get_allowed(
        session=db.session(), actor=current_actor(), assessment_id=assessment_id, action=action
    )


def _workbook_limits() -> WorkbookLimits:
    return WorkbookLimits(max_bytes=current_app.config["WORKBOOK_MAX_BYTES"])


@bp.post("/assessments", summary="Start an assessment", responses={201: AssessmentPublic})
def create_assessment(body: AssessmentCreate):
    actor = current_actor()
    policy.require(actor, "assessment.create")
    session = db.session()
    assessment = assessment_service.create(
        session=session, actor=actor, assessment_in=body, now=now()
    )
    session.commit()
    return respond(AssessmentPublic, public_view(assessment), 201)


@bp.get(
    "/assessments",
    summary="Assessments you can see, newest first, a page at a time",
    responses={200: AssessmentList},
)
def list_assessments(query: PageQuery):
    actor = current_actor()
    policy.require(actor, "assessment.list")
    page = assessment_service.page_visible(
        session=db.session(),
        actor=actor,
        limit=page_size(query.limit, current_app.config),
        cursor=query.cursor,
    )
    return respond(
        AssessmentList,
        {"items": [public_view(a) for a in page.items], "next_cursor": page.next_cursor},
    )


@bp.get(
    "/assessments/<int:assessment_id>",
    summary="An assessment with its answers, progress and gaps",
    responses={200: AssessmentPublic},
)
def get_assessment(path: AssessmentPath):
    return respond(AssessmentPublic, public_view(_visible(path.assessment_id, "assessment.read")))


@bp.patch(
    "/assessments/<int:assessment_id>/answers",
    summary="Save some answers (partial save)",
    responses={200: AnswersSaved},
)
def patch_answers(path: AssessmentPath, body: AnswersPatch):
    assessment = _visible(path.assessment_id, "assessment.edit")
    session = db.session()
    cleared = assessment_service.save_answers(
        session=session, actor=current_actor(), assessment=assessment, patch=body.answers, now=now()
    )
    session.commit()
    return respond(AnswersSaved, public_view(assessment, cleared=cleared))


@bp.get(
    "/assessments/<int:assessment_id>/answers.xlsx",
    summary="The answers workbook, prefilled",
    responses={200: None},
)
def answers_workbook(path: AssessmentPath, query: LanguageQuery):
    assessment = _visible(path.assessment_id, "assessment.read")
    data = workbooks.prefilled_template(
        session=db.session(), assessment=assessment, language=query.lang
    )
    return download(data, filename=f"assessment-{assessment.id}-{query.lang}.xlsx", mimetype=XLSX)


@bp.post(
    "/assessments/<int:assessment_id>/answers.xlsx",
    summary="Import a filled answers workbook",
    description="The workbook is screened as a whole at once (422 if it is not an .xlsx we can "
    "read: macros, zip bomb, XML entities, encrypted...), then imported by a job (202: poll the "
    "job at `Location`). Its result's `outcome` is `imported` (`imported_answers`), `invalid` "
    "(every cell problem in `errors`, the highlighted copy at `report_url`) or `refused` "
    "(`detail` and `errors` say why); all the answers are imported or none.",
    responses={202: WorkbookQueued, 422: ProblemModel},
)
def import_answers_workbook(path: AssessmentPath, form: WorkbookUpload):
    assessment = _visible(path.assessment_id, "assessment.edit")
    limits = _workbook_limits()
    data = read_upload(form.file, max_bytes=limits.max_bytes, what="workbook")
    session = db.session()
    job = workbooks.receive_workbook(
        session=session,
        store=file_store(),
        actor=current_actor(),
        assessment=assessment,
        data=data,
        filename=assessment_service.safe_filename(form.file.filename),
        limits=limits,
    )
    session.commit()
    return accepted(WorkbookQueued, job.id)


@bp.get(
    "/assessments/<int:assessment_id>/answers-report.xlsx",
    summary="The last refused workbook, with each problem highlighted",
    responses={200: None},
)
def answers_report(path: AssessmentPath):
    assessment = _visible(path.assessment_id, "assessment.read")
    if assessment.import_report_sha256 is None:
        raise NotFound(
            Phrase(
                "There is no refused workbook to show: the last import succeeded or none was made."
            )
        )
    data = file_store().read(assessment.import_report_sha256)
    return download(data, filename=f"assessment-{assessment.id}-problems.xlsx", mimetype=XLSX)


@bp.post(
    "/assessments/<int:assessment_id>/evidence",
    summary="Attach an evidence file",
    responses={201: EvidencePublic},
)
def upload_evidence(path: AssessmentPath, form: EvidenceUpload):
    assessment = _visible(path.assessment_id, "assessment.edit")
    max_bytes = current_app.config["EVIDENCE_MAX_BYTES"]
    data = read_upload(form.file, max_bytes=max_bytes, what="evidence file")
    session = db.session()
    evidence = assessment_service.attach_file(
        session=session,
        store=file_store(),
        actor=current_actor(),
        assessment=assessment,
        data=data,
        filename=form.file.filename,
        question_id=form.question_id,
        description=form.description,
        max_bytes=max_bytes,
        now=now(),
    )
    session.commit()
    return respond(EvidencePublic, {**evidence.model_dump(), "ref": evidence.ref}, 201)


@bp.post(
    "/assessments/<int:assessment_id>/evidence/links",
    summary="Attach an evidence link",
    responses={201: EvidencePublic},
)
def link_evidence(path: AssessmentPath, body: EvidenceLink):
    assessment = _visible(path.assessment_id, "assessment.edit")
    session = db.session()
    evidence = assessment_service.attach_link(
        session=session,
        actor=current_actor(),
        assessment=assessment,
        url=str(body.url),
        question_id=body.question_id,
        description=body.description,
        now=now(),
    )
    session.commit()
    return respond(EvidencePublic, {**evidence.model_dump(), "ref": evidence.ref}, 201)


@bp.get(
    "/assessments/<int:assessment_id>/evidence/<int:evidence_id>",
    summary="Download an evidence file",
    responses={200: None},
)
def get_evidence(path: EvidencePath):
    assessment = _visible(path.assessment_id, "assessment.read")
    evidence = assessment_service.get_evidence(
        session=db.session(), assessment=assessment, evidence_id=path.evidence_id
    )
    if evidence.kind != "file":
        raise NotFound(
            Phrase(
                "Evidence %(ref)s is a link, not a file: %(url)s",
                ref=evidence.ref,
                url=evidence.url,
            )
        )
    return download(
        file_store().read(evidence.sha256),
        filename=evidence.filename,
        mimetype=evidence.content_type,
    )


@bp.post(
    "/assessments/<int:assessment_id>/submit",
    summary="Submit for review",
    responses={200: AssessmentPublic},
)
def submit_assessment(path: AssessmentPath):
    assessment = _visible(path.assessment_id, "assessment.submit")
    session = db.session()
    assessment_service.submit(
        session=session, actor=current_actor(), assessment=assessment, now=now()
    )
    session.commit()
    return respond(AssessmentPublic, public_view(assessment))


@bp.post(
    "/assessments/<int:assessment_id>/decision",
    summary="A reviewer's decision",
    responses={200: AssessmentPublic},
)
def decide_assessment(path: AssessmentPath, body: Decision):
    assessment = _visible(path.assessment_id, "assessment.decide")
    session = db.session()
    assessment_service.decide(
        session=session, actor=current_actor(), assessment=assessment, decision=body, now=now()
    )
    session.commit()
    return respond(AssessmentPublic, public_view(assessment))
