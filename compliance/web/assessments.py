"""Assessment pages: the list, an overview with progress and gaps, one form per section."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api.files import XLSX, download, file_store, read_upload
from compliance.assessments import service as assessment_service
from compliance.assessments import workbooks
from compliance.assessments.models import EDITABLE, Assessment, AssessmentCreate
from compliance.clock import now
from compliance.errors import Conflict, InvalidInput
from compliance.jobs.models import Job, JobStatus
from compliance.pagination import page_size
from compliance.web import bp, i18n, login_required
from compliance.web.forms import ConfirmForm
from compliance.web.terms import localized
from questionnaires.model import AnswerType
from questionnaires.view import QuestionnaireView, QuestionView, localize
from questionnaires.visibility import visible_question_ids
from questionnaires.workbook_reader import WorkbookLimits


def _visible(assessment_id: int, action: str) -> Assessment:
    return assessment_service.get_allowed(
        session=db.session(), actor=current_actor(), assessment_id=assessment_id, action=action
    )


def _view(assessment: Assessment) -> QuestionnaireView:
    return localize(assessment_service.questionnaire_of(assessment), i18n.language())


@bp.get("/assessments")
@login_required
def assessments():
    actor = current_actor()
    policy.require(actor, "assessment.list")
    page = assessment_service.page_visible(
        session=db.session(),
        actor=actor,
        limit=page_size(request.args.get("limit", type=int), current_app.config),
        cursor=request.args.get("cursor"),
    )
    return render_template(
        "assessments/list.html",
        assessments=page.items,
        next_cursor=page.next_cursor,
        form=ConfirmForm(),
        can_start=policy.allowed(actor, "assessment.create"),
    )


@bp.post("/assessments")
@login_required
def start_assessment():
    actor = current_actor()
    policy.require(actor, "assessment.create")
    session = db.session()
    key = assessment_service.QUESTIONNAIRE_FOR_KIND[actor.kind]
    assessment = assessment_service.create(
        session=session,
        actor=actor,
        assessment_in=AssessmentCreate(questionnaire_key=key),
        now=now(),
    )
    session.commit()
    return redirect(url_for("web.assessment", assessment_id=assessment.id))


@bp.get("/assessments/<int:assessment_id>")
@login_required
def assessment(assessment_id: int):
    item = _visible(assessment_id, "assessment.read")
    answers, evidence, shown, missing = assessment_service.standing(
        session=db.session(), assessment=item
    )
    actor = current_actor()
    return render_template(
        "assessments/overview.html",
        assessment=item,
        questionnaire=_view(item),
        answers=answers,
        evidence=evidence,
        progress=shown,
        missing=missing,
        form=ConfirmForm(),
        editable=item.status in EDITABLE and policy.allowed(actor, "assessment.edit", item),
        import_job=workbooks.import_job(session=db.session(), assessment=item),
    )


def _form_value(question: QuestionView, form: MultiDict) -> Any:
    """What the browser sent for one question, as the API would receive it."""
    name = f"q_{question.id}"
    if question.type is AnswerType.MULTIPLE_CHOICE:
        return form.getlist(name) or None
    return form.get(name) or None


@bp.route("/assessments/<int:assessment_id>/sections/<section_id>", methods=["GET", "POST"])
@login_required
def assessment_section(assessment_id: int, section_id: str):
    item = _visible(assessment_id, "assessment.read")
    view = _view(item)
    section = next((s for s in view.sections if s.id == section_id), None)
    if section is None:
        abort(404)
    actor = current_actor()
    editable = item.status in EDITABLE and policy.allowed(actor, "assessment.edit", item)
    session = db.session()
    problems: dict[str, str] = {}
    if request.method == "POST":
        policy.require(actor, "assessment.edit", item)
        patch = {
            q.id: _form_value(q, request.form)
            for q in section.questions
            if q.type is not AnswerType.FILE
        }
        try:
            cleared = assessment_service.save_answers(
                session=session, actor=actor, assessment=item, patch=patch, now=now()
            )
        except InvalidInput as exc:
            session.rollback()
            problems = {
                e.pointer.removeprefix("/answers/"): localized(e.detail)
                for e in exc.errors
                if e.pointer
            }
        else:
            session.commit()
            flash(
                gettext("Section %(section)s saved.", section=section.id)
                + (
                    " "
                    + gettext(
                        "Cleared answers that no longer apply: %(cleared)s.",
                        cleared=", ".join(cleared),
                    )
                    if cleared
                    else ""
                )
            )
            if request.form.get("next") == "continue":
                following = [s.id for s in view.sections]
                position = following.index(section.id)
                if position + 1 < len(following):
                    return redirect(
                        url_for(
                            "web.assessment_section",
                            assessment_id=item.id,
                            section_id=following[position + 1],
                        )
                    )
                return redirect(url_for("web.assessment", assessment_id=item.id))
            return redirect(
                url_for("web.assessment_section", assessment_id=item.id, section_id=section.id)
            )
    answers, evidence, shown, _missing = assessment_service.standing(
        session=session, assessment=item
    )
    submitted = {q.id: _form_value(q, request.form) for q in section.questions} if problems else {}
    current = {**answers, **{k: v for k, v in submitted.items() if v is not None}}
    visible = visible_question_ids(assessment_service.questionnaire_of(item), answers)
    refs = assessment_service.evidence_by_question(evidence)
    return render_template(
        "assessments/section.html",
        assessment=item,
        questionnaire=view,
        section=section,
        answers=current,
        visible=visible,
        problems=problems,
        evidence=refs,
        progress=shown,
        editable=editable,
        saved=answers,
        conditions={
            q.id: q.show_if.model_dump(by_alias=True) for q in section.questions if q.show_if
        },
    ), (422 if problems else 200)


@bp.post("/assessments/<int:assessment_id>/evidence")
@login_required
def add_evidence(assessment_id: int):
    item = _visible(assessment_id, "assessment.edit")
    actor = current_actor()
    session = db.session()
    question_id = request.form.get("question_id") or None
    description = (request.form.get("description") or "").strip()[:1000] or None
    try:
        if request.form.get("url"):
            assessment_service.attach_link(
                session=session,
                actor=actor,
                assessment=item,
                url=request.form["url"].strip(),
                question_id=question_id,
                description=description,
                now=now(),
            )
        else:
            max_bytes = current_app.config["EVIDENCE_MAX_BYTES"]
            upload = request.files.get("file")
            data = read_upload(upload, max_bytes=max_bytes, what="evidence file")
            assessment_service.attach_file(
                session=session,
                store=file_store(),
                actor=actor,
                assessment=item,
                data=data,
                filename=upload.filename,
                question_id=question_id,
                description=description,
                max_bytes=max_bytes,
                now=now(),
            )
    except InvalidInput as exc:
        session.rollback()
        flash(gettext("Evidence not added: %(detail)s", detail=localized(exc.detail)))
        return assessment(item.id), exc.status  # the page at once, saying what was refused
    else:
        session.commit()
        flash(gettext("Evidence added."))
    return redirect(url_for("web.assessment", assessment_id=item.id) + "#evidence")


@bp.post("/assessments/<int:assessment_id>/workbook")
@login_required
def import_workbook(assessment_id: int):
    item = _visible(assessment_id, "assessment.edit")
    session = db.session()
    limits = WorkbookLimits(max_bytes=current_app.config["WORKBOOK_MAX_BYTES"])
    upload = request.files.get("file")
    try:
        data = read_upload(upload, max_bytes=limits.max_bytes, what="workbook")
        workbooks.receive_workbook(
            session=session,
            store=file_store(),
            actor=current_actor(),
            assessment=item,
            data=data,
            filename=assessment_service.safe_filename(upload.filename),
            limits=limits,
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        flash(gettext("Workbook not imported: %(detail)s", detail=localized(exc.detail)))
        return assessment(item.id), exc.status  # the page at once, saying what was refused
    session.commit()
    flash(
        gettext(
            "%(filename)s is being imported. This page shows the result when the import is done.",
            filename=assessment_service.safe_filename(upload.filename),
        )
    )
    return redirect(url_for("web.assessment", assessment_id=item.id) + "#excel-heading")


@bp.get("/assessments/<int:assessment_id>/workbook/progress.json")
@login_required
def workbook_progress(assessment_id: int):
    """Polled by static/js/job-progress.js while the last workbook sent is being imported."""
    item = _visible(assessment_id, "assessment.read")
    job = workbooks.import_job(session=db.session(), assessment=item)
    running = job is not None and job.status in (JobStatus.queued, JobStatus.running)
    return jsonify(
        {
            "active": running,
            "label": import_label(job) if running else "",
            "percent": job.progress if running else 100,
        }
    )


@bp.get("/assessments/<int:assessment_id>/workbook/problems")
@login_required
def workbook_problems(assessment_id: int):
    """Every problem the last import found in the workbook's cells."""
    item = _visible(assessment_id, "assessment.read")
    job = workbooks.import_job(session=db.session(), assessment=item)
    result = job.worded_result() if job is not None else {}
    if result.get("outcome") != "invalid":
        abort(404)
    return render_template(
        "assessments/workbook_problems.html", assessment=item, errors=result["errors"]
    )


@bp.app_template_global()
def import_label(job: Job) -> str:
    return gettext("Importing %(filename)s", filename=job.params.get("filename", ""))


@bp.post("/assessments/<int:assessment_id>/submit")
@login_required
def submit_assessment(assessment_id: int):
    item = _visible(assessment_id, "assessment.submit")
    session = db.session()
    try:
        assessment_service.submit(
            session=session, actor=current_actor(), assessment=item, now=now()
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        flash(gettext("Not submitted: %(detail)s", detail=localized(exc.detail)))
    else:
        session.commit()
        flash(gettext("Submitted. The reviewers will check your answers and evidence."))
    return redirect(url_for("web.assessment", assessment_id=item.id))


@bp.get("/assessments/<int:assessment_id>/answers.xlsx")
@login_required
def download_workbook(assessment_id: int):
    item = _visible(assessment_id, "assessment.read")
    data = workbooks.prefilled_template(
        session=db.session(), assessment=item, language=i18n.language()
    )
    return download(data, filename=f"assessment-{item.id}.xlsx", mimetype=XLSX)


@bp.get("/assessments/<int:assessment_id>/answers-report.xlsx")
@login_required
def download_workbook_report(assessment_id: int):
    item = _visible(assessment_id, "assessment.read")
    if item.import_report_sha256 is None:
        abort(404)
    return download(
        file_store().read(item.import_report_sha256),
        filename=f"assessment-{item.id}-problems.xlsx",
        mimetype=XLSX,
    )


@bp.get("/assessments/<int:assessment_id>/evidence/<int:evidence_id>")
@login_required
def download_evidence(assessment_id: int, evidence_id: int):
    item = _visible(assessment_id, "assessment.read")
    evidence = assessment_service.get_evidence(
        session=db.session(), assessment=item, evidence_id=evidence_id
    )
    if evidence.kind != "file":
        return redirect(url_for("web.assessment", assessment_id=item.id) + "#evidence")
    return download(
        file_store().read(evidence.sha256),
        filename=evidence.filename,
        mimetype=evidence.content_type,
    )
